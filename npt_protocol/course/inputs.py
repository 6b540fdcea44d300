"""Reading what a clinician types about a course: identifiers, pain scores, relief, points,
adverse events. One strict grammar each; anything else is refused in one sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from npt_protocol.errors import InputError
from npt_protocol.numbers import clip

PATIENT_CODE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$")
LOG_REF = re.compile(r"^[0-9]{1,12}-[0-9a-f]{16,64}$")
MAX_TEXT = 2000  # a note, a reason or a batch: enough for a paragraph, never a file
# Adverse events from one fixed list, so they can be counted; anything else goes in the note.
ADVERSE_EVENTS: dict[str, str] = {
    "none": "no adverse event",
    "bruising": "bruising at an injection site",
    "bleeding": "bleeding that needed pressure for more than a few minutes",
    "soreness": "soreness at the injection sites beyond a day or two",
    "pain-flare": "pain worse than before the session",
    "vasovagal": "feeling faint or fainting",
    "paraesthesia": "tingling or numbness lasting after the session",
    "infection": "redness, heat or swelling at a site (possible infection)",
    "allergic-reaction": "rash, itch or swelling away from the sites",
    "other": "another event, described in the adverse event note",
}


def patient_code(text: str) -> str:
    """Read a pseudonymous patient identifier such as PT-0042 (letters, digits, . _ -)."""
    if not PATIENT_CODE.match(text):
        raise InputError(
            f"Patient {clip(text)} is not a patient identifier; expected a pseudonymous code of "
            "letters, digits, '.', '_' or '-' (at most 64), such as PT-0042."
        )
    return text


def whole(text: str, *, what: str, low: int, high: int | None = None) -> int:
    """Read a whole number written with the digits 0-9, within its range."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit() or len(stripped) > 6:
        limits = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InputError(f"{what} {clip(text)} is not a whole number; expected one {limits}.")
    value = int(stripped)
    if value < low or (high is not None and value > high):
        limits = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InputError(f"{what} {value} is out of range; expected a whole number {limits}.")
    return value


def pain(text: str, *, what: str) -> int:
    """Read a pain score on the 0-10 numeric rating scale: a whole number from 0 to 10."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit() or len(stripped) > 3:
        raise InputError(
            f"{what} {clip(text)} is not a pain score; expected a whole number from 0 to 10 "
            "(numeric rating scale)."
        )
    value = int(stripped)
    if value > 10:
        raise InputError(
            f"{what} {value} is outside the 0 to 10 scale; expected a whole number from 0 to 10."
        )
    return value


def relief_minutes(text: str, *, what: str = "--relief") -> int:
    """Read how long relief lasted, such as 3d, 12h, 2w or 0h: a number and one of h, d, w."""
    from npt_protocol.units import split_quantity, unit_factor  # noqa: PLC0415 - loads Pint

    example = "3d, 12h, 1.5d or 2w"
    stripped = text.strip()
    match = re.fullmatch(r"([0-9]{1,4}(?:\.[0-9]{1,2})?)\s*([hdw])", stripped)
    if match is None:
        raise InputError(
            f"{what} {clip(text)} is not a duration; expected a number and h (hours), d (days) "
            f"or w (weeks), such as {example}."
        )
    number, unit = split_quantity(stripped, what=what, example=example)
    hours = number * unit_factor(
        {"w": "wk"}.get(unit, unit), dimension="time", what=what, original=text
    )
    minutes = hours * 60
    if minutes.denominator != 1:
        raise InputError(
            f"{what} {clip(text)} is not a whole number of minutes; expected {example}."
        )
    return int(minutes)


def minutes_text(minutes: int) -> str:
    """Say a duration the way it was typed: '3 d', '12 h', '90 min'."""
    for size, unit in ((7 * 24 * 60, "w"), (24 * 60, "d"), (60, "h")):
        if minutes and minutes % size == 0:
            return f"{minutes // size} {unit}"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


@dataclass(frozen=True)
class SitePoints:
    """Points injected at one of a course's regions: protocol, side when needed, count."""

    protocol: str
    side: str | None
    points: int


def site_points(text: str) -> SitePoints:
    """Read --points REGION=COUNT, such as knee=10 or knee:left=6."""
    from npt_protocol.protocol.model import SIDES  # noqa: PLC0415 - attrs; only --points needs it

    name, equals, count = text.partition("=")
    protocol, _, side = name.strip().partition(":")
    if not equals or not protocol:
        raise InputError(
            f"--points {clip(text)} is not REGION=COUNT; expected such as knee=10 or knee:left=6."
        )
    if side and side not in SIDES:
        raise InputError(f"--points {clip(text)} names side {side!r}; expected {', '.join(SIDES)}.")
    return SitePoints(
        protocol=protocol,
        side=side or None,
        points=whole(count, what=f"--points {name.strip()}", low=1, high=999),
    )


def adverse_codes(texts: tuple[str, ...]) -> tuple[str, ...]:
    """Read --adverse codes from the fixed list; 'none' stands alone."""
    codes = tuple(text.strip().lower() for text in texts)
    for code, text in zip(codes, texts, strict=True):
        if code not in ADVERSE_EVENTS:
            raise InputError(
                f"--adverse {clip(text)} is not on the list; expected one of "
                f"{', '.join(ADVERSE_EVENTS)} (describe anything else with --adverse-note)."
            )
    if "none" in codes and len(codes) > 1:
        raise InputError("--adverse none is given with other events; give none alone.")
    if len(set(codes)) != len(codes):
        raise InputError("--adverse names the same event twice; give each event once.")
    return codes


def free_text(text: str | None, *, what: str) -> str | None:
    """Read a note, reason or batch: one paragraph of printable text, not empty."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped:
        raise InputError(f"{what} is empty; expected a few words, or leave it out.")
    if len(stripped) > MAX_TEXT:
        raise InputError(
            f"{what} is {len(stripped):,} characters long; expected at most {MAX_TEXT:,}."
        )
    if any(not (ch.isprintable() or ch == "\n") for ch in stripped):
        raise InputError(f"{what} {clip(stripped)} holds control characters; expected plain text.")
    return stripped


def log_reference(text: str | None) -> str | None:
    """Read a preparation log head token, such as 12-3f9a2c7e1b5d0a4f (`npt log head`)."""
    if text is None:
        return None
    stripped = text.strip().lower()
    if not LOG_REF.match(stripped):
        raise InputError(
            f"--log-ref {clip(text)} is not a log head; expected the token `npt log head` "
            "printed, such as 12-3f9a2c7e1b5d0a4f."
        )
    return stripped


def score(text: str, *, what: str) -> Fraction:
    """Read an outcome measure's score as an exact number (range checked by the caller)."""
    from npt_protocol.numbers import parse_number  # noqa: PLC0415

    return parse_number(text, what=what)
