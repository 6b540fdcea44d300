"""Plan a whole session: regions and sides → volumes with dead space and margin → recipes → labels.

Pure: the time of preparation and every choice are parameters; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from npt_protocol.catalogue.products import Catalogue, Product, Stated
from npt_protocol.engine.recipe import MAX_BATCH_ML, Recipe, prepare
from npt_protocol.engine.safety import DEFAULT_TOLERANCE, DoseCheck, dose_checks
from npt_protocol.engine.syringes import Syringe, check_syringe_size
from npt_protocol.engine.use_by import DEFAULT_RULE, UseByRule, enabled_rule, use_by_time
from npt_protocol.errors import InputError, MeasurementError
from npt_protocol.ismp import format_volume
from npt_protocol.planning.checklist import Checklist, build_checklist
from npt_protocol.planning.limits import check_session_limits
from npt_protocol.protocol.model import Protocol

DEFAULT_MARGIN = Fraction(10, 100)
# Stocks used for a solute when --from names none for it (override with --from).
DEFAULT_STOCKS = {
    "dextrose": "D50W",
    "mannitol": "mannitol-20",
    "lidocaine": "lidocaine-1",
    "sodium bicarbonate": "bicarb-8.4",
    "sodium chloride": "NS",
}

# Dead space that stays in a syringe and its needle (clinical-facts §4: a study against
# ISO 7886-1:2018). Finer PIT needles (27G to 30G) were not measured: the 21G to 23G figure is
# used, which overstates what they hold, so the session never runs short.
SYRINGE_DEAD_SPACE_ML = (
    (Fraction(5, 2), Fraction(7, 100)),
    (Fraction(5), Fraction(3, 40)),
    (Fraction(10), Fraction(1, 10)),
    (Fraction(60), Fraction(1, 5)),
)
NEEDLE_DEAD_SPACE_ML = Fraction(1, 20)
DEFAULT_TREATMENT_SYRINGE_ML = Fraction(10)


def syringe_dead_space(capacity_ml: Fraction) -> Fraction:
    """Return the dead space of a syringe of this capacity (the next larger size's figure)."""
    for upto, dead in SYRINGE_DEAD_SPACE_ML:
        if capacity_ml <= upto:
            return dead
    return SYRINGE_DEAD_SPACE_ML[-1][1]


@dataclass(frozen=True)
class RegionRequest:
    """One region of the session as the clinician asked for it."""

    protocol: Protocol
    side: str
    points: int | None = None


@dataclass(frozen=True)
class RegionPlan:
    """One region's share of the session: its checklist, syringes and dead space."""

    checklist: Checklist
    syringes: int
    dead_space_ml: Fraction

    @property
    def injected_ml(self) -> Fraction:
        """Return the volume injected in this region."""
        return self.checklist.total_volume_ml


@dataclass(frozen=True)
class Label:
    """What goes on the syringe or container label: the intended strength, as prescribed."""

    intended: Stated
    contents: str
    total_volume_ml: Fraction
    prepared_at: dt.datetime
    use_by: dt.datetime
    rule: UseByRule


@dataclass(frozen=True)
class SolutionPlan:
    """One solution of the session: the regions that use it, the volumes, recipe and label."""

    composition_text: str
    regions: tuple[RegionPlan, ...]
    margin: Fraction
    prepare_ml: Fraction
    recipe: Recipe
    label: Label
    injected_doses: tuple[DoseCheck, ...]

    @property
    def injected_ml(self) -> Fraction:
        """Return the volume all its regions inject."""
        return sum((r.injected_ml for r in self.regions), Fraction(0))

    @property
    def dead_space_ml(self) -> Fraction:
        """Return the dead space of all its treatment syringes and needles."""
        return sum((r.dead_space_ml for r in self.regions), Fraction(0))

    @property
    def margin_ml(self) -> Fraction:
        """Return the extra volume added as a margin."""
        return (self.injected_ml + self.dead_space_ml) * self.margin

    @property
    def required_ml(self) -> Fraction:
        """Return the exact volume needed: injections, dead space and margin."""
        return self.injected_ml + self.dead_space_ml + self.margin_ml


@dataclass(frozen=True)
class Session:
    """A planned session: every region, one recipe and label per solution."""

    regions: tuple[RegionPlan, ...]
    solutions: tuple[SolutionPlan, ...]
    treatment_syringe_ml: Fraction
    weight_kg: Fraction | None
    warnings: tuple[str, ...]

    @property
    def doses_over(self) -> tuple[DoseCheck, ...]:
        """Return every dose-limited solute the planned injections give more of than allowed."""
        return tuple(d for s in self.solutions for d in s.injected_doses if d.over_limit)

    @property
    def unsigned(self) -> tuple[SolutionPlan, ...]:
        """Return the solutions whose recipe cannot be signed."""
        return tuple(s for s in self.solutions if not s.recipe.acceptable)

    @property
    def ok(self) -> bool:
        """Say whether the session can go ahead: every recipe signed, every dose within limits."""
        return not self.doses_over and not self.unsigned


def treatment_syringes(injected_ml: Fraction, treatment_syringe_ml: Fraction) -> int:
    """Count the treatment syringes that deliver a volume: each, filled to its capacity, gives
    that less what it and its needle keep back (a 10 mL syringe gives 9.85 mL)."""
    kept = syringe_dead_space(treatment_syringe_ml) + NEEDLE_DEAD_SPACE_ML
    deliverable = treatment_syringe_ml - kept
    if deliverable <= 0:
        raise InputError(
            f"A {format_volume(treatment_syringe_ml)} treatment syringe keeps back "
            f"{format_volume(kept)} in it and its needle, so it delivers nothing; expected a "
            "treatment syringe such as 3mL or 10mL."
        )
    return max(1, math.ceil(injected_ml / deliverable))


def side_volumes(checklist: Checklist) -> dict[str, Fraction]:
    """Sum a checklist's injections side by side, in the order the sides first appear."""
    per_side: dict[str, Fraction] = {}
    for row in checklist.rows:
        per_side[row.side] = per_side.get(row.side, Fraction(0)) + row.volume_ml
    return per_side


def syringe_shares(injected_ml: Fraction, treatment_syringe_ml: Fraction) -> list[Fraction]:
    """Share a side's injections among its treatment syringes, each giving at most what it
    delivers, the last the rest, so that they add up to exactly the volume injected."""
    count = treatment_syringes(injected_ml, treatment_syringe_ml)
    deliverable = treatment_syringe_ml - syringe_dead_space(treatment_syringe_ml)
    deliverable -= NEEDLE_DEAD_SPACE_ML
    shares, left = [], injected_ml
    for _ in range(count):
        share = min(deliverable, left)
        shares.append(share)
        left -= share
    return shares


def plan_region(request: RegionRequest, treatment_syringe_ml: Fraction) -> RegionPlan:
    """Build a region's checklist and count the treatment syringes that deliver its volume."""
    checklist = build_checklist(request.protocol, side=request.side, points=request.points)
    # Each side treated has its own syringes, labelled with its side.
    syringes = sum(
        treatment_syringes(volume, treatment_syringe_ml)
        for volume in side_volumes(checklist).values()
    )
    dead = syringes * (syringe_dead_space(treatment_syringe_ml) + NEEDLE_DEAD_SPACE_ML)
    return RegionPlan(checklist=checklist, syringes=syringes, dead_space_ml=dead)


def stocks_for(
    composition: Mapping[str, Fraction], chosen: Sequence[Product], catalogue: Catalogue
) -> list[Product]:
    """Pick the stocks that serve a composition: the chosen ones first, defaults for the rest."""
    stocks = [p for p in chosen if any(s in composition for s in p.composition)]
    for solute in composition:
        if not any(solute in p.composition for p in stocks):
            default = DEFAULT_STOCKS.get(solute)
            if default is None:
                raise InputError(f"No stock is given for {solute}; add one with --from.")
            stocks.append(catalogue.product(default))
    return stocks


BATCH_SEARCH_ML = 20  # batches tried above the need: at least 20 mL more, or up to double


def choose_batch(
    text: str,
    *,
    required_ml: Fraction,
    stocks: Sequence[Product],
    diluent: Product,
    catalogue: Catalogue,
    syringes: Sequence[Syringe],
    tolerance: Fraction,
    weight_kg: Fraction | None,
) -> Recipe:
    """Choose the smallest batch, at least what the session needs, that the marks measure and a
    pharmacist could sign; the recipe's measured volume is the batch every output states.

    When no batch up to double the need (or 20 mL more) can be signed, the recipe for the
    smallest batch the marks can measure at all is returned, unsigned, with the fixes it
    suggests (a session cannot act on "make a larger batch" for a batch it did not choose).
    """
    start = max(1, math.ceil(required_ml))  # never round a session's volume down
    measurable: int | None = None
    for volume in range(start, start + max(BATCH_SEARCH_ML, start) + 1):
        try:
            recipe = prepare(
                text,
                volume_ml=Fraction(volume),
                stocks=stocks,
                diluent=diluent,
                catalogue=catalogue,
                syringes=syringes,
                tolerance=tolerance,
                weight_kg=weight_kg,
                minimum_ml=required_ml,
            )
        except MeasurementError:
            continue
        if recipe.acceptable:
            return recipe
        measurable = volume if measurable is None else measurable
    return prepare(
        text,
        volume_ml=Fraction(start if measurable is None else measurable),
        stocks=stocks,
        diluent=diluent,
        catalogue=catalogue,
        syringes=syringes,
        tolerance=tolerance,
        weight_kg=weight_kg,
    )


def _refuse_a_side_twice(requests: Sequence[RegionRequest]) -> None:
    """Refuse a protocol's side asked for twice (bilateral is both sides): its session limits
    hold for each side treated, counted over every row of the protocol."""
    treated: dict[tuple[str, str], str] = {}
    for request in requests:
        side = request.side.strip().lower()
        asked = f"{request.protocol.id}:{side}"
        for each in ("left", "right") if side == "bilateral" else (side,):
            earlier = treated.setdefault((request.protocol.id, each), asked)
            if earlier is not asked:
                raise InputError(
                    f"--region {asked} treats the {each} side of {request.protocol.id}, which "
                    f"--region {earlier} already treats; give each region and side once (use "
                    "--points for more points)."
                )


def plan_session(
    requests: Sequence[RegionRequest],
    *,
    catalogue: Catalogue,
    stocks: Sequence[Product],
    diluent: Product,
    syringes: Sequence[Syringe],
    prepared_at: dt.datetime,
    solution_override: str | None = None,
    margin: Fraction = DEFAULT_MARGIN,
    treatment_syringe_ml: Fraction = DEFAULT_TREATMENT_SYRINGE_ML,
    use_by_rule: str = DEFAULT_RULE,
    enabled_rules: Sequence[str] | None = None,
    tolerance: Fraction = DEFAULT_TOLERANCE,
    weight_kg: Fraction | None = None,
) -> Session:
    """Plan the session: one recipe and one label for each distinct solution."""
    if not requests:
        raise InputError("No region is given; add one with --region, e.g. --region knee:left.")
    _refuse_a_side_twice(requests)
    if not 0 <= margin <= 1:
        raise InputError("The margin must lie between 0 % and 100 %, e.g. 10%.")
    check_syringe_size(treatment_syringe_ml, what="The treatment syringe")
    rule = enabled_rule(use_by_rule, enabled_rules)
    regions = tuple(plan_region(r, treatment_syringe_ml) for r in requests)
    # A protocol's limits hold for the whole session when it says so, over all its regions.
    check_session_limits(
        (region.checklist.protocol, row.side, row.volume_ml)
        for region in regions
        for row in region.checklist.rows
    )
    groups: dict[str, list[RegionPlan]] = {}
    for region in regions:
        text = (
            region.checklist.protocol.solution.composition_text
            if solution_override is None
            else solution_override
        )
        key = " + ".join(f"{s}={v}" for s, v in sorted(catalogue.composition(text).items()))
        groups.setdefault(key, []).append(region)
    solutions = []
    warnings: list[str] = []
    for group in groups.values():
        text = (
            group[0].checklist.protocol.solution.composition_text
            if solution_override is None
            else solution_override
        )
        stated = catalogue.stated(text, what="solution")
        injected = sum((r.injected_ml for r in group), Fraction(0))
        dead = sum((r.dead_space_ml for r in group), Fraction(0))
        required = (injected + dead) * (1 + margin)
        if required > MAX_BATCH_ML:
            raise InputError(
                f"The session needs {format_volume(required)} of {text}, more than "
                "10 L; check the points and the treatment syringe."
            )
        chosen = stocks_for(stated.composition, stocks, catalogue)
        recipe = choose_batch(
            text,
            required_ml=required,
            stocks=chosen,
            diluent=diluent,
            catalogue=catalogue,
            syringes=syringes,
            tolerance=tolerance,
            weight_kg=weight_kg,
        )
        label = Label(
            intended=stated,
            contents=stated.describe(style="w/v"),
            total_volume_ml=recipe.made_ml,
            prepared_at=prepared_at,
            use_by=use_by_time(prepared_at, rule),
            rule=rule,
        )
        doses = dose_checks(
            recipe.assessment.mixture.composition,
            injected,
            catalogue=catalogue,
            weight_kg=weight_kg,
        )
        for dose in doses:
            if dose.over_limit:
                warnings.append(
                    f"The injections of {stated.describe()} give "
                    f"{dose.describe(where='injected')} ({dose.rule_text()})."
                )
        for region in group:
            if region.checklist.protocol.solution.buffer is not None:
                buffer = region.checklist.protocol.solution.buffer
                warnings.append(
                    f"{region.checklist.protocol.id} buffers its solution with "
                    f"{buffer.parts} part {buffer.product} per {buffer.per_parts} "
                    "parts; add it after preparing; strengths shown are before "
                    "buffering."
                )
        solutions.append(
            SolutionPlan(
                composition_text=text,
                regions=tuple(group),
                margin=margin,
                prepare_ml=recipe.made_ml,
                recipe=recipe,
                label=label,
                injected_doses=doses,
            )
        )
    return Session(
        regions=regions,
        solutions=tuple(solutions),
        treatment_syringe_ml=treatment_syringe_ml,
        weight_kg=weight_kg,
        warnings=tuple(warnings),
    )
