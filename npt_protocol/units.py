"""The one Pint registry (data/units.txt) and exact parsing of quantities such as 60mL or 70kg."""

from __future__ import annotations

import functools
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from npt_protocol.errors import InputError, UnitError
from npt_protocol.numbers import NUMBER_PATTERN, number_complaint, parse_number

Dimension = Literal["volume", "mass", "time"]

_DEFINITIONS = Path(__file__).with_name("data") / "units.txt"

_QUANTITY_RE = re.compile(rf"^\s*(?P<number>{NUMBER_PATTERN})\s*(?P<unit>[^\s0-9].*?)?\s*$")

_DIMENSION_UNITS: dict[Dimension, tuple[str, str]] = {
    "volume": ("[volume]", "mL"),
    "mass": ("[mass]", "mg"),
    "time": ("[time]", "h"),
}
_EXAMPLES: dict[Dimension, str] = {
    "volume": "60mL, 0.5 mL or 1 L",
    "mass": "70kg or 300 mg",
    "time": "4h or 30 min",
}
_REFUSED_UNITS = {
    "cc": "write mL instead of cc (ISMP: cc is read as 00)",
    "ui": "units must be spelled out",
}


@functools.cache
def registry() -> Any:
    """Return the one Pint registry, built once from the small definitions file."""
    import pint  # noqa: PLC0415 - only commands that handle quantities pay for Pint

    # No cache folder: Pint's cache is a pickle, and loading a pickle runs whatever code it
    # holds, so a file planted in the user cache folder would run on every start. Parsing the
    # definitions instead costs about 5 ms, under 3 % of `npt prepare`
    # (benchmarks/bench_units_cache.py measures it).
    return pint.UnitRegistry(str(_DEFINITIONS), non_int_type=Fraction, cache_folder=None)


def split_quantity(text: str, *, what: str, example: str) -> tuple[Fraction, str]:
    """Split '60 mL' into its exact number and unit text."""
    stripped = text.strip()
    if not stripped:
        raise InputError(f"{what} is empty; expected a quantity such as {example}.")
    if stripped[0] in "-−‐–":
        raise InputError(
            f"{what} {text!r} is negative; expected a positive quantity such as {example}."
        )
    match = _QUANTITY_RE.match(stripped.removeprefix("+"))
    # '60,5 mL' and '1e3 mL' are numbers written wrongly, not a number followed by a unit ',5 mL'.
    written = re.match(r"[0-9][0-9.,]*(?:[eE][+-]?[0-9]+)?", stripped.removeprefix("+"))
    if match and written and written.end() > match.end("number"):
        raise InputError(number_complaint(written.group(0), what))
    if not match:
        head = re.match(r"[^\sa-zA-Zµ%]+", stripped)
        if head:
            parse_number(head.group(0), what=what)  # raises the specific complaint
        raise InputError(
            f"{what} {text!r} is not a quantity; expected a number and a unit such as {example}."
        )
    number = parse_number(match.group("number"), what=what)
    return number, (match.group("unit") or "").strip()


def unit_factor(unit_text: str, *, dimension: Dimension, what: str, original: str) -> Fraction:
    """Return how many of the dimension's base unit (mL, mg, h) one unit_text is."""
    dim_name, base = _DIMENSION_UNITS[dimension]
    example = _EXAMPLES[dimension]
    if not unit_text:
        raise UnitError(
            f"{what} {original!r} has no unit; expected a {dimension} such as {example}."
        )
    refused = _REFUSED_UNITS.get(unit_text.lower())
    if refused:
        raise UnitError(
            f"{what} {original!r}: {refused}; expected a {dimension} such as {example}."
        )
    factor = _factor(unit_text, dim_name, base)
    if factor is None:
        raise UnitError(
            f"{what} {original!r} has an unknown unit {unit_text!r}; expected a "
            f"{dimension} such as {example}."
        )
    if factor is False:
        raise UnitError(
            f"{what} {original!r} is not a {dimension}; expected a {dimension} such as {example}."
        )
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
    from pint.util import UnitsContainer  # noqa: PLC0415 - loaded with Pint itself

    # By name, not through Pint's expression parser: a single unit needs no tokenizer, and
    # building one costs milliseconds at every start.
    try:
        unit = UnitsContainer({ureg.get_name(unit_text): 1})
        wanted = UnitsContainer({ureg.get_name(base): 1})
    except Exception:  # Pint raises AttributeError subclasses and parser errors alike
        return None
    if ureg.get_dimensionality(unit) != UnitsContainer({dimension_name: 1}):
        return False
    return Fraction(ureg.Quantity(Fraction(1), unit).to(wanted).magnitude)


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
