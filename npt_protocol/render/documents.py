"""Checklists and sessions as one JSON-ready document that every format renders.

Every output format (terminal, Markdown, HTML, PDF, JSON) is drawn from these dictionaries, so
the facts on each agree by construction; the numbers are printed here once, the ISMP way.
Schema: docs/json-schema.md (npt.checklist/2 and npt.session/2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

from npt_protocol import __version__
from npt_protocol.catalogue.products import Stated
from npt_protocol.engine.results import recipe_data
from npt_protocol.ismp import format_count, format_mass, format_number, format_volume
from npt_protocol.numbers import json_number
from npt_protocol.planning.checklist import Checklist
from npt_protocol.planning.limits import scope_words
from npt_protocol.planning.patient import Patient
from npt_protocol.planning.session import Session, SolutionPlan
from npt_protocol.planning.wording import cite
from npt_protocol.protocol.measures import OutcomeMeasure
from npt_protocol.protocol.model import PRACTICE_DEFAULT_TEXT, Protocol
from npt_protocol.render.doctypes import (
    ChartDoc,
    ChecklistDoc,
    DocumentMeta,
    LogDoc,
    PatientCourseDoc,
    PatientDoc,
    ProtocolMeta,
    RowDoc,
    SessionDoc,
    Sheet,
    SolutionDoc,
)

CHECKLIST_SCHEMA = "npt.checklist/2"
SESSION_SCHEMA = "npt.session/2"


def _time(moment: dt.datetime) -> str:
    """Print a time to the minute, with its offset: '2026-11-25 09:00 +00:00'."""
    return moment.isoformat(sep=" ", timespec="minutes").replace("+", " +")


def document_meta(*, generated_at: dt.datetime, clinic: str | None, paper: str) -> DocumentMeta:
    """Describe the document itself: tool version, time made, clinic and paper."""
    return {
        "tool_version": __version__,
        "generated_at": _time(generated_at),
        "clinic": clinic or "",
        "paper": paper,
    }


def protocol_meta(protocol: Protocol, status_line: str) -> ProtocolMeta:
    """Describe the protocol a sheet comes from: id, version, status and content hash."""
    return {
        "id": protocol.id,
        "title": protocol.title,
        "region": protocol.region,
        "version": protocol.version,
        "status": protocol.status,
        "status_line": status_line,
        "is_template": protocol.is_template,
        "content_hash": protocol.content_hash,
        "origin": protocol.origin,
        "references": [
            {
                "id": r.id,
                "citation": r.citation,
                "doi": r.doi,
                "pmid": r.pmid,
                "url": r.url,
                "unverified": r.unverified,
            }
            for r in protocol.references
        ],
        "notes": protocol.notes,
    }


def patient_data(patient: Patient | None) -> PatientDoc | None:
    """Describe the patient, or None when no --patient was given."""
    if patient is None:
        return None
    born = patient.date_of_birth
    return {
        "id": patient.id,
        "name": patient.name,
        "date_of_birth": None if born is None else born.isoformat(),
    }


def chart_data(protocol: Protocol) -> ChartDoc | None:
    """Say where the protocol's region sits on the body chart, if its file says."""
    chart = protocol.chart
    if chart is None:
        return None
    return {"view": chart.view, "x": json_number(chart.x), "y": json_number(chart.y)}


def checklist_data(
    checklist: Checklist,
    *,
    sheet: Sheet = "trainer",
    patient: Patient | None = None,
    batch: str | None = None,
) -> ChecklistDoc:
    """Turn a checklist into the shared document dictionary: the trainer's sheet (everything) or
    the bedside sheet (one page), for a patient when one is named, with the batch when known."""
    protocol = checklist.protocol
    rows: list[RowDoc] = [
        {
            "number": row.number,
            "side": row.side,
            "nerve": row.nerve,
            "point": row.point,
            "landmark": row.landmark,
            "volume_mL": json_number(row.volume_ml),
            "volume_text": format_volume(row.volume_ml),
            "range_text": _range_text(row.min_ml, row.max_ml),
            "practice_default": row.practice_default,
            "cautions": list(row.cautions),
        }
        for row in checklist.rows
    ]
    limits = protocol.limits
    course = protocol.course
    return {
        "schema": CHECKLIST_SCHEMA,
        "sheet": sheet,
        "patient": patient_data(patient),
        "batch": batch,
        "protocol": protocol_meta(protocol, checklist.status_line),
        "chart": chart_data(protocol),
        "side": checklist.side,
        "solution": checklist.solution,
        "rows": rows,
        "total_points": checklist.total_points,
        "total_points_text": _points(checklist.total_points),
        "total_volume_mL": json_number(checklist.total_volume_ml),
        "total_volume_text": format_volume(checklist.total_volume_ml),
        "limits": {
            "max_points": limits.max_points,
            "max_volume_mL": json_number(limits.max_volume_ml),
            "per": limits.per,
            "source": limits.source,
        },
        "limits_text": (
            f"at most {_points(limits.max_points)} and {format_volume(limits.max_volume_ml)} "
            f"{scope_words(protocol)} {cite(limits.source)}"
        ),
        "indications": list(checklist.indications),
        "warnings": [
            {"kind": group.kind, "heading": group.heading, "items": list(group.items)}
            for group in checklist.warnings
        ],
        "pre_checks": list(checklist.pre_checks),
        "site_cautions": list(checklist.site_cautions),
        "point_cautions": [
            {"label": note.label, "text": note.text, "points": list(note.points)}
            for note in checklist.point_cautions
        ],
        "equipment": list(checklist.equipment),
        "aftercare": list(checklist.aftercare),
        "course": {
            "single_session": course.single_session,
            "interval_days": course.interval_days,
            "typical_sessions_min": course.typical_sessions_min,
            "typical_sessions_max": course.typical_sessions_max,
            "reassess_after_sessions": course.reassess.after_sessions,
        },
        "next_session": checklist.next_session,
        "outcome_measures": [
            {
                "id": m.id,
                "text": f"{m.describe()} [{_measure_source(protocol, m)}]",
                "score_min": json_number(m.score_min),
                "score_max": json_number(m.score_max),
                "better": m.better,
                "mic": None if m.mic is None else json_number(m.mic),
                "mic_unit": m.mic_unit,
                "mic_note": m.mic_note,
                "source": {
                    "id": _measure_source(protocol, m),
                    "citation": m.source.citation,
                    "doi": m.source.doi,
                    "pmid": m.source.pmid,
                    "url": m.source.url,
                    "unverified": None,
                },
            }
            for m in checklist.measures
        ],
        "practice_default_text": PRACTICE_DEFAULT_TEXT,
    }


def _points(count: int) -> str:
    """Print a number of points: '1 point', '10 points'."""
    return f"{format_count(count, 'point')}"


def _measure_source(protocol: Protocol, measure: OutcomeMeasure) -> str:
    """Return the label a measure's source is printed under: the protocol's own reference when
    it cites the same work, else the measure's id."""
    citation = measure.source.citation
    return next((r.id for r in protocol.references if r.citation == citation), measure.id)


def _solution_data(plan: SolutionPlan, reference: str | None) -> SolutionDoc:
    """Describe one solution of a session: volumes, recipe, label, loads and doses injected."""
    label = plan.label
    achieved = plan.recipe.assessment.mixture
    return {
        "composition": plan.composition_text,
        "title": label.contents,
        "regions": [f"{r.checklist.protocol.id} ({r.checklist.side})" for r in plan.regions],
        "injected_mL": json_number(plan.injected_ml),
        "dead_space_mL": json_number(plan.dead_space_ml),
        "margin_percent": json_number(plan.margin * 100),
        "margin_mL": json_number(plan.margin_ml),
        "required_mL": json_number(plan.required_ml),
        "prepare_mL": json_number(plan.prepare_ml),
        "volumes_text": {
            "injected": format_volume(plan.injected_ml),
            "dead_space": format_volume(plan.dead_space_ml),
            "margin": f"{format_volume(plan.margin_ml)} ({format_number(plan.margin * 100)} %)",
            # A need is never printed less than it is: 5.665 mL is "5.67 mL needed".
            "required": format_volume(plan.required_ml, at_least=True),
            "prepare": format_volume(plan.prepare_ml),
        },
        "recipe": recipe_data(plan.recipe),
        "achieved_text": label.intended.describe(
            achieved.composition, style="w/v and mg/mL", places=3, joiner=", "
        ),
        "label": {
            "contents": label.intended.describe(style="w/v and mg/mL", joiner=", "),
            "ingredients_text": ", ".join(
                f"{line.product.id} {format_volume(line.measured.volume_ml)}"
                for line in plan.recipe.components
            ),
            "total_volume_text": format_volume(label.total_volume_ml),
            "prepared_at": _time(label.prepared_at),
            "use_by": _time(label.use_by),
            "rule": label.rule.name,
            "rule_version": label.rule.version,
            "rule_description": label.rule.description,
            "rule_source": label.rule.source,
            "log_reference": reference,
        },
        "loads_injected_text": _loads(plan, plan.injected_ml),
        "doses_injected_text": [
            f"{dose.describe(where='injected')} ({dose.rule_text()})"
            for dose in plan.injected_doses
        ],
    }


def _loads(plan: SolutionPlan, volume_ml: Fraction) -> str | None:
    """Print the load of each reported solute in a volume: what matters in diabetes."""
    assessment = plan.recipe.assessment
    intended = plan.label.intended
    parts = [
        f"{intended.label(solute)} "
        f"{format_mass(intended.shown(solute, assessment.mixture.composition[solute]) * volume_ml)}"
        + (f" ({note})" if (note := assessment.load_notes.get(solute)) else "")
        for solute in assessment.loads_g
    ]
    return ", ".join(parts) or None


def _session_loads(session: Session) -> str | None:
    """Add up each reported solute over every solution prepared (in its canonical form, so that
    strengths stated in different bases add up rightly), printed in the form first stated."""
    totals: dict[str, tuple[Stated, Fraction, str]] = {}
    for plan in session.solutions:
        assessment = plan.recipe.assessment
        for solute, grams in assessment.loads_g.items():
            stated, total, note = totals.setdefault(
                solute, (plan.label.intended, Fraction(0), assessment.load_notes[solute])
            )
            totals[solute] = (stated, total + grams, note)
    parts = [
        f"{stated.label(solute)} {format_mass(stated.shown(solute, grams) * 1000)}"
        + (f" ({note})" if note else "")
        for solute, (stated, grams, note) in totals.items()
    ]
    return ", ".join(parts) or None


def _problems(session: Session) -> list[str]:
    """List what stops the session, first in every format: doses over a limit, unsigned recipes."""
    problems = [
        f"The planned injections give {dose.describe(where='injected')} ({dose.rule_text()}): "
        "give fewer points or a weaker solution."
        for dose in session.doses_over
    ]
    problems += [
        f"The recipe for {plan.label.contents} cannot be signed: {'; '.join(plan.recipe.problems)}."
        for plan in session.unsigned
    ]
    return problems


def session_data(
    session: Session,
    *,
    log: LogDoc | None = None,
    patient: Patient | None = None,
    references: Sequence[str] = (),
    sheet: Sheet = "trainer",
    course: PatientCourseDoc | None = None,
) -> SessionDoc:
    """Turn a session into the shared document dictionary; `log` is the preparation log's
    path, record count and head when the packet names one, `references` the log reference
    of each solution's batch record when one was appended, and `course` the patient's course
    when the packet names a patient."""
    batches = {
        id(region): references[index] if index < len(references) else None
        for index, plan in enumerate(session.solutions)
        for region in plan.regions
    }
    return {
        "schema": SESSION_SCHEMA,
        "patient": patient_data(patient),
        "treatment_syringe_mL": json_number(session.treatment_syringe_ml),
        "weight_kg": None if session.weight_kg is None else json_number(session.weight_kg),
        "regions": [
            {
                "protocol": r.checklist.protocol.id,
                "side": r.checklist.side or "",
                "points": r.checklist.total_points,
                "volume_mL": json_number(r.injected_ml),
                "volume_text": format_volume(r.injected_ml),
                "syringes": r.syringes,
                "dead_space_mL": json_number(r.dead_space_ml),
                "chart": chart_data(r.checklist.protocol),
            }
            for r in session.regions
        ],
        "solutions": [
            _solution_data(plan, references[index] if index < len(references) else None)
            for index, plan in enumerate(session.solutions)
        ],
        "loads_text": _session_loads(session),
        "problems": _problems(session),
        "checklists": [
            checklist_data(r.checklist, sheet=sheet, patient=patient, batch=batches[id(r)])
            for r in session.regions
        ],
        "warnings": list(session.warnings),
        "log": log,
        "log_text": _log_text(log),
        "course": course,
    }


def _log_text(log: LogDoc | None) -> str | None:
    """Say the preparation log's state when the packet was made, to be kept with it."""
    if log is None:
        return None
    count = log["records"]
    return (
        f"Preparation log {log['path']}: {format_count(count, 'record')}, head "
        f"{log['head']} when this packet was made"
    )


def _range_text(low: Fraction, high: Fraction) -> str:
    """Say a point's volume range, or the one volume when the range is a single value."""
    if low == high:
        return format_volume(low)
    return f"{format_volume(low)} to {format_volume(high)}"
