"""What the printed formats (HTML, PDF) show beyond the shared documents, decided once for both.

The documents already carry the printed numbers; this adds the few layout facts both printed
formats need (page size, landmarks and cautions once per point, reference lines, recipe volumes
printed the ISMP way) so that the HTML and typst templates contain no logic that could make them
disagree.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from npt_protocol.ismp import format_count, format_number, format_volume
from npt_protocol.render.bodychart import chart_svg, legend, marks
from npt_protocol.render.doctypes import ChecklistDoc, DocumentMeta, SessionDoc, SolutionDoc
from npt_protocol.render.fragments import (
    draws_text,
    ml_text,
    point_notes,
    reference_lines,
    sheet_heading,
)
from npt_protocol.render.patient_course import SESSIONS_HEADER, session_rows

# Paper names accepted in meta["paper"] → (CSS @page size, typst paper name).
PAPERS = {"a4": ("A4", "a4"), "letter": ("letter", "us-letter")}


def paper(meta: DocumentMeta) -> tuple[str, str]:
    """Return the CSS and typst names of the document's paper, or say which are accepted."""
    found = PAPERS.get(str(meta.get("paper", "A4")).strip().lower())
    if found is None:
        raise ValueError(f"paper {meta.get('paper')!r} is not known; expected A4 or Letter.")
    return found


def _patient_text(doc: ChecklistDoc | SessionDoc) -> str:
    """Say who a printed sheet is for, or nothing when no patient is named."""
    patient = doc["patient"]
    if patient is None:
        return ""
    extra = [patient["name"], patient["date_of_birth"] and f"born {patient['date_of_birth']}"]
    shown = ", ".join(x for x in extra if x)
    return patient["id"] + (f" ({shown})" if shown else "")


def _bedside_pages(doc: ChecklistDoc) -> list[dict[str, Any]]:
    """Split a bedside sheet into one page per side, its points grouped by nerve (the nerve
    named once per group, each point's landmark on its first row), with that side's totals."""
    pages: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for row in doc["rows"]:
        if not pages or pages[-1]["side"] != row["side"]:
            pages.append({"side": row["side"], "groups": [], "points": 0, "volume": Fraction(0)})
        page = pages[-1]
        if not page["groups"] or page["groups"][-1]["nerve"] != row["nerve"]:
            page["groups"].append({"nerve": row["nerve"], "rows": []})
        first = (row["side"], row["point"]) not in seen
        seen.add((row["side"], row["point"]))
        page["groups"][-1]["rows"].append(
            {
                "number": row["number"],
                "point": row["point"],
                "landmark": row["landmark"] if first else "",
                "volume_text": row["volume_text"],
                "cautions": ", ".join(row["cautions"]),
            }
        )
        page["points"] += 1
        page["volume"] += Fraction(str(row["volume_mL"]))
    for page in pages:
        count, volume = page.pop("points"), page.pop("volume")
        page["total_text"] = f"{format_count(count, 'point')}, {format_volume(volume)}"
    return pages


def checklist_view(doc: ChecklistDoc, meta: DocumentMeta) -> dict[str, Any]:
    """Return the checklist document with a "print" section of layout facts added."""
    protocol = doc["protocol"]
    found = marks(protocol["id"], doc["side"], doc["chart"])
    heading = sheet_heading(doc)
    made = (
        f"Made by npt {meta['tool_version']} on {meta['generated_at']}"
        + (f" for {meta['clinic']}" if meta["clinic"] else "")
        + "."
    )
    return {
        **doc,
        "print": {
            "heading": heading,
            "document_title": f"Checklist: {heading}",
            "side_text": doc["side"] or "",
            "warn_status": protocol["status"] != "reviewed",
            # The page header (PDF) and footer (HTML) of every page: the patient when named.
            "identity": (f"Patient {_patient_text(doc)} · " if doc["patient"] else "")
            + f"{protocol['id']} version {protocol['version']}, content "
            f"{protocol['content_hash']}",
            "landmarks": point_notes(doc),
            "references": reference_lines(doc),
            "has_practice_default": any(r["practice_default"] for r in doc["rows"]),
            "made": made,
            "patient_text": _patient_text(doc),
            "chart_svg": chart_svg(found, title=f"Body chart: {legend(found)}"),
            "chart_legend": legend(found),
            "bedside": _bedside_pages(doc) if doc["sheet"] == "bedside" else [],
        },
    }


def _measure(component: dict[str, Any], final_mark_ml: float | int | None) -> str:
    """Say how a component is measured: its syringe, each draw when one syringe is not enough,
    or the mark a diluent is made up to."""
    if not component["measured"] or not component["syringe_mL"]:
        return f"up to the {ml_text(final_mark_ml)} mark" if final_mark_ml else "to the final mark"
    draws = component["draws"]
    if len(draws) > 1:
        return draws_text(draws)
    return f"{ml_text(component['syringe_mL'])} syringe"


def _solution_view(solution: SolutionDoc) -> dict[str, Any]:
    """Return one session solution with its recipe rows and achieved figures printed."""
    recipe = solution["recipe"]
    achieved = recipe["achieved"]
    components = [
        {
            "product": c["product"],
            "name": c["name"],
            "role": c["role"],
            "volume_text": ml_text(c["volume_mL"]),
            "measure_text": _measure(c, recipe["final_mark_mL"]),
        }
        for c in recipe["components"]
    ]
    osmolarity = achieved["osmolarity_mOsmol_per_L"]
    tolerance = format_number(Fraction(str(recipe["tolerance_percent"])))
    return {
        **solution,
        "print": {
            "components": components,
            "steps": list(recipe["steps"]),
            "method_text": recipe["method_text"],
            "verdict": f"{'within' if recipe['pass'] else 'NOT signable within'} the tolerance "
            f"of {tolerance} %",
            "within_tolerance": recipe["pass"],
            "osmolarity_text": None
            if osmolarity is None
            else f"{format_number(Fraction(str(osmolarity)), places=0)} mOsmol/L "
            f"({achieved['tonicity']})",
            "cautions": [f"{c['text']} ({c['source']})" for c in recipe["cautions"]],
            "warnings": list(recipe["warnings"]) + list(recipe["suggestions"]),
        },
    }


def session_view(doc: SessionDoc, meta: DocumentMeta) -> dict[str, Any]:
    """Return the session document with layout facts added to it and to each part."""
    regions = ", ".join(f"{r['protocol']} ({r['side']})" for r in doc["regions"])
    found = [m for r in doc["regions"] for m in marks(r["protocol"], r["side"], r["chart"])]
    return {
        **doc,
        "solutions": [_solution_view(s) for s in doc["solutions"]],
        "checklists": [checklist_view(c, meta) for c in doc["checklists"]],
        "print": {
            "document_title": f"Session packet: {regions}",
            "regions_text": regions,
            "patient_text": _patient_text(doc),
            "chart_svg": chart_svg(found, title=f"Body chart: {legend(found)}"),
            "chart_legend": legend(found),
            "course_header": list(SESSIONS_HEADER),
            "course_rows": [] if doc["course"] is None else session_rows(doc["course"]),
        },
    }
