"""The clinic's list of courses: every open course, the flagged ones, the ones due.

It reads one stored status row per course, so it stays fast with thousands of patients; the
list is the command a clinic runs most, so this module imports nothing it does not need.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa

from npt_protocol.course.database import reading, writing

if TYPE_CHECKING:
    from npt_protocol.course.rules import ResponseRules

# Standard SQL that SQLite and PostgreSQL both read: one row per course with its stored status
# (none when missing). Written out rather than built from the tables: building them costs more
# start-up time than the whole query.
_LIST = """
SELECT c.id, c.number, p.code,
       EXISTS (SELECT 1 FROM course_closures k WHERE k.course_id = c.id) AS closed,
       s.rules_key, s.sessions, s.state, s.line, s.flags,
       CAST(s.last_date AS VARCHAR(10)), CAST(s.next_due AS VARCHAR(10))
FROM courses c
JOIN patients p ON p.id = c.patient_id
LEFT JOIN course_status s ON s.course_id = c.id
WHERE (:closed OR NOT EXISTS (SELECT 1 FROM course_closures k WHERE k.course_id = c.id))
  AND (NOT :flagged OR s.flagged OR s.rules_key IS NULL OR s.rules_key <> :key)
  AND (NOT :due OR s.next_due <= :today OR s.rules_key IS NULL OR s.rules_key <> :key)
ORDER BY p.code, c.number
"""


class CourseLine(NamedTuple):
    """One course in a list: patient, course number, status line, flags and due date."""

    patient: str
    course: int
    is_open: bool
    sessions: int
    state: str
    line: str
    flags: tuple[str, ...]
    last_date: dt.date | None
    next_due: dt.date | None


def _day(text: str | None) -> dt.date | None:
    """Read a stored date written as ISO text."""
    return None if text is None else dt.date.fromisoformat(text)


def list_courses(
    engine: sa.Engine,
    *,
    rules: ResponseRules,
    today: dt.date,
    flagged: bool = False,
    due: bool = False,
    closed: bool = False,
) -> list[CourseLine]:
    """List the courses (open ones unless `closed`), optionally only the flagged or those due by
    today, from the stored statuses; statuses missing or stored under other rules are
    recomputed and stored first."""
    key = rules.key
    query = sa.text(_LIST).bindparams(
        sa.bindparam("closed", closed, type_=sa.Boolean),
        sa.bindparam("flagged", flagged, type_=sa.Boolean),
        sa.bindparam("due", due, type_=sa.Boolean),
        sa.bindparam("today", today, type_=sa.Date),
        sa.bindparam("key", key, type_=sa.Text),
    )
    with reading(engine) as connection:
        # Rows are read by position: with thousands of rows, much faster than by name.
        rows = connection.execute(query).all()
    outdated = [row[0] for row in rows if row[4] != key]
    if outdated:
        from npt_protocol.course.reads import refresh_status  # noqa: PLC0415 - rarely needed

        with writing(engine) as connection:
            refresh_status(connection, outdated, rules)
            rows = connection.execute(query).all()
    lines = [
        CourseLine(
            code,
            number,
            not is_closed,
            sessions,
            state,
            line,
            tuple(flags.splitlines()),
            _day(last_date),
            _day(next_due),
        )
        for _, number, code, is_closed, _, sessions, state, line, flags, last_date, next_due in rows
    ]
    if flagged:
        lines = [line for line in lines if line.flags]
    if due:
        lines = [line for line in lines if line.next_due is not None and line.next_due <= today]
    return lines
