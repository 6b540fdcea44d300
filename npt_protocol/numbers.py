"""Exact numbers: the one number grammar for what people type and write, and rounding once."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from npt_protocol.errors import InputError

# A plain decimal: ASCII digits only (str.isdigit would let Arabic-Indic digits in), an optional
# point, and thousands grouped by commas in threes. No exponent: 1e308 mL is never meant.
NUMBER_PATTERN = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+"
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
    return Fraction(Decimal(cleaned.replace(",", "")))


def clip(text: str, width: int = 24) -> str:
    """Quote text for a message, shortened with an ellipsis when it is long."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def number_complaint(text: str, what: str) -> str:
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
