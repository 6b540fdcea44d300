"""Verifying a preparation log: the hash chain line by line, then every result recomputed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from npt_protocol.log.recompute import LogFinding, Recomputer
from npt_protocol.log.record import BODY_KEY, GENESIS, body_intact, line_hash
from npt_protocol.log.store import lines

__all__ = ["LogFinding", "Verification", "verify"]


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying a log."""

    records: int
    head: str
    findings: tuple[LogFinding, ...]
    torn: LogFinding | None
    distinct_requests: int

    @property
    def ok(self) -> bool:
        """Say whether the chain is intact and every result agrees (a torn tail is allowed)."""
        return not self.findings


def verify(path: Path, *, fast: bool = True) -> Verification:
    """Check the chain of a log and recompute every record's result with this engine."""
    recomputer = Recomputer(fast=fast)
    findings: list[LogFinding] = []
    broken = False  # only the first broken line is reported: later ones follow from it
    prev, count, torn = GENESIS, 0, None
    for number, raw in enumerate(lines(path), 1):
        if raw[-1:] != b"\n":
            tail = _tail_finding(number, raw)
            if tail.kind == "torn":
                torn = tail
            elif not broken:
                findings.append(tail)
            break
        count += 1
        line = raw[:-1]
        record, disagreements = recomputer.examine(number, line)
        problem = _chain_problem(number, line, record, prev)
        if problem is not None and not broken:
            findings.append(LogFinding(number, "broken", problem))
            broken = True
        findings += disagreements
        prev = line_hash(line)
    return Verification(
        records=count,
        head=prev,
        findings=tuple(findings),
        torn=torn,
        distinct_requests=recomputer.distinct,
    )


def _chain_problem(
    number: int, line: bytes, record: dict[str, Any] | None, prev: str
) -> str | None:
    """Say what is wrong with a line's place in the chain, or None."""
    if record is None:
        return f"line {number} is not a JSON record: it was edited or damaged."
    if not body_intact(line):
        return f"line {number} was edited: its content does not match its body_sha256."
    if record.get("prev") == prev:
        return None
    if number == 1:
        return (
            "line 1 does not start a log (its prev is not 64 zeros): lines were removed "
            "from the start, or it was copied from another log."
        )
    return (
        f"line {number} does not follow line {number - 1}: a line was removed, inserted "
        f"or moved here, or line {number - 1} was replaced."
    )


def _tail_finding(number: int, raw: bytes) -> LogFinding:
    """Judge a last line without a newline: torn by a crash, or altered."""
    if raw[: len(BODY_KEY)] != BODY_KEY[: len(raw)]:
        return LogFinding(
            number,
            "broken",
            f"line {number} is not a record and has no newline: it was added or damaged.",
        )
    text = raw.decode(errors="replace")  # a multi-byte character cut short must not hide edits
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        end = -1  # not a whole JSON value: the start of a line cut short, as a crash leaves it
    if 0 <= end < len(text):
        return LogFinding(
            number, "broken", f"line {number} has bytes after its record: it was edited."
        )
    return LogFinding(
        number,
        "torn",
        f"line {number} is incomplete ({len(raw)} bytes, no newline): "
        "a write was interrupted; it is not part of the chain and "
        "the next append removes it.",
    )
