"""Files people name: refuse at once what is not a regular file, rather than wait on it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Opening a FIFO for reading waits for a writer; O_NONBLOCK makes the open return at once, so
# the kind of file can be checked first. Regular files ignore the flag. Windows has neither.
NONBLOCK = getattr(os, "O_NONBLOCK", 0)
BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise translate line ends
CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def kind_of(mode: int) -> str:
    """Name the kind of a file from its mode, for messages."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def irregular(path: Path) -> str | None:
    """Say what a named file is when it exists but is not a regular file (links followed);
    None for a regular file or a name that does not exist."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        if os.path.islink(path):
            return "a symbolic link to nothing (its target is missing)"
        return None
    except OSError as error:
        return f"unusable ({error.strerror})"
    return None if stat.S_ISREG(mode) else kind_of(mode)


def open_regular(path: Path, flags: int, *, what: str, error: type[Exception]) -> int:
    """Open a regular file without ever blocking on it; raise `error` for any other kind.

    The kind is checked on the open descriptor, so a file swapped after a check by name is
    still refused.
    """
    fd = os.open(path, flags | NONBLOCK | BINARY | CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise error(f"{what} {path} is {kind_of(mode)}; expected a regular file.")
        if NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path, *, what: str, limit: int, error: type[Exception]) -> bytes:
    """Return at most limit + 1 bytes of a regular file; raise `error` naming the file otherwise."""
    try:
        fd = open_regular(path, os.O_RDONLY, what=what, error=error)
    except OSError as problem:
        reason = problem.strerror or type(problem).__name__
        raise error(f"{what} {path} cannot be read ({reason}); expected a readable file.") from None
    try:
        chunks = []
        remaining = limit + 1  # one byte over the limit is enough to say it is too large
        while remaining > 0:
            chunk = os.read(fd, remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    except OSError as problem:
        reason = problem.strerror or type(problem).__name__
        raise error(f"{what} {path} cannot be read ({reason}); expected a readable file.") from None
    finally:
        os.close(fd)
