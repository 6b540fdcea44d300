"""The preparation log: one JSON line per prepare, check or session batch, chained by SHA-256,
appended durably.

Each line is the record as compact JSON with sorted keys, UTF-8, ending in "\\n". `prev` is the
SHA-256 (hex) of the previous line's bytes without its newline, 64 zeros for the first line.
`body_sha256`, always the first key, is the SHA-256 of the line with that member removed, so an
edit is found at the line edited, the last line included. The format is in docs/log-format.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any, Literal

from npt_protocol import __version__
from npt_protocol.engine.measured import METHOD_ORDER
from npt_protocol.engine.requests import BatchRequest, CheckRequest, PrepareRequest
from npt_protocol.errors import InputError

SCHEMA = "npt.log/1"
GENESIS = "0" * 64
Command = Literal["prepare", "check", "session"]
Request = PrepareRequest | CheckRequest | BatchRequest
HEADER_KEYS = frozenset(
    {"body_sha256", "created", "log_id", "prev", "schema", "tool_version", "type"}
)
REPAIR_KEYS = frozenset(
    {"body_sha256", "prev", "repaired", "schema", "time", "tool_version", "type"}
)
# What one command may write: a person's name is short, an argument is a word or a path, and a
# record is a few kilobytes. The reader accepts lines of up to 1 MiB, so every record it is
# given by this tool can be read back whole.
MAX_NAME_CHARS = 100
MAX_ARGUMENT_CHARS = 1000
MAX_ARGUMENTS = 100
MAX_RECORD_BYTES = 64 * 1024

BODY_KEY = b'{"body_sha256":"'
_BODY_START = len(BODY_KEY) + 64 + 2  # after the digest and its closing '",'
_DECODER = json.JSONDecoder()
_LIST_INPUTS = {"stocks", "syringes", "drawn", "bases"}
# Inputs added after the first records were written: an older record is read with the default.
_ADDED_INPUTS: dict[str, list[str]] = {"bases": []}
_OPTIONAL_INPUTS = {"method", "weight", "catalogue"}


def utc_text(time: dt.datetime) -> str:
    """Write an aware time as ISO 8601 UTC with milliseconds: '2026-05-04T09:31:12.345Z'."""
    if time.tzinfo is None:
        raise ValueError("the time of a log record must be timezone-aware")
    utc = time.astimezone(dt.UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def normalised(request: Request) -> dict[str, Any]:
    """Return the request as the JSON object a record keeps to recompute it."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in asdict(request).items()
    }


def request_from(command: str, data: Any) -> Request:
    """Rebuild the request a record's normalised inputs describe; InputError if they do not."""
    kind: type[PrepareRequest] | type[CheckRequest] | type[BatchRequest]
    if command == "prepare":
        kind = PrepareRequest
    elif command == "check":
        kind = CheckRequest
    elif command == "session":
        kind = BatchRequest
    else:
        raise InputError(f"command {command!r} is not prepare, check or session")
    names = [f.name for f in fields(kind)]
    if isinstance(data, dict):
        data = {**{k: v for k, v in _ADDED_INPUTS.items() if k in names}, **data}
    if not isinstance(data, dict) or sorted(data) != sorted(names):
        raise InputError(f"its inputs are not the {command} fields {', '.join(names)}")
    values: dict[str, Any] = {}
    for name in names:
        value = data[name]
        if name in _LIST_INPUTS:
            if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
                raise InputError(f"its input {name!r} is not a list of text")
            value = tuple(value)
        elif not (isinstance(value, str) or (value is None and name in _OPTIONAL_INPUTS)):
            raise InputError(f"its input {name!r} is not text")
        values[name] = value
    if values.get("method") not in (None, *METHOD_ORDER):
        raise InputError(f"its method {values['method']!r} is not {', '.join(METHOD_ORDER)}")
    request: Request = kind(**values)
    return request


def new_record(
    *,
    command: Command,
    time: dt.datetime,
    argv: Sequence[str],
    request: Request,
    result: Mapping[str, Any],
    prepared_by: str | None = None,
    checked_by: str | None = None,
    protocol: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build a record (without `prev`, which `append` fills in) from a command's result data;
    InputError when a field is longer than a log keeps."""
    names = _name(prepared_by, "--by"), _name(checked_by, "--checked-by")
    _check_arguments(argv)
    record = {
        "schema": SCHEMA,
        "time": utc_text(time),
        "command": command,
        "inputs": {"argv": list(argv), "normalised": normalised(request)},
        "catalogue_version": result["catalogue_version"],
        "protocol": None if protocol is None else dict(protocol),
        "result": dict(result),
        "pass": bool(result["pass"]),
        "tool_version": __version__,
        "prepared_by": names[0],
        "checked_by": names[1],
    }
    size = len(encode({**record, "prev": GENESIS}))
    if size > MAX_RECORD_BYTES:
        raise InputError(
            f"the log record would take {size:,} bytes, more than the {MAX_RECORD_BYTES // 1024} "
            "KiB a record may hold; give shorter arguments."
        )
    return record


def header_record(*, time: dt.datetime, log_id: str) -> dict[str, Any]:
    """Build the header that starts every log: it says the file is an npt preparation log."""
    return {
        "schema": SCHEMA,
        "type": "header",
        "created": utc_text(time),
        "log_id": log_id,
        "tool_version": __version__,
        "prev": GENESIS,
    }


def repair_record(*, time: str, torn: bytes, prev: str) -> dict[str, Any]:
    """Build the record that closes bytes an interrupted write left, naming their size and hash."""
    return {
        "schema": SCHEMA,
        "type": "repair",
        "time": time,
        "repaired": {"bytes": len(torn), "sha256": hashlib.sha256(torn).hexdigest()},
        "tool_version": __version__,
        "prev": prev,
    }


def closes(repair: Mapping[str, Any], span: bytes) -> bool:
    """Say whether a repair record names exactly these bytes."""
    return repair.get("repaired") == {
        "bytes": len(span),
        "sha256": hashlib.sha256(span).hexdigest(),
    }


def entry_type(record: Mapping[str, Any]) -> str:
    """Say what a parsed line is: a header, a repair, or (anything else) a preparation record."""
    kind = record.get("type")
    if kind == "header" and record.keys() == HEADER_KEYS:
        return "header"
    if kind == "repair" and record.keys() == REPAIR_KEYS:
        return "repair"
    return "record"


def _check_arguments(argv: Sequence[str]) -> None:
    """Refuse more arguments, or a longer argument, than a log record keeps."""
    if len(argv) > MAX_ARGUMENTS:
        raise InputError(
            f"{len(argv)} arguments are more than a log record keeps; give at most {MAX_ARGUMENTS}."
        )
    for argument in argv:
        if len(argument) > MAX_ARGUMENT_CHARS:
            raise InputError(
                f"the argument {argument[:20]!r}... is {len(argument):,} characters long, more "
                f"than the {MAX_ARGUMENT_CHARS:,} a log record keeps; give a shorter one."
            )


def _name(text: str | None, what: str) -> str | None:
    """Accept a person's name as given, refusing an empty or long one or one with control
    characters."""
    if text is None:
        return None
    if not text.strip():
        raise InputError(f"{what} is empty; give the name to record, such as 'A. Lee'.")
    if len(text) > MAX_NAME_CHARS:
        raise InputError(
            f"{what} is {len(text):,} characters long; give a name of at most "
            f"{MAX_NAME_CHARS} characters, such as 'A. Lee'."
        )
    # Bytes that were not UTF-8 arrive as lone surrogates and are kept (written as escapes).
    hidden = next(
        (ch for ch in text if not ch.isprintable() and not "\ud800" <= ch <= "\udfff"), None
    )
    if hidden is not None:
        raise InputError(
            f"{what} {text!r} has a character that does not print (U+{ord(hidden):04X}); give "
            "the name on one line in plain characters."
        )
    return text


def canonical(value: Any) -> bytes:
    """Serialise JSON data as a log writes it: sorted keys, no spaces, UTF-8."""
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    # An argument that was not valid UTF-8 reaches Python as lone surrogates, which only occur
    # inside JSON strings; written as \udcXX escapes they stay valid JSON and read back the same.
    return text.encode("utf-8", "backslashreplace")


def encode(record: Mapping[str, Any]) -> bytes:
    """Serialise a record (with `prev`) as one log line without its newline."""
    body = canonical({k: v for k, v in record.items() if k != "body_sha256"})
    digest = hashlib.sha256(body).hexdigest().encode()
    return BODY_KEY + digest + b'",' + body[1:]


def line_hash(line: bytes) -> str:
    """Return the SHA-256 hex of a line without its newline: the next record's `prev`."""
    return hashlib.sha256(line).hexdigest()


def body_intact(line: bytes) -> bool:
    """Say whether a line's `body_sha256` matches the rest of the line."""
    if not line.startswith(BODY_KEY) or line[_BODY_START - 2 : _BODY_START] != b'",':
        return False
    digest = hashlib.sha256(b"{" + line[_BODY_START:]).hexdigest().encode()
    return digest == line[len(BODY_KEY) : _BODY_START - 2]


def parse_line(line: bytes) -> dict[str, Any] | None:
    """Parse one line (without its newline) into a record, or None if it is not a JSON object."""
    try:
        text = line.decode()
        record, end = _DECODER.raw_decode(text)  # the C scanner without json.loads' detours
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; nesting too deep
        return None
    return record if isinstance(record, dict) and end == len(text) else None
