"""The course record from the app: the server's course database, opened once and kept, the
clinic's response rules, and who a write from a page is recorded as.

Pages that write to the course record (a session, an amendment, a follow-up) call
`course_write(state, user_of(request), typed)` off the event loop and pass what it returns to
the writers of npt_protocol.course: `by=access.recorded_by`, `today=`, `now=`, `rules=`. The
name is the one the preparation log gets from web/records.py: the person signed in, else (on
127.0.0.1 without users) the name typed on the page, else the account serving the app, as
`npt course record` without --by names the user logged in.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from npt_protocol.errors import InputError, NptError, RecordError
from npt_protocol.web.config import WebConfig

if TYPE_CHECKING:
    import sqlalchemy as sa

    from npt_protocol.course.rules import ResponseRules
    from npt_protocol.web.state import AppState

NO_DATABASE = (
    "This server keeps no course record; start it with `npt serve --db FILE`, or set the "
    "`database` setting."
)


class NoCoursesYetError(NptError):
    """The course database does not exist yet, or holds no courses: nothing to show yet."""


@dataclass(frozen=True)
class CourseWrite:
    """What a write to the course record from a page needs: the database, the rules, who
    records it, and when (the server's clock)."""

    engine: sa.Engine
    rules: ResponseRules
    recorded_by: str
    today: dt.date
    now: dt.datetime


class CourseRecord:
    """The server's course database: opened when a page first needs it (upgrading an older
    schema, as `npt course` does), then kept for every request; the rules read once."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self._engine: sa.Engine | None = None
        self._rules: ResponseRules | None = None
        self._lock = threading.Lock()

    def engine(self, *, create: bool = False) -> sa.Engine:
        """Return the open database; with `create`, make it when there is none (only a page
        that starts a course should). Raise NoCoursesYetError when it does not exist yet."""
        with self._lock:
            if self._engine is None:
                location = self.config.course_db
                if location is None:
                    raise NoCoursesYetError(NO_DATABASE)
                from npt_protocol.course.database import open_database  # noqa: PLC0415

                try:
                    self._engine = open_database(location, create=create)
                except RecordError as error:  # missing, or made but holding no course yet
                    raise NoCoursesYetError(str(error)) from None
            return self._engine

    def close(self) -> None:
        """Close every connection, so SQLite folds its write-ahead log back into the file."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def rules(self) -> ResponseRules:
        """Return the response rules: the shipped ones with the settings' course_rules, as
        `npt course` applies them."""
        with self._lock:
            if self._rules is None:
                from npt_protocol.course.rules import default_rules, with_settings  # noqa: PLC0415

                self._rules = with_settings(
                    default_rules(), self.config.settings.get("course_rules")
                )
            return self._rules

    def warm(self) -> None:
        """Load the course record's modules, open the database and read the rules before the
        first page asks (creating nothing); a problem is left for the Course pages to say."""
        from npt_protocol.course import listing, report, views  # noqa: F401, PLC0415

        try:
            self.engine()
            self.rules()
        except NptError:
            pass

    def now(self) -> dt.datetime:
        """Return the time now from the server's clock."""
        return self.config.now()

    def today(self) -> dt.date:
        """Return today's date where the server is, as `npt course` counts it."""
        return self.config.now().astimezone().date()


def recorded_by(config: WebConfig, user: str | None, typed: str = "", *, what: str = "--by") -> str:
    """Return who a course write is recorded as: the person signed in; else the name typed on
    the page (checked as `npt course --by` is); else the account serving the app."""
    if user:
        return user
    if typed.strip():
        from npt_protocol.course.inputs import free_text  # noqa: PLC0415

        name = free_text(typed, what=what)
        assert name is not None
        return name
    if config.operator:
        return config.operator
    raise InputError(f"Who records this is not known; give your name in {what}.")


def course_write(
    state: AppState,
    user: str | None,
    typed: str = "",
    *,
    create: bool = False,
    what: str = "--by",
) -> CourseWrite:
    """Open the course record for a page's write, attributed as `recorded_by` says; call it off
    the event loop (run_in_threadpool): it may open the database."""
    courses = state.courses
    who = recorded_by(state.config, user, typed, what=what)
    return CourseWrite(
        engine=courses.engine(create=create),
        rules=courses.rules(),
        recorded_by=who,
        today=courses.today(),
        now=courses.now(),
    )
