"""The candidate measurements of each method, following pharmacy practice.

Stocks (the actives) are measured on their exact volume whenever a syringe in the set has that
mark, and the diluent absorbs the rounding; only a stock no syringe can read exactly is snapped to
marks near it. No stock vial is ever entered with a syringe that already holds another product,
so the one-syringe method takes a single stock.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from fractions import Fraction

from npt_protocol.engine.measured import MeasuredPortion, Measurement, Method, Reading
from npt_protocol.engine.solver import Portion
from npt_protocol.engine.syringes import (
    SMALL_FILLS,
    Draw,
    Syringe,
    draw_options,
    exact_draws,
    exact_options,
    holding,
)
from npt_protocol.ismp import format_volume

MAX_COMBINATIONS = 2_000
FINAL_CHOICES = 2  # final syringes tried: the smallest two that hold the volume
# How many marks either side of a volume are tried: a snapped stock takes the marks that bracket
# it; the diluent and the final mark, which absorb the stocks' rounding, one more either side.
STOCK_SPREAD, MAKE_UP_SPREAD = 0, 1


def stock_options(portion: Portion, syringes: Sequence[Syringe]) -> list[tuple[Draw, ...]]:
    """List how a stock may be drawn: on its exact mark when any syringe has it, else near it."""
    exact = exact_options(portion.volume_ml, syringes)
    if exact:
        return exact
    return [draws for draws in _narrowed(portion.volume_ml, syringes, STOCK_SPREAD) if draws]


def _narrowed(
    volume_ml: Fraction, syringes: Sequence[Syringe], spread: int
) -> list[tuple[Draw, ...]]:
    """List draws near a volume: on the two smallest syringes that hold it, or as full draws of
    a smaller syringe and the rest near a mark of another (10 mL and about 1.11 mL)."""
    options = draw_options(volume_ml, syringes, spread=spread, choices=2)
    for full in syringes:
        fills = int(volume_ml // full.capacity_ml)
        if not 1 <= fills <= SMALL_FILLS or volume_ml > syringes[-1].capacity_ml:
            continue
        draws = tuple(Draw(full, full.capacity_ml) for _ in range(fills))
        remainder = volume_ml - fills * full.capacity_ml
        if remainder == 0:
            options.append(draws)
            continue
        finishing = holding(remainder, syringes)[:1]
        options += [
            (*draws, Draw(s, mark))
            for s in finishing
            for mark in s.marks_near(remainder, spread=spread)
        ]
    return list(dict.fromkeys(options))


def _within_budget(option_lists: list[list[tuple[Draw, ...]]]) -> bool:
    """Say whether the combinations of these options are few enough to try every one."""
    return math.prod(len(options) for options in option_lists) <= MAX_COMBINATIONS


def _stock_lists(
    stocks: Sequence[Portion], syringes: Sequence[Syringe]
) -> list[list[tuple[Draw, ...]]]:
    """List each stock's options; when there are too many combinations, keep the first few of
    each (exact ones come simplest first; snapped ones nearest first)."""
    lists = [stock_options(p, syringes) for p in stocks]
    keep = 6
    while not _within_budget(lists) and keep > 1:
        keep -= 1
        lists = [options[:keep] for options in lists]
    return lists


def _stock_portion(portion: Portion, draws: tuple[Draw, ...]) -> MeasuredPortion:
    """Describe a stock measured with these draws."""
    volume = sum((d.volume_ml for d in draws), Fraction(0))
    return MeasuredPortion(portion.product.id, "stock", portion.volume_ml, volume, draws)


def qs(
    stocks: Sequence[Portion], diluent: Portion, volume_ml: Fraction, syringes: Sequence[Syringe]
) -> Iterator[Measurement]:
    """Each stock in its own syringe, into the final syringe, diluent to the final mark."""
    if diluent.volume_ml <= 0 or not stocks:
        return  # nothing to make up to a mark, or no stock to put in first
    for final_syringe in holding(volume_ml, syringes)[:FINAL_CHOICES]:
        finals = (
            [volume_ml]
            if final_syringe.on_mark(volume_ml)
            else final_syringe.marks_near(volume_ml, spread=MAKE_UP_SPREAD)
        )
        for combo in itertools.product(*_stock_lists(stocks, syringes)):
            measured = [_stock_portion(p, d) for p, d in zip(stocks, combo, strict=True)]
            drawn = sum((m.volume_ml for m in measured), Fraction(0))
            readings = [
                Reading(draw.syringe, draw.volume_ml, m.product_id, diluent.product.id)
                for m in measured
                for draw in m.draws
            ]
            for final in finals:
                if final <= drawn:
                    continue
                made_up = MeasuredPortion(
                    diluent.product.id, "diluent", diluent.volume_ml, final - drawn
                )
                yield Measurement(
                    method="qs",
                    portions=(*measured, made_up),
                    readings=(
                        *readings,
                        Reading(final_syringe, final, diluent.product.id, sets_total=True),
                    ),
                    steps=len(readings) + len(measured) + 1,
                    final_syringe=final_syringe,
                    final_mark_ml=final,
                )


def one_syringe(
    stocks: Sequence[Portion], diluent: Portion, volume_ml: Fraction, syringes: Sequence[Syringe]
) -> Iterator[Measurement]:
    """One stock drawn to its mark in one syringe, then diluent to the final mark; or, when no
    stock is needed, the diluent alone drawn to the final mark."""
    if len(stocks) > 1:
        return  # a second stock vial would be entered with a syringe holding the first
    if not stocks:
        yield from _diluent_alone(diluent, volume_ml, syringes)
        return
    stock = stocks[0]
    exact_elsewhere = exact_draws(stock.volume_ml, syringes) is not None
    for syringe in holding(volume_ml, syringes)[:FINAL_CHOICES]:
        if exact_elsewhere and not syringe.on_mark(stock.volume_ml):
            continue  # an active stays on its exact mark when any syringe in the set has it
        marks = (
            [stock.volume_ml]
            if syringe.on_mark(stock.volume_ml)
            else syringe.marks_near(stock.volume_ml, spread=STOCK_SPREAD)
        )
        finals = (
            [volume_ml]
            if syringe.on_mark(volume_ml)
            else syringe.marks_near(volume_ml, spread=MAKE_UP_SPREAD)
        )
        for mark in marks:
            drawn = MeasuredPortion(
                stock.product.id, "stock", stock.volume_ml, mark, (Draw(syringe, mark),)
            )
            if diluent.volume_ml <= 0:
                yield Measurement(
                    "syringe",
                    (drawn,),
                    (Reading(syringe, mark, drawn.product_id, sets_total=True),),
                    1,
                    syringe,
                    mark,
                )
                continue
            for final in finals:
                if final <= mark:
                    continue
                made_up = MeasuredPortion(
                    diluent.product.id, "diluent", diluent.volume_ml, final - mark
                )
                yield Measurement(
                    method="syringe",
                    portions=(drawn, made_up),
                    readings=(
                        Reading(syringe, mark, drawn.product_id, diluent.product.id),
                        Reading(syringe, final, diluent.product.id, sets_total=True),
                    ),
                    steps=2,
                    final_syringe=syringe,
                    final_mark_ml=final,
                )


def _diluent_alone(
    diluent: Portion, volume_ml: Fraction, syringes: Sequence[Syringe]
) -> Iterator[Measurement]:
    """The diluent drawn into one syringe up to the final mark: it is already the target."""
    for syringe in holding(volume_ml, syringes)[:FINAL_CHOICES]:
        finals = (
            [volume_ml]
            if syringe.on_mark(volume_ml)
            else syringe.marks_near(volume_ml, spread=MAKE_UP_SPREAD)
        )
        for final in finals:
            drawn = MeasuredPortion(diluent.product.id, "diluent", diluent.volume_ml, final)
            yield Measurement(
                "syringe",
                (drawn,),
                (Reading(syringe, final, drawn.product_id, sets_total=True),),
                1,
                syringe,
                final,
            )


def container(
    stocks: Sequence[Portion], diluent: Portion, volume_ml: Fraction, syringes: Sequence[Syringe]
) -> Iterator[Measurement]:
    """Every component measured in its own syringe into a sterile empty container."""
    lists = _stock_lists(stocks, syringes)
    diluent_options: list[tuple[Draw, ...]] = [()]
    if diluent.volume_ml > 0:
        exact = exact_options(diluent.volume_ml, syringes, most=3)
        stocks_exact = all(
            sum((d.volume_ml for d in option), Fraction(0)) == p.volume_ml
            for p, options in zip(stocks, lists, strict=True)
            for option in options
        )
        # With every stock on its mark, the diluent on its own exact mark makes the volume and
        # the strength exactly: no snapped diluent can do better.
        near = (
            []
            if exact and stocks_exact
            else [
                d
                for d in _narrowed(diluent.volume_ml, syringes, MAKE_UP_SPREAD)
                if d and d not in exact
            ]
        )
        diluent_options = exact + near
        if not _within_budget([*lists, diluent_options]):
            diluent_options = exact + [
                d for d in _narrowed(diluent.volume_ml, syringes, 0) if d and d not in exact
            ]
    for combo in itertools.product(*lists):
        measured = [_stock_portion(p, d) for p, d in zip(stocks, combo, strict=True)]
        for draws in diluent_options:
            portions = list(measured)
            if draws:
                volume = sum((d.volume_ml for d in draws), Fraction(0))
                portions.append(
                    MeasuredPortion(diluent.product.id, "diluent", diluent.volume_ml, volume, draws)
                )
            readings = tuple(
                Reading(d.syringe, d.volume_ml, m.product_id, sets_total=True)
                for m in portions
                for d in m.draws
            )
            yield Measurement("container", tuple(portions), readings, steps=len(readings))


GENERATORS = {"qs": qs, "syringe": one_syringe, "container": container}


def why_not_possible(
    method: Method, stocks: Sequence[Portion], volume_ml: Fraction, syringes: Sequence[Syringe]
) -> str:
    """Say why a method offers no candidate for this preparation."""
    largest = syringes[-1].capacity_ml
    if method in {"qs", "syringe"} and volume_ml > largest:
        return (
            "needs one syringe that holds the whole volume (the largest holds "
            f"{format_volume(largest)})"
        )
    if method == "syringe" and len(stocks) > 1:
        return (
            "takes one stock only: a second stock vial would be entered with a syringe "
            "that already holds the first"
        )
    if method == "syringe" and not stocks:
        return "has no marks that measure this volume in one syringe"
    if method == "syringe":
        stock = stocks[0]
        exact = format_volume(stock.volume_ml)
        return (
            f"would move {stock.product.id} off its exact {exact} mark: no syringe that holds "
            f"{format_volume(volume_ml)} has that mark"
        )
    if method == "qs" and not stocks:
        return "has no stock to measure: the diluent alone is the target"
    if method == "qs":
        return "needs a diluent to make up to the final mark"
    return "has no marks that measure this preparation"
