"""Exact numbers: the one number grammar for what people type and write, and rounding once."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from npt_protocol.errors import InputError

# The one number grammar, for the command line and every file: ASCII digits (str.isdigit would
# let Arabic-Indic digits in) with an optional decimal point. No comma: '0,500' is 0.5 in much of
# Europe and 500 elsewhere, and a dose must not depend on which. No exponent: 1e308 mL is never
# meant. Printing still groups thousands with commas (ISMP); typing never does.
NUMBER_PATTERN = r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+"
_NUMBER_RE = re.compile(rf"(?:{NUMBER_PATTERN})")
# More digits than any measurement has: 1e308 written out is refused like 1e308 itself, and
# printing such a number would overflow Python's integer-to-text limit.
MAX_DIGITS = 40


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
        raise InputError(number_complaint(text, what))
    if sum(ch.isdigit() for ch in cleaned) > MAX_DIGITS:
        raise InputError(
            f"{what} {clip(text)} has more than {MAX_DIGITS} digits; expected a "
            "number as measured, such as 60 or 0.5."
        )
    return Fraction(Decimal(cleaned))


def clip(text: str, width: int = 24) -> str:
    """Quote text for a message, shortened with an ellipsis when it is long."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def number_complaint(text: str, what: str) -> str:
    """Explain why text is not a plain decimal number."""
    stripped = text.strip()
    if re.fullmatch(r"\+?[0-9]*(?:,[0-9]*)+(?:\.[0-9]*)?", stripped) and any(
        ch.isdigit() for ch in stripped
    ):
        return _comma_complaint(stripped, text, what)
    if any(ch.isdigit() and not ch.isascii() for ch in stripped):
        return f"{what} {text!r} has non-ASCII digits; write the digits 0-9."
    if stripped.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
        return f"{what} {text!r} is not a finite number; expected a number such as 5 or 0.5."
    if re.search(r"[0-9][eE][+-]?[0-9]", stripped):
        return f"{what} {text!r} uses exponent notation; write a plain decimal such as 60 or 0.5."
    return f"{what} {text!r} is not a number; expected plain digits such as 5, 0.5 or 1000."


def _plain(text: str) -> str:
    """Write a decimal the shortest way: '0500' as 500, '0.500' as 0.5."""
    return format(Decimal(text or "0").normalize(), "f")


def _comma_complaint(stripped: str, text: str, what: str) -> str:
    """Refuse a comma in a number, showing how differently it can be read."""
    digits = stripped.lstrip("+")
    readings = [_plain(digits.replace(",", ""))]
    if digits.count(",") == 1 and "." not in digits:
        readings.insert(0, _plain(digits.replace(",", ".")))
    if len(readings) == 2:
        shown = f"{readings[0]} (a decimal comma) or {readings[1]} (a thousands comma)"
    else:
        shown = readings[0]
    return (
        f"{what} {text!r} has a comma, which can be read as {shown}; write the number with a "
        "decimal point and no comma, such as 0.5 or 1000."
    )


def round_to(value: Fraction, places: int) -> Decimal:
    """Round an exact value half-to-even at a number of decimal places."""
    # Round the Fraction itself (round() on a Fraction is exact, half to even): dividing into a
    # Decimal first rounds to 28 digits, which rounds twice and fails on values over 10**26.
    scaled = round(Fraction(value) * 10**places)
    return Decimal(f"{scaled}E-{places}")


def json_number(value: Fraction | int, *, places: int = 4) -> int | float:
    """Round an exact value for JSON; whole numbers stay integers."""
    rounded = round_to(Fraction(value), places)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


def parse_percent(text: str, *, what: str) -> Fraction:
    """Parse a percentage such as '5%' or '5 %' into a fraction such as 1/20."""
    return parse_number(text.strip().removesuffix("%").strip(), what=what) / 100
