"""The protocol library, loaded once and again only when a clinic folder's files change."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from npt_protocol.protocol.library import Library, load_library

Signature = tuple[tuple[str, int, int, int], ...]


class LibraryCache:
    """The clinic folder (if any) before the shipped library, as `npt protocols list` loads it."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._loaded: tuple[Signature, Library] | None = None

    def get(self) -> Library:
        """Return the library, loading it again when a clinic file was added, changed or removed.

        Runs off the event loop: it reads files."""
        signature = self._signature()
        with self._lock:
            if self._loaded is not None and self._loaded[0] == signature:
                return self._loaded[1]
            library = load_library([self.folder] if self.folder is not None else [])
            self._loaded = (signature, library)
            return library

    def _signature(self) -> Signature:
        """Name, time, size and inode of every entry of the clinic folder."""
        if self.folder is None:
            return ()
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return (("", -1, -1, -1),)  # load_library says what is wrong with the folder
        rows = []
        for entry in entries:
            try:
                info = entry.stat()
            except OSError:
                rows.append((entry.name, -1, -1, -1))
                continue
            rows.append((entry.name, info.st_mtime_ns, info.st_size, info.st_ino))
        return tuple(sorted(rows))
