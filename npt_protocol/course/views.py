"""What a clinician asks of the record about one patient: their course, and its history."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from npt_protocol.course import reads
from npt_protocol.course import tables as t
from npt_protocol.course.database import reading
from npt_protocol.course.inputs import minutes_text
from npt_protocol.course.model import CourseView, HistoryEntry, SessionRecord
from npt_protocol.course.rules import ResponseRules
from npt_protocol.ismp import format_number, format_volume


def course_view(
    engine: sa.Engine, *, patient: str, course: int | None = None, rules: ResponseRules
) -> CourseView:
    """Return a patient's course (the open one, or the one named) with its status."""
    with reading(engine) as connection:
        row = reads.patient_row(connection, patient)
        courses = reads.patient_courses(connection, row.id, patient)
        chosen = reads.pick_course(courses, patient, course, open_only=False)
        versions = [
            reads.session_record(r) for r in reads.session_versions(connection, [chosen.id])
        ]
        table = t.follow_up_versions
        follow_ups = [
            reads.follow_up_record(row)
            for row in connection.execute(sa.select(table).where(table.c.course_id == chosen.id))
        ]
        sessions = reads.current(versions)
        return CourseView(
            patient=reads.patient(row),
            course=chosen,
            sessions=tuple(sessions),
            follow_ups=tuple(reads.current_follow_ups(follow_ups)),
            status=reads.status_of(chosen, sessions, rules),
            next_due=reads.next_due(chosen, sessions),
            other_courses=tuple(c.number for c in courses if c.number != chosen.number),
        )


def session_text(record: SessionRecord) -> str:
    """Say one session version in one line, for the history."""
    v = record.values
    parts = [f"{v.date}", f"pain {v.pain_before} before"]
    if v.pain_after is not None:
        parts.append(f"{v.pain_after} after")
    if v.relief_minutes is not None:
        parts.append(f"relief {minutes_text(v.relief_minutes)}")
    parts.append("; ".join(s.text() for s in v.sites))
    if v.volume_ml is not None:
        parts.append(format_volume(v.volume_ml))
    if v.batch:
        parts.append(f"batch {v.batch}")
    if v.log_ref:
        parts.append(f"log {v.log_ref}")
    if v.adverse:
        parts.append("adverse: " + ", ".join(v.adverse))
    if record.voided:
        parts.append("VOIDED")
    return ", ".join(parts)


def history(engine: sa.Engine, *, patient: str) -> list[HistoryEntry]:
    """Return every version of everything in a patient's record, in the order it was written."""
    entries: list[HistoryEntry] = []
    with reading(engine) as connection:
        row = reads.patient_row(connection, patient)
        for course in reads.patient_courses(connection, row.id, patient):
            regions = ", ".join(r.label for r in course.plan.regions)
            entries.append(
                HistoryEntry(
                    course.created_at,
                    course.created_by,
                    course.number,
                    "course started",
                    f"{course.start_date}, {regions}, {course.plan.solution}",
                    None,
                )
            )
            for version in reads.session_versions(connection, [course.id]):
                record = reads.session_record(version)
                entries.append(
                    HistoryEntry(
                        record.stamp.recorded_at,
                        record.stamp.recorded_by,
                        course.number,
                        f"session {record.number} version {record.version}",
                        session_text(record),
                        record.stamp.reason,
                    )
                )
            table = t.follow_up_versions
            for version in connection.execute(
                sa.select(table)
                .where(table.c.course_id == course.id)
                .order_by(table.c.number, table.c.version)
            ):
                follow = reads.follow_up_record(version)
                entries.append(
                    HistoryEntry(
                        follow.stamp.recorded_at,
                        follow.stamp.recorded_by,
                        course.number,
                        f"follow-up {follow.number} version {follow.version}",
                        f"{follow.date}, {follow.measure} {format_number(follow.score)}"
                        + (", VOIDED" if follow.voided else ""),
                        follow.stamp.reason,
                    )
                )
            if course.closure is not None:
                entries.append(
                    HistoryEntry(
                        course.closure.recorded_at,
                        course.closure.recorded_by,
                        course.number,
                        "course closed",
                        f"{course.closure.closed_on}",
                        course.closure.reason,
                    )
                )
    return sorted(entries, key=lambda e: (e.recorded_at, e.course))


def deletion_log(engine: sa.Engine) -> Sequence[tuple[str, str, str, str, int, int]]:
    """Return the log of deleted patients: code, when, by whom, why, courses, session versions."""
    with reading(engine) as connection:
        rows = connection.execute(sa.select(t.deletions).order_by(t.deletions.c.id)).all()
    return [
        (r.patient_code, r.deleted_at, r.deleted_by, r.reason, r.courses, r.sessions) for r in rows
    ]
