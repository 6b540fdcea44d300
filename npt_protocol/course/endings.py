"""Ending a course (closed, with a reason) and deleting a patient (explicit, and logged)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from npt_protocol.course import reads
from npt_protocol.course import tables as t
from npt_protocol.course.database import writing
from npt_protocol.course.model import Course
from npt_protocol.course.rules import ResponseRules
from npt_protocol.course.writes import locked_course, not_future, utc_text
from npt_protocol.errors import InputError


def close_course(
    engine: sa.Engine,
    *,
    patient: str,
    date: dt.date,
    reason: str,
    course: int | None = None,
    today: dt.date,
    now: dt.datetime,
    by: str,
    rules: ResponseRules,
) -> Course:
    """Close a patient's open course: no more sessions; follow-ups may still be recorded."""
    not_future(date, today, "--date")
    with writing(engine) as connection:
        chosen = locked_course(connection, patient, course, open_only=True)
        if date < chosen.start_date:
            raise InputError(f"--date {date} is before the course began on {chosen.start_date}.")
        connection.execute(
            sa.insert(t.course_closures).values(
                course_id=chosen.id,
                closed_on=date,
                reason=reason,
                recorded_at=utc_text(now),
                recorded_by=by,
            )
        )
        reads.refresh_status(connection, [chosen.id], rules)
        return reads.choose_course(connection, patient, chosen.number, open_only=False)


def delete_patient(
    engine: sa.Engine, *, patient: str, reason: str, now: dt.datetime, by: str
) -> tuple[int, int]:
    """Delete a patient and everything recorded about them; log who, when, why and how much.
    Return the numbers of courses and session versions removed."""
    with writing(engine) as connection:
        row = reads.patient_row(connection, patient)
        course_ids = [
            c.id
            for c in connection.execute(
                sa.select(t.courses.c.id).where(t.courses.c.patient_id == row.id)
            )
        ]
        sessions = connection.execute(
            sa.select(sa.func.count()).where(t.session_versions.c.course_id.in_(course_ids))
        ).scalar_one()
        connection.execute(
            sa.insert(t.deletions).values(
                patient_code=patient,
                deleted_at=utc_text(now),
                deleted_by=by,
                reason=reason,
                courses=len(course_ids),
                sessions=sessions,
            )
        )
        # Children first: a database without cascading deletes still ends consistent.
        for table in (
            t.course_status,
            t.session_versions,
            t.follow_up_versions,
            t.course_closures,
            t.course_regions,
        ):
            connection.execute(sa.delete(table).where(table.c.course_id.in_(course_ids)))
        connection.execute(sa.delete(t.courses).where(t.courses.c.patient_id == row.id))
        connection.execute(sa.delete(t.patients).where(t.patients.c.id == row.id))
        return len(course_ids), int(sessions)
