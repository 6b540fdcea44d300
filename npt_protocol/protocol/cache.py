"""A cache of the shipped protocols as checked, so that a command reads them without YAML.

One pickle file holds each shipped file's checked outcome (`Loaded`) with the file's status
(modification and change times, size, inode) when it was read; the whole cache is dropped when
the tool's version, its Python, the shipped folder or any source or data file that turns YAML
into a protocol has changed. A cache that cannot be read, is not a cache of this shape, or is not
the user's own file (owned by them, writable by no one else) is ignored, never trusted: the
protocols are then read from their files as without a cache. Writing replaces the file at once
(a temporary file renamed), and a cache that cannot be written is simply not kept.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import npt_protocol
from npt_protocol.protocol.loaded import Loaded

FORMAT = 1  # raised when the layout of the cache file changes
FileStatus = tuple[int, int, int, int, int]
_PACKAGE = Path(npt_protocol.__file__).parent
# What turns a protocol file into a Protocol: the loader, its readers, the catalogue it reads
# solutions in, and the modules and data they use (numbers, units, outcome measures).
_CODE_FOLDERS = ("", "protocol", "reading", "catalogue", "data")
_CODE_SUFFIXES = (".py", ".toml", ".txt")


def file_status(path: Path) -> FileStatus | None:
    """Return what says a file is unchanged (times, size, inode), or None when it is not a
    regular file that can be read."""
    try:
        status = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return (
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_size,
        status.st_ino,
        status.st_dev,
    )


def code_stamp(folder: Path) -> tuple[Any, ...]:
    """Describe everything a cached protocol depends on besides its own file."""
    files: list[tuple[str, FileStatus | None]] = []
    for name in _CODE_FOLDERS:
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(_PACKAGE / name), key=lambda e: e.name):
                if entry.name.endswith(_CODE_SUFFIXES):
                    files.append((f"{name}/{entry.name}", file_status(Path(entry.path))))
    return (
        FORMAT,
        npt_protocol.__version__,
        sys.implementation.cache_tag,
        str(folder.resolve()),
        tuple(files),
    )


@dataclass
class LibraryCache:
    """The checked shipped protocols kept between commands, by path as read."""

    file: Path
    stamp: tuple[Any, ...]
    entries: dict[str, tuple[FileStatus, Loaded]] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def open(cls, file: Path, *, folder: Path) -> LibraryCache:
        """Read the cache for a shipped folder; an empty one when there is none to trust."""
        stamp = code_stamp(folder)
        return cls(file, stamp, _read(file, stamp))

    def get(self, path: Path) -> Loaded | None:
        """Return a file's checked outcome if the file is unchanged since it was cached."""
        kept = self.entries.get(str(path))
        if kept is None or file_status(path) != kept[0]:
            return None
        return kept[1]

    def put(self, path: Path, loaded: Loaded, *, status: FileStatus | None) -> None:
        """Keep a file's checked outcome with its status as it was before it was read; nothing
        is kept when the file changed while it was read."""
        if status is None or file_status(path) != status:
            return
        self.entries[str(path)] = (status, loaded)
        self.changed = True

    def save(self) -> None:
        """Write the cache if it changed: a temporary file renamed over the old one."""
        if not self.changed:
            return
        with contextlib.suppress(OSError, pickle.PicklingError):
            self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=self.file.parent, prefix=".protocols-", suffix=".tmp"
            )
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump((self.stamp, self.entries), out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.file)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            self.changed = False


def _read(file: Path, stamp: tuple[Any, ...]) -> dict[str, tuple[FileStatus, Loaded]]:
    """Read the cache's entries; none when the file is missing, not the user's own, unreadable,
    of another shape, or made for other code or another folder."""
    try:
        with file.open("rb") as handle:
            status = os.fstat(handle.fileno())
            if not _owned(status):
                return {}
            # Unpickling runs what the file says: only the user's own file, checked above.
            kept, entries = pickle.load(handle)
    except Exception:  # a broken cache of any kind is read as no cache
        return {}
    if kept != stamp or not isinstance(entries, dict):
        return {}
    for key, value in entries.items():
        if not (
            isinstance(key, str)
            and isinstance(value, tuple)
            and len(value) == 2  # (status, outcome)
            and isinstance(value[1], Loaded)
        ):
            return {}
    return entries


def _owned(status: os.stat_result) -> bool:
    """Whether a cache file is a regular file of the user's own that no one else may change."""
    if not stat.S_ISREG(status.st_mode) or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or status.st_uid == getuid()
