"""Recipes and checks as terminal text."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from npt_protocol.catalogue.products import Stated
from npt_protocol.engine.certify import Certification
from npt_protocol.engine.measured import METHOD_NAMES, METHODS
from npt_protocol.engine.recipe import Assessment, Recipe
from npt_protocol.engine.solver import Portion
from npt_protocol.engine.steps import draws_text
from npt_protocol.ismp import (
    format_mass,
    format_measured_volume,
    format_number,
    format_volume,
    significant_places,
)
from npt_protocol.render.columns import align


def deviation_text(deviation: Fraction) -> str:
    """Say a relative deviation in words: '16.67 % above', '0 %'."""
    percent = abs(deviation) * 100
    if percent == 0:
        return "0 %"
    side = "above" if deviation > 0 else "below"
    return f"{format_number(percent, places=significant_places(percent, places=2))} % {side}"


def percent_text(fraction: Fraction) -> str:
    """Print a fraction as a percent with enough places to be seen: '5 %', '0.25 %'."""
    percent = fraction * 100
    return f"{format_number(percent, places=significant_places(percent, places=2))} %"


def target_heading(assessment: Assessment, volume_ml: Fraction) -> str:
    """Write the heading: each solute's strength, its basis, what percent w/v means, the volume."""
    return f"Target: {assessment.target.describe(style='spelled')}, {format_volume(volume_ml)}"


def dose_lines(assessment: Assessment, *, whole: str) -> list[str]:
    """Say first, in capitals, the most of this solution that may be injected."""
    lines = []
    for dose in assessment.doses:
        lines.append(f"MAXIMUM TO INJECT: {dose.maximum_text()}.")
        if dose.over_limit:
            lines.append(f"WARNING: {dose.describe(where=whole)}: never inject all of it.")
    return lines


def assessment_lines(assessment: Assessment) -> list[str]:
    """Describe the achieved mix, solute by solute, then osmolarity and loads."""
    mixture = assessment.mixture
    target = assessment.target
    rows = [["Solute", "Achieved", "mg/mL", "Target", "Deviation"]]
    for solute, wanted in target.composition.items():
        got = target.shown(solute, mixture.composition.get(solute, Fraction(0)))
        rows.append(
            [
                target.label(solute),
                f"{format_number(got / 10, places=3)} %",
                format_number(got, places=3),
                f"{format_number(target.shown(solute, wanted) / 10, places=3)} %",
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
    for solute, grams in assessment.loads_g.items():
        shown = target.shown(solute, grams)
        note = assessment.load_notes.get(solute)
        lines.append(
            f"  {target.label(solute).capitalize()} load: {format_mass(shown * 1000)} in "
            f"{format_volume(mixture.volume_ml)}" + (f" ({note})" if note else "")
        )
    return lines


def certification_lines(certification: Certification, target: Stated) -> list[str]:
    """Say how the worst reading compares with its share of the tolerance."""
    worst = certification.worst
    if worst is None:
        return []
    verdict = "within" if worst.within_share else "MORE than"
    return [
        f"  Readings: the least precise part is {worst.where()}; it may move the "
        f"{target.label(worst.solute)} strength by {percent_text(worst.relative)}, {verdict} "
        f"its share of {percent_text(worst.share)} of the tolerance"
    ]


def tolerance_text(assessment: Assessment) -> str:
    """Print the tolerance: '5 %'."""
    return percent_text(assessment.tolerance)


def notes_lines(
    assessment: Assessment, suggestions: Sequence[str] = (), title: str = "To come within tolerance"
) -> list[str]:
    """List cautions, warnings and suggested fixes."""
    lines: list[str] = []
    for heading, items in (
        ("Cautions", [f"{c.text} ({c.source})" for c in assessment.cautions]),
        ("Warnings", list(assessment.warnings)),
        (title, list(suggestions)),
    ):
        if items:
            lines += ["", heading, *[f"  - {item}" for item in items]]
    return lines


def recipe_text(recipe: Recipe) -> str:
    """Render a recipe for the terminal."""
    assessment = recipe.assessment
    lines = dose_lines(assessment, whole="in the whole preparation")
    lines += [
        target_heading(assessment, recipe.volume_ml),
        f"Method: {recipe.method} ({METHOD_NAMES[recipe.method]}): {METHODS[recipe.method]}.",
        f"  Why this method: {recipe.method_reason}.",
        "",
    ]
    rows = [["Product", "Role", "Exact", "Measure", "Syringe", "Open"]]
    for line in recipe.components:
        measured = line.measured
        if measured.measured:
            draws = measured.draws
            syringe = draws[0].syringe.label if len(draws) == 1 else draws_text(draws)
            measure = format_measured_volume(measured.volume_ml)
        else:
            final_mark = format_measured_volume(recipe.measurement.final_mark_ml or 0)
            syringe = f"up to the {final_mark} mark"
            measure = f"about {format_measured_volume(measured.volume_ml)}"
        rows.append(
            [
                line.product.id,
                line.role,
                format_volume(measured.exact_ml, places=3),
                measure,
                syringe,
                line.containers.describe(),
            ]
        )
    lines += align(rows)
    lines += ["", "Steps", *[f"  {i}. {step}" for i, step in enumerate(recipe.steps, 1)], ""]
    lines += assessment_lines(assessment)
    lines += certification_lines(recipe.certification, assessment.target)
    if recipe.acceptable:
        lines.append(
            f"Result: WITHIN the tolerance of {tolerance_text(assessment)} on every "
            "solute, every reading within its share, and the volume asked"
        )
    else:
        lines.append(f"Result: CANNOT BE SIGNED: {'; '.join(recipe.problems)}")
    lines += notes_lines(assessment, recipe.suggestions, "To make it signable")
    return "\n".join(lines) + "\n"


def check_text(target_text: str, portions: Sequence[Portion], assessment: Assessment) -> str:
    """Render a pharmacist's check for the terminal."""
    lines = dose_lines(assessment, whole="in what was drawn")
    lines += [target_heading(assessment, assessment.mixture.volume_ml), "", "Drawn"]
    lines += align([[p.product.id, format_volume(p.volume_ml), p.product.name] for p in portions])
    lines += ["", *assessment_lines(assessment)]
    tolerance = tolerance_text(assessment)
    if assessment.within_tolerance:
        lines.append(f"Result: WITHIN the tolerance of {tolerance} on every solute")
    else:
        outside = [s for s, d in assessment.deviations.items() if abs(d) > assessment.tolerance]
        lines.append(f"Result: OUTSIDE the tolerance of {tolerance} for {' and '.join(outside)}")
    lines += notes_lines(assessment)
    verdict = "PASS" if assessment.within_tolerance else "FAIL"
    lines += ["", f"Check: {verdict}"]
    return "\n".join(lines) + "\n"
