"""Files only their owner may read: the users file and the session secret, kept in a private
folder, written atomically, refused when others can read them."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from npt_protocol.errors import InputError, OutputError

PRIVATE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> Path:
    """Create the data folder readable by its owner only, or check an existing one is a folder."""
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"data folder {folder} is a file; expected a folder.") from None
    except OSError as error:
        raise OutputError(
            f"data folder {folder} cannot be created: {error.strerror}; give another with --data."
        ) from None
    return folder


def read_private(path: Path, *, what: str) -> bytes | None:
    """Read a private file, None when it does not exist; refuse one that others may read or
    that is not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(f"{what} {path} cannot be read: {error.strerror}.") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{what} {path} is not a regular file; remove it.")
        if os.name == "posix" and mode & 0o077:
            raise InputError(
                f"{what} {path} may be read by others (mode {stat.S_IMODE(mode):o}); make it "
                f"private with chmod 600 {path}."
            )
        return handle.read()


def write_private(path: Path, data: bytes, *, what: str) -> None:
    """Replace a private file atomically: a new file of mode 0600, synced, then renamed over."""
    handle = None
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
            dir=path.parent, prefix=f".{path.name}.", delete=False
        )
        os.chmod(handle.name, PRIVATE_MODE)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(handle.name, path)
        _sync_folder(path.parent)
    except OSError as error:
        if handle is not None:
            handle.close()
            with contextlib.suppress(OSError):
                os.unlink(handle.name)
        raise OutputError(
            f"{what} {path} cannot be written: {error.strerror}; nothing was changed."
        ) from None


def create_private(path: Path, data: bytes) -> bool:
    """Create a private file only if none exists yet; False when another process made it first."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return False
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_folder(path.parent)
    return True


def _sync_folder(folder: Path) -> None:
    """Make a new or renamed entry in a folder durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
