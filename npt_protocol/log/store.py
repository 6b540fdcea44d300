"""The log file: created whole with its header, appended durably under an exclusive lock, read
line by line under a shared one. Nothing is ever cut from a log: bytes that an interrupted write
left are closed by a repair record that names their size and hash."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time as clock
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from npt_protocol.errors import InputError, NptError, OutputError
from npt_protocol.log.record import (
    BODY_KEY,
    GENESIS,
    SCHEMA,
    body_intact,
    closes,
    encode,
    entry_type,
    header_record,
    line_hash,
    parse_line,
    repair_record,
)
from npt_protocol.reading.files import open_regular

MAX_LINE_BYTES = 1 << 20  # what the reader takes whole; the writer's records are far smaller
MAX_TORN_BYTES = 4 << 20  # more bytes than this after the last record is no interrupted write
LOCK_WAIT_SECONDS = 10.0
_CHUNK = 65536
_POLL_SECONDS = 0.05

# Told how long it will wait for another process's lock, once, before waiting.
Waiting = Callable[[float], None]


@dataclass(frozen=True)
class Appended:
    """What an append did: the line written, whether it created the log, and any bytes of an
    interrupted write that a repair record now closes."""

    line: bytes
    created: bool
    repaired_bytes: int = 0
    newline_added: bool = False


@dataclass(frozen=True)
class Overlong:
    """A line longer than the reader takes whole: its size and hash, so the chain goes on."""

    size: int
    sha256: str
    complete: bool  # ends with a newline


def append(
    path: Path,
    record: Mapping[str, Any],
    *,
    wait: float = LOCK_WAIT_SECONDS,
    on_wait: Waiting | None = None,
) -> Appended:
    """Append a record durably, chained onto the last committed line; create the log, with its
    header, when the file does not exist. A file that is not an npt log is refused untouched."""
    while True:
        try:
            fd = open_regular(path, os.O_RDWR | os.O_APPEND, what="log", error=InputError)
        except FileNotFoundError:
            created = _create(path, record)
            if created is not None:
                return created
            continue  # another process created it first: append to theirs
        except NptError:
            raise
        except OSError as error:
            raise OutputError(
                f"log {path} cannot be opened for appending: {error.strerror}."
            ) from None
        try:
            with os.fdopen(fd, "r+b", buffering=0, closefd=False) as handle:
                _lock(handle, path, exclusive=True, wait=wait, on_wait=on_wait)
                return _append_locked(handle, path, record)
        except NptError:
            raise
        except OSError as error:
            raise OutputError(
                f"log {path} cannot be written: {error.strerror}; the record was not logged."
            ) from None
        finally:
            os.close(fd)  # closing also releases the lock


def _append_locked(handle: IO[bytes], path: Path, record: Mapping[str, Any]) -> Appended:
    """Check the log's header and end, then write the record (and any repair) in one write."""
    fd = handle.fileno()
    size = os.fstat(fd).st_size
    _check_header(handle, path, size)
    last, tail = _tail(handle, path, size)
    prefix, newline_added, repaired = b"", False, 0
    pieces = split_pieces(tail)
    if pieces and not pieces[-1].endswith(b"\n") and _commits(pieces[-1], pieces[:-1], last):
        # A whole record that lost only its newline is committed: it stays, and is ended.
        prefix, newline_added, last = b"\n", True, pieces[-1]
    elif pieces:
        if len(tail) > MAX_TORN_BYTES or not all(map(torn, pieces)):
            raise OutputError(
                f"log {path} ends with {len(tail):,} bytes that are neither records nor an "
                f"interrupted write; it was not changed (run `npt log verify {path}`)."
            )
        closed = tail if tail.endswith(b"\n") else tail + b"\n"
        repair = encode(repair_record(time=record["time"], torn=closed, prev=line_hash(last)))
        prefix, repaired, last = closed[len(tail) :] + repair + b"\n", len(closed), repair
    line = encode({**record, "prev": line_hash(last)})
    _write_all_or_nothing(fd, prefix + line + b"\n", size, path)
    return Appended(line=line, created=False, repaired_bytes=repaired, newline_added=newline_added)


def _create(path: Path, record: Mapping[str, Any]) -> Appended | None:
    """Create the log whole, header and first record, under a temporary name, then give it its
    name only if no file has it; None when another process created it first."""
    folder = path.parent if str(path.parent) else Path(".")
    header = encode(header_record_for(record))
    line = encode({**record, "prev": line_hash(header)})
    data = header + b"\n" + line + b"\n"
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=folder)
    except OSError as error:
        raise OutputError(f"log {path} cannot be opened for appending: {error.strerror}.") from None
    try:
        try:
            mask = os.umask(0)
            os.umask(mask)
            with contextlib.suppress(AttributeError):  # os.fchmod is not on every platform
                os.fchmod(handle, 0o644 & ~mask)
            _write_all_or_nothing(handle, data, 0, path)
        finally:
            os.close(handle)
        try:
            os.link(temporary, path)  # fails if the name exists: a log is never replaced
        except FileExistsError:
            return None
        except OSError:
            if not _create_in_place(path, data):
                return None
        _sync_folder(folder)
    except NptError:
        raise
    except OSError as error:
        raise OutputError(
            f"log {path} cannot be written: {error.strerror}; the record was not logged."
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return Appended(line=line, created=True)


def header_record_for(record: Mapping[str, Any]) -> dict[str, Any]:
    """Build a new log's header, made at the time of its first record, with a random id."""
    import datetime as dt  # noqa: PLC0415 - only creating a log needs it

    made = dt.datetime.fromisoformat(str(record["time"]).replace("Z", "+00:00"))
    return header_record(time=made, log_id=secrets.token_hex(16))


def _create_in_place(path: Path, data: bytes) -> bool:
    """Create the log by name where the file system has no hard links; False if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except FileExistsError:
        return False
    try:
        _write_all_or_nothing(fd, data, 0, path)
    finally:
        os.close(fd)
    return True


def _commits(final: bytes, before: list[bytes], last: bytes) -> bool:
    """Say whether a last line without its newline is a whole record chained onto `last`: a
    record straight after it, or a repair that closes exactly the lines before it."""
    record = parse_line(final)
    if record is None or not body_intact(final) or record.get("prev") != line_hash(last):
        return False
    span = b"".join(before)
    if entry_type(record) == "repair":
        return bool(span) and closes(record, span)
    return not span


def _check_header(handle: IO[bytes], path: Path, size: int) -> None:
    """Refuse, before anything is written, a file that does not start with a log header."""
    handle.seek(0)
    first = handle.readline(MAX_LINE_BYTES)
    header = parse_line(first[:-1]) if first.endswith(b"\n") else None
    if (
        header is None
        or entry_type(header) != "header"
        or header.get("schema") != SCHEMA
        or header.get("prev") != GENESIS
        or not body_intact(first[:-1])
    ):
        state = "is empty" if size == 0 else "does not start with an npt log header"
        raise InputError(
            f"log {path} {state}, so it is not an npt preparation log; it was not changed "
            "(give a new file name, or an existing log)."
        )


def _tail(handle: IO[bytes], path: Path, size: int) -> tuple[bytes, bytes]:
    """Return the last whole record line that ends with a newline, and the bytes after it,
    reading back from the end in growing steps."""
    step = _CHUNK
    while True:
        start = max(0, size - step)
        handle.seek(start)
        found = _last_record(handle.read(size - start), from_start=start == 0)
        if found is not None:
            return found
        if start == 0 or step > MAX_TORN_BYTES + MAX_LINE_BYTES:
            raise OutputError(
                f"log {path} does not end with records or an interrupted write; it was not "
                f"changed (run `npt log verify {path}`)."
            )
        step *= 4


def _last_record(data: bytes, *, from_start: bool) -> tuple[bytes, bytes] | None:
    """Find in the file's last bytes the last whole record line that ends with a newline and
    starts inside them; return it and the bytes after it, or None."""
    end = data.rfind(b"\n")
    while end >= 0:
        begin = data.rfind(b"\n", 0, end) + 1
        if begin == 0 and not from_start:
            return None  # where this line starts has not been read yet
        line = data[begin:end]
        if parse_line(line) is not None and body_intact(line):
            return line, data[end + 1 :]
        end = begin - 1
    return None


def split_pieces(data: bytes) -> list[bytes]:
    """Split bytes into lines that keep their newlines; the last may have none."""
    pieces = [piece + b"\n" for piece in data.split(b"\n")]
    pieces[-1] = pieces[-1][:-1]
    return [piece for piece in pieces if piece]


def torn(line: bytes) -> bool:
    """Say whether a line (with or without its newline) is the start of a record cut short."""
    body = line[:-1] if line.endswith(b"\n") else line
    if not body or not (body.startswith(BODY_KEY) or BODY_KEY.startswith(body)):
        return False
    import json  # noqa: PLC0415 - only an interrupted write needs it

    text = body.decode(errors="replace")  # a character cut short must not hide an edit
    try:
        json.JSONDecoder().raw_decode(text)
    except ValueError:
        return True  # not a whole JSON value: the start of a line, as a crash leaves it
    except RecursionError:
        return False  # no record nests so deep: not the start of one
    return False


def _write_all_or_nothing(fd: int, data: bytes, end: int, path: Path) -> None:
    """Write data in one call and make it durable; on any failure cut the file back to `end`,
    where it was before (only bytes this call wrote are removed)."""
    try:
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(0, f"only {written} of {len(data)} bytes could be written")
        os.fsync(fd)
    except OSError as error:
        try:
            os.ftruncate(fd, end)
            os.fsync(fd)
        except OSError:
            raise OutputError(
                f"log {path} could not be written ({error.strerror}) and the "
                "partial line could not be removed; run `npt log verify`."
            ) from None
        raise


def _sync_folder(folder: Path) -> None:
    """Make a new log's directory entry durable (where the platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its file system journals the entry
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock(
    handle: IO[bytes], path: Path, *, exclusive: bool, wait: float, on_wait: Waiting | None
) -> None:
    """Lock the open log, waiting at most `wait` seconds for another process to let go."""
    import portalocker  # noqa: PLC0415 - only the log needs it

    flags = portalocker.LockFlags.EXCLUSIVE if exclusive else portalocker.LockFlags.SHARED
    deadline = clock.monotonic() + wait
    told = False
    while True:
        try:
            portalocker.lock(handle, flags | portalocker.LockFlags.NON_BLOCKING)
            return
        except ImportError:  # shared locks on Windows need pywin32: take an exclusive one
            flags = portalocker.LockFlags.EXCLUSIVE
            continue
        except portalocker.AlreadyLocked:
            pass
        except portalocker.LockException as error:
            raise OutputError(f"log {path} cannot be locked: {error}.") from None
        if not told and on_wait is not None:
            on_wait(wait)
        told = True
        if clock.monotonic() >= deadline:
            raise OutputError(
                f"log {path} is still in use by another process after {wait:g} s; "
                "nothing was written, so try again when it has finished."
            )
        clock.sleep(_POLL_SECONDS)


def lines(
    path: Path, *, wait: float = LOCK_WAIT_SECONDS, on_wait: Waiting | None = None
) -> Iterator[bytes | Overlong]:
    """Yield the log's lines with their newlines (the last may lack one), under a shared lock;
    a line over 1 MiB comes as its size and hash, so the lines after it can still be checked."""
    try:
        fd = open_regular(path, os.O_RDONLY, what="log", error=InputError)
    except NptError:
        raise
    except OSError as error:
        raise InputError(f"log {path} cannot be read: {error.strerror}.") from None
    with os.fdopen(fd, "rb", buffering=1 << 20) as stream:
        try:
            _lock(stream, path, exclusive=False, wait=wait, on_wait=on_wait)
            while line := stream.readline(MAX_LINE_BYTES + 1):
                if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                    yield _overlong(stream, line)
                else:
                    yield line
        except OSError as error:
            raise InputError(f"log {path} cannot be read: {error.strerror}.") from None


def _overlong(stream: IO[bytes], start: bytes) -> Overlong:
    """Read the rest of an over-long line in pieces, hashing it without keeping it."""
    import hashlib  # noqa: PLC0415

    digest, size = hashlib.sha256(start), len(start)
    while True:
        piece = stream.readline(MAX_LINE_BYTES)
        complete = piece.endswith(b"\n")
        body = piece[:-1] if complete else piece
        digest.update(body)
        size += len(body)
        if complete or not piece:
            return Overlong(size=size, sha256=digest.hexdigest(), complete=complete)
