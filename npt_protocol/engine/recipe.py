"""From a request to a recipe: solve exactly, snap to syringe marks, recompute what the mix is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from npt_protocol.catalogue.products import Catalogue, Product
from npt_protocol.engine.safety import (
    DEFAULT_TOLERANCE,
    AnaestheticDose,
    Caution,
    Tonicity,
    lidocaine_dose,
    product_cautions,
    tonicity,
)
from npt_protocol.engine.snap import MeasuredPortion, Method, Snapped, snap
from npt_protocol.engine.solver import Mixture, Portion, mix, solve
from npt_protocol.engine.syringes import (
    LOW_FILL_FRACTION,
    ContainerPlan,
    Syringe,
    containers,
    require_measurable,
)
from npt_protocol.errors import MeasurementError, NptError
from npt_protocol.ismp import format_composition, format_percent, format_volume

Role = Literal["stock", "diluent"]
BATCH_FACTORS = (2, 3, 4, 5, 10)
# A batch larger than 10 L is a typo for a PIT session, never a preparation made by hand.
MAX_BATCH_ML = 10_000


@dataclass(frozen=True)
class Assessment:
    """What a mix really is, judged against its target: the part `prepare` and `check` share."""

    target: Mapping[str, Fraction]
    mixture: Mixture
    deviations: Mapping[str, Fraction]
    tolerance: Fraction
    tonicity: Tonicity | None
    anaesthetic: AnaestheticDose | None
    cautions: tuple[Caution, ...]
    warnings: tuple[str, ...]

    @property
    def within_tolerance(self) -> bool:
        """Say whether every target solute is within the tolerance."""
        return all(abs(d) <= self.tolerance for d in self.deviations.values())

    @property
    def dextrose_g(self) -> Fraction | None:
        """Return the grams of dextrose (monohydrate, as labelled) in the whole mix."""
        if "dextrose" not in self.mixture.composition:
            return None
        return self.mixture.solute_mg("dextrose") / 1000


@dataclass(frozen=True)
class ComponentLine:
    """One product in a recipe: its exact and measured volume and the containers to open."""

    product: Product
    role: Role
    measured: MeasuredPortion
    containers: ContainerPlan


@dataclass(frozen=True)
class Recipe:
    """A complete answer to `npt prepare`."""

    target_text: str
    volume_ml: Fraction
    method: Method
    final_syringe: Syringe | None
    components: tuple[ComponentLine, ...]
    steps: tuple[str, ...]
    assessment: Assessment
    suggestions: tuple[str, ...]
    catalogue_version: str


def assess(
    target: Mapping[str, Fraction],
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
        for s, wanted in target.items()
    }
    warnings: list[str] = []
    for solute, strength in mixture.composition.items():
        if solute not in target:
            warnings.append(
                f"The mix also contains {solute} at {format_percent(strength)} w/v, "
                "which the target does not name."
            )
    if mixture.osmolarity is None:
        warnings.append(
            "Osmolarity is not given: "
            f"{', '.join(mixture.unknown_osmolarity)} has no stated osmolarity "
            "(add one in a clinic catalogue)."
        )
    anaesthetic = None
    if "lidocaine" in mixture.composition:
        anaesthetic = lidocaine_dose(mixture.solute_mg("lidocaine"), weight_kg)
        if anaesthetic.over_limit:
            warnings.append(
                f"The whole preparation holds more lidocaine than the label maximum: "
                f"{anaesthetic.describe()}."
            )
    cautions: dict[str, Caution] = {}
    for portion in portions:
        for caution in product_cautions(
            portion.product.composition, catalogue.osmolarity(portion.product)
        ):
            cautions.setdefault(caution.key, caution)
    return Assessment(
        target=target,
        mixture=mixture,
        deviations=deviations,
        tolerance=tolerance,
        tonicity=None if mixture.osmolarity is None else tonicity(mixture.osmolarity),
        anaesthetic=anaesthetic,
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
) -> Recipe:
    """Work out a complete, measured recipe for a target strength and volume."""
    target = catalogue.composition(target_text, what="target")
    exact = solve(target, volume_ml=volume_ml, stocks=stocks, diluent=diluent, catalogue=catalogue)
    for portion in exact:
        require_measurable(portion.volume_ml, syringes, what=portion.product.id)
    chosen, snapped = _snap_with_method(exact, target, method, syringes, volume_ml, tolerance / 4)
    by_id = {p.product.id: p.product for p in exact}
    measured_portions = [Portion(by_id[m.product_id], m.volume_ml) for m in snapped.portions]
    assessment = assess(
        target, measured_portions, catalogue=catalogue, tolerance=tolerance, weight_kg=weight_kg
    )
    lines = tuple(
        ComponentLine(
            product=by_id[m.product_id],
            role="diluent" if by_id[m.product_id] is diluent else "stock",
            measured=m,
            containers=containers(m.volume_ml, by_id[m.product_id].sizes_ml),
        )
        for m in snapped.portions
    )
    warnings = list(assessment.warnings) + _measurement_warnings(snapped)
    made = assessment.mixture.volume_ml
    if abs(made - volume_ml) > volume_ml * tolerance:
        side = "less" if made < volume_ml else "more"
        warnings.append(
            f"The syringe marks make {format_volume(made)}, {side} than the "
            f"{format_volume(volume_ml)} asked for; finer syringes or a larger "
            "batch come closer."
        )
    for portion in exact:
        if portion.volume_ml == 0:
            warnings.append(f"{portion.product.id} is not needed for this target.")
    assessment = replace(assessment, warnings=tuple(warnings))
    suggestions: tuple[str, ...] = ()
    if not assessment.within_tolerance:
        suggestions = _suggest_fixes(
            target,
            exact,
            method=chosen,
            syringes=syringes,
            volume_ml=volume_ml,
            tolerance=tolerance,
        )
    return Recipe(
        target_text=target_text,
        volume_ml=volume_ml,
        method=chosen,
        final_syringe=snapped.final_syringe,
        components=lines,
        steps=tuple(_steps(snapped, lines)),
        assessment=assessment,
        suggestions=suggestions,
        catalogue_version=catalogue.version,
    )


def _snap_with_method(
    exact: Sequence[Portion],
    target: Mapping[str, Fraction],
    method: Method | None,
    syringes: Sequence[Syringe],
    volume_ml: Fraction,
    grain: Fraction,
) -> tuple[Method, Snapped]:
    """Snap with the method asked for; by default one syringe unless a stock would fill under
    a fifth of it, in which case each component is measured in its own syringe."""
    if method is not None:
        return method, snap(
            exact,
            target=target,
            method=method,
            syringes=syringes,
            final_volume_ml=volume_ml,
            grain=grain,
        )
    if syringes[-1].holds(volume_ml):
        one = snap(
            exact,
            target=target,
            method="syringe",
            syringes=syringes,
            final_volume_ml=volume_ml,
            grain=grain,
        )
        if not _measurement_warnings(one):
            return "syringe", one
    return "container", snap(
        exact,
        target=target,
        method="container",
        syringes=syringes,
        final_volume_ml=volume_ml,
        grain=grain,
    )


def _measurement_warnings(snapped: Snapped) -> list[str]:
    """Warn where a draw fills less than about a fifth of its syringe."""
    warnings = []
    for portion in snapped.portions:
        for draw in portion.draws:
            if portion.measured and draw.volume_ml < draw.syringe.capacity_ml * LOW_FILL_FRACTION:
                hint = (
                    " a smaller syringe (--method container) measures it better"
                    if snapped.method == "syringe"
                    else " measuring is less precise"
                )
                warnings.append(
                    f"{portion.product_id}: {format_volume(draw.volume_ml)} is under "
                    f"20 % of the {format_volume(draw.syringe.capacity_ml)} "
                    f"syringe;{hint}."
                )
    return warnings


def _suggest_fixes(
    target: Mapping[str, Fraction],
    exact: Sequence[Portion],
    *,
    method: Method,
    syringes: Sequence[Syringe],
    volume_ml: Fraction,
    tolerance: Fraction,
) -> tuple[str, ...]:
    """Find what would bring the recipe within tolerance: a larger batch or the other method."""
    fixes = []
    for factor in BATCH_FACTORS:
        scaled = [Portion(p.product, p.volume_ml * factor) for p in exact]
        try:
            trial = snap(
                scaled,
                target=target,
                method="container",
                syringes=syringes,
                final_volume_ml=volume_ml * factor,
            )
        except NptError:
            continue
        if trial.worst_deviation <= tolerance:
            fixes.append(
                f"Make a larger batch: {format_volume(volume_ml * factor)} comes within "
                "tolerance (--method container)."
            )
            break
    if method == "syringe":
        try:
            other = snap(
                exact,
                target=target,
                method="container",
                syringes=syringes,
                final_volume_ml=volume_ml,
            )
            if other.worst_deviation <= tolerance:
                fixes.append(
                    "Measure each component in its own syringe: --method container "
                    "comes within tolerance."
                )
        except MeasurementError:
            pass
    if min(s.graduation_ml for s in syringes) > Fraction(1, 100):
        fixes.append("Add a finer syringe to the set, such as '1 mL by 0.01 mL'.")
    if not fixes:
        fixes.append(
            "No larger batch up to ten times this volume comes within tolerance with "
            "these syringes; use a stock closer to the target strength."
        )
    return tuple(fixes)


def _steps(snapped: Snapped, lines: Sequence[ComponentLine]) -> list[str]:
    """Write the preparation steps in the order they are done."""
    steps = []
    if snapped.method == "syringe" and snapped.final_syringe is not None:
        steps.append(f"Take a {snapped.final_syringe.label}.")
        mark = Fraction(0)
        for line in lines:
            mark += line.measured.volume_ml
            verb = "Draw" if line.measured.measured else "Then draw"
            steps.append(
                f"{verb} {line.product.id} ({_describe(line.product)}) to the "
                f"{format_volume(mark)} mark"
                f"{'' if line.measured.measured else ' (the final mark)'}."
            )
        steps.append("Mix by gently inverting the syringe; label it at once.")
        return steps
    steps.append(
        "Take a sterile empty container large enough for "
        f"{format_volume(sum((ln.measured.volume_ml for ln in lines), Fraction(0)))}."
    )
    for line in lines:
        for draw in line.measured.draws:
            steps.append(
                f"Measure {format_volume(draw.volume_ml)} of {line.product.id} "
                f"({_describe(line.product)}) in a {draw.syringe.label} and add it."
            )
    steps.append("Mix gently; label the container at once.")
    return steps


def _describe(product: Product) -> str:
    """Name a product's contents briefly: 'dextrose 50 %' or 'no solute'."""
    return format_composition(product.composition)
