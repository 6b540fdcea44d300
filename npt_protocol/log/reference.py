"""A record's reference: the log's id, the record's number and its line's hash, short enough to
print on a syringe label and carry in its 2D code, and enough to find and prove the record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from npt_protocol.errors import InputError
from npt_protocol.log.head import Head
from npt_protocol.log.record import entry_type, line_hash, parse_line
from npt_protocol.log.store import LOCK_WAIT_SECONDS, Overlong, Waiting, lines

LOG_ID_CHARS = 8


@dataclass(frozen=True)
class RecordReference:
    """Where a record is: which log (its id from the header), which record, and its hash."""

    log_id: str
    head: Head  # the log's head right after the record: its number and its line's hash

    @property
    def text(self) -> str:
        """Write the reference as 'log 5eed0c1a record 3-3f9a2c7e1b5d0a4f'; the part after
        'record' is a head token that `npt log verify FILE --head` accepts."""
        return f"log {self.log_id[:LOG_ID_CHARS]} record {self.head.token}"


def locate(
    path: Path, line: bytes, *, wait: float = LOCK_WAIT_SECONDS, on_wait: Waiting | None = None
) -> RecordReference:
    """Find a line just appended to a log and return its reference, counting records as
    `npt log verify` does (the header and repair records are not preparations)."""
    wanted = line_hash(line.rstrip(b"\n"))
    log_id = ""
    records = 0
    for number, raw in enumerate(lines(path, wait=wait, on_wait=on_wait), 1):
        if isinstance(raw, Overlong):
            continue
        body = raw.rstrip(b"\n")
        record = parse_line(body)
        if record is None:
            continue  # a line an interrupted write left is no record
        if number == 1:
            log_id = str(record.get("log_id", ""))
            continue
        if entry_type(record) != "record":
            continue
        records += 1
        if line_hash(body) == wanted:
            return RecordReference(log_id, Head(records, wanted))
    raise InputError(f"log {path} does not hold the record just appended; run `npt log verify`.")
