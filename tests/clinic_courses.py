"""A small clinic's course record for the Course pages' tests, written through the course
record's own writers, with each course's status worked out by hand below.

Knee courses (shipped protocol: a session every 7 days, judged after 3 sessions; responder at a
fall of 2 points or 30 % from the baseline, Farrar 2001). Today is 2026-01-31.

- PT-0001, started 2026-01-01, recorded by "A. Lee": pain before 7, 6, 4 and after 3, 2, 1.
  Baseline 7. Session 2: 7 - 6 = 1 point, 1/7 = 14 %: down 1 point (14 %), not yet a responder.
  Session 3: 7 - 4 = 3 points, 3/7 = 43 %: down 3 points (43 %), a responder (3 >= 2).
  No flag. Next session due 2026-01-15 + 7 days = 2026-01-22, by today: due.
- PT-0002, started 2026-01-15, recorded by "B. Kaur": pain before 7, 6, 6.
  Baseline 7; session 3: down 1 point (14 %), short of 2 points and of 30 %: not a responder
  after 3 sessions, FLAG reconsider. (Not a plateau: 7, 6, 6 changed by 1 then 0; the plateau
  needs both of the last two changes under 1 point.) Next due 2026-01-29 + 7 = 2026-02-05:
  not due.
- PT-0003 has two open courses: course 1 (knee left, 2026-01-20) and course 2 (shoulder right,
  2026-01-21); no sessions, so each is due on its start date: both due, neither flagged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from npt_protocol.course import writes
from npt_protocol.course.database import open_database
from npt_protocol.course.model import SessionValues
from npt_protocol.course.plan import course_plan
from npt_protocol.course.rules import default_rules
from npt_protocol.protocol.library import load_library

TODAY = dt.date(2026, 1, 31)
NOW = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)
RULES = default_rules()


def clock() -> dt.datetime:
    """The server's clock in the tests: noon on 2026-01-31, UTC."""
    return NOW


def start(engine: object, patient: str, protocol: str, side: str, on: dt.date, by: str) -> None:
    """Start a course on a shipped protocol."""
    library = load_library([], only=[protocol])
    writes.start_course(
        engine,  # type: ignore[arg-type]
        patient=patient,
        plan=course_plan([(library.get(protocol), side)]),
        start_date=on,
        today=TODAY,
        now=NOW,
        by=by,
        rules=RULES,
    )


def session(
    engine: object,
    patient: str,
    on: dt.date,
    before: int,
    after: int | None,
    by: str,
    *,
    relief_minutes: int | None = None,
) -> None:
    """Record a session in the patient's open course."""
    writes.record_session(
        engine,  # type: ignore[arg-type]
        patient=patient,
        values=SessionValues(
            date=on, pain_before=before, pain_after=after, relief_minutes=relief_minutes
        ),
        today=TODAY,
        now=NOW,
        by=by,
        rules=RULES,
    )


def make_clinic(location: Path | str) -> str:
    """Write the clinic's course record at a file path or database URL; return its location."""
    engine = open_database(str(location), create=True)
    try:
        day = dt.date
        start(engine, "PT-0001", "knee", "left", day(2026, 1, 1), "A. Lee")
        session(engine, "PT-0001", day(2026, 1, 1), 7, 3, "A. Lee")
        session(engine, "PT-0001", day(2026, 1, 8), 6, 2, "A. Lee", relief_minutes=3 * 24 * 60)
        session(engine, "PT-0001", day(2026, 1, 15), 4, 1, "A. Lee")
        start(engine, "PT-0002", "knee", "right", day(2026, 1, 15), "B. Kaur")
        for on, before in ((15, 7), (22, 6), (29, 6)):
            session(engine, "PT-0002", day(2026, 1, on), before, None, "B. Kaur")
        start(engine, "PT-0003", "knee", "left", day(2026, 1, 20), "A. Lee")
        start(engine, "PT-0003", "shoulder", "right", day(2026, 1, 21), "A. Lee")
    finally:
        engine.dispose()
    return str(location)
