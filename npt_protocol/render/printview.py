"""What the printed formats (HTML, PDF) show beyond the shared documents, decided once for both.

The documents already carry the printed numbers; this adds the few layout facts both printed
formats need (page size, landmarks and cautions once per point, reference lines, recipe volumes
printed the ISMP way) so that the HTML and typst templates contain no logic that could make them
disagree.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from npt_protocol.ismp import format_number
from npt_protocol.render.fragments import (
    draws_text,
    ml_text,
    point_notes,
    reference_lines,
    sheet_heading,
)

# Paper names accepted in meta["paper"] → (CSS @page size, typst paper name).
PAPERS = {"a4": ("A4", "a4"), "letter": ("letter", "us-letter")}


def paper(meta: dict[str, Any]) -> tuple[str, str]:
    """Return the CSS and typst names of the document's paper, or say which are accepted."""
    found = PAPERS.get(str(meta.get("paper", "A4")).strip().lower())
    if found is None:
        raise ValueError(f"paper {meta.get('paper')!r} is not known; expected A4 or Letter.")
    return found


def checklist_view(doc: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """Return the checklist document with a "print" section of layout facts added."""
    protocol = doc["protocol"]
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
            "identity": f"{protocol['id']} version {protocol['version']}, content "
            f"{protocol['content_hash']}",
            "landmarks": point_notes(doc),
            "references": reference_lines(doc),
            "has_practice_default": any(r["practice_default"] for r in doc["rows"]),
            "made": made,
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


def _solution_view(solution: dict[str, Any]) -> dict[str, Any]:
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


def session_view(doc: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """Return the session document with layout facts added to it and to each part."""
    regions = ", ".join(f"{r['protocol']} ({r['side']})" for r in doc["regions"])
    return {
        **doc,
        "solutions": [_solution_view(s) for s in doc["solutions"]],
        "checklists": [checklist_view(c, meta) for c in doc["checklists"]],
        "print": {"document_title": f"Session packet: {regions}", "regions_text": regions},
    }
