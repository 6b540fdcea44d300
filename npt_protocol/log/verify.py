"""Verifying a preparation log: its header, the hash chain line by line, every result recomputed,
and, when one was noted, that the log still holds the head it had."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from npt_protocol.log.head import Head, parse_head
from npt_protocol.log.recompute import LogFinding, Recomputer
from npt_protocol.log.record import (
    GENESIS,
    SCHEMA,
    body_intact,
    closes,
    entry_type,
    line_hash,
    parse_line,
)
from npt_protocol.log.store import LOCK_WAIT_SECONDS, Overlong, Waiting, lines, torn

__all__ = ["Head", "LogFinding", "Verification", "read_head", "verify"]


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying a log."""

    records: int
    head: Head
    findings: tuple[LogFinding, ...]
    torn: LogFinding | None
    distinct_requests: int
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Say whether the log is whole and every result agrees (a torn tail is allowed)."""
        return not self.findings

    @property
    def chain_ok(self) -> bool:
        """Say whether the header and the chain are whole, whatever the results say."""
        return not any(f.kind in {"broken", "head"} for f in self.findings)


@dataclass(slots=True)
class _Walk:
    """What is known while the lines are read in order."""

    prev: str = GENESIS  # hash of the last committed line
    records: int = 0  # preparation records so far
    committed: int = 0  # committed lines so far: header, records and repairs
    pending: list[tuple[int, bytes]] = field(default_factory=list)  # lines no record closes yet
    last_broken: int = 0  # the last line reported broken
    findings: list[LogFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    noted_found: bool = False

    def broken(self, number: int, message: str) -> None:
        """Report a line that is not where or what it should be."""
        self.findings.append(LogFinding(number, "broken", message))
        self.last_broken = number


def verify(
    path: Path,
    *,
    fast: bool = True,
    head: str | None = None,
    recompute: bool = True,
    wait: float = LOCK_WAIT_SECONDS,
    on_wait: Waiting | None = None,
) -> Verification:
    """Check a log's header and chain, recompute every record's result with this engine, and
    check that the log holds `head` (a token from `npt log head`) when one is given."""
    noted = parse_head(head) if head is not None else None
    recomputer = Recomputer(fast=fast)
    examine = recomputer.examine
    walk = _Walk()
    number = 0
    for number, raw in enumerate(lines(path, wait=wait, on_wait=on_wait), 1):
        if isinstance(raw, Overlong):
            _close_pending(walk, number, None)
            walk.broken(
                number,
                f"line {number} is {raw.size:,} bytes long, longer than any record: it was "
                "added or edited.",
            )
            walk.prev = raw.sha256  # a line after it that chains onto it is still checked
            continue
        line = raw[:-1] if raw[-1:] == b"\n" else raw
        if recompute:
            record, disagreements = examine(number, line)
            if record is not None and "type" in record and entry_type(record) != "record":
                disagreements = []  # the header or a repair: nothing to recompute
        else:
            record, disagreements = parse_line(line), []
        if record is None:
            if torn(raw):
                walk.pending.append((number, raw))
                continue
            _close_pending(walk, number, None)
            walk.broken(
                number,
                "line 1 is not an npt log header: this file is not an npt log, or its start "
                "was edited."
                if number == 1
                else f"line {number} is not a JSON record: it was edited or damaged.",
            )
            walk.prev = line_hash(line)
            continue
        if (
            walk.committed
            and not walk.pending
            and "type" not in record
            and record.get("prev") == walk.prev
            and body_intact(line)
        ):
            # The common case, kept short: a preparation record in its place in the chain.
            walk.committed += 1
            walk.records += 1
            walk.prev = line_hash(line)
        else:
            _commit(walk, number, line, record)
        if disagreements:
            walk.findings += disagreements
        if noted is not None and noted.matches(walk.records, walk.prev):
            walk.noted_found = True
    torn_finding = _end(walk, number)
    if noted is not None and not walk.noted_found:
        walk.findings.append(
            LogFinding(
                number,
                "head",
                f"the log does not hold the noted head {noted.token}: records up to it were "
                "removed or rewritten.",
            )
        )
    return Verification(
        records=walk.records,
        head=Head(walk.records, walk.prev),
        findings=tuple(walk.findings),
        torn=torn_finding,
        distinct_requests=recomputer.distinct,
        notes=tuple(walk.notes),
    )


def read_head(
    path: Path, *, wait: float = LOCK_WAIT_SECONDS, on_wait: Waiting | None = None
) -> Verification:
    """Check a log's header and chain without recomputing results, for its head."""
    return verify(path, recompute=False, wait=wait, on_wait=on_wait)


def _commit(walk: _Walk, number: int, line: bytes, record: dict[str, Any]) -> None:
    """Check a whole record's place in the log, then make it the last committed line."""
    kind = entry_type(record)
    if walk.pending or kind == "repair":
        _close_pending(walk, number, record if kind == "repair" else None)
    if walk.committed == 0 and number == 1 and kind != "header":
        walk.broken(
            1,
            "line 1 is not an npt log header: the start of the log was removed, or this "
            "file is not an npt log.",
        )
    elif kind == "header" and record.get("schema") != SCHEMA:
        walk.broken(
            number,
            f"line {number} is a header for {record.get('schema')!r}; this version reads {SCHEMA}.",
        )
    elif kind == "header" and number != 1:
        walk.broken(
            number,
            f"line {number} is a log header inside the log: another log was joined on here.",
        )
    elif not body_intact(line):
        walk.broken(
            number, f"line {number} was edited: its content does not match its body_sha256."
        )
    elif record.get("prev") != walk.prev and walk.last_broken != number - 1:
        # A line after a broken one cannot chain onto it: that follows from the line before.
        walk.broken(
            number,
            f"line {number} does not follow line {number - 1}: a line was removed, inserted "
            f"or moved here, or line {number - 1} was replaced."
            if number > 1
            else "line 1 does not start a log: lines were removed from the start.",
        )
    walk.committed += 1
    walk.records += kind == "record"
    walk.prev = line_hash(line)


def _close_pending(walk: _Walk, number: int, repair: dict[str, Any] | None) -> None:
    """Account for lines an interrupted write left: a repair record must close them exactly."""
    span = b"".join(raw for _, raw in walk.pending)
    first = walk.pending[0][0] if walk.pending else number
    if repair is not None and span and closes(repair, span):
        lines_text = f"line {first}" if first == number - 1 else f"lines {first} to {number - 1}"
        walk.notes.append(
            f"line {number} records the repair of {len(span):,} bytes that an interrupted "
            f"write left on {lines_text}."
        )
    elif repair is not None:
        walk.broken(
            number,
            f"line {number} is a repair record that does not match the bytes before it: "
            "the log was edited.",
        )
    elif span:
        walk.broken(
            first,
            f"line {first} is not a whole record and no repair record closes it: a line was "
            "cut short or edited.",
        )
    walk.pending = []


def _end(walk: _Walk, number: int) -> LogFinding | None:
    """Judge what the log ends with; return the warning for a write cut short."""
    if number == 0:
        walk.broken(
            1,
            "the log is empty: an npt log starts with its header line, so it was emptied or "
            "is not an npt log.",
        )
        return None
    if not walk.pending:
        return None
    first, last = walk.pending[0][0], walk.pending[-1][0]
    size = sum(len(raw) for _, raw in walk.pending)
    where = f"line {first} is" if first == last else f"lines {first} to {last} are"
    walk.pending = []
    return LogFinding(
        first,
        "torn",
        f"{where} incomplete ({size:,} bytes that start like a record but are not one): a "
        "write was interrupted; they are not part of the chain, and the next append records "
        "their repair.",
    )
