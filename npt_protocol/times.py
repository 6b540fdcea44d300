"""Reading the times people type: ISO 8601, each meaning with its own rule for a missing zone."""

from __future__ import annotations

import datetime as dt

from npt_protocol.errors import InputError


def _parse(text: str, *, what: str, example: str) -> dt.datetime:
    """Read ISO 8601 text, naming the input and an example when it is not a date or time."""
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{what} {text!r} is not a {example}.") from None


def parse_utc_time(text: str, *, what: str) -> dt.datetime:
    """Parse a date or time that selects records (a time without a zone is UTC) into UTC."""
    example = "date; expected such as 2026-05-04 or 2026-05-04T09:30Z"
    value = _parse(text, what=what, example=example)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 falls before the calendar's first day in UTC
        raise InputError(
            f"{what} {text!r} is out of range; expected such as 2026-05-04 or 2026-05-04T09:30Z."
        ) from None


def parse_local_time(text: str, *, what: str) -> dt.datetime:
    """Parse when something happens at the clinic (a time without a zone is local time)."""
    example = "date and time; expected ISO 8601 such as 2026-11-25T09:30"
    moment = _parse(text, what=what, example=example)
    try:
        return moment if moment.tzinfo else moment.astimezone()
    except (ValueError, OverflowError):  # local time of year 1 falls before the calendar
        raise InputError(
            f"{what} {text!r} is out of range; expected a date and time such as 2026-11-25T09:30."
        ) from None


def parse_date(text: str, *, what: str) -> dt.date:
    """Parse a calendar date written exactly as ISO 8601's YYYY-MM-DD, such as 2026-12-01."""
    stripped = text.strip()
    # Only the one spelling: date.fromisoformat would also take 20261201 and 2026-W49-2.
    if len(stripped) != 10 or not (
        stripped[4] == stripped[7] == "-"
        and (stripped[:4] + stripped[5:7] + stripped[8:]).isascii()
        and (stripped[:4] + stripped[5:7] + stripped[8:]).isdigit()
    ):
        raise InputError(f"{what} {text!r} is not a date; expected YYYY-MM-DD such as 2026-12-01.")
    try:
        return dt.date.fromisoformat(stripped)
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a day of the calendar; expected YYYY-MM-DD such as 2026-12-01."
        ) from None
