"""`npt course`: a patient's treatment course, its sessions, response, flags and exports.

Writing commands (start, record, amend, follow-up, close, delete) are here; the commands that
read and print (show, list, history, report, export) are in course_views.py.
"""

from __future__ import annotations

import datetime as dt
import getpass
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from npt_protocol.cli.common import NptGroup
from npt_protocol.errors import InputError

if TYPE_CHECKING:
    import sqlalchemy as sa

    from npt_protocol.course.rules import ResponseRules
    from npt_protocol.settings import Settings

DATABASE_FILE = "course.sqlite3"
# name -> "module:attribute", imported only when the command runs (as for `npt` itself).
SUBCOMMANDS = {
    "start": "npt_protocol.cli.course_writes:start",
    "record": "npt_protocol.cli.course_record:record",
    "amend": "npt_protocol.cli.course_record:amend",
    "follow-up": "npt_protocol.cli.course_writes:follow_up",
    "close": "npt_protocol.cli.course_writes:close",
    "delete": "npt_protocol.cli.course_writes:delete",
    "show": "npt_protocol.cli.course_views:show",
    "list": "npt_protocol.cli.course_views:list_command",
    "history": "npt_protocol.cli.course_views:history",
    "report": "npt_protocol.cli.course_views:report",
    "export": "npt_protocol.cli.course_views:export",
}


class CourseGroup(NptGroup):
    """The `npt course` group: a command's module is imported only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List every course command, sorted."""
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return the command, or None for an unknown name."""
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command


@click.group(cls=CourseGroup)
def course() -> None:
    """Keep each patient's treatment course: sessions, pain scores, response and flags.

    The patient identifier selects the course; --course N picks one when a patient has more
    than one open. The database is a private SQLite file in the user data folder, or the one
    named by --db or the `database` setting (a file or postgresql://USER@HOST/DATABASE).

    \b
    Examples:
      npt course start PT-0042 --protocol knee --side left --date 2026-12-01
      npt course record PT-0042 --date 2026-12-01 --pain-before 7 --pain-after 3 --points knee=10
      npt course record PT-0042 --date 2026-12-08 --pain-before 6 --pain-after 2 --relief 3d
      npt course show PT-0042
      npt course list --flagged
      npt course report PT-0042 -o course.pdf
      npt course export PT-0042 --fhir -o bundle.json
    """


def db_option(function: Any) -> Any:
    """Add --db URL."""
    return click.option(
        "--db",
        metavar="URL",
        help="The course database: a file, sqlite:///FILE or postgresql://USER@HOST/DATABASE "
        "(default: the `database` setting, else course.sqlite3 in the user data folder).",
    )(function)


def by_option(function: Any) -> Any:
    """Add --by NAME (who records it)."""
    return click.option(
        "--by", "by", metavar="NAME", help="Who records it (default: the user logged in)."
    )(function)


def course_option(function: Any) -> Any:
    """Add --course N."""
    return click.option(
        "--course", "course_number", metavar="N", help="Which of the patient's courses (1, 2, ...)."
    )(function)


def settings() -> Settings:
    """Read the clinic settings file."""
    from npt_protocol.settings import load_settings  # noqa: PLC0415

    return load_settings()


def location(db: str | None, config: Settings) -> str:
    """Name the database: --db, else the `database` setting, else the user data folder's file."""
    if db is not None:
        return db
    configured = config.database
    if configured is not None:
        return configured
    import platformdirs  # noqa: PLC0415

    return str(Path(platformdirs.user_data_dir("npt")) / DATABASE_FILE)


def engine(db: str | None, config: Settings, *, create: bool = False) -> sa.Engine:
    """Open the course database the options and settings name."""
    from npt_protocol.course.database import open_database  # noqa: PLC0415

    opened = open_database(location(db, config), create=create)
    # Closing every connection when the command ends lets SQLite fold its write-ahead log back
    # into the one file, so nothing but the database is left beside it.
    click.get_current_context().call_on_close(opened.dispose)
    return opened


def rules(config: Settings) -> ResponseRules:
    """Return the response rules: the shipped ones with the clinic's course_rules applied."""
    from npt_protocol.course.rules import default_rules, with_settings  # noqa: PLC0415

    return with_settings(default_rules(), config.get("course_rules"))


def recorder(by: str | None) -> str:
    """Return who records: --by, else the name of the user logged in."""
    from npt_protocol.course.inputs import free_text  # noqa: PLC0415

    if by is not None:
        name = free_text(by, what="--by")
        assert name is not None
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise InputError("Who records this is not known; give --by NAME.") from None


def today() -> dt.date:
    """Return today's date at the clinic."""
    return dt.date.today()


def now() -> dt.datetime:
    """Return the current time."""
    return dt.datetime.now(dt.UTC)


def date_or_today(text: str | None, what: str = "--date") -> dt.date:
    """Parse --date (YYYY-MM-DD), default today."""
    from npt_protocol.times import parse_date  # noqa: PLC0415

    return today() if text is None else parse_date(text, what=what)


def number(text: str | None, what: str) -> int | None:
    """Parse a course, session or follow-up number."""
    from npt_protocol.course.inputs import whole  # noqa: PLC0415

    return None if text is None else whole(text, what=what, low=1)


def patient_code(text: str) -> str:
    """Check a patient identifier."""
    from npt_protocol.course.inputs import patient_code as check  # noqa: PLC0415

    return check(text)


def reason_text(text: str | None, what: str = "--reason") -> str:
    """Require a reason: every amendment, closure and deletion says why."""
    from npt_protocol.course.inputs import free_text  # noqa: PLC0415

    reason = free_text(text, what=what)
    if reason is None:
        raise InputError(f"{what} is required; say why, in a few words.")
    return reason
