"""Snapping exact volumes to syringe marks: a small search, not a rounding.

For each measured component take the marks a few graduations either side of the exact volume, on
the smallest syringes that hold it; keep the combination whose worst relative strength deviation
is smallest (then: total volume closest to the request, fewer draws, fuller syringes).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from npt_protocol.errors import MeasurementError
from npt_protocol.measure import Draw, Syringe, draw_options, holding
from npt_protocol.solutions import Portion
from npt_protocol.units import format_volume

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


def snap(exact: Sequence[Portion], *, target: Mapping[str, Fraction], method: Method,
         syringes: Sequence[Syringe], final_volume_ml: Fraction) -> Snapped:
    """Choose the marks to measure every component on, best achieved strength first."""
    if method == "syringe":
        return _snap_one_syringe(exact, target, syringes, final_volume_ml)
    needed = [p for p in exact if p.volume_ml > 0]
    option_lists = [draw_options(p.volume_ml, syringes) for p in needed]
    for portion, options in zip(needed, option_lists, strict=True):
        if not any(options):
            raise MeasurementError(f"{portion.product.id} needs "
                                   f"{format_volume(portion.volume_ml, places=4)}, which no "
                                   "syringe in the set can measure; add a finer syringe or make "
                                   "a larger batch.")
    best: tuple[tuple[Fraction, Fraction, int, Fraction], tuple[tuple[Draw, ...], ...]] | None
    best = None
    for combo in itertools.product(*option_lists):
        volumes = [sum((d.volume_ml for d in draws), Fraction(0)) for draws in combo]
        score = _score(needed, volumes, target, final_volume_ml, combo)
        if score is not None and (best is None or score < best[0]):
            best = (score, combo)
    if best is None:
        raise MeasurementError("No combination of syringe marks measures this preparation; "
                               "make a larger batch.")
    portions = tuple(MeasuredPortion(p.product.id, p.volume_ml, draws)
                     for p, draws in zip(needed, best[1], strict=True))
    return Snapped("container", portions, None, best[0][0])


def _snap_one_syringe(exact: Sequence[Portion], target: Mapping[str, Fraction],
                      syringes: Sequence[Syringe], final_volume_ml: Fraction) -> Snapped:
    """Snap stocks to cumulative marks of one syringe and the diluent to the final mark."""
    fitting = holding(final_volume_ml, syringes)
    if not fitting:
        raise MeasurementError(f"{format_volume(final_volume_ml)} is more than the largest "
                               f"syringe ({format_volume(syringes[-1].capacity_ml)}) holds; use "
                               "--method container.")
    syringe = fitting[0]
    stocks = [p for p in exact[:-1] if p.volume_ml > 0]
    diluent = exact[-1] if exact[-1].volume_ml > 0 else None
    parts = [*stocks, diluent] if diluent else stocks
    stock_marks = [syringe.marks_near(p.volume_ml, spread=2) for p in stocks]
    finals = syringe.marks_near(final_volume_ml, spread=2)
    best: tuple[tuple[Fraction, Fraction, int, Fraction], list[Fraction]] | None = None
    for combo in itertools.product(*stock_marks):
        drawn = sum(combo, Fraction(0))
        if drawn > syringe.capacity_ml:
            continue  # without diluent the stocks' marks add up past the last mark
        # Without diluent the last stock's mark is the final mark; with it, diluent fills the rest.
        for final in finals if diluent else [drawn]:
            if diluent and final <= drawn:
                continue
            volumes = [*combo, final - drawn] if diluent else [*combo]
            score = _score(parts, volumes, target, final_volume_ml,
                           [(Draw(syringe, v),) for v in volumes])
            if score is not None and (best is None or score < best[0]):
                best = (score, volumes)
    if best is None:
        raise MeasurementError(f"The marks of the {syringe.label} cannot measure this "
                               "preparation; use --method container or a larger batch.")
    portions = tuple(MeasuredPortion(p.product.id, p.volume_ml, (Draw(syringe, v),),
                                     measured=p is not diluent)
                     for p, v in zip(parts, best[1], strict=True))
    return Snapped("syringe", portions, syringe, best[0][0])


def _score(portions: Sequence[Portion], volumes: Sequence[Fraction],
           target: Mapping[str, Fraction], final_volume_ml: Fraction,
           draws: Sequence[Sequence[Draw]]) -> tuple[Fraction, Fraction, int, Fraction] | None:
    """Rank a candidate: worst relative deviation, volume error, draws, emptiest syringe."""
    total = sum(volumes, Fraction(0))
    if total <= 0:
        return None
    worst = Fraction(0)
    for solute, wanted in target.items():
        mass = sum((p.product.composition.get(solute, Fraction(0)) * v
                    for p, v in zip(portions, volumes, strict=True)), Fraction(0))
        worst = max(worst, abs(mass / total - wanted) / wanted)
    flat = [d for ds in draws for d in ds]
    fullness = min((d.volume_ml / d.syringe.capacity_ml for d in flat), default=Fraction(1))
    return (worst, abs(total - final_volume_ml), len(flat), -fullness)
