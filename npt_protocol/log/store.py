"""The log file: durable appends under an exclusive lock, and reading lines under a shared one."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from npt_protocol.errors import InputError, OutputError
from npt_protocol.log.record import GENESIS, encode, line_hash

_CHUNK = 65536


@dataclass(frozen=True)
class Appended:
    """What an append did: the line written, whether it created the log, any torn tail removed."""

    line: bytes
    created: bool
    torn_bytes: int


def append(path: Path, record: Mapping[str, Any]) -> Appended:
    """Append a record durably under an exclusive lock, chained onto the last complete line.

    A last line without its newline is what a crash in the middle of a write leaves: it was never
    part of the chain, so it is cut off before the new line is written and reported back.
    """
    created = True
    try:
        try:
            fd = os.open(
                path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644
            )
        except FileExistsError:
            created = False
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC)
    except OSError as error:
        raise OutputError(f"log {path} cannot be opened for appending: {error.strerror}.") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        end, last = _last_line(fd, size)
        if end < size:
            os.ftruncate(fd, end)
            os.fsync(fd)
        line = encode({**record, "prev": GENESIS if last is None else line_hash(last)})
        _write_all_or_nothing(fd, line + b"\n", end, path)
        if created:
            _sync_folder(path)
    except OutputError:
        raise
    except OSError as error:
        raise OutputError(
            f"log {path} cannot be written: {error.strerror}; the record was not logged."
        ) from None
    finally:
        os.close(fd)  # closing also releases the lock
    return Appended(line=line, created=created, torn_bytes=size - end)


def _write_all_or_nothing(fd: int, data: bytes, end: int, path: Path) -> None:
    """Write data in one call and make it durable; on any failure cut the file back to `end`."""
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


def _sync_folder(path: Path) -> None:
    """Make a new log's directory entry durable."""
    folder = os.open(path.parent if str(path.parent) else Path("."), os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _last_line(fd: int, size: int) -> tuple[int, bytes | None]:
    """Return where the complete lines end and the last complete line (None when there is none)."""
    data = b""
    start = size
    while start > 0:
        step = min(_CHUNK, start)
        start -= step
        data = os.pread(fd, step, start) + data
        newline = data.rfind(b"\n")
        if newline >= 0 and (start == 0 or data.rfind(b"\n", 0, newline) >= 0):
            return start + newline + 1, data[data.rfind(b"\n", 0, newline) + 1 : newline]
    return 0, None


MAX_LINE_BYTES = 1 << 20


def lines(path: Path) -> Iterator[bytes]:
    """Yield the log's lines with their newlines (the last may lack one), under a shared lock."""
    try:
        stream = path.open("rb", buffering=1 << 20)
    except OSError as error:
        raise InputError(f"log {path} cannot be read: {error.strerror}.") from None
    with stream:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_SH)  # never read a line half written
            # A record is a few kilobytes; a longer line (or an endless one, as from /dev/zero)
            # is no log at all, and reading it whole would exhaust memory.
            number = 0
            while line := stream.readline(MAX_LINE_BYTES + 1):
                number += 1
                if len(line) > MAX_LINE_BYTES:
                    raise InputError(
                        f"log {path} line {number} is longer than 1 MiB; expected "
                        "a preparation log of one record per line."
                    )
                yield line
        except OSError as error:
            raise InputError(f"log {path} cannot be read: {error.strerror}.") from None
