"""Numbers for machine-readable output: exact values rounded once, as JSON numbers."""

from __future__ import annotations

from fractions import Fraction

from npt_protocol.numbers import round_to


def json_number(value: Fraction | int, *, places: int = 4) -> int | float:
    """Round an exact value for JSON; whole numbers stay integers."""
    rounded = round_to(Fraction(value), places)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)
