"""Listing a preparation log readably, optionally from a date on; listing does not verify."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from npt_protocol.errors import InputError
from npt_protocol.log.head import Head
from npt_protocol.log.record import GENESIS, entry_type, line_hash, parse_line
from npt_protocol.log.store import LOCK_WAIT_SECONDS, Overlong, Waiting, lines
from npt_protocol.times import parse_utc_time

SHOW_SCHEMA = "npt.log-show/1"


@dataclass(frozen=True)
class LogEntry:
    """One record of a log with its line number (1-based)."""

    line: int
    record: dict[str, Any]


@dataclass(frozen=True)
class Listing:
    """The records selected from a log, and what could not be read."""

    entries: tuple[LogEntry, ...]
    warnings: tuple[str, ...]
    unreadable: int
    head: Head

    def data(self, path: Path) -> dict[str, Any]:
        """Return the listing as JSON-ready data (schema npt.log-show/1)."""
        return {
            "schema": SHOW_SCHEMA,
            "file": str(path),
            "records": [{"line": e.line, "record": e.record} for e in self.entries],
            "warnings": list(self.warnings),
            "head": self.head.token,
        }


def parse_since(text: str) -> dt.datetime:
    """Parse --since: a date (midnight UTC) or an ISO 8601 time; without a zone it is UTC."""
    return parse_utc_time(text, what="--since")


def entries(
    path: Path,
    *,
    since: dt.datetime | None = None,
    wait: float = LOCK_WAIT_SECONDS,
    on_wait: Waiting | None = None,
) -> Listing:
    """Read the preparation records of a log, keeping those made at or after `since`; the head
    is that of the last whole line, as `npt log verify` would find it if the log is intact."""
    selected: list[LogEntry] = []
    warnings: list[str] = []
    unreadable = records = 0
    prev = GENESIS
    for number, raw in enumerate(lines(path, wait=wait, on_wait=on_wait), 1):
        if isinstance(raw, Overlong):
            unreadable += 1
            warnings.append(f"line {number} is longer than any record; skipped.")
            continue
        record = parse_line(raw[:-1] if raw.endswith(b"\n") else raw)
        if record is None:
            if raw.endswith(b"\n"):
                unreadable += 1
                warnings.append(
                    f"line {number} is not a JSON record; skipped (run `npt log verify`)."
                )
            else:
                warnings.append(f"line {number} is incomplete (a write was interrupted); skipped.")
            continue
        prev = line_hash(raw[:-1] if raw.endswith(b"\n") else raw)
        if entry_type(record) != "record":
            continue  # the header and repair records are not preparations
        records += 1
        if since is not None:
            try:
                made = parse_utc_time(str(record.get("time")), what=f"line {number} time")
            except InputError as error:
                unreadable += 1
                warnings.append(f"{error} Skipped.")
                continue
            if made < since:
                continue
        selected.append(LogEntry(number, record))
    return Listing(tuple(selected), tuple(warnings), unreadable, Head(records, prev))


def entry_text(entry: LogEntry) -> str:
    """Summarise a record on one line: when, what, the result, who."""
    record = entry.record
    inputs = _dict(_dict(record.get("inputs")).get("normalised"))
    achieved = _dict(
        _dict(_dict(record.get("result")).get("achieved")).get("concentrations_percent_wv")
    )
    if record.get("command") == "check":
        what = f"{inputs.get('target')}: {' '.join(map(str, inputs.get('drawn') or ()))}"
    elif record.get("command") == "session":
        stocks = " and ".join(map(str, inputs.get("stocks") or ()))
        regions = _dict(record.get("protocol")).get("regions", "?")
        what = f"{inputs.get('target')}, {inputs.get('volume')} from {stocks} for {regions}"
    else:
        stocks = " and ".join(map(str, inputs.get("stocks") or ()))
        what = f"{inputs.get('target')}, {inputs.get('volume')} from {stocks}"
    strengths = ", ".join(f"{solute} {value} %" for solute, value in achieved.items())
    verdict = "PASS" if record.get("pass") is True else "FAIL"
    people = f"by {record.get('prepared_by') or '-'}, checked by {record.get('checked_by') or '-'}"
    time = str(record.get("time", "?")).replace("T", " ")
    return (
        f"{entry.line:>6}  {time}  {record.get('command', '?'):<7}  {what}  "
        f"[{strengths or 'no result'}]  {verdict}  {people}"
    )


def _dict(value: Any) -> dict[str, Any]:
    """Return value when it is a dict, else an empty one (a listing never fails on a record)."""
    return value if isinstance(value, dict) else {}
