"""Snapping exact volumes to syringe marks: a small search, not a rounding.

For each measured component take the marks a few graduations either side of the exact volume, on
the smallest syringes that hold it; keep the combination whose worst relative strength deviation
is smallest. Deviations up to `grain` (a quarter of the tolerance, from the recipe) count as
equally good, so that among them the total closest to the request wins, a batch that falls
short of it last: a session must not run out. Then: fewer draws, fuller syringes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from npt_protocol.engine.solver import Portion
from npt_protocol.engine.syringes import Draw, Syringe, draw_options, holding
from npt_protocol.errors import MeasurementError
from npt_protocol.ismp import format_volume

Method = Literal["syringe", "container"]
METHODS: dict[Method, str] = {
    "syringe": "draw each stock into one syringe to its mark, then diluent to the final mark",
    "container": "measure each component in its own syringe into a sterile empty container",
}


@dataclass(frozen=True)
class MeasuredPortion:
    """A component as it will be measured: exact volume, the draws, and the volume they give."""

    product_id: str
    exact_ml: Fraction
    draws: tuple[Draw, ...]
    measured: bool = True

    @property
    def volume_ml(self) -> Fraction:
        """Return the volume the draws actually give."""
        return sum((d.volume_ml for d in self.draws), Fraction(0))


@dataclass(frozen=True)
class Snapped:
    """The chosen measurement: one MeasuredPortion per component, and the final syringe if any."""

    method: Method
    portions: tuple[MeasuredPortion, ...]
    final_syringe: Syringe | None
    worst_deviation: Fraction


Score = tuple[Fraction, bool, Fraction, Fraction, int, Fraction]


def snap(
    exact: Sequence[Portion],
    *,
    target: Mapping[str, Fraction],
    method: Method,
    syringes: Sequence[Syringe],
    final_volume_ml: Fraction,
    grain: Fraction = Fraction(0),
) -> Snapped:
    """Choose the marks to measure every component on, best achieved strength first."""
    if method == "syringe":
        return _snap_one_syringe(exact, target, syringes, final_volume_ml, grain)
    needed = [p for p in exact if p.volume_ml > 0]
    option_lists = _options(needed, syringes)
    for portion, options in zip(needed, option_lists, strict=True):
        if not any(options):
            raise MeasurementError(
                f"{portion.product.id} needs "
                f"{format_volume(portion.volume_ml, places=4)}, which no "
                "syringe in the set can measure; add a finer syringe or make "
                "a larger batch."
            )
    # Each option's volume, solute masses and fullness are worked out once, not per combination.
    tallies = [
        [_Tally.of(p, draws, target) for draws in options]
        for p, options in zip(needed, option_lists, strict=True)
    ]
    best: tuple[Score, tuple[_Tally, ...]] | None = None
    for combo in itertools.product(*tallies):
        score = _score(combo, target, final_volume_ml, grain)
        if score is not None and (best is None or score < best[0]):
            best = (score, combo)
    if best is None:
        raise MeasurementError(
            "No combination of syringe marks measures this preparation; make a larger batch."
        )
    portions = tuple(
        MeasuredPortion(p.product.id, p.volume_ml, tally.draws)
        for p, tally in zip(needed, best[1], strict=True)
    )
    return Snapped("container", portions, None, best[0][3])


def _snap_one_syringe(
    exact: Sequence[Portion],
    target: Mapping[str, Fraction],
    syringes: Sequence[Syringe],
    final_volume_ml: Fraction,
    grain: Fraction,
) -> Snapped:
    """Snap stocks to cumulative marks of one syringe and the diluent to the final mark."""
    fitting = holding(final_volume_ml, syringes)
    if not fitting:
        raise MeasurementError(
            f"{format_volume(final_volume_ml)} is more than the largest "
            f"syringe ({format_volume(syringes[-1].capacity_ml)}) holds; use "
            "--method container."
        )
    syringe = fitting[0]
    stocks = [p for p in exact[:-1] if p.volume_ml > 0]
    diluent = exact[-1] if exact[-1].volume_ml > 0 else None
    parts = [*stocks, diluent] if diluent else stocks
    stock_marks = [syringe.marks_near(p.volume_ml, spread=2) for p in stocks]
    finals = syringe.marks_near(final_volume_ml, spread=2)
    best: tuple[Score, list[Fraction]] | None = None
    for combo in itertools.product(*stock_marks):
        drawn = sum(combo, Fraction(0))
        if drawn > syringe.capacity_ml:
            continue  # without diluent the stocks' marks add up past the last mark
        # Without diluent the last stock's mark is the final mark; with it, diluent fills the rest.
        for final in finals if diluent else [drawn]:
            if diluent and final <= drawn:
                continue
            volumes = [*combo, final - drawn] if diluent else [*combo]
            score = _score(
                [
                    _Tally.of(p, (Draw(syringe, v),), target)
                    for p, v in zip(parts, volumes, strict=True)
                ],
                target,
                final_volume_ml,
                grain,
            )
            if score is not None and (best is None or score < best[0]):
                best = (score, volumes)
    if best is None:
        raise MeasurementError(
            f"The marks of the {syringe.label} cannot measure this "
            "preparation; use --method container or a larger batch."
        )
    portions = tuple(
        MeasuredPortion(p.product.id, p.volume_ml, (Draw(syringe, v),), measured=p is not diluent)
        for p, v in zip(parts, best[1], strict=True)
    )
    return Snapped("syringe", portions, syringe, best[0][3])


MAX_COMBINATIONS = 5_000


def _options(
    needed: Sequence[Portion], syringes: Sequence[Syringe]
) -> list[list[tuple[Draw, ...]]]:
    """List each component's candidate draws, narrowing the search when many components would
    make it too large to run in a moment (the nearest marks are always kept)."""
    for spread, choices in ((2, 2), (1, 1), (0, 1)):
        option_lists = [
            draw_options(p.volume_ml, syringes, spread=spread, choices=choices) for p in needed
        ]
        if math.prod(len(options) for options in option_lists) <= MAX_COMBINATIONS:
            break
    return option_lists


@dataclass(frozen=True)
class _Tally:
    """One way to measure one component, summed up for scoring."""

    draws: tuple[Draw, ...]
    volume_ml: Fraction
    masses: tuple[Fraction, ...]  # mg of each target solute, in target order
    fullness: Fraction  # the emptiest draw's share of its syringe

    @classmethod
    def of(cls, portion: Portion, draws: Sequence[Draw], target: Mapping[str, Fraction]) -> _Tally:
        """Sum up the draws of one component."""
        volume = sum((d.volume_ml for d in draws), Fraction(0))
        composition = portion.product.composition
        return cls(
            tuple(draws),
            volume,
            tuple(composition.get(s, Fraction(0)) * volume for s in target),
            min((d.volume_ml / d.syringe.capacity_ml for d in draws), default=Fraction(1)),
        )


def _score(
    tallies: Sequence[_Tally],
    target: Mapping[str, Fraction],
    final_volume_ml: Fraction,
    grain: Fraction,
) -> Score | None:
    """Rank a candidate: strength (deviations up to the grain tie), no shortfall, volume error,
    exact worst deviation, draws, emptiest syringe; lower is better."""
    total = sum((t.volume_ml for t in tallies), Fraction(0))
    if total <= 0:
        return None
    worst = Fraction(0)
    for index, wanted in enumerate(target.values()):
        mass = sum((t.masses[index] for t in tallies), Fraction(0))
        worst = max(worst, abs(mass / total - wanted) / wanted)
    draws = sum(len(t.draws) for t in tallies)
    fullness = min(t.fullness for t in tallies)
    return (
        worst if worst > grain else Fraction(0),
        total < final_volume_ml,
        abs(total - final_volume_ml),
        worst,
        draws,
        -fullness,
    )
