"""Recipes and checks as terminal text."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from npt_protocol.engine.recipe import Assessment, Recipe
from npt_protocol.engine.snap import METHODS
from npt_protocol.engine.solver import Portion
from npt_protocol.ismp import (
    format_mass,
    format_number,
    format_percent,
    format_volume,
    percent_meaning,
    significant_places,
)
from npt_protocol.render.columns import align


def deviation_text(deviation: Fraction) -> str:
    """Say a relative deviation in words: '16.67 % above', '0 %'."""
    percent = abs(deviation) * 100
    if percent == 0:
        return "0 %"
    side = "above" if deviation > 0 else "below"
    return f"{format_number(percent)} % {side}"


def target_heading(target_text: str, assessment: Assessment, volume_ml: Fraction) -> str:
    """Write the heading: each solute's strength with what percent w/v means, and the volume."""
    parts = [
        f"{solute} {percent_meaning(strength)}" for solute, strength in assessment.target.items()
    ]
    return f"Target: {' and '.join(parts)}, {format_volume(volume_ml)}"


def assessment_lines(assessment: Assessment) -> list[str]:
    """Describe the achieved mix, solute by solute, then osmolarity, load and verdict."""
    mixture = assessment.mixture
    rows = [["Solute", "Achieved", "mg/mL", "Target", "Deviation"]]
    for solute, wanted in assessment.target.items():
        got = mixture.composition.get(solute, Fraction(0))
        rows.append(
            [
                solute,
                format_percent(got, places=3),
                format_number(got, places=3),
                format_percent(wanted),
                deviation_text(assessment.deviations[solute]),
            ]
        )
    lines = ["Achieved", f"  Volume: {format_volume(mixture.volume_ml)}", *align(rows)]
    if mixture.osmolarity is not None:
        lines.append(
            f"  Osmolarity: {format_number(mixture.osmolarity, places=0)} mOsmol/L, "
            f"{assessment.tonicity} (plasma is about 280 to 310 mOsmol/L; volumes "
            "taken as additive)"
        )
    else:
        lines.append("  Osmolarity: not known (see warnings)")
    if assessment.dextrose_g is not None:
        lines.append(
            f"  Dextrose load: {format_mass(assessment.dextrose_g * 1000)} in "
            f"{format_volume(mixture.volume_ml)} (dextrose monohydrate, as labelled)"
        )
    if assessment.anaesthetic is not None:
        lines.append(f"  Local anaesthetic: {assessment.anaesthetic.describe()}")
    percent = assessment.tolerance * 100
    tolerance = format_number(percent, places=significant_places(percent, places=2))
    if assessment.within_tolerance:
        lines.append(f"Result: WITHIN the tolerance of {tolerance} % on every solute")
    else:
        outside = [s for s, d in assessment.deviations.items() if abs(d) > assessment.tolerance]
        lines.append(f"Result: OUTSIDE the tolerance of {tolerance} % for {' and '.join(outside)}")
    return lines


def notes_lines(assessment: Assessment, suggestions: Sequence[str] = ()) -> list[str]:
    """List cautions, warnings and suggested fixes."""
    lines: list[str] = []
    for title, items in (
        ("Cautions", [f"{c.text} ({c.source})" for c in assessment.cautions]),
        ("Warnings", list(assessment.warnings)),
        ("To come within tolerance", list(suggestions)),
    ):
        if items:
            lines += ["", title, *[f"  - {item}" for item in items]]
    return lines


def recipe_text(recipe: Recipe) -> str:
    """Render a recipe for the terminal."""
    lines = [
        target_heading(recipe.target_text, recipe.assessment, recipe.volume_ml),
        f"Method: {METHODS[recipe.method]}",
        "",
    ]
    rows = [["Product", "Role", "Exact", "Measure", "Syringe", "Open"]]
    for line in recipe.components:
        draws = line.measured.draws
        syringe = (
            ", ".join(d.syringe.label for d in draws)
            if line.measured.measured
            else "to the final mark"
        )
        measure = (
            " and ".join(format_volume(d.volume_ml) for d in draws)
            if len(draws) > 1
            else format_volume(line.measured.volume_ml)
        )
        rows.append(
            [
                line.product.id,
                line.role,
                format_volume(line.measured.exact_ml),
                measure,
                syringe,
                line.containers.describe(),
            ]
        )
    lines += align(rows)
    lines += ["", "Steps", *[f"  {i}. {step}" for i, step in enumerate(recipe.steps, 1)], ""]
    lines += assessment_lines(recipe.assessment)
    lines += notes_lines(recipe.assessment, recipe.suggestions)
    return "\n".join(lines) + "\n"


def check_text(target_text: str, portions: Sequence[Portion], assessment: Assessment) -> str:
    """Render a pharmacist's check for the terminal."""
    lines = [target_heading(target_text, assessment, assessment.mixture.volume_ml), "", "Drawn"]
    lines += align([[p.product.id, format_volume(p.volume_ml), p.product.name] for p in portions])
    lines += ["", *assessment_lines(assessment), *notes_lines(assessment)]
    verdict = "PASS" if assessment.within_tolerance else "FAIL"
    lines += ["", f"Check: {verdict}"]
    return "\n".join(lines) + "\n"
