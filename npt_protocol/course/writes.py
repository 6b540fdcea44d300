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
    FollowUpRecord,
    SessionRecord,
    SessionValues,
    Site,
    Stamp,
)
from npt_protocol.course.rules import ResponseRules
from npt_protocol.errors import InputError
from npt_protocol.ismp import format_number
from npt_protocol.numbers import round_to
from npt_protocol.protocol.measures import outcome_measures


def utc_text(now: dt.datetime) -> str:
    """Write a moment as UTC ISO 8601 to the second: '2026-12-01T09:30:00Z'."""
    return now.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def decimal_text(value: Fraction) -> str:
    """Write an exact number as plain decimal text for storage: '0.5', '12'."""
    return format(round_to(value, 6).normalize(), "f")


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
            patient_id = connection.execute(
                sa.insert(t.patients).values(
                    code=patient,
                    created_at=stamp,
                    created_by=by,
                    display_name=display_name,
                    birth_date=birth_date,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
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
        course_id = connection.execute(
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
        ).inserted_primary_key[0]  # type: ignore[index]
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


def _locked_course(
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
        chosen = _locked_course(connection, patient, course, open_only=True)
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
        chosen = _locked_course(connection, patient, course, open_only=False)
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
        chosen = _locked_course(connection, patient, course, open_only=False)
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
        chosen = _locked_course(connection, patient, course, open_only=False)
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
        chosen = _locked_course(connection, patient, course, open_only=True)
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
