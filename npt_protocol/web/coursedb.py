"""The course database the app writes sessions to: opened on first use, kept open, and made
when the first course is started (as `npt course start` makes it)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from npt_protocol.errors import InputError

if TYPE_CHECKING:
    import sqlalchemy as sa


class CourseDatabase:
    """One engine for the server's course database, shared by every request."""

    def __init__(self, location: str | None) -> None:
        self.location = location
        self._lock = threading.Lock()
        self._engine: sa.Engine | None = None

    def engine(self, *, create: bool = False) -> sa.Engine:
        """Return the engine, opening the database (and making it, with `create`) on first use.

        Runs off the event loop: it reads the database."""
        if self.location is None:
            raise InputError(
                "No course database is set for this server; start it with npt serve --db FILE, "
                "or set database in the settings file."
            )
        with self._lock:
            if self._engine is None:
                from npt_protocol.course.database import open_database  # noqa: PLC0415

                self._engine = open_database(self.location, create=create)
            return self._engine

    def close(self) -> None:
        """Close every connection, so SQLite folds its write-ahead log back into the file."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
