"""Reading a file a person names: a regular file only, never more than a limit, never waiting."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from npt_protocol.errors import InputError

# Opening a FIFO for reading waits for a writer; O_NONBLOCK returns at once (where it exists).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_regular_file(path: Path, *, what: str, limit: int) -> bytes:
    """Return at most limit + 1 bytes of a regular file, refusing folders, FIFOs and devices."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            f"{what} {path} cannot be read ({reason}); expected a readable file."
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise InputError(
                f"{what} {path} is not a regular file (a folder, pipe or device); expected a "
                "file of text."
            )
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(descriptor, remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            f"{what} {path} cannot be read ({reason}); expected a readable file."
        ) from None
    finally:
        os.close(descriptor)
