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
from npt_protocol.ismp import format_mass, format_number, format_volume, significant_places
from npt_protocol.render.columns import align

# The heading of the fixes under a recipe that cannot be signed.
SIGNABLE_TITLE = "To make it signable"


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
    volume = format_volume(assessment.mixture.volume_ml)
    return [
        "Achieved",
        f"  Volume: {volume}",
        *align(achieved_rows(assessment)),
        *[f"  {fact}" for fact in achieved_facts(assessment)],
    ]


def achieved_rows(assessment: Assessment) -> list[list[str]]:
    """Tabulate each solute: achieved, mg/mL, target and deviation, with a heading row."""
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
    return rows


def achieved_facts(assessment: Assessment) -> list[str]:
    """Say the achieved osmolarity and each solute's load, one sentence a line."""
    mixture = assessment.mixture
    target = assessment.target
    lines = []
    if mixture.osmolarity is not None:
        lines.append(
            f"Osmolarity: {format_number(mixture.osmolarity, places=0)} mOsmol/L, "
            f"{assessment.tonicity} (plasma is about 280 to 310 mOsmol/L; volumes "
            "taken as additive)"
        )
    else:
        lines.append("Osmolarity: not known (see warnings)")
    for solute, grams in assessment.loads_g.items():
        shown = target.shown(solute, grams)
        note = assessment.load_notes.get(solute)
        lines.append(
            f"{target.label(solute).capitalize()} load: {format_mass(shown * 1000)} in "
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
        f"{worst.share_text()}"
    ]


def tolerance_text(assessment: Assessment) -> str:
    """Print the tolerance: '5 %'."""
    return percent_text(assessment.tolerance)


def notes_lines(
    assessment: Assessment, suggestions: Sequence[str] = (), title: str = "To come within tolerance"
) -> list[str]:
    """List cautions, warnings and suggested fixes."""
    lines: list[str] = []
    for heading, items in notes_sections(assessment, suggestions, title):
        lines += ["", heading, *[f"  - {item}" for item in items]]
    return lines


def notes_sections(
    assessment: Assessment, suggestions: Sequence[str] = (), title: str = "To come within tolerance"
) -> list[tuple[str, list[str]]]:
    """Return the cautions, warnings and suggested fixes under their headings, leaving out empty
    ones."""
    sections = [
        ("Cautions", [f"{c.text} ({c.source})" for c in assessment.cautions]),
        ("Warnings", list(assessment.warnings)),
        (title, list(suggestions)),
    ]
    return [(heading, items) for heading, items in sections if items]


def recipe_text(recipe: Recipe) -> str:
    """Render a recipe for the terminal."""
    assessment = recipe.assessment
    lines = dose_lines(assessment, whole="in the whole preparation")
    lines += [target_heading(assessment, recipe.volume_ml), *method_lines(recipe), ""]
    lines += component_table(component_rows(recipe))
    lines += ["", "Steps", *[f"  {i}. {step}" for i, step in enumerate(recipe.steps, 1)], ""]
    lines += assessment_lines(assessment)
    lines += certification_lines(recipe.certification, assessment.target)
    lines.append(verdict_line(recipe))
    lines += notes_lines(assessment, recipe.suggestions, SIGNABLE_TITLE)
    return "\n".join(lines) + "\n"


def method_lines(recipe: Recipe) -> list[str]:
    """Name the method, what it means, and why it was chosen."""
    return [
        f"Method: {recipe.method} ({METHOD_NAMES[recipe.method]}): {METHODS[recipe.method]}.",
        f"  Why this method: {recipe.method_reason}.",
    ]


def component_rows(recipe: Recipe) -> list[list[str]]:
    """Tabulate each component: what to measure, in which syringe, what to open; heading first."""
    rows = [["Product", "Role", "Exact", "Measure", "Syringe", "Open"]]
    for line in recipe.components:
        measured = line.measured
        if measured.measured:
            draws = measured.draws
            syringe = draws[0].syringe.label if len(draws) == 1 else draws_text(draws)
            measure = format_volume(measured.volume_ml)
        else:
            final_mark = format_volume(recipe.measurement.final_mark_ml or 0)
            syringe = f"up to the {final_mark} mark"
            measure = f"about {format_volume(measured.volume_ml)}"
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
    return rows


TABLE_WIDTH = 100  # a terminal's width; the text around the table is wrapped to it


def component_table(rows: list[list[str]]) -> list[str]:
    """Align the component rows; when several draws make a row too wide for a terminal, give
    each row's syringes a line of their own under it."""
    table = align(rows)
    if max(map(len, table)) <= TABLE_WIDTH:
        return table
    lines = []
    for row, printed in zip(rows, align([r[:4] + r[5:] for r in rows]), strict=True):
        lines.append(printed)
        if row is not rows[0]:
            lines.append(f"{' ' * 4}measure with: {row[4]}")
    return lines


def verdict_line(recipe: Recipe) -> str:
    """Say whether the recipe can be signed, and if not why."""
    if recipe.acceptable:
        return (
            f"Result: WITHIN the tolerance of {tolerance_text(recipe.assessment)} on every "
            "solute, every reading within its share, and the volume asked"
        )
    return f"Result: CANNOT BE SIGNED: {'; '.join(recipe.problems)}"


def check_text(target_text: str, portions: Sequence[Portion], assessment: Assessment) -> str:
    """Render a pharmacist's check for the terminal."""
    lines = dose_lines(assessment, whole="in what was drawn")
    lines += [target_heading(assessment, assessment.mixture.volume_ml), "", "Drawn"]
    lines += align(drawn_rows(portions))
    lines += ["", *assessment_lines(assessment)]
    lines.append(check_verdict_line(assessment))
    lines += notes_lines(assessment)
    lines += ["", f"Check: {check_verdict(assessment)}"]
    return "\n".join(lines) + "\n"


def drawn_rows(portions: Sequence[Portion]) -> list[list[str]]:
    """Tabulate what was drawn: product, volume, name."""
    return [[p.product.id, format_volume(p.volume_ml), p.product.name] for p in portions]


def check_verdict_line(assessment: Assessment) -> str:
    """Say whether what was drawn is within the tolerance, and if not for which solutes."""
    tolerance = tolerance_text(assessment)
    if assessment.within_tolerance:
        return f"Result: WITHIN the tolerance of {tolerance} on every solute"
    outside = [
        assessment.target.label(s)
        for s, d in assessment.deviations.items()
        if abs(d) > assessment.tolerance
    ]
    return f"Result: OUTSIDE the tolerance of {tolerance} for {' and '.join(outside)}"


def check_verdict(assessment: Assessment) -> str:
    """Return PASS or FAIL."""
    return "PASS" if assessment.within_tolerance else "FAIL"
