"""Opening the course database: SQLite in one private file by default, PostgreSQL by URL.

A new SQLite file is created readable by its owner only (mode 0600, never widened and then
narrowed) and in write-ahead-log mode; every connection turns foreign keys on. A database is
used only when it is this tool's (its npt_database row says so) and its schema is one this
tool knows; an older one is upgraded through the migrations shipped in the package, a newer one
is refused.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from npt_protocol.errors import DatabaseError, RecordError
from npt_protocol.reading.files import irregular

if TYPE_CHECKING:
    import sqlalchemy as sa

APPLICATION = "npt_protocol course record"
SCHEMA_HEAD = "0002"  # the newest migration; a test checks it is Alembic's head
KNOWN_REVISIONS = ("0001", "0002")
MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 10_000
ACCEPTED = "a file path, sqlite:///FILE or postgresql://USER@HOST/DATABASE"
WRITE_OPTION = "npt_write"


def database_url(text: str) -> sa.URL:
    """Read a database named by the user: a file path, sqlite:///FILE or postgresql://..."""
    import sqlalchemy as sa  # noqa: PLC0415 - only the course commands load SQLAlchemy

    stripped = text.strip()
    if not stripped or "\0" in stripped:
        raise DatabaseError(f"Database {text!r} is not a database; expected {ACCEPTED}.")
    if "://" not in stripped:
        return sa.URL.create("sqlite", database=str(Path(stripped).expanduser()))
    try:
        url = sa.engine.make_url(stripped)
    except (sa.exc.ArgumentError, ValueError):
        raise DatabaseError(
            f"Database {text!r} is not a database URL; expected {ACCEPTED}."
        ) from None
    driver = url.drivername
    if driver in {"postgresql", "postgres", "postgresql+psycopg"}:
        return url.set(drivername="postgresql+psycopg")
    if driver == "sqlite":
        if not url.database or url.database == ":memory:" or url.query:
            raise DatabaseError(
                f"Database {shown(url)} names no file; expected sqlite:///FILE, whose records "
                "are kept."
            )
        return url
    raise DatabaseError(f"Database {shown(url)} uses {driver}; expected {ACCEPTED}.")


def shown(url: sa.URL) -> str:
    """Write a database URL for a message, never with its password."""
    if url.drivername == "sqlite":
        return str(url.database)
    if url.drivername.startswith("postgres"):
        url = url.set(drivername="postgresql")  # as the user writes it, without +psycopg
    return url.render_as_string(hide_password=True)


def open_database(location: str, *, create: bool = False) -> sa.Engine:
    """Open the course database named by `location`, upgrading an older schema; with `create`,
    make a new one (a private SQLite file) when there is none."""
    url = database_url(location)
    if url.drivername == "sqlite":
        _sqlite_file(Path(str(url.database)), create=create)
    engine = _engine(url)
    try:
        state = _state(engine)
        if state == "empty":
            if not create:
                raise RecordError(
                    f"The course database {shown(url)} holds no courses yet; start one with "
                    "`npt course start`."
                )
            if url.drivername == "sqlite":
                # Write-ahead logging is a property of the file, set once when it is made ours:
                # setting it on every connection would rewrite a stranger's database header.
                raw = engine.raw_connection()  # outside any transaction, as SQLite requires
                try:
                    cursor = raw.cursor()
                    cursor.execute("PRAGMA journal_mode = WAL")
                    cursor.close()
                finally:
                    raw.close()
            migrate(engine)
        elif state != SCHEMA_HEAD:
            migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse a path that is not a regular file; create a missing one, owner-only, if asked."""
    kind = irregular(path)
    if kind is not None:
        raise DatabaseError(f"Database {path} is {kind}; expected a SQLite file.")
    if path.exists():
        return
    if not create:
        raise RecordError(
            f"There is no course database at {path} yet; start a course with "
            "`npt course start`, or name the database with --db."
        )
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Created with its final mode in one step: there is never a moment it is readable by
        # others. SQLite gives its -wal and -shm files the same mode.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return  # another process created it first
    except OSError as error:
        raise DatabaseError(f"Database {path} cannot be created: {error.strerror}.") from None


def _engine(url: sa.URL) -> sa.Engine:
    """Create the engine: on SQLite, write-ahead logging, foreign keys and a busy wait."""
    import sqlalchemy as sa  # noqa: PLC0415

    if url.drivername != "sqlite":
        return sa.create_engine(url, pool_pre_ping=False)
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Transactions are begun by hand below, so the driver must not begin its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        # A writer takes the write lock at once: two writers never both read and then fail to
        # upgrade their locks, they wait their turn (busy_timeout).
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


@contextlib.contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """Open a transaction that writes: committed whole at the end, or not at all."""
    import sqlalchemy as sa  # noqa: PLC0415

    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            yield connection
    except sa.exc.OperationalError as error:
        raise DatabaseError(f"The course database cannot be written: {_reason(error)}.") from None


@contextlib.contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """Open a transaction that only reads."""
    import sqlalchemy as sa  # noqa: PLC0415

    try:
        with engine.begin() as connection:
            yield connection
    except sa.exc.OperationalError as error:
        raise DatabaseError(f"The course database cannot be read: {_reason(error)}.") from None


def _reason(error: Exception) -> str:
    """Return the first line of a driver's complaint, without SQLAlchemy's decorations."""
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0].rstrip(".") if str(original).strip() else "error"


def _state(engine: sa.Engine) -> str:
    """Return the database's schema revision, or 'empty' for a database with no tables at all;
    refuse one that is not this tool's or is newer than it."""
    import sqlalchemy as sa  # noqa: PLC0415

    where = shown(engine.url)
    try:
        with engine.connect() as connection:
            try:
                row = connection.exec_driver_sql(
                    "SELECT (SELECT value FROM npt_database WHERE key = 'application'), "
                    "(SELECT version_num FROM alembic_version)"
                ).one()
            except sa.exc.DBAPIError:
                connection.rollback()
                row = None
            if row is None:
                if sa.inspect(connection).get_table_names():
                    raise DatabaseError(
                        f"Database {where} is not an npt course database (it has other "
                        "tables); name another with --db."
                    )
                return "empty"
    except sa.exc.DBAPIError as error:
        raise DatabaseError(
            f"Database {where} cannot be opened as a course database: {_reason(error)}."
        ) from None
    application, revision = row
    if application != APPLICATION:
        raise DatabaseError(
            f"Database {where} is not an npt course database; name another with --db."
        )
    if revision not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"Database {where} has schema {revision}, newer than this npt knows "
            f"({SCHEMA_HEAD}); use a newer npt."
        )
    return str(revision)


def migrate(engine: sa.Engine, *, revision: str = "head") -> None:
    """Upgrade the database to `revision` with the migrations shipped in the package."""
    from alembic import command  # noqa: PLC0415 - only an upgrade needs Alembic
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writing(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
