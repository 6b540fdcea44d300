"""Inputs as a person typed them, with the clinic settings and the defaults filled in.

The command line and the web app both turn what was typed (an option, a form field) into the
text a request carries: the value given, else the settings file's, else the default. One copy of
that rule serves both.
"""

from __future__ import annotations

from collections.abc import Sequence

from npt_protocol.engine.requests import DEFAULT_TOLERANCE_TEXT
from npt_protocol.engine.syringes import DEFAULT_SYRINGES_TEXT
from npt_protocol.errors import InputError
from npt_protocol.numbers import parse_number
from npt_protocol.settings import Settings


def basis_texts(options: Sequence[str], settings: Settings) -> tuple[str, ...]:
    """Return the bases as SOLUTE=BASIS texts: the options, else the settings' bases table."""
    if options:
        return tuple(options)
    configured = settings.get("bases") or {}
    return tuple(f"{solute}={basis}" for solute, basis in configured.items())


def syringe_texts(options: Sequence[str], settings: Settings) -> tuple[str, ...]:
    """Return the syringe set as written: the options, else the settings, else the default."""
    if options:
        return tuple(options)
    configured = settings.get("syringes")
    if not configured:
        return DEFAULT_SYRINGES_TEXT
    return (configured,) if isinstance(configured, str) else tuple(str(s) for s in configured)


def require_percent(text: str, *, what: str) -> str:
    """Refuse a number given as a percentage without its % sign: 0.05 could mean 5 % or
    0.05 %, so the sign is required (text that is not a number is left to its parser)."""
    stripped = text.strip()
    if stripped and "%" not in stripped:
        try:
            parse_number(stripped, what=what)
        except InputError:
            return text
        raise InputError(
            f"{what} {text!r} has no % sign; write the percentage with it, such as 5% "
            f"({stripped}% if {stripped} % is meant)."
        )
    return text


def tolerance_text(option: str | None, settings: Settings) -> str:
    """Return the tolerance as written: the option, else the settings, else the default."""
    if option is not None:
        require_percent(option, what="--tolerance")
    text = option if option is not None else settings.get("tolerance")
    # An empty option or a 0 in the settings is refused by the parser, never replaced silently.
    return DEFAULT_TOLERANCE_TEXT if text is None else str(text)
