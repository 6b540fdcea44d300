"""Writing files so that a reader never sees half a file and nothing is replaced by accident:
only a regular file is ever replaced, never one the command read, and an interrupted write
leaves no temporary file behind."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from npt_protocol.errors import OutputError
from npt_protocol.reading.files import kind_of


def check_target(path: Path, *, force: bool, read: Iterable[Path] = ()) -> None:
    """Refuse an output that exists unless forced, anything but a regular file even when
    forced, and a file the command read."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"Output {path} cannot be written: {error.strerror}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"Output {path} is a directory; give a file name.")
    if not force:
        raise OutputError(f"Output {path} already exists; use --force to replace it.")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(
            f"Output {path} is {kind_of(info.st_mode)}; --force replaces only a regular file."
        )
    for source in read:
        try:
            same = os.path.samefile(source, path)
        except OSError:
            continue  # a file that is gone cannot be the one about to be replaced
        if same:
            raise OutputError(
                f"Output {path} is {source}, which this command read; write the output to "
                "another file."
            )


def write_atomically(
    path: Path,
    content: str | bytes,
    *,
    force: bool = False,
    read: Iterable[Path] = (),
    private: bool = False,
) -> None:
    """Write content through a temporary file and a rename; refuse to replace unless forced;
    a private file (patient data) stays readable by its owner only."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(path)
    check_target(target, force=force, read=read)
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
        if not private:
            with contextlib.suppress(AttributeError):  # os.fchmod is not on every platform
                os.fchmod(handle, 0o666 & ~mask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            check_target(target, force=True, read=read)  # it may have changed meanwhile
            os.replace(temporary, target)
        else:
            # link() fails if the target appeared meanwhile, so a race never overwrites a file.
            os.link(temporary, target)
            os.unlink(temporary)
    except OutputError:
        _remove(temporary)
        raise
    except FileExistsError:
        _remove(temporary)
        raise OutputError(f"Output {target} already exists; use --force to replace it.") from None
    except OSError as error:
        _remove(temporary)
        raise OutputError(f"Output {target} cannot be written: {error.strerror}.") from None
    except BaseException:  # Ctrl-C or any other interruption: no temporary file stays behind
        _remove(temporary)
        raise


def _remove(temporary: str) -> None:
    """Remove a temporary file if it is still there."""
    with contextlib.suppress(OSError):
        os.unlink(temporary)
