"""Whether a measurement can be certified: each measured part's reading error against its share.

A reading may be off by half a graduation of its syringe. How far that moves a solute's strength
follows from the mass balance: the strength is M / V (M the solute's mass, V the total volume);
a reading off by e mL in portion j (taken from the portion that absorbs it, or added to the
total) makes it (M + e × (c_j − c_absorbing)) / (V + e) (V unchanged when the reading does not
set the total). The change is worked out exactly, in the direction that moves it most; a part
measured in several fills is off by its fills' errors added together. Every measured
part that moves a solute at all gets an equal share of the tolerance; a part whose error is larger
than its share cannot be certified. Within their shares, all the parts together, even were every
reading off the same way, cannot move a strength by more than the tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

from npt_protocol.catalogue.products import Product
from npt_protocol.engine.measured import Measurement, Reading
from npt_protocol.ismp import format_measured_volume


class PartError(NamedTuple):
    """How far the readings of one measured part may move one solute's strength, and its share."""

    part: str
    solute: str
    readings: tuple[Reading, ...]
    relative: Fraction
    share: Fraction

    @property
    def ratio(self) -> Fraction:
        """Return the error as a fraction of its share (above 1: not certified)."""
        return self.relative / self.share

    @property
    def within_share(self) -> bool:
        """Say whether the part is read closely enough."""
        return self.relative <= self.share

    def where(self) -> str:
        """Say how the part is read: 'D50W at the 2.5 mL mark of a 3 mL syringe (0.1 mL marks)'."""
        marks = " and ".join(
            f"the {format_measured_volume(r.mark_ml)} mark of a {r.syringe.label}"
            for r in self.readings
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


def _worst_change(
    readings: Sequence[Reading],
    products: Mapping[str, Product],
    solute: str,
    mass: Fraction,
    total: Fraction,
) -> Fraction:
    """Return the most a part's readings, all off the same way, can move a strength, relative.

    With e the part's error and k its strength less the absorbing portion's: a reading that does
    not set the total moves M / V by e·k / V, relatively e·|k| / M; one that sets it moves it to
    (M ± e·k) / (V ± e), relatively e·|k·V − M| / (M·(V ∓ e)), the larger when the total shrinks.
    """
    error = sum((r.error_ml for r in readings), Fraction(0))
    first = readings[0]
    strength = products[first.sets].composition.get(solute, Fraction(0))
    if first.absorbed_by is not None:
        strength -= products[first.absorbed_by].composition.get(solute, Fraction(0))
    if not first.sets_total:
        return error * abs(strength) / mass
    if error >= total:
        return Fraction(1)  # the reading could empty the mix: as far off as can be
    return error * abs(strength * total - mass) / (mass * (total - error))


def certify(
    measurement: Measurement,
    *,
    products: Mapping[str, Product],
    target: Sequence[str],
    tolerance: Fraction,
) -> Certification:
    """Work out every measured part's effect on every target solute and its share."""
    volumes = {p.product_id: p.volume_ml for p in measurement.portions}
    total = sum(volumes.values(), Fraction(0))
    errors: list[PartError] = []
    for solute in target:
        mass = sum(
            (products[pid].composition.get(solute, Fraction(0)) * v for pid, v in volumes.items()),
            Fraction(0),
        )
        if mass <= 0 or total <= 0:
            continue
        grouped: dict[str, list[Reading]] = {}
        for reading in measurement.readings:
            grouped.setdefault(reading.sets, []).append(reading)
        parts: dict[str, tuple[list[Reading], Fraction]] = {}
        for part, readings in grouped.items():
            relative = _worst_change(readings, products, solute, mass, total)
            if relative != 0:
                parts[part] = (readings, relative)
        share = tolerance / len(parts) if parts else tolerance
        errors += [
            PartError(part, solute, tuple(readings), relative, share)
            for part, (readings, relative) in parts.items()
        ]
    return Certification(tuple(errors))
