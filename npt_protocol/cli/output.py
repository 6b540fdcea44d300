"""Writing files so that a reader never sees half a file and nothing is replaced by accident."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from npt_protocol.errors import OutputError


def write_atomically(path: Path, content: str | bytes, *, force: bool = False) -> None:
    """Write content through a temporary file and a rename; refuse to replace unless forced."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"Output {target} is a directory; give a file name.")
    if target.exists() and not force:
        raise OutputError(f"Output {target} already exists; use --force to replace it.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"Output folder {folder} does not exist; create it first.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as error:
        raise OutputError(f"Output {target} cannot be written: {error.strerror}.") from None
    try:
        # mkstemp creates the file readable by its owner only; give it the usual permissions.
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(handle, 0o666 & ~mask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            os.replace(temporary, target)
        else:
            # link() fails if the target appeared meanwhile, so a race never overwrites a file.
            os.link(temporary, target)
            os.unlink(temporary)
    except FileExistsError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"Output {target} already exists; use --force to replace it.") from None
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"Output {target} cannot be written: {error.strerror}.") from None
