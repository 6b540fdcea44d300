"""A course as one JSON-ready document (npt.course-report/1): every number already printed.

`npt course show`, the report in every format and the summary on a session packet all draw
from this document, so they agree by construction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from fractions import Fraction
from typing import Any

from npt_protocol import __version__
from npt_protocol.course.inputs import ADVERSE_EVENTS, minutes_text
from npt_protocol.course.model import CourseView, FollowUpRecord, SessionRecord
from npt_protocol.course.rules import PRACTICE_DEFAULT, Origin, ResponseRules
from npt_protocol.course.status import change, responds
from npt_protocol.ismp import format_number, format_volume

SCHEMA = "npt.course-report/1"
CSV_COLUMNS = (
    "patient",
    "course",
    "session",
    "version",
    "date",
    "pain_before",
    "pain_after",
    "relief",
    "change_from_baseline",
    "responder",
    "sites",
    "volume",
    "solution",
    "batch",
    "log_ref",
    "adverse",
    "recorded_by",
)


def _source(source: str) -> str:
    """Say a source id, or the practice-default wording."""
    return Origin(source).text if source == PRACTICE_DEFAULT else source


def _adverse_text(codes: tuple[str, ...], note: str | None) -> str:
    """Say the adverse events in words, with the note; 'none' when none was recorded as such."""
    words = [ADVERSE_EVENTS[code] for code in codes if code not in {"none", "other"}]
    if note:
        words.append(note)
    return ", ".join(words) or ("none" if codes else "")


def _session(
    record: SessionRecord, index: int, baseline: int, rules: ResponseRules
) -> dict[str, Any]:
    """Describe one session in force, with its change from the baseline."""
    v = record.values
    moved = change(baseline, v.pain_before)
    return {
        "session": record.number,
        "index": index,
        "version": record.version,
        "date": v.date.isoformat(),
        "pain_before": v.pain_before,
        "pain_after": v.pain_after,
        "relief_minutes": v.relief_minutes,
        "relief_text": "" if v.relief_minutes is None else minutes_text(v.relief_minutes),
        "change_points": moved.points,
        "change_text": "baseline" if index == 1 else moved.text(),
        "responder": index > 1 and responds(rules, baseline, v.pain_before),
        "sites": [{"protocol": s.protocol, "side": s.side, "points": s.points} for s in v.sites],
        "sites_text": "; ".join(s.text() for s in v.sites),
        "volume_text": "" if v.volume_ml is None else format_volume(v.volume_ml),
        "solution": v.solution,
        "batch": v.batch or "",
        "log_ref": v.log_ref or "",
        "adverse": list(v.adverse),
        "adverse_text": _adverse_text(v.adverse, v.adverse_note),
        "adverse_note": v.adverse_note or "",
        "note": v.note or "",
        "recorded_by": record.stamp.recorded_by,
        "recorded_at": record.stamp.recorded_at,
        "amended": record.version > 1,
    }


def _follow_up(record: FollowUpRecord, view: CourseView) -> dict[str, Any]:
    """Describe one follow-up score with its measure's range and whether it changed enough."""
    from npt_protocol.protocol.measures import outcome_measures  # noqa: PLC0415 - attrs

    measure = outcome_measures()[record.measure]
    first = next(f for f in view.follow_ups if f.measure == record.measure)
    baseline = view.status.baseline if record.measure == "nrs-pain" else None
    compared_with: Fraction | None = (
        Fraction(baseline) if baseline is not None else (None if first is record else first.score)
    )
    verdict = ""
    if compared_with is not None and measure.mic is not None:
        improved = measure.improved(compared_with, record.score)
        verdict = (
            f"{'reaches' if improved else 'does not reach'} the minimal important change of "
            f"{format_number(measure.mic)} {'%' if measure.mic_unit == 'percent' else 'points'} "
            f"against {format_number(compared_with)}"
        )
    return {
        "follow_up": record.number,
        "version": record.version,
        "date": record.date.isoformat(),
        "measure": record.measure,
        "score": format_number(record.score),
        "measure_text": measure.describe(),
        "verdict": verdict,
        "source": measure.source.citation,
        "note": record.note or "",
    }


def made_text(moment: dt.datetime) -> str:
    """Print when a document was made, to the minute with its offset, as every document does."""
    return moment.isoformat(sep=" ", timespec="minutes").replace("+", " +")


def report_document(view: CourseView, *, rules: ResponseRules, generated_at: str) -> dict[str, Any]:
    """Describe a course for every output: plan, sessions, status, flags, follow-ups, rules."""
    course, status, plan = view.course, view.status, view.course.plan
    baseline = status.baseline if status.baseline is not None else 0
    interval = f", every {plan.interval_days} days" if plan.interval_days else ""
    return {
        "schema": SCHEMA,
        "patient": view.patient.code,
        "course": course.number,
        "other_courses": list(view.other_courses),
        "open": course.is_open,
        "start_date": course.start_date.isoformat(),
        "regions": [
            {"protocol": r.protocol, "side": r.side, "version": r.protocol_version}
            for r in plan.regions
        ],
        "regions_text": ", ".join(f"{r.protocol} {r.side}" for r in plan.regions),
        "solution": plan.solution,
        "planned_text": f"{plan.planned_min} to {plan.planned_max} sessions{interval}"
        if plan.planned_min != plan.planned_max
        else f"{plan.planned_max} session{'s' * (plan.planned_max != 1)}{interval}",
        "stop_rule": plan.stop_rule,
        "stop_rule_source": _source(plan.stop_rule_source),
        "closed": None
        if course.closure is None
        else {"on": course.closure.closed_on.isoformat(), "reason": course.closure.reason},
        "next_due": None if view.next_due is None else view.next_due.isoformat(),
        "sessions": [
            _session(record, index, baseline, rules)
            for index, record in enumerate(view.sessions, 1)
        ],
        "status": {
            "state": status.state,
            "line": status.line(),
            "sessions": status.sessions,
            "baseline": status.baseline,
            "latest": status.latest,
            "change_points": None if status.change is None else status.change.points,
            "responder": status.responder,
            "first_response": status.first_response,
            "judged_after": status.judged_after,
            "responder_threshold": responder_threshold(rules, status.baseline),
        },
        "flags": [{"rule": f.rule, "text": f.text, "source": f.source} for f in status.flags],
        "follow_ups": [_follow_up(record, view) for record in view.follow_ups],
        "rules": {
            "responder": rules.responder_text(),
            "reconsider": f"not a responder after {status.judged_after} sessions",
            "plateau": f"the last {rules.plateau_sessions} sessions changed pain before by less "
            f"than {rules.plateau_points} point{'s' * (rules.plateau_points != 1)} "
            f"({rules.plateau_origin.text})",
        },
        "document": {"tool_version": __version__, "generated_at": generated_at},
    }


def responder_threshold(rules: ResponseRules, baseline: int | None) -> int | None:
    """Return the highest pain before that counts as a response from this baseline, if any."""
    if baseline is None:
        return None
    meeting = [score for score in range(baseline) if responds(rules, baseline, score)]
    return max(meeting) if meeting else None


def _cell(value: object) -> object:
    """Keep a spreadsheet from running text as a formula: text starting =, +, -, @ is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(doc: dict[str, Any]) -> str:
    """Write the sessions in force as CSV, one row each, with the course's identity."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in doc["sessions"]:
        writer.writerow(
            _cell(cell)
            for cell in [
                doc["patient"],
                doc["course"],
                s["session"],
                s["version"],
                s["date"],
                s["pain_before"],
                "" if s["pain_after"] is None else s["pain_after"],
                s["relief_text"],
                s["change_text"],
                "yes" if s["responder"] else "no",
                s["sites_text"],
                s["volume_text"],
                s["solution"],
                s["batch"],
                s["log_ref"],
                " ".join(s["adverse"]),
                s["recorded_by"],
            ]
        )
    return buffer.getvalue()
