"""Course databases for the tests: a private SQLite file, or a fresh PostgreSQL database.

PostgreSQL is used when NPT_TEST_POSTGRES_URL names a server that may create databases (CI
starts one, `.ci/run`); without it the PostgreSQL half of each test is skipped, saying why.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from npt_protocol.course import writes
from npt_protocol.course.database import database_url
from npt_protocol.course.inputs import SitePoints
from npt_protocol.course.model import SessionValues
from npt_protocol.course.plan import course_plan
from npt_protocol.course.rules import ResponseRules, default_rules
from npt_protocol.protocol.library import load_library

POSTGRES_ENV = "NPT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]
TODAY = dt.date(2026, 1, 31)
NOW = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)
RULES = default_rules()


def postgres_url() -> str | None:
    """Return the PostgreSQL server URL the tests may use, if any."""
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the location of an empty course database on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "course.sqlite3")
        return
    server = postgres_url()
    if server is None:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    yield from fresh_postgres(server)


def fresh_postgres(server: str) -> Iterator[str]:
    """Create a database of its own on the server, yield its URL, and drop it afterwards."""
    admin_url = database_url(server)
    name = f"npt_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield admin_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def both(function: object) -> object:
    """Run a test on SQLite and on PostgreSQL."""
    return pytest.mark.parametrize("database", BACKENDS, indirect=True)(function)


def start(
    engine: object,
    patient: str = "PT-0042",
    *,
    regions: tuple[tuple[str, str], ...] = (("knee", "left"),),
    on: dt.date = dt.date(2026, 1, 1),
    rules: ResponseRules = RULES,
) -> object:
    """Start a course for a patient on the shipped protocols."""
    library = load_library([], only=[protocol for protocol, _ in regions])
    plan = course_plan([(library.get(p), side) for p, side in regions])
    return writes.start_course(
        engine,  # type: ignore[arg-type]
        patient=patient,
        plan=plan,
        start_date=on,
        today=TODAY,
        now=NOW,
        by="tester",
        rules=rules,
    )


def record(
    engine: object,
    day: int,
    before: int,
    after: int | None = None,
    *,
    patient: str = "PT-0042",
    points: tuple[SitePoints, ...] = (),
    rules: ResponseRules = RULES,
    relief_minutes: int | None = None,
) -> object:
    """Record a session on a day of January 2026."""
    return writes.record_session(
        engine,  # type: ignore[arg-type]
        patient=patient,
        values=SessionValues(
            date=dt.date(2026, 1, day),
            pain_before=before,
            pain_after=after,
            relief_minutes=relief_minutes,
        ),
        points=points,
        today=TODAY,
        now=NOW,
        by="tester",
        rules=rules,
    )
