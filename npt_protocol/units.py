"""The one unit registry, exact parsing of what users type, and ISMP-safe printing."""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from npt_protocol.errors import InputError, UnitError

Dimension = Literal["volume", "mass", "time"]

_DEFINITIONS = Path(__file__).with_name("data") / "units.txt"

# A plain decimal: ASCII digits only (str.isdigit would let Arabic-Indic digits in), an optional
# point, and thousands grouped by commas in threes. No exponent: 1e308 mL is never meant.
_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+"
_NUMBER_RE = re.compile(rf"(?:{_NUMBER})")
# More digits than any measurement has: 1e308 written out is refused like 1e308 itself, and
# printing such a number would overflow Python's integer-to-text limit.
MAX_DIGITS = 40
_QUANTITY_RE = re.compile(rf"^\s*(?P<number>{_NUMBER})\s*(?P<unit>[^\s0-9].*?)?\s*$")

_DIMENSION_UNITS: dict[Dimension, tuple[str, str]] = {
    "volume": ("[volume]", "mL"),
    "mass": ("[mass]", "mg"),
    "time": ("[time]", "h"),
}
_EXAMPLES: dict[Dimension, str] = {"volume": "60mL, 0.5 mL or 1 L", "mass": "70kg or 300 mg",
                                   "time": "4h or 30 min"}
_REFUSED_UNITS = {
    "cc": "write mL instead of cc (ISMP: cc is read as 00)",
    "ui": "units must be spelled out",
}


@functools.cache
def registry() -> Any:
    """Return the one Pint registry, built once from the small definitions file."""
    import pint  # noqa: PLC0415 - only commands that handle quantities pay for Pint

    # Pint can keep the parsed definitions in a cache folder: that halves the few milliseconds
    # the registry costs at every start. Without a usable cache (not writable, or a file left
    # half-written by a process that was killed) it parses the definitions file instead.
    try:
        return pint.UnitRegistry(str(_DEFINITIONS), non_int_type=Fraction,
                                 cache_folder=_cache_folder())
    except Exception:
        return pint.UnitRegistry(str(_DEFINITIONS), non_int_type=Fraction, cache_folder=None)


def _cache_folder() -> str | None:
    """Return the user's cache folder for npt, or None when caching is switched off."""
    import os  # noqa: PLC0415

    if os.environ.get("NPT_NO_CACHE"):
        return None
    import platformdirs  # noqa: PLC0415 - Pint imports it already; no extra cost

    return platformdirs.user_cache_dir("npt")


def parse_number(text: str, *, what: str) -> Fraction:
    """Parse a plain, non-negative decimal written with ASCII digits into an exact Fraction."""
    cleaned = text.strip()
    if not cleaned:
        raise InputError(f"{what} is empty; expected a number such as 5 or 0.5.")
    if cleaned[0] in "-−‐–":
        raise InputError(f"{what} {text!r} is negative; expected a positive number.")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if not _NUMBER_RE.fullmatch(cleaned):
        raise InputError(_number_complaint(text, what))
    if sum(ch.isdigit() for ch in cleaned) > MAX_DIGITS:
        raise InputError(f"{what} {_clip(text)} has more than {MAX_DIGITS} digits; expected a "
                         "number as measured, such as 60 or 0.5.")
    return Fraction(Decimal(cleaned.replace(",", "")))


def _clip(text: str, width: int = 24) -> str:
    """Quote text for a message, shortened with an ellipsis when it is long."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _number_complaint(text: str, what: str) -> str:
    """Explain why text is not a plain decimal number."""
    stripped = text.strip()
    if re.fullmatch(r"[0-9]+,[0-9]{1,2}|[0-9]+,[0-9]{4,}", stripped):
        return f"{what} {text!r} uses a decimal comma; write a decimal point, e.g. 0.5."
    if any(ch.isdigit() and not ch.isascii() for ch in stripped):
        return f"{what} {text!r} has non-ASCII digits; write the digits 0-9."
    if stripped.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
        return f"{what} {text!r} is not a finite number; expected a number such as 5 or 0.5."
    if re.search(r"[0-9][eE][+-]?[0-9]", stripped):
        return f"{what} {text!r} uses exponent notation; write a plain decimal such as 60 or 0.5."
    return f"{what} {text!r} is not a number; expected plain digits such as 5, 0.5 or 1,000."


def split_quantity(text: str, *, what: str, example: str) -> tuple[Fraction, str]:
    """Split '60 mL' into its exact number and unit text."""
    stripped = text.strip()
    if not stripped:
        raise InputError(f"{what} is empty; expected a quantity such as {example}.")
    if stripped[0] in "-−‐–":
        raise InputError(f"{what} {text!r} is negative; expected a positive quantity such as "
                         f"{example}.")
    match = _QUANTITY_RE.match(stripped.removeprefix("+"))
    # '60,5 mL' and '1e3 mL' are numbers written wrongly, not a number followed by a unit ',5 mL'.
    written = re.match(r"[0-9][0-9.,]*(?:[eE][+-]?[0-9]+)?", stripped.removeprefix("+"))
    if match and written and written.end() > match.end("number"):
        raise InputError(_number_complaint(written.group(0), what))
    if not match:
        head = re.match(r"[^\sa-zA-Zµ%]+", stripped)
        if head:
            parse_number(head.group(0), what=what)  # raises the specific complaint
        raise InputError(f"{what} {text!r} is not a quantity; expected a number and a unit "
                         f"such as {example}.")
    number = parse_number(match.group("number"), what=what)
    return number, (match.group("unit") or "").strip()


def unit_factor(unit_text: str, *, dimension: Dimension, what: str, original: str) -> Fraction:
    """Return how many of the dimension's base unit (mL, mg, h) one unit_text is."""
    dim_name, base = _DIMENSION_UNITS[dimension]
    example = _EXAMPLES[dimension]
    if not unit_text:
        raise UnitError(f"{what} {original!r} has no unit; expected a {dimension} such as "
                        f"{example}.")
    refused = _REFUSED_UNITS.get(unit_text.lower())
    if refused:
        raise UnitError(f"{what} {original!r}: {refused}; expected a {dimension} such as "
                        f"{example}.")
    factor = _factor(unit_text, dim_name, base)
    if factor is None:
        raise UnitError(f"{what} {original!r} has an unknown unit {unit_text!r}; expected a "
                        f"{dimension} such as {example}.")
    if factor is False:
        raise UnitError(f"{what} {original!r} is not a {dimension}; expected a {dimension} "
                        f"such as {example}.")
    return factor


@functools.cache
def unit_names() -> frozenset[str]:
    """Return every name, symbol and alias the definitions file gives a unit, exactly as spelt."""
    names: set[str] = set()
    for line in _DEFINITIONS.read_text(encoding="utf-8").splitlines():
        parts = [part.strip() for part in line.split("#", 1)[0].split("=")]
        if len(parts) >= 2:
            names.update(part for index, part in enumerate(parts) if index != 1 and part)
    return frozenset(names)


@functools.cache
def _factor(unit_text: str, dimension_name: str, base: str) -> Fraction | Literal[False] | None:
    """Ask Pint once per unit text how many base units it is: None if unknown, False if the
    dimension is wrong."""
    # One unit as the definitions spell it: Pint alone would also read plurals ('mls'),
    # expressions ('mL*mL/mL') and ignore stray characters ('mL!', 'mL#x').
    if unit_text not in unit_names():
        return None
    ureg = registry()
    try:
        unit = ureg.Unit(unit_text)
    except Exception:  # Pint raises AttributeError subclasses and parser errors alike
        return None
    if unit.dimensionality != ureg.get_dimensionality(dimension_name):
        return False
    return Fraction(ureg.Quantity(Fraction(1), unit).to(base).magnitude)


def parse_amount(text: str, *, dimension: Dimension, what: str) -> Fraction:
    """Parse a positive quantity of the given dimension into mL, mg or h, exactly."""
    number, unit_text = split_quantity(text, what=what, example=_EXAMPLES[dimension])
    value = number * unit_factor(unit_text, dimension=dimension, what=what, original=text)
    if value == 0:
        raise InputError(f"{what} {text!r} is zero; expected a positive {dimension}.")
    return value


def parse_volume(text: str, *, what: str = "volume") -> Fraction:
    """Parse a positive volume such as '60mL' or '0.06 L' into mL."""
    return parse_amount(text, dimension="volume", what=what)


def parse_mass(text: str, *, what: str = "mass") -> Fraction:
    """Parse a positive mass such as '70kg' or '300 mg' into mg."""
    return parse_amount(text, dimension="mass", what=what)


# ---------------------------------------------------------------------------------------------
# Printing (ISMP: no trailing zero, always a leading zero, a space before the unit, commas)


def round_to(value: Fraction, places: int) -> Decimal:
    """Round an exact value half-to-even at a number of decimal places."""
    # Round the Fraction itself (round() on a Fraction is exact, half to even): dividing into a
    # Decimal first rounds to 28 digits, which rounds twice and fails on values over 10**26.
    scaled = round(Fraction(value) * 10**places)
    return Decimal(f"{scaled}E-{places}")


def format_number(value: Fraction | int, *, places: int = 2) -> str:
    """Print a number the ISMP way: 0.5, 5, 1,000.25 — never .5, 5.0 or 1000."""
    fraction = Fraction(value)
    rounded = round_to(fraction, places)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text  # never "-0": the rounding yields an integer count of places, which has no sign


def significant_places(value: Fraction, *, places: int) -> int:
    """Return enough decimal places for a small non-zero value not to print as 0."""
    if value == 0:
        return places
    needed = places
    while round_to(abs(value), needed) == 0 and needed < 12:
        needed += 1
    return needed


def format_volume(millilitres: Fraction | int, *, places: int = 2) -> str:
    """Print a volume in mL: '6 mL', '0.5 mL', '1,000 mL'."""
    value = Fraction(millilitres)
    return f"{format_number(value, places=significant_places(value, places=places))} mL"


def format_mass(milligrams: Fraction | int, *, places: int = 2) -> str:
    """Print a mass in the clearest of mcg, mg and g: '500 mcg', '3 g'."""
    value = Fraction(milligrams)
    if 0 < abs(value) < 1:
        return f"{format_number(value * 1000, places=places)} mcg"
    if abs(value) >= 1000:
        return f"{format_number(value / 1000, places=places)} g"
    return f"{format_number(value, places=places)} mg"


def format_percent(mg_per_ml: Fraction, *, places: int = 2) -> str:
    """Print a mass concentration as percent w/v: '5 %', '0.1 %'."""
    value = Fraction(mg_per_ml) / 10
    return f"{format_number(value, places=significant_places(value, places=places))} %"


def percent_meaning(mg_per_ml: Fraction) -> str:
    """Spell out what a percent w/v strength means: '5 % w/v (5 g per 100 mL)'."""
    grams = Fraction(mg_per_ml) / 10
    return f"{format_percent(mg_per_ml)} w/v ({format_number(grams, places=4)} g per 100 mL)"
