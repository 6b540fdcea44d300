"""The strength grammar: '5%', '5 % w/v', '50 mg/mL', '5 g/100 mL', '0.5 g per mL', '1 mEq/mL'."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Literal, NamedTuple

from npt_protocol.errors import InputError, UnitError
from npt_protocol.numbers import parse_number
from npt_protocol.units import unit_factor

Basis = Literal["mass", "equivalent"]

STRENGTH_EXAMPLES = "5%, 5 % w/v, 50 mg/mL, 5 g/100 mL, 0.5 g per mL or 1 mEq/mL"

_NUMBER = r"\+?[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+"
_PERCENT_RE = re.compile(
    rf"^(?P<n>{_NUMBER})\s*%\s*(?P<kind>w\s*/\s*v|v\s*/\s*v|w\s*/\s*w)?$", re.IGNORECASE
)
_RATIO_RE = re.compile(r"^[0-9][0-9,]*\s*:\s*[0-9][0-9,]*$")
_PER_RE = re.compile(
    rf"^(?P<n>{_NUMBER})\s*(?P<amount_unit>[a-zA-Zµμ]+)\s*(?:/|\bper\b)\s*"
    rf"(?P<vn>{_NUMBER})?\s*(?P<volume_unit>[a-zA-Zµμ]+)$",
    re.IGNORECASE,
)


class Strength(NamedTuple):
    """An exact concentration: mg per mL for a mass basis, mEq per mL for an equivalent basis."""

    value: Fraction
    basis: Basis = "mass"


def parse_strength(text: str, *, what: str = "strength") -> Strength:
    """Parse one strength in the grammar into an exact Strength."""
    stripped = text.strip()
    if not stripped:
        raise InputError(f"{what} is empty; expected a strength such as {STRENGTH_EXAMPLES}.")
    if stripped[0] in "-−‐–":
        raise InputError(
            f"{what} {text!r} is negative; expected a strength such as {STRENGTH_EXAMPLES}."
        )
    if _RATIO_RE.match(stripped):
        raise InputError(
            f"{what} {text!r} is a ratio strength, which ISMP advises against; "
            "write it as mg/mL (1:1,000 is 1 mg/mL)."
        )
    percent = _PERCENT_RE.match(stripped)
    if percent:
        if percent.group("kind") and percent.group("kind").lower().replace(" ", "") != "w/v":
            raise InputError(
                f"{what} {text!r} is not % w/v; only % w/v (grams per 100 mL) is "
                "accepted for solutes."
            )
        value = parse_number(percent.group("n"), what=what) * 10
        return _positive(Strength(value, "mass"), text, what)
    per = _PER_RE.match(stripped)
    if per:
        return _positive(_per_strength(per, text, what), text, what)
    raise InputError(
        f"{what} {text!r} is not a strength; expected one such as {STRENGTH_EXAMPLES}."
    )


def _per_strength(match: re.Match[str], text: str, what: str) -> Strength:
    """Turn 'N amount-unit per [M] volume-unit' into a Strength."""
    amount = parse_number(match.group("n"), what=what)
    per_volume = parse_number(match.group("vn"), what=what) if match.group("vn") else Fraction(1)
    if per_volume == 0:
        raise InputError(f"{what} {text!r} divides by a zero volume.")
    ml = unit_factor(match.group("volume_unit"), dimension="volume", what=what, original=text)
    amount_unit = match.group("amount_unit")
    if amount_unit.lower() in {"meq", "eq"}:
        factor = Fraction(1) if amount_unit.lower() == "meq" else Fraction(1000)
        return Strength(amount * factor / (per_volume * ml), "equivalent")
    try:
        mg = unit_factor(amount_unit, dimension="mass", what=what, original=text)
    except UnitError:
        raise UnitError(
            f"{what} {text!r} has amount unit {amount_unit!r}; expected mcg, mg, g "
            "or mEq per a volume, as in 50 mg/mL."
        ) from None
    return Strength(amount * mg / (per_volume * ml), "mass")


def _positive(strength: Strength, text: str, what: str) -> Strength:
    """Refuse a zero strength: a solute at 0 is no solute."""
    if strength.value == 0:
        raise InputError(f"{what} {text!r} is zero; leave the solute out instead.")
    return strength
