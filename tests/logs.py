"""Building small preparation logs for tests, through the same functions the commands use."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.engine.requests import CheckRequest, PrepareRequest
from npt_protocol.log.recompute import result_data
from npt_protocol.log.record import (
    BODY_KEY,
    GENESIS,
    encode,
    header_record,
    line_hash,
    new_record,
)

Request = PrepareRequest | CheckRequest

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
REQUESTS: tuple[Request, ...] = (
    PrepareRequest("dextrose 5%", "60mL", ("D50",)),
    CheckRequest("dextrose 5%", ("D50=6mL", "SWFI=54mL")),
    PrepareRequest("dextrose 10%", "20mL", ("D50",)),
    CheckRequest("dextrose 5%", ("D50=7mL", "SWFI=53mL")),  # outside the tolerance
    PrepareRequest("mannitol 5%", "30mL", ("mannitol-20",)),
)


@functools.cache
def _result(request: Request) -> str:
    """Run a request as its command does; cached as JSON text so callers get fresh dicts."""
    return json.dumps(result_data(request, load_catalogue(None)))


def result_of(request: Request) -> dict[str, Any]:
    """Return the result data a command renders for a request."""
    return dict(json.loads(_result(request)))


def record_for(request: Request, index: int = 0) -> dict[str, Any]:
    """Build the record the commands would log for a request, at START plus `index` minutes."""
    command = "check" if isinstance(request, CheckRequest) else "prepare"
    return new_record(
        command=command,
        time=START + dt.timedelta(minutes=index),
        argv=[request.target, "--log", "clinic.log"],
        request=request,
        result=result_of(request),
        prepared_by="A. Lee",
        checked_by="B. Khan" if command == "check" else None,
    )


def chain(records: Sequence[dict[str, Any]]) -> list[bytes]:
    """Encode records as log lines (without newlines), each chained onto the one before."""
    out, prev = [], GENESIS
    for record in records:
        line = encode({**record, "prev": prev})
        out.append(line)
        prev = line_hash(line)
    return out


HEADER = header_record(time=START, log_id="5eed" * 8)


def log_bytes(count: int = len(REQUESTS), *, header: dict[str, Any] = HEADER) -> bytes:
    """Return a valid log: its header, then `count` records cycling through REQUESTS."""
    records = [record_for(REQUESTS[i % len(REQUESTS)], i) for i in range(count)]
    return b"".join(line + b"\n" for line in chain([header, *records]))


def rewrite(data: bytes, line_number: int, change: Callable[[dict[str, Any]], None]) -> bytes:
    """Change one record, then re-seal it and every later line as a careful forger would."""
    records = [json.loads(line) for line in data.splitlines()]
    change(records[line_number - 1])
    return b"".join(line + b"\n" for line in chain(records))


def write(folder: Path, data: bytes, name: str = "clinic.log") -> Path:
    """Write bytes to a log file in folder and return its path."""
    path = folder / name
    path.write_bytes(data)
    return path


def seal(line: bytes) -> bytes:
    """Redo a line's body_sha256 over its bytes, whatever they now say, as a forger would."""
    body = b"{" + line[len(BODY_KEY) + 66 :]
    return BODY_KEY + hashlib.sha256(body).hexdigest().encode() + b'",' + body[1:]


def reseal_from(lines: Sequence[bytes], number: int) -> bytes:
    """Seal line `number` as it stands, then re-chain every later line onto it."""
    out = [*lines[: number - 1], seal(lines[number - 1])]
    prev = line_hash(out[-1])
    for line in lines[number:]:
        out.append(encode({**json.loads(line), "prev": prev}))
        prev = line_hash(out[-1])
    return b"".join(line + b"\n" for line in out)
