"""Whether a measurement can be certified: each measured part's reading error against its share.

A reading may be off by half a graduation of its syringe. Reading j, off by e_j mL, adds e_j·k_j
to the solute's mass M (k_j: the strength of what it measures, less that of the portion absorbing
it) and e_j·s_j to the total V (s_j = 1 when the reading sets the total, 0 when the diluent made up
to a mark absorbs it). With every reading off at once, the strength a = M / V becomes

    a' = a + Σ e_j·(k_j − a·s_j) / (V + Σ e_j·s_j),

so |a' − a| is at most Σ |e_j|·|k_j − a·s_j| / (V − E), E being the most the readings that set
the total can take from it. Each measured part's term, over the target strength, is how far its
readings may move the strength; a part measured in several fills adds its fills' errors.

The marks themselves may already leave the strength off the target by a deviation d (a stock
snapped to a mark near its exact volume). Every measured part that moves a solute at all gets an
equal share of what the tolerance leaves after that deviation, (tolerance − |d|) / n; a part
whose error is larger than its share cannot be certified. Within their shares, the deviation and
all the readings together, every one off the worse way, cannot take a strength further from the
target than the tolerance: exactly, not only to first order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

from npt_protocol.catalogue.products import Product
from npt_protocol.engine.measured import Measurement, Reading
from npt_protocol.ismp import format_number, format_volume, significant_places


class PartError(NamedTuple):
    """How far the readings of one measured part may move one solute's strength, and its share.

    `relative` and `share` are fractions of the target strength; `deviation` is how far the marks
    already leave the strength from the target, which the shares do not include.
    """

    part: str
    solute: str
    readings: tuple[Reading, ...]
    relative: Fraction
    share: Fraction
    deviation: Fraction = Fraction(0)

    @property
    def ratio(self) -> Fraction:
        """Return the error as a fraction of its share (above 1: not certified)."""
        if self.share <= 0:
            return Fraction(10**6) if self.relative > 0 else Fraction(0)
        return self.relative / self.share

    @property
    def within_share(self) -> bool:
        """Say whether the part is read closely enough."""
        return self.relative <= self.share

    def share_text(self) -> str:
        """Say the share: 'its share of 2.5 % of the tolerance', and what the marks took first."""
        text = f"its share of {percent_text(self.share)} of the tolerance"
        if self.deviation:
            text += f" left after the {percent_text(abs(self.deviation))} deviation of the marks"
        return text

    def where(self) -> str:
        """Say how the part is read: 'D50W at the 2.5 mL mark of a 3 mL syringe (0.1 mL marks)'."""
        marks = " and ".join(
            f"the {format_volume(r.mark_ml)} mark of a {r.syringe.label}" for r in self.readings
        )
        return f"{self.part} at {marks}"


class Certification(NamedTuple):
    """Every measured part's effect on every target solute, and the verdict."""

    errors: tuple[PartError, ...]

    @property
    def certified(self) -> bool:
        """Say whether every measured part is within its share of the tolerance."""
        return all(e.within_share for e in self.errors)

    @property
    def worst(self) -> PartError | None:
        """Return the part closest to (or furthest over) its share."""
        return max(self.errors, key=lambda e: e.ratio, default=None)


def percent_text(fraction: Fraction) -> str:
    """Print a fraction as a percent with enough places to be seen: '5 %', '0.25 %'."""
    percent = fraction * 100
    return f"{format_number(percent, places=significant_places(percent, places=2))} %"


def _moves(reading: Reading, products: Mapping[str, Product], solute: str) -> Fraction:
    """Return k: the solute one mL more on this reading adds to the mix, in mg."""
    strength = products[reading.sets].composition.get(solute, Fraction(0))
    if reading.absorbed_by is not None:
        strength -= products[reading.absorbed_by].composition.get(solute, Fraction(0))
    return strength


def certify(
    measurement: Measurement,
    *,
    products: Mapping[str, Product],
    target: Mapping[str, Fraction] | Sequence[str],
    tolerance: Fraction,
) -> Certification:
    """Work out every measured part's effect on every target solute and its share.

    `target` gives each solute's target strength (mg/mL); given as names only, the strength the
    marks make is taken as the target (no deviation to leave room for).
    """
    volumes = {p.product_id: p.volume_ml for p in measurement.portions}
    total = sum(volumes.values(), Fraction(0))
    # The most the readings that set the total can take from it, all off the same way.
    shrink = sum((r.error_ml for r in measurement.readings if r.sets_total), Fraction(0))
    grouped: dict[str, list[Reading]] = {}
    for reading in measurement.readings:
        grouped.setdefault(reading.sets, []).append(reading)
    errors: list[PartError] = []
    for solute in target:
        mass = sum(
            (products[pid].composition.get(solute, Fraction(0)) * v for pid, v in volumes.items()),
            Fraction(0),
        )
        if mass <= 0 or total <= 0:
            continue
        achieved = mass / total
        wanted = target[solute] if isinstance(target, Mapping) else achieved
        deviation = (achieved - wanted) / wanted
        parts: dict[str, tuple[list[Reading], Fraction]] = {}
        for part, readings in grouped.items():
            first = readings[0]
            error = sum((r.error_ml for r in readings), Fraction(0))
            moves = abs(_moves(first, products, solute) - (achieved if first.sets_total else 0))
            if error == 0 or moves == 0:
                continue
            # A reading that could empty the mix is as far off as can be.
            relative = (
                Fraction(1) if shrink >= total else error * moves / (wanted * (total - shrink))
            )
            parts[part] = (readings, relative)
        room = max(tolerance - abs(deviation), Fraction(0))
        share = room / len(parts) if parts else room
        errors += [
            PartError(part, solute, tuple(readings), relative, share, deviation)
            for part, (readings, relative) in parts.items()
        ]
    return Certification(tuple(errors))
