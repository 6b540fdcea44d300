"""Syringes, their graduations, and the containers to open for a volume."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from npt_protocol.errors import InputError, MeasurementError
from npt_protocol.ismp import format_measured_volume, format_volume
from npt_protocol.units import parse_volume

# Default syringe set (clinical-facts §4: a common set; brands differ, so it is configuration).
DEFAULT_SYRINGES_TEXT = (
    "1 mL by 0.01 mL",
    "3 mL by 0.1 mL",
    "5 mL by 0.2 mL",
    "10 mL by 0.2 mL",
    "20 mL by 1 mL",
    "30 mL by 1 mL",
    "60 mL by 1 mL",
)
LOW_FILL_FRACTION = Fraction(1, 5)
# Syringes made for injection run from 0.3 mL insulin syringes (marks of 0.005 mL) to 100 mL;
# anything outside these bounds is a typo, not a syringe.
SMALLEST_SYRINGE_ML, LARGEST_SYRINGE_ML = Fraction(1, 10), Fraction(100)
FINEST_MARK_ML = Fraction(1, 1000)  # USP <1176> commentary: do not measure below ~20 % of capacity
# More fills than anyone draws by hand; past it a recipe would run to millions of lines.
MAX_FILLS = 1_000
SMALL_FILLS = 3  # full draws of a syringe smaller than the largest, at most, in one measurement


@dataclass(frozen=True, order=True)
class Syringe:
    """A syringe by its capacity and the spacing of its marks, both in mL."""

    capacity_ml: Fraction
    graduation_ml: Fraction

    @property
    def label(self) -> str:
        """Name the syringe as a clinician would: '10 mL syringe (0.2 mL marks)'."""
        return (
            f"{format_measured_volume(self.capacity_ml)} syringe "
            f"({format_measured_volume(self.graduation_ml)} marks)"
        )

    def holds(self, volume_ml: Fraction) -> bool:
        """Say whether one draw of this syringe can hold the volume."""
        return 0 < volume_ml <= self.capacity_ml

    def on_mark(self, volume_ml: Fraction) -> bool:
        """Say whether the volume falls exactly on one of the marks."""
        return (volume_ml / self.graduation_ml).denominator == 1

    @property
    def reading_error_ml(self) -> Fraction:
        """Return how far a reading may be off: half a graduation."""
        return self.graduation_ml / 2

    def marks_near(self, volume_ml: Fraction, *, spread: int) -> list[Fraction]:
        """Return the marks within `spread` graduations either side of a volume, up to capacity."""
        steps = volume_ml / self.graduation_ml
        low, high = math.floor(steps) - spread, math.ceil(steps) + spread
        marks = (n * self.graduation_ml for n in range(max(low, 1), high + 1))
        return [m for m in marks if m <= self.capacity_ml]


class Draw(NamedTuple):
    """One fill of one syringe to one mark."""

    syringe: Syringe
    volume_ml: Fraction


def parse_syringe(text: str) -> Syringe:
    """Parse '10 mL by 0.2 mL' (or '10mL/0.2mL') into a Syringe."""
    match = re.fullmatch(r"\s*(.+?)\s*(?:\bby\b|/|@)\s*(.+?)\s*", text)
    if not match:
        raise InputError(
            f"syringe {text!r} is not a syringe; expected capacity and marks such "
            "as '10 mL by 0.2 mL'."
        )
    capacity = parse_volume(match.group(1), what=f"syringe {text!r} capacity")
    graduation = parse_volume(match.group(2), what=f"syringe {text!r} marks")
    check_syringe_size(capacity, what=f"syringe {text!r}")
    if graduation < FINEST_MARK_ML:
        raise InputError(
            f"syringe {text!r} has marks finer than 0.001 mL; expected marks such "
            "as 0.01 mL or 0.2 mL."
        )
    if graduation > capacity or (capacity / graduation).denominator != 1:
        raise InputError(
            f"syringe {text!r} has marks that do not divide its capacity; expected "
            "such as '10 mL by 0.2 mL'."
        )
    return Syringe(capacity, graduation)


def check_syringe_size(capacity_ml: Fraction, *, what: str) -> None:
    """Refuse a syringe capacity outside what injection syringes come in."""
    if not SMALLEST_SYRINGE_ML <= capacity_ml <= LARGEST_SYRINGE_ML:
        raise InputError(
            f"{what} holds {format_volume(capacity_ml, places=4)}; expected a "
            f"syringe of {format_volume(SMALLEST_SYRINGE_ML)} to "
            f"{format_volume(LARGEST_SYRINGE_ML)}."
        )


def syringe_set(texts: Iterable[str] | None = None) -> tuple[Syringe, ...]:
    """Return the syringe set, smallest first; the default set when none is given."""
    syringes = sorted({parse_syringe(t) for t in (texts or DEFAULT_SYRINGES_TEXT)})
    if not syringes:
        raise InputError("The syringe set is empty; give at least one such as '10 mL by 0.2 mL'.")
    return tuple(syringes)


def holding(volume_ml: Fraction, syringes: Sequence[Syringe]) -> list[Syringe]:
    """Return the syringes that hold the volume in one draw, smallest first."""
    return [s for s in syringes if s.holds(volume_ml)]


def draw_options(
    volume_ml: Fraction, syringes: Sequence[Syringe], *, spread: int = 2, choices: int = 2
) -> list[tuple[Draw, ...]]:
    """List ways to measure about a volume: marks near it on the smallest syringes that hold it.

    A volume larger than the largest syringe takes full draws of that syringe plus one draw for
    the remainder.
    """
    if volume_ml <= 0:
        return [()]
    largest = syringes[-1]
    if volume_ml > largest.capacity_ml * MAX_FILLS:
        raise MeasurementError(
            f"{format_volume(volume_ml)} takes more than {MAX_FILLS:,} fills "
            f"of the largest syringe ({format_volume(largest.capacity_ml)}); "
            "add a larger syringe to the set or make a smaller batch."
        )
    full = 0
    if volume_ml > largest.capacity_ml:
        full = int(volume_ml // largest.capacity_ml)
        remainder = volume_ml - full * largest.capacity_ml
    else:
        remainder = volume_ml
    fills = tuple(Draw(largest, largest.capacity_ml) for _ in range(full))
    if remainder == 0:
        return [fills]
    options = [
        (*fills, Draw(s, mark))
        for s in holding(remainder, syringes)[:choices]
        for mark in s.marks_near(remainder, spread=spread)
    ]
    if full:
        options.append(fills)  # the remainder may be small enough to drop within tolerance
    return options


def exact_options(
    volume_ml: Fraction, syringes: Sequence[Syringe], *, most: int = 6
) -> list[tuple[Draw, ...]]:
    """List ways to measure a volume exactly on marks, fewest and most precise draws first.

    One draw on a syringe that has the mark; or full draws of one syringe and the remainder on
    the mark of another (15 mL as a full 10 mL syringe and 5 mL more reads closer than 15 mL on
    a 20 mL syringe marked every millilitre).
    """
    if volume_ml <= 0:
        return [()]
    if volume_ml > syringes[-1].capacity_ml * MAX_FILLS:
        return []
    found: list[tuple[Draw, ...]] = [
        (Draw(s, volume_ml),) for s in holding(volume_ml, syringes) if s.on_mark(volume_ml)
    ]
    for full in syringes:
        most_fills = int(volume_ml // full.capacity_ml)
        if full != syringes[-1] and most_fills > SMALL_FILLS:
            continue  # a dozen fills of a small syringe is no way to measure anything
        for fills in {most_fills, most_fills - 1} - {0, -1}:
            draws = tuple(Draw(full, full.capacity_ml) for _ in range(fills))
            remainder = volume_ml - fills * full.capacity_ml
            if remainder == 0:
                found.append(draws)
                continue
            finishing = next(
                (s for s in holding(remainder, syringes) if s.on_mark(remainder)), None
            )
            if finishing is not None:
                found.append((*draws, Draw(finishing, remainder)))
    # Keep the options no other beats on both counts: as few draws, and as close a reading.
    kept: list[tuple[Draw, ...]] = []
    scored = sorted(
        dict.fromkeys(found), key=lambda d: (len(d), sum(x.syringe.reading_error_ml for x in d))
    )
    for draws in scored:
        error = sum(d.syringe.reading_error_ml for d in draws)
        if not any(sum(d.syringe.reading_error_ml for d in other) <= error for other in kept):
            kept.append(draws)  # sorted by count first: anything kept has no more draws
    return kept[:most]


def exact_draws(volume_ml: Fraction, syringes: Sequence[Syringe]) -> tuple[Draw, ...] | None:
    """Return the simplest way to measure a volume exactly on marks, or None when none does."""
    options = exact_options(volume_ml, syringes)
    return options[0] if options else None


@dataclass(frozen=True)
class ContainerPlan:
    """How many containers of which size to open for a volume."""

    size_ml: Fraction | None
    count: int

    def describe(self) -> str:
        """Say what to open: '1 × 50 mL' or 'size not in the catalogue'."""
        if self.size_ml is None:
            return "container size not in the catalogue"
        unit = "container" if self.count == 1 else "containers"
        return f"{self.count} {unit} of {format_volume(self.size_ml)}"


def containers(volume_ml: Fraction, sizes: Sequence[Fraction]) -> ContainerPlan:
    """Choose the smallest size that holds the volume, else as few of the largest as needed."""
    if not sizes:
        return ContainerPlan(None, 0)
    ordered = sorted(sizes)
    for size in ordered:
        if size >= volume_ml:
            return ContainerPlan(size, 1)
    return ContainerPlan(ordered[-1], math.ceil(volume_ml / ordered[-1]))


def require_measurable(volume_ml: Fraction, syringes: Sequence[Syringe], *, what: str) -> None:
    """Refuse a volume below the finest mark of every syringe that could hold it."""
    finest = min(s.graduation_ml for s in syringes)
    if 0 < volume_ml < finest / 2:
        raise MeasurementError(
            f"{what} needs {format_volume(volume_ml, places=4)}, less than "
            f"half the finest syringe mark ({format_measured_volume(finest)}); make a "
            "larger batch."
        )
    largest = max(s.capacity_ml for s in syringes)
    if volume_ml > largest * MAX_FILLS:
        raise MeasurementError(
            f"{what} needs {format_volume(volume_ml)}, more than {MAX_FILLS:,} "
            f"fills of the largest syringe ({format_volume(largest)}); add a "
            "larger syringe to the set or make a smaller batch."
        )
