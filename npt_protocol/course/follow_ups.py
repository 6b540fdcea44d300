"""Follow-up scores of the outcome measures a course's protocols name: recorded and corrected as
versions, never overwritten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from npt_protocol.course import reads
from npt_protocol.course import tables as t
from npt_protocol.course.database import writing
from npt_protocol.course.model import Course, FollowUpRecord, Stamp
from npt_protocol.course.writes import decimal_text, locked_course, not_future, utc_text
from npt_protocol.errors import InputError
from npt_protocol.ismp import format_number
from npt_protocol.protocol.measures import outcome_measures


def record_follow_up(
    engine: sa.Engine,
    *,
    patient: str,
    date: dt.date,
    scores: Sequence[tuple[str, Fraction]],
    note: str | None = None,
    course: int | None = None,
    today: dt.date,
    now: dt.datetime,
    by: str,
) -> tuple[FollowUpRecord, ...]:
    """Record follow-up scores of the course's named outcome measures, during or after it."""
    if not scores:
        raise InputError("A follow-up needs a score; give --measure ID=SCORE, such as nrs-pain=3.")
    not_future(date, today, "--date")
    with writing(engine) as connection:
        chosen = locked_course(connection, patient, course, open_only=False)
        if date < chosen.start_date:
            raise InputError(
                f"--date {date} is before course {chosen.number} began on {chosen.start_date}; "
                "expected a date on or after it."
            )
        for measure_id, value in scores:
            check_score(chosen, measure_id, value)
        table = t.follow_up_versions
        number = connection.execute(
            sa.select(sa.func.coalesce(sa.func.max(table.c.number), 0)).where(
                table.c.course_id == chosen.id
            )
        ).scalar_one()
        stamp = Stamp(utc_text(now), by)
        records = tuple(
            FollowUpRecord(number + i, 1, date, measure_id, value, note, stamp)
            for i, (measure_id, value) in enumerate(scores, 1)
        )
        connection.execute(sa.insert(table), [_follow_up_row(chosen.id, r) for r in records])
        return records


def check_score(course: Course, measure_id: str, value: Fraction) -> None:
    """Refuse a measure the course's protocols do not name, or a score outside its range."""
    if measure_id not in course.plan.measures:
        raise InputError(
            f"--measure {measure_id} is not one the course's protocols name; expected one of "
            f"{', '.join(course.plan.measures) or 'none'}."
        )
    measure = outcome_measures()[measure_id]
    whole = " in whole points" if measure_id == "nrs-pain" else ""
    if not measure.score_min <= value <= measure.score_max or (
        measure_id == "nrs-pain" and value.denominator != 1
    ):
        raise InputError(
            f"--measure {measure_id}={format_number(value, places=6)} is outside "
            f"{measure.abbreviation}'s range; expected {format_number(measure.score_min)} to "
            f"{format_number(measure.score_max)}{whole}."
        )


def _follow_up_row(course_id: int, record: FollowUpRecord) -> dict[str, Any]:
    """Return the row that stores one follow-up version."""
    return {
        "course_id": course_id,
        "number": record.number,
        "version": record.version,
        "assessed_on": record.date,
        "measure": record.measure,
        "score": decimal_text(record.score),
        "note": record.note,
        "voided": record.voided,
        "recorded_at": record.stamp.recorded_at,
        "recorded_by": record.stamp.recorded_by,
        "reason": record.stamp.reason,
    }


def amend_follow_up(
    engine: sa.Engine,
    *,
    patient: str,
    number: int,
    reason: str,
    score: Fraction | None = None,
    date: dt.date | None = None,
    void: bool = False,
    course: int | None = None,
    today: dt.date,
    now: dt.datetime,
    by: str,
) -> FollowUpRecord:
    """Correct a follow-up score: a new version with who, when and why."""
    if score is None and date is None and not void:
        raise InputError("Nothing to amend; give --score, --date or --void.")
    with writing(engine) as connection:
        chosen = locked_course(connection, patient, course, open_only=False)
        table = t.follow_up_versions
        rows = connection.execute(
            sa.select(table).where(table.c.course_id == chosen.id, table.c.number == number)
        ).all()
        if not rows:
            raise InputError(f"Course {chosen.number} of {patient} has no follow-up {number}.")
        latest = reads.follow_up_record(max(rows, key=lambda r: r.version))
        if latest.voided:
            raise InputError(f"Follow-up {number} was voided; record a new follow-up instead.")
        new_score = latest.score if score is None else score
        new_date = latest.date if date is None else date
        check_score(chosen, latest.measure, new_score)
        not_future(new_date, today, "--date")
        if new_date < chosen.start_date:
            raise InputError(
                f"--date {new_date} is before the course began on {chosen.start_date}."
            )
        record = FollowUpRecord(
            number,
            latest.version + 1,
            new_date,
            latest.measure,
            new_score,
            latest.note,
            Stamp(utc_text(now), by, reason),
            voided=void,
        )
        connection.execute(sa.insert(table).values(_follow_up_row(chosen.id, record)))
        return record
