"""Safety rules: tolerance, tonicity, dose limits (data in the catalogue); use-by in use_by.py."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Literal, NamedTuple

from npt_protocol.catalogue.products import Catalogue, DoseLimit
from npt_protocol.errors import InputError
from npt_protocol.ismp import format_mass, format_number, format_volume, significant_places
from npt_protocol.numbers import parse_percent

DEFAULT_TOLERANCE = Fraction(5, 100)  # USP dextrose and mannitol injection monographs: 95-105 %

# Normal plasma is about 280-310 mOsmol/L (clinical-facts §3).
PLASMA_LOW, PLASMA_HIGH = Fraction(280), Fraction(310)
Tonicity = Literal["hypotonic", "isotonic", "hypertonic"]


def tonicity(osmolarity: Fraction) -> Tonicity:
    """Classify an osmolarity against normal plasma (about 280 to 310 mOsmol/L)."""
    if osmolarity < PLASMA_LOW:
        return "hypotonic"
    if osmolarity > PLASMA_HIGH:
        return "hypertonic"
    return "isotonic"


def parse_tolerance(text: str) -> Fraction:
    """Parse a tolerance such as '5%' or '5' (percent) into a fraction such as 1/20."""
    value = parse_percent(text, what="tolerance")
    if not 0 < value <= Fraction(1, 2):
        raise InputError(f"tolerance {text!r} is outside 0 % to 50 %; expected such as 5%.")
    return value


class DoseCheck(NamedTuple):
    """A dose-limited solute in a volume of solution, against its limit for this patient."""

    solute: str
    strength_mg_per_ml: Fraction
    volume_ml: Fraction
    limit: DoseLimit
    weight_kg: Fraction | None

    @property
    def milligrams(self) -> Fraction:
        """Return the amount of the solute in the volume considered."""
        return self.strength_mg_per_ml * self.volume_ml

    @property
    def maximum_mg(self) -> Fraction:
        """Return the most that may be given: by weight within the cap, or the cap alone."""
        return self.limit.maximum_mg(self.weight_kg)

    @property
    def over_limit(self) -> bool:
        """Say whether the volume considered holds more than may be given."""
        return self.milligrams > self.maximum_mg

    @property
    def max_volume_ml(self) -> Fraction:
        """Return the largest volume of this solution that holds no more than the maximum."""
        return self.maximum_mg / self.strength_mg_per_ml

    @property
    def max_volume_shown_ml(self) -> Fraction:
        """Return the largest volume to print: rounded down, so that it never holds more than
        the maximum (6.4286 mL is 6.42 mL, not 6.43 mL)."""
        return round_down(self.max_volume_ml)

    @property
    def maximum_shown_mg(self) -> Fraction:
        """Return the maximum to print, rounded down like the volume."""
        return round_down(self.maximum_mg)

    def rule_text(self) -> str:
        """Say the limit: '4.5 mg/kg, not more than 300 mg, for lidocaine ... (source)'."""
        limit = self.limit
        per_kg = "" if limit.mg_per_kg is None else f"{format_number(limit.mg_per_kg)} mg/kg, "
        applies = f", for {limit.applies_to}" if limit.applies_to else ""
        return f"{per_kg}not more than {format_mass(limit.max_mg)}{applies}; {limit.source}"

    def maximum_text(self) -> str:
        """Say the largest volume that may be injected, for this weight or under the cap; when
        the whole volume considered is within the limit, say that instead of a larger volume
        than there is."""
        who = (
            f"for {format_number(self.weight_kg)} kg"
            if self.weight_kg is not None
            else "with no weight given (the absolute cap: give --weight for the patient's own)"
        )
        if not self.over_limit:
            return (
                f"all {format_volume(self.volume_ml)} of this solution {who}: it holds "
                f"{self.solute} {format_mass(self.milligrams)}, within the maximum of "
                f"{format_mass(self.maximum_shown_mg)} (limit {self.rule_text()})"
            )
        return (
            f"{format_volume(self.max_volume_shown_ml)} of this solution {who}, that is "
            f"{self.solute} {format_mass(self.maximum_shown_mg)} (limit {self.rule_text()})"
        )

    def describe(self, where: str = "in the whole preparation") -> str:
        """Say the amount and the verdict in one line."""
        verdict = "MORE than" if self.over_limit else "within"
        return (
            f"{self.solute} {format_mass(self.milligrams)} {where}, {verdict} the maximum of "
            f"{format_mass(self.maximum_shown_mg)}"
            + (f" for {format_number(self.weight_kg)} kg" if self.weight_kg is not None else "")
        )


def round_down(value: Fraction, *, places: int = 2) -> Fraction:
    """Round a maximum down at `places` decimal places (more for a value that would print as 0),
    so that printing it never states more than the limit."""
    places = significant_places(value, places=places)
    scale = 10**places
    return Fraction(math.floor(value * scale), scale)


def dose_checks(
    composition: Mapping[str, Fraction],
    volume_ml: Fraction,
    *,
    catalogue: Catalogue,
    weight_kg: Fraction | None,
) -> tuple[DoseCheck, ...]:
    """Check every dose-limited solute of a composition in a volume, with or without a weight."""
    checks = []
    for name, strength in composition.items():
        limit = catalogue.solutes[name].dose_limit
        if limit is not None and strength > 0:
            checks.append(DoseCheck(name, strength, volume_ml, limit, weight_kg))
    return tuple(checks)
