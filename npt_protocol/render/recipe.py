"""Recipes and checks as terminal text and as JSON-ready data (schema in docs/json-schema.md)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from npt_protocol import __version__
from npt_protocol.recipe import Assessment, Recipe
from npt_protocol.render.numbers import json_number
from npt_protocol.snap import METHODS
from npt_protocol.solutions import Portion
from npt_protocol.units import (
    format_mass,
    format_number,
    format_percent,
    format_volume,
    percent_meaning,
    significant_places,
)

RECIPE_SCHEMA = "npt.recipe/1"
CHECK_SCHEMA = "npt.check/1"


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Align rows of cells into columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def deviation_text(deviation: Fraction) -> str:
    """Say a relative deviation in words: '16.67 % above', '0 %'."""
    percent = abs(deviation) * 100
    if percent == 0:
        return "0 %"
    side = "above" if deviation > 0 else "below"
    return f"{format_number(percent)} % {side}"


def target_heading(target_text: str, assessment: Assessment, volume_ml: Fraction) -> str:
    """Write the heading: each solute's strength with what percent w/v means, and the volume."""
    parts = [f"{solute} {percent_meaning(strength)}"
             for solute, strength in assessment.target.items()]
    return f"Target: {' and '.join(parts)}, {format_volume(volume_ml)}"


def assessment_lines(assessment: Assessment) -> list[str]:
    """Describe the achieved mix, solute by solute, then osmolarity, load and verdict."""
    mixture = assessment.mixture
    rows = [["Solute", "Achieved", "mg/mL", "Target", "Deviation"]]
    for solute, wanted in assessment.target.items():
        got = mixture.composition.get(solute, Fraction(0))
        rows.append([solute, format_percent(got, places=3), format_number(got, places=3),
                     format_percent(wanted), deviation_text(assessment.deviations[solute])])
    lines = ["Achieved", f"  Volume: {format_volume(mixture.volume_ml)}", *_table(rows)]
    if mixture.osmolarity is not None:
        lines.append(f"  Osmolarity: {format_number(mixture.osmolarity, places=0)} mOsmol/L, "
                     f"{assessment.tonicity} (plasma is about 280 to 310 mOsmol/L; volumes "
                     "taken as additive)")
    else:
        lines.append("  Osmolarity: not known (see warnings)")
    if assessment.dextrose_g is not None:
        lines.append(f"  Dextrose load: {format_mass(assessment.dextrose_g * 1000)} in "
                     f"{format_volume(mixture.volume_ml)} (dextrose monohydrate, as labelled)")
    if assessment.anaesthetic is not None:
        lines.append(f"  Local anaesthetic: {assessment.anaesthetic.describe()}")
    percent = assessment.tolerance * 100
    tolerance = format_number(percent, places=significant_places(percent, places=2))
    if assessment.within_tolerance:
        lines.append(f"Result: WITHIN the tolerance of {tolerance} % on every solute")
    else:
        outside = [s for s, d in assessment.deviations.items() if abs(d) > assessment.tolerance]
        lines.append(f"Result: OUTSIDE the tolerance of {tolerance} % for "
                     f"{' and '.join(outside)}")
    return lines


def notes_lines(assessment: Assessment, suggestions: Sequence[str] = ()) -> list[str]:
    """List cautions, warnings and suggested fixes."""
    lines: list[str] = []
    for title, items in (("Cautions", [f"{c.text} ({c.source})" for c in assessment.cautions]),
                         ("Warnings", list(assessment.warnings)),
                         ("To come within tolerance", list(suggestions))):
        if items:
            lines += ["", title, *[f"  - {item}" for item in items]]
    return lines


def recipe_text(recipe: Recipe) -> str:
    """Render a recipe for the terminal."""
    lines = [target_heading(recipe.target_text, recipe.assessment, recipe.volume_ml),
             f"Method: {METHODS[recipe.method]}", ""]
    rows = [["Product", "Role", "Exact", "Measure", "Syringe", "Open"]]
    for line in recipe.components:
        draws = line.measured.draws
        syringe = ", ".join(d.syringe.label for d in draws) if line.measured.measured else \
            "to the final mark"
        measure = " and ".join(format_volume(d.volume_ml) for d in draws) if len(draws) > 1 \
            else format_volume(line.measured.volume_ml)
        rows.append([line.product.id, line.role, format_volume(line.measured.exact_ml),
                     measure, syringe, line.containers.describe()])
    lines += _table(rows)
    lines += ["", "Steps", *[f"  {i}. {step}" for i, step in enumerate(recipe.steps, 1)], ""]
    lines += assessment_lines(recipe.assessment)
    lines += notes_lines(recipe.assessment, recipe.suggestions)
    return "\n".join(lines) + "\n"


def assessment_data(assessment: Assessment) -> dict[str, Any]:
    """Turn an assessment into the JSON fields `prepare` and `check` share."""
    mixture = assessment.mixture
    return {
        "achieved": {
            "volume_mL": json_number(mixture.volume_ml),
            "concentrations_percent_wv": {s: json_number(c / 10)
                                          for s, c in mixture.composition.items()},
            "concentrations_mg_per_mL": {s: json_number(c) for s, c in mixture.composition.items()},
            "osmolarity_mOsmol_per_L": None if mixture.osmolarity is None
            else json_number(mixture.osmolarity, places=1),
            "tonicity": assessment.tonicity,
            "dextrose_g": None if assessment.dextrose_g is None
            else json_number(assessment.dextrose_g),
        },
        "target": {"concentrations_percent_wv": {s: json_number(c / 10)
                                                 for s, c in assessment.target.items()}},
        "deviation_percent": {s: json_number(d * 100, places=2)
                              for s, d in assessment.deviations.items()},
        "tolerance_percent": json_number(assessment.tolerance * 100),
        "within_tolerance": assessment.within_tolerance,
        "local_anaesthetic": None if assessment.anaesthetic is None else {
            "solute": "lidocaine",
            "total_mg": json_number(assessment.anaesthetic.milligrams),
            "maximum_mg": None if assessment.anaesthetic.maximum_mg is None
            else json_number(assessment.anaesthetic.maximum_mg),
            "over_limit": assessment.anaesthetic.over_limit,
        },
        "cautions": [{"key": c.key, "text": c.text, "source": c.source}
                     for c in assessment.cautions],
        "warnings": list(assessment.warnings),
    }


def recipe_data(recipe: Recipe) -> dict[str, Any]:
    """Turn a recipe into JSON-ready data."""
    components = []
    for line in recipe.components:
        first = line.measured.draws[0].syringe if line.measured.draws else None
        components.append({
            "product": line.product.id,
            "name": line.product.name,
            "role": line.role,
            "exact_volume_mL": json_number(line.measured.exact_ml),
            "volume_mL": json_number(line.measured.volume_ml),
            "syringe_mL": None if first is None else json_number(first.capacity_ml),
            "syringe_marks_mL": None if first is None else json_number(first.graduation_ml),
            "measured": line.measured.measured,
            "draws": [{"syringe_mL": json_number(d.syringe.capacity_ml),
                       "volume_mL": json_number(d.volume_ml)} for d in line.measured.draws],
            "containers": {"size_mL": None if line.containers.size_ml is None
                           else json_number(line.containers.size_ml),
                           "count": line.containers.count},
        })
    data: dict[str, Any] = {
        "schema": RECIPE_SCHEMA,
        "tool_version": __version__,
        "catalogue_version": recipe.catalogue_version,
        "request": {"target": recipe.target_text, "volume_mL": json_number(recipe.volume_ml)},
        "method": recipe.method,
        "method_text": METHODS[recipe.method],
        "final_syringe_mL": None if recipe.final_syringe is None
        else json_number(recipe.final_syringe.capacity_ml),
        "components": components,
        "steps": list(recipe.steps),
    }
    data.update(assessment_data(recipe.assessment))
    data["suggestions"] = list(recipe.suggestions)
    return data


def check_text(target_text: str, portions: Sequence[Portion], assessment: Assessment) -> str:
    """Render a pharmacist's check for the terminal."""
    lines = [target_heading(target_text, assessment, assessment.mixture.volume_ml), "",
             "Drawn"]
    lines += _table([[p.product.id, format_volume(p.volume_ml), p.product.name]
                     for p in portions])
    lines += ["", *assessment_lines(assessment), *notes_lines(assessment)]
    verdict = "PASS" if assessment.within_tolerance else "FAIL"
    lines += ["", f"Check: {verdict}"]
    return "\n".join(lines) + "\n"


def check_data(target_text: str, portions: Sequence[Portion], assessment: Assessment,
               catalogue_version: str) -> dict[str, Any]:
    """Turn a check into JSON-ready data."""
    data: dict[str, Any] = {
        "schema": CHECK_SCHEMA,
        "tool_version": __version__,
        "catalogue_version": catalogue_version,
        "request": {"target": target_text},
        "components": [{"product": p.product.id, "name": p.product.name,
                        "volume_mL": json_number(p.volume_ml)} for p in portions],
    }
    data.update(assessment_data(assessment))
    data["pass"] = assessment.within_tolerance
    return data
