"""From a request to a recipe: solve exactly, measure as a pharmacist would, recompute the mix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import NamedTuple

from npt_protocol.catalogue.products import Catalogue, CautionRule, Product, Stated
from npt_protocol.engine.certify import Certification
from npt_protocol.engine.measured import METHOD_ORDER, METHODS, MeasuredPortion, Measurement, Method
from npt_protocol.engine.safety import DEFAULT_TOLERANCE, DoseCheck, Tonicity, dose_checks, tonicity
from npt_protocol.engine.snap import Choice, choose
from npt_protocol.engine.solver import Mixture, Portion, mix, solve
from npt_protocol.engine.steps import measurement_steps
from npt_protocol.engine.syringes import (
    LOW_FILL_FRACTION,
    ContainerPlan,
    Syringe,
    containers,
    parse_syringe,
    require_measurable,
)
from npt_protocol.errors import NptError
from npt_protocol.ismp import format_composition, format_volume

BATCH_FACTORS = (2, 3, 4, 5, 10)
FINER_SYRINGES = ("1 mL by 0.01 mL", "3 mL by 0.1 mL")
# A batch larger than 10 L is a typo for a PIT session, never a preparation made by hand.
MAX_BATCH_ML = 10_000


@dataclass(frozen=True)
class Assessment:
    """What a mix really is, judged against its target: the part `prepare` and `check` share."""

    target: Stated
    mixture: Mixture
    deviations: Mapping[str, Fraction]
    tolerance: Fraction
    tonicity: Tonicity | None
    doses: tuple[DoseCheck, ...]
    loads_g: Mapping[str, Fraction]
    load_notes: Mapping[str, str]
    cautions: tuple[CautionRule, ...]
    warnings: tuple[str, ...]

    @property
    def within_tolerance(self) -> bool:
        """Say whether every target solute is within the tolerance."""
        return all(abs(d) <= self.tolerance for d in self.deviations.values())

    @property
    def over_dose(self) -> tuple[DoseCheck, ...]:
        """Return the dose-limited solutes of which the whole mix holds more than may be given."""
        return tuple(d for d in self.doses if d.over_limit)


class ComponentLine(NamedTuple):
    """One product in a recipe: its exact and measured volume and the containers to open."""

    product: Product
    measured: MeasuredPortion
    containers: ContainerPlan

    @property
    def role(self) -> str:
        """Return stock or diluent."""
        return self.measured.role


@dataclass(frozen=True)
class Recipe:
    """A complete answer to `npt prepare`."""

    target_text: str
    volume_ml: Fraction
    method: Method
    method_reason: str
    measurement: Measurement
    certification: Certification
    components: tuple[ComponentLine, ...]
    steps: tuple[str, ...]
    assessment: Assessment
    suggestions: tuple[str, ...]
    catalogue_version: str

    @property
    def final_syringe(self) -> Syringe | None:
        """Return the syringe the preparation is made up in, if one is."""
        return self.measurement.final_syringe

    @property
    def made_ml(self) -> Fraction:
        """Return the volume the measured parts make."""
        return self.assessment.mixture.volume_ml

    @property
    def volume_ok(self) -> bool:
        """Say whether the volume made is the one asked, or within the tolerance of it."""
        return abs(self.made_ml - self.volume_ml) <= self.volume_ml * self.assessment.tolerance

    @property
    def acceptable(self) -> bool:
        """Say whether the recipe can be signed: strength, readings and volume all hold."""
        return self.assessment.within_tolerance and self.certification.certified and self.volume_ok

    @property
    def problems(self) -> tuple[str, ...]:
        """List, in words, what keeps the recipe from being signed."""
        found = []
        if not self.assessment.within_tolerance:
            outside = [
                self.assessment.target.label(s)
                for s, d in self.assessment.deviations.items()
                if abs(d) > self.assessment.tolerance
            ]
            found.append(f"{' and '.join(outside)} outside the tolerance")
        worst = self.certification.worst
        if not self.certification.certified and worst is not None:
            found.append(f"{worst.part} cannot be read closely enough ({worst.where()})")
        if not self.volume_ok:
            found.append(
                f"the marks make {format_volume(self.made_ml)}, not the "
                f"{format_volume(self.volume_ml)} asked"
            )
        return tuple(found)


def assess(
    target: Stated,
    portions: Sequence[Portion],
    *,
    catalogue: Catalogue,
    tolerance: Fraction = DEFAULT_TOLERANCE,
    weight_kg: Fraction | None = None,
) -> Assessment:
    """Recompute a mix from the volumes measured and judge it against the target."""
    mixture = mix(portions, catalogue)
    deviations = {
        s: (mixture.composition.get(s, Fraction(0)) - wanted) / wanted
        for s, wanted in target.composition.items()
    }
    warnings: list[str] = []
    for solute, strength in mixture.composition.items():
        if solute not in target.composition:
            warnings.append(
                f"The mix also contains {format_composition({solute: strength}, style='w/v')}, "
                "which the target does not name."
            )
    if mixture.osmolarity is None:
        warnings.append(
            "Osmolarity is not known: "
            f"{', '.join(mixture.unknown_osmolarity)} has no stated osmolarity "
            "(add one in a clinic catalogue)."
        )
    doses = dose_checks(
        mixture.composition, mixture.volume_ml, catalogue=catalogue, weight_kg=weight_kg
    )
    cautions: dict[str, CautionRule] = {}
    for portion in portions:
        for caution in catalogue.caution_rules(
            portion.product.composition, catalogue.osmolarity(portion.product)
        ):
            cautions.setdefault(caution.key, caution)
    loads = {
        name: mixture.solute_mg(name) / 1000
        for name in mixture.composition
        if catalogue.solutes[name].load_note
    }
    return Assessment(
        target=target,
        mixture=mixture,
        deviations=deviations,
        tolerance=tolerance,
        tonicity=None if mixture.osmolarity is None else tonicity(mixture.osmolarity),
        doses=doses,
        loads_g=loads,
        load_notes={name: catalogue.solutes[name].load_note for name in loads},
        cautions=tuple(cautions.values()),
        warnings=tuple(warnings),
    )


def prepare(
    target_text: str,
    *,
    volume_ml: Fraction,
    stocks: Sequence[Product],
    diluent: Product,
    catalogue: Catalogue,
    syringes: Sequence[Syringe],
    method: Method | None = None,
    tolerance: Fraction = DEFAULT_TOLERANCE,
    weight_kg: Fraction | None = None,
    minimum_ml: Fraction | None = None,
) -> Recipe:
    """Work out a complete, measured recipe for a target strength and volume.

    Every method is tried unless one is asked for; `minimum_ml` (a session's need) excludes any
    measurement that would make less.
    """
    target = catalogue.stated(target_text, what="target")
    exact = solve(
        target.composition, volume_ml=volume_ml, stocks=stocks, diluent=diluent, catalogue=catalogue
    )
    for portion in exact:
        require_measurable(portion.volume_ml, syringes, what=portion.product.id)
    choice = _choose(exact, target, volume_ml, syringes, catalogue, tolerance, method, minimum_ml)
    best = choice.best
    by_id = {p.product.id: p.product for p in exact}
    portions = [
        Portion(by_id[m.product_id], m.volume_ml)
        for m in best.measurement.portions
        if m.volume_ml > 0
    ]
    assessment = assess(
        target, portions, catalogue=catalogue, tolerance=tolerance, weight_kg=weight_kg
    )
    lines = tuple(
        ComponentLine(
            product=by_id[m.product_id],
            measured=m,
            containers=containers(m.volume_ml, by_id[m.product_id].sizes_ml),
        )
        for m in best.measurement.portions
    )
    warnings = list(assessment.warnings) + _measurement_warnings(best.measurement, volume_ml)
    warnings += [
        f"{p.product.id} is not needed for this target." for p in exact if p.volume_ml == 0
    ]
    warnings += [
        f"{p.id} is a clinic product ({p.origin}) that takes the name of the shipped {p.replaces}: "
        "check that the label on the shelf matches it."
        for p in by_id.values()
        if p.replaces
    ]
    assessment = replace(assessment, warnings=tuple(warnings))
    recipe = Recipe(
        target_text=target_text,
        volume_ml=volume_ml,
        method=best.measurement.method,
        method_reason=choice.why,
        measurement=best.measurement,
        certification=best.certification,
        components=lines,
        steps=measurement_steps(
            best.measurement,
            by_id,
            {pid: catalogue.drawing_advice(product) for pid, product in by_id.items()},
        ),
        assessment=assessment,
        suggestions=(),
        catalogue_version=catalogue.version,
    )
    if recipe.acceptable or minimum_ml is not None:
        return recipe
    fixes = _suggest_fixes(
        target,
        exact,
        recipe,
        syringes=syringes,
        catalogue=catalogue,
        tolerance=tolerance,
        method=method,
    )
    return replace(recipe, suggestions=fixes)


def _choose(
    exact: Sequence[Portion],
    target: Stated,
    volume_ml: Fraction,
    syringes: Sequence[Syringe],
    catalogue: Catalogue,
    tolerance: Fraction,
    method: Method | None,
    minimum_ml: Fraction | None,
    signable_only: bool = False,
) -> Choice:
    """Choose among every method, or within the one asked for."""
    return choose(
        exact,
        target=target.composition,
        volume_ml=volume_ml,
        syringes=syringes,
        tolerance=tolerance,
        methods=METHOD_ORDER if method is None else (method,),
        minimum_ml=minimum_ml,
        signable_only=signable_only,
    )


def _measurement_warnings(measurement: Measurement, volume_ml: Fraction) -> list[str]:
    """Say where a stock could not be measured on its exact volume, and where a draw fills
    less than about a fifth of its syringe."""
    warnings = []
    for portion in measurement.portions:
        measured = format_volume(portion.volume_ml)
        if portion.role == "stock" and not portion.on_mark:
            warnings.append(
                f"{portion.product_id} is measured as {measured}, not its exact "
                f"{_distinct_volume(portion.exact_ml, portion.volume_ml)}: no syringe in the set "
                "has that mark."
            )
        for draw in portion.draws:
            if draw.volume_ml < draw.syringe.capacity_ml * LOW_FILL_FRACTION:
                warnings.append(
                    f"{portion.product_id}: {format_volume(draw.volume_ml)} is under "
                    f"20 % of the {format_volume(draw.syringe.capacity_ml)} syringe; "
                    "reading it is less precise (USP chapter 1176 advice for graduates)."
                )
    made = measurement.total_ml
    if made != volume_ml:
        side = "less" if made < volume_ml else "more"
        warnings.append(
            f"The marks make {format_volume(made)}, {side} than the "
            f"{format_volume(volume_ml)} asked for."
        )
    return warnings


def _distinct_volume(exact: Fraction, shown: Fraction) -> str:
    """Print an exact volume with enough places to tell it from a measured one."""
    for places in range(3, 7):
        text = format_volume(exact, places=places)
        if text != format_volume(shown, places=places):
            return text
    return format_volume(exact, places=6)


def _suggest_fixes(
    target: Stated,
    exact: Sequence[Portion],
    recipe: Recipe,
    *,
    syringes: Sequence[Syringe],
    catalogue: Catalogue,
    tolerance: Fraction,
    method: Method | None,
) -> tuple[str, ...]:
    """Find what would make the recipe signable: a larger batch, a finer syringe, a dilution."""
    fixes = []
    volume = recipe.volume_ml
    for factor in BATCH_FACTORS:
        scaled = [Portion(p.product, p.volume_ml * factor) for p in exact]
        try:
            trial = _choose(
                scaled,
                target,
                volume * factor,
                syringes,
                catalogue,
                tolerance,
                method,
                None,
                signable_only=True,
            )
        except NptError:
            continue
        if trial.best.acceptable:
            fixes.append(
                f"Make a larger batch: {format_volume(volume * factor)} can be measured "
                f"and signed ({METHODS[trial.best.measurement.method]})."
            )
            break
    finer = sorted({*syringes, *(parse_syringe(t) for t in FINER_SYRINGES)})
    if len(finer) > len(syringes):
        try:
            trial = _choose(
                exact,
                target,
                volume,
                finer,
                catalogue,
                tolerance,
                method,
                None,
                signable_only=True,
            )
        except NptError:
            pass
        else:
            if trial.best.acceptable:
                added = ", ".join(
                    f"'{t}'" for t in FINER_SYRINGES if parse_syringe(t) not in syringes
                )
                fixes.append(f"Add a finer syringe to the set ({added}).")
    worst = recipe.certification.worst
    if worst is not None and not recipe.certification.certified:
        stock = next(
            (p for p in exact if p.product.id == worst.part and p.product is not exact[-1].product),
            None,
        )
        if stock is not None:
            fixes.append(
                f"Make an intermediate dilution of {stock.product.id} first (for "
                "example to a tenth of its strength) and prepare from that, so that "
                "more of it is measured."
            )
    if not fixes:
        fixes.append(
            "Use a stock closer to the target strength, or a larger batch than ten times this one."
        )
    return tuple(fixes)
