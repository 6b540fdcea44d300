"""Writing the course record. Nothing is overwritten: a correction adds a version with who,
when and why; deleting a patient removes their rows and logs the act.

Every function takes the engine and plain values, checks everything before writing, writes in
one transaction, and refreshes the course's stored status in that same transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from npt_protocol.course import reads
from npt_protocol.course import tables as t
from npt_protocol.course.database import writing
from npt_protocol.course.inputs import SitePoints, minutes_text
from npt_protocol.course.model import (
    Course,
    CoursePlan,
    SessionRecord,
    SessionValues,
    Site,
    Stamp,
)
from npt_protocol.course.rules import ResponseRules
from npt_protocol.errors import InputError
from npt_protocol.numbers import round_to


def utc_text(now: dt.datetime) -> str:
    """Write a moment as UTC ISO 8601 to the second: '2026-12-01T09:30:00Z'."""
    return now.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def decimal_text(value: Fraction) -> str:
    """Write an exact number as plain decimal text for storage: '0.5', '12'."""
    return format(round_to(value, 6).normalize(), "f")


def new_id(result: sa.CursorResult[Any]) -> int:
    """Return the primary key an insert of one row made."""
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every insert here is of one row with an integer key
        raise AssertionError("the insert made no key")
    return int(key[0])


def not_future(date: dt.date, today: dt.date, what: str) -> None:
    """Refuse a date after today (callers check before creating a database for it)."""
    if date > today:
        raise InputError(
            f"{what} {date} is in the future (today is {today}); expected today or earlier."
        )


def start_course(
    engine: sa.Engine,
    *,
    patient: str,
    plan: CoursePlan,
    start_date: dt.date,
    today: dt.date,
    now: dt.datetime,
    by: str,
    rules: ResponseRules,
    display_name: str | None = None,
    birth_date: dt.date | None = None,
) -> Course:
    """Start a course for a patient (created on their first course) and return it."""
    not_future(start_date, today, "--date")
    stamp = utc_text(now)
    with writing(engine) as connection:
        row = connection.execute(sa.select(t.patients).where(t.patients.c.code == patient)).first()
        if row is None:
            patient_id = new_id(
                connection.execute(
                    sa.insert(t.patients).values(
                        code=patient,
                        created_at=stamp,
                        created_by=by,
                        display_name=display_name,
                        birth_date=birth_date,
                    )
                )
            )
        else:
            if display_name is not None or birth_date is not None:
                raise InputError(
                    f"Patient {patient} is already in the record; their details are kept as "
                    "first given (leave out --name and --born)."
                )
            patient_id = row.id
            for existing in reads.patient_courses(connection, patient_id, patient):
                taken = {r.label for r in existing.plan.regions} & {r.label for r in plan.regions}
                if existing.is_open and taken:
                    raise InputError(
                        f"Patient {patient} already has open course {existing.number} for "
                        f"{', '.join(sorted(taken))}; record sessions in it, or close it first "
                        "with `npt course close`."
                    )
        number = (
            connection.execute(
                sa.select(sa.func.coalesce(sa.func.max(t.courses.c.number), 0)).where(
                    t.courses.c.patient_id == patient_id
                )
            ).scalar_one()
            + 1
        )
        course_id = new_id(
            connection.execute(
                sa.insert(t.courses).values(
                    patient_id=patient_id,
                    number=number,
                    start_date=start_date,
                    solution=plan.solution,
                    planned_min=plan.planned_min,
                    planned_max=plan.planned_max,
                    interval_days=plan.interval_days,
                    reassess_after=plan.reassess_after,
                    stop_rule=plan.stop_rule,
                    stop_rule_source=plan.stop_rule_source,
                    measures=json.dumps(list(plan.measures)),
                    created_at=stamp,
                    created_by=by,
                )
            )
        )
        connection.execute(
            sa.insert(t.course_regions),
            [
                {
                    "course_id": course_id,
                    "position": position,
                    "protocol_id": region.protocol,
                    "protocol_version": region.protocol_version,
                    "side": region.side,
                }
                for position, region in enumerate(plan.regions, 1)
            ],
        )
        reads.refresh_status(connection, [course_id], rules)
        return reads.choose_course(connection, patient, number, open_only=True)


def locked_course(
    connection: sa.Connection, patient: str, number: int | None, *, open_only: bool
) -> Course:
    """Choose the course and lock its row, so that two writers to one course take turns."""
    chosen = reads.choose_course(connection, patient, number, open_only=open_only)
    connection.execute(
        sa.select(t.courses.c.id).where(t.courses.c.id == chosen.id).with_for_update()
    ).first()
    return chosen


def _sessions(connection: sa.Connection, course: Course) -> list[SessionRecord]:
    """Return every version of every session of a course."""
    return [reads.session_record(row) for row in reads.session_versions(connection, [course.id])]


def resolve_sites(course: Course, points: Sequence[SitePoints]) -> tuple[Site, ...]:
    """Match --points to the course's regions; every region when none is given."""
    regions = course.plan.regions
    if not points:
        return tuple(Site(r.protocol, r.side, None) for r in regions)
    sites: list[Site] = []
    known = ", ".join(r.label for r in regions)
    for given in points:
        matches = [
            r for r in regions if r.protocol == given.protocol and given.side in (None, r.side)
        ]
        if not matches:
            raise InputError(
                f"--points {given.protocol}{':' + given.side if given.side else ''} is not a "
                f"region of course {course.number}; its regions are {known}."
            )
        if len(matches) > 1:
            raise InputError(
                f"--points {given.protocol} matches {len(matches)} regions of course "
                f"{course.number}; name the side, such as {matches[0].label}={given.points}."
            )
        site = Site(matches[0].protocol, matches[0].side, given.points)
        if any((s.protocol, s.side) == (site.protocol, site.side) for s in sites):
            raise InputError(f"--points gives {matches[0].label} twice; give each region once.")
        sites.append(site)
    return tuple(sites)


def _check_session(
    course: Course,
    values: SessionValues,
    others: Sequence[SessionRecord],
    *,
    today: dt.date,
) -> None:
    """Refuse a session dated in the future or before the course, a second session on one day
    for one region, and relief longer than the time since the session before."""
    not_future(values.date, today, "--date")
    if values.date < course.start_date:
        raise InputError(
            f"--date {values.date} is before course {course.number} began on "
            f"{course.start_date}; expected a date on or after it."
        )
    for other in others:
        shared = {(s.protocol, s.side) for s in other.values.sites} & {
            (s.protocol, s.side) for s in values.sites
        }
        if other.values.date == values.date and shared:
            labels = ", ".join(f"{p}:{s}" for p, s in sorted(shared))
            raise InputError(
                f"Session {other.number} of course {course.number} already treated {labels} on "
                f"{values.date}; correct it with `npt course amend` rather than record a second."
            )
    if values.relief_minutes is not None:
        before = [o.values.date for o in others if o.values.date < values.date]
        if not before:
            raise InputError(
                f"--relief {minutes_text(values.relief_minutes)} has no earlier session in course "
                f"{course.number} to count from; leave it out for the first session."
            )
        days = (values.date - max(before)).days
        if values.relief_minutes > days * 24 * 60:
            raise InputError(
                f"--relief {minutes_text(values.relief_minutes)} is longer than the {days} "
                f"day{'s' * (days != 1)} since the session before ({max(before)}); expected at "
                f"most {days}d."
            )


def _session_row(course_id: int, record: SessionRecord) -> dict[str, Any]:
    """Return the row that stores one session version."""
    v = record.values
    return {
        "course_id": course_id,
        "number": record.number,
        "version": record.version,
        "session_date": v.date,
        "pain_before": v.pain_before,
        "pain_after": v.pain_after,
        "relief_minutes": v.relief_minutes,
        "sites": json.dumps(
            [{"protocol": s.protocol, "side": s.side, "points": s.points} for s in v.sites]
        ),
        "volume_ml": None if v.volume_ml is None else decimal_text(v.volume_ml),
        "solution": v.solution,
        "batch": v.batch,
        "log_ref": v.log_ref,
        "adverse": json.dumps(list(v.adverse)),
        "adverse_note": v.adverse_note,
        "note": v.note,
        "voided": record.voided,
        "recorded_at": record.stamp.recorded_at,
        "recorded_by": record.stamp.recorded_by,
        "reason": record.stamp.reason,
    }


def record_session(
    engine: sa.Engine,
    *,
    patient: str,
    values: SessionValues,
    points: Sequence[SitePoints] = (),
    course: int | None = None,
    today: dt.date,
    now: dt.datetime,
    by: str,
    rules: ResponseRules,
) -> SessionRecord:
    """Record a session in the patient's open course and return it."""
    with writing(engine) as connection:
        chosen = locked_course(connection, patient, course, open_only=True)
        versions = _sessions(connection, chosen)
        values = dataclasses.replace(
            values,
            sites=resolve_sites(chosen, points),
            solution=values.solution or chosen.plan.solution,
        )
        _check_session(chosen, values, reads.current(versions), today=today)
        number = max((v.number for v in versions), default=0) + 1
        record = SessionRecord(number, 1, values, Stamp(utc_text(now), by))
        connection.execute(sa.insert(t.session_versions).values(_session_row(chosen.id, record)))
        reads.refresh_status(connection, [chosen.id], rules)
        return record


def amend_session(
    engine: sa.Engine,
    *,
    patient: str,
    session: int,
    changes: dict[str, Any],
    reason: str,
    points: Sequence[SitePoints] | None = None,
    void: bool = False,
    course: int | None = None,
    today: dt.date,
    now: dt.datetime,
    by: str,
    rules: ResponseRules,
) -> SessionRecord:
    """Correct a session: a new version with the changed values, who, when and why."""
    if not (changes or points or void):
        raise InputError("Nothing to amend; give the values to correct, or --void.")
    with writing(engine) as connection:
        chosen = locked_course(connection, patient, course, open_only=False)
        versions = _sessions(connection, chosen)
        mine = [v for v in versions if v.number == session]
        if not mine:
            numbers = ", ".join(str(n) for n in sorted({v.number for v in versions})) or "none"
            raise InputError(
                f"Course {chosen.number} of {patient} has no session {session}; its sessions are "
                f"{numbers}."
            )
        latest = max(mine, key=lambda v: v.version)
        if latest.voided:
            raise InputError(f"Session {session} was voided; record a new session instead.")
        values = dataclasses.replace(latest.values, **changes)
        if points:
            values = dataclasses.replace(values, sites=resolve_sites(chosen, points))
        others = [v for v in reads.current(versions) if v.number != session]
        if not void:
            _check_session(chosen, values, others, today=today)
        record = SessionRecord(
            session, latest.version + 1, values, Stamp(utc_text(now), by, reason), voided=void
        )
        connection.execute(sa.insert(t.session_versions).values(_session_row(chosen.id, record)))
        reads.refresh_status(connection, [chosen.id], rules)
        return record
