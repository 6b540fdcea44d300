"""A recipe and a check as page data, in the words and numbers `npt prepare` and `npt check`
print: every line comes from the command line's renderer (npt_protocol.render.recipe)."""

from __future__ import annotations

from typing import Any

from npt_protocol.engine.recipe import Assessment, Recipe
from npt_protocol.engine.requests import CheckResult
from npt_protocol.ismp import format_volume
from npt_protocol.render.recipe import (
    SIGNABLE_TITLE,
    achieved_facts,
    achieved_rows,
    certification_lines,
    check_verdict,
    check_verdict_line,
    component_rows,
    dose_lines,
    drawn_rows,
    method_lines,
    notes_sections,
    target_heading,
    verdict_line,
)


def _table(rows: list[list[str]]) -> dict[str, Any]:
    """Split a renderer's rows into a heading and a body."""
    return {"head": rows[0], "rows": rows[1:]}


def _achieved(assessment: Assessment) -> dict[str, Any]:
    """The achieved mix: volume, the table of strengths, osmolarity and loads."""
    return {
        "volume": format_volume(assessment.mixture.volume_ml),
        "table": _table(achieved_rows(assessment)),
        "facts": achieved_facts(assessment),
    }


def recipe_view(recipe: Recipe) -> dict[str, Any]:
    """Return what the Prepare page shows of a recipe."""
    assessment = recipe.assessment
    method, why = method_lines(recipe)
    return {
        "passed": recipe.acceptable,
        "verdict": verdict_line(recipe),
        "doses": dose_lines(assessment, whole="in the whole preparation"),
        "heading": target_heading(assessment, recipe.volume_ml),
        "method": method,
        "why": why.strip(),
        "components": _table(component_rows(recipe)),
        "steps": list(recipe.steps),
        "achieved": _achieved(assessment),
        "readings": [
            line.strip() for line in certification_lines(recipe.certification, assessment.target)
        ],
        "notes": notes_sections(assessment, recipe.suggestions, SIGNABLE_TITLE),
    }


def check_view(result: CheckResult) -> dict[str, Any]:
    """Return what the Check page shows of a check."""
    assessment = result.assessment
    return {
        "passed": assessment.within_tolerance,
        "verdict": check_verdict_line(assessment),
        "check": f"Check: {check_verdict(assessment)}",
        "doses": dose_lines(assessment, whole="in what was drawn"),
        "heading": target_heading(assessment, assessment.mixture.volume_ml),
        "drawn": drawn_rows(result.portions),
        "achieved": _achieved(assessment),
        "notes": notes_sections(assessment),
    }
