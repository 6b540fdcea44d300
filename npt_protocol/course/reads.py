"""Reading the course record: a patient's course, every version, and the stored statuses."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from npt_protocol.course import tables as t
from npt_protocol.course.model import (
    Closure,
    Course,
    CoursePlan,
    FollowUpRecord,
    Patient,
    Region,
    SessionRecord,
    SessionValues,
    Site,
    Stamp,
)
from npt_protocol.course.rules import ResponseRules
from npt_protocol.course.status import Status, course_status
from npt_protocol.errors import RecordError
from npt_protocol.numbers import parse_number


class UnknownPatientError(RecordError):
    """A patient identifier the course record does not hold."""


def patient_row(connection: sa.Connection, code: str) -> Any:
    """Return the patient's row; refuse a code the record does not hold."""
    row = connection.execute(sa.select(t.patients).where(t.patients.c.code == code)).first()
    if row is None:
        raise UnknownPatientError(
            f"Patient {code} is not in the course record; check the identifier, or start a "
            f"course with `npt course start {code} --protocol ID --side SIDE`."
        )
    return row


def patient(row: Any) -> Patient:
    """Build a Patient from its row."""
    return Patient(
        code=row.code,
        created_at=row.created_at,
        created_by=row.created_by,
        display_name=row.display_name,
        birth_date=row.birth_date,
    )


def choose_course(
    connection: sa.Connection, code: str, number: int | None, *, open_only: bool
) -> Course:
    """Return the course a command means: the one named by --course, else the patient's one
    open course (or, when open_only is false and none is open, the latest)."""
    found = patient_row(connection, code)
    return pick_course(
        patient_courses(connection, found.id, code), code, number, open_only=open_only
    )


def pick_course(
    courses: Sequence[Course], code: str, number: int | None, *, open_only: bool
) -> Course:
    """Pick the course a command means from a patient's courses (see choose_course)."""
    if number is not None:
        chosen = next((c for c in courses if c.number == number), None)
        if chosen is None:
            numbers = ", ".join(str(c.number) for c in courses) or "none"
            raise RecordError(
                f"Patient {code} has no course {number}; their courses are {numbers}."
            )
        if open_only and chosen.closure is not None:
            raise RecordError(
                f"Course {number} of {code} was closed on {chosen.closure.closed_on}; start a "
                "new course to record more sessions."
            )
        return chosen
    open_courses = [c for c in courses if c.is_open]
    if len(open_courses) > 1:
        numbers = ", ".join(str(c.number) for c in open_courses)
        raise RecordError(
            f"Patient {code} has {len(open_courses)} open courses ({numbers}); choose one with "
            "--course N."
        )
    if open_courses:
        return open_courses[0]
    if open_only or not courses:
        raise RecordError(
            f"Patient {code} has no open course; start one with `npt course start {code} ...`."
        )
    return courses[-1]


def patient_courses(connection: sa.Connection, patient_id: int, code: str) -> list[Course]:
    """Return every course of a patient, oldest first, with its regions and closure."""
    rows = connection.execute(
        sa.select(t.courses)
        .where(t.courses.c.patient_id == patient_id)
        .order_by(t.courses.c.number)
    ).all()
    ids = [row.id for row in rows]
    regions: dict[int, list[Region]] = {i: [] for i in ids}
    for region in connection.execute(
        sa.select(t.course_regions)
        .where(t.course_regions.c.course_id.in_(ids))
        .order_by(t.course_regions.c.course_id, t.course_regions.c.position)
    ):
        regions[region.course_id].append(
            Region(region.protocol_id, region.side, region.protocol_version)
        )
    closures = {
        row.course_id: Closure(row.closed_on, row.reason, row.recorded_at, row.recorded_by)
        for row in connection.execute(
            sa.select(t.course_closures).where(t.course_closures.c.course_id.in_(ids))
        )
    }
    return [course(row, code, tuple(regions[row.id]), closures.get(row.id)) for row in rows]


def course(row: Any, code: str, regions: tuple[Region, ...], closure: Closure | None) -> Course:
    """Build a Course from its row."""
    plan = CoursePlan(
        regions=regions,
        solution=row.solution,
        planned_min=row.planned_min,
        planned_max=row.planned_max,
        interval_days=row.interval_days,
        reassess_after=row.reassess_after,
        stop_rule=row.stop_rule,
        stop_rule_source=row.stop_rule_source,
        measures=tuple(json.loads(row.measures)),
    )
    return Course(
        id=row.id,
        patient=code,
        number=row.number,
        start_date=row.start_date,
        plan=plan,
        created_at=row.created_at,
        created_by=row.created_by,
        closure=closure,
    )


def session_record(row: Any) -> SessionRecord:
    """Build one session version from its row."""
    values = SessionValues(
        date=row.session_date,
        pain_before=row.pain_before,
        pain_after=row.pain_after,
        relief_minutes=row.relief_minutes,
        sites=tuple(Site(s["protocol"], s["side"], s["points"]) for s in json.loads(row.sites)),
        volume_ml=None if row.volume_ml is None else parse_number(row.volume_ml, what="volume"),
        solution=row.solution,
        batch=row.batch,
        log_ref=row.log_ref,
        adverse=tuple(json.loads(row.adverse)),
        adverse_note=row.adverse_note,
        note=row.note,
    )
    stamp = Stamp(row.recorded_at, row.recorded_by, row.reason)
    return SessionRecord(row.number, row.version, values, stamp, bool(row.voided))


def follow_up_record(row: Any) -> FollowUpRecord:
    """Build one follow-up version from its row."""
    return FollowUpRecord(
        number=row.number,
        version=row.version,
        date=row.assessed_on,
        measure=row.measure,
        score=Fraction(parse_number(row.score, what="score")),
        note=row.note,
        stamp=Stamp(row.recorded_at, row.recorded_by, row.reason),
        voided=bool(row.voided),
    )


def session_versions(connection: sa.Connection, course_ids: Sequence[int]) -> list[Any]:
    """Return every session version of the courses, in recording order."""
    table = t.session_versions
    return list(
        connection.execute(
            sa.select(table)
            .where(table.c.course_id.in_(course_ids))
            .order_by(table.c.course_id, table.c.number, table.c.version)
        )
    )


def current(records: Iterable[SessionRecord]) -> list[SessionRecord]:
    """Keep the version in force of each session (the highest), without voided ones, by date."""
    latest: dict[int, SessionRecord] = {}
    for record in records:
        if record.number not in latest or record.version > latest[record.number].version:
            latest[record.number] = record
    kept = [r for r in latest.values() if not r.voided]
    return sorted(kept, key=lambda r: r.score.order)


def current_follow_ups(records: Iterable[FollowUpRecord]) -> list[FollowUpRecord]:
    """Keep the version in force of each follow-up, without voided ones, by date."""
    latest: dict[int, FollowUpRecord] = {}
    for record in records:
        if record.number not in latest or record.version > latest[record.number].version:
            latest[record.number] = record
    kept = [r for r in latest.values() if not r.voided]
    return sorted(kept, key=lambda r: (r.date, r.measure, r.number))


def next_due(course: Course, sessions: Sequence[SessionRecord]) -> dt.date | None:
    """Return when the next session is due: none once closed or all planned sessions are given."""
    if not course.is_open or len(sessions) >= course.plan.planned_max:
        return None
    if not sessions:
        return course.start_date
    if course.plan.interval_days is None:
        return None
    return sessions[-1].values.date + dt.timedelta(days=course.plan.interval_days)


def status_of(course: Course, sessions: Sequence[SessionRecord], rules: ResponseRules) -> Status:
    """Compute a course's status from the sessions in force."""
    return course_status(
        (s.score for s in sessions),
        rules,
        protocol_after=course.plan.reassess_after,
        protocol_source=course.plan.stop_rule_source,
    )


def status_row(
    course: Course, sessions: Sequence[SessionRecord], rules: ResponseRules
) -> dict[str, Any]:
    """Return the course_status row for a course, from its sessions in force."""
    status = status_of(course, sessions, rules)
    return {
        "course_id": course.id,
        "rules_key": rules.key,
        "sessions": status.sessions,
        "state": status.state,
        "line": status.line(),
        "flags": "\n".join(flag.line() for flag in status.flags),
        "flagged": status.flagged and course.is_open,
        "last_date": sessions[-1].values.date if sessions else None,
        "next_due": next_due(course, sessions),
    }


CHUNK = 500  # ids per statement: well under every database's limit on parameters


def refresh_status(
    connection: sa.Connection, course_ids: Sequence[int], rules: ResponseRules
) -> None:
    """Recompute and store the status of the courses, in the caller's transaction."""
    for start in range(0, len(course_ids), CHUNK):
        _refresh(connection, course_ids[start : start + CHUNK], rules)


def _refresh(connection: sa.Connection, course_ids: Sequence[int], rules: ResponseRules) -> None:
    """Recompute and store the status of at most CHUNK courses."""
    rows = connection.execute(
        sa.select(t.courses, t.patients.c.code)
        .join(t.patients, t.patients.c.id == t.courses.c.patient_id)
        .where(t.courses.c.id.in_(course_ids))
    ).all()
    closures = {
        row.course_id: Closure(row.closed_on, row.reason, row.recorded_at, row.recorded_by)
        for row in connection.execute(
            sa.select(t.course_closures).where(t.course_closures.c.course_id.in_(course_ids))
        )
    }
    versions: dict[int, list[SessionRecord]] = {row.id: [] for row in rows}
    for row in session_versions(connection, course_ids):
        versions[row.course_id].append(session_record(row))
    fresh = []
    for row in rows:
        found = course(row, row.code, (), closures.get(row.id))
        fresh.append(status_row(found, current(versions[row.id]), rules))
    connection.execute(
        sa.delete(t.course_status).where(t.course_status.c.course_id.in_(course_ids))
    )
    connection.execute(sa.insert(t.course_status), fresh)
