"""A patient's course in a few lines, for the summary page of a session packet.

`npt session --patient ID` prints these lines: the course, its status and flags, and the last
sessions' numbers. They follow the ISMP rules like every printed line: words, not symbols.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from npt_protocol.course.inputs import minutes_text
from npt_protocol.course.model import CourseView, SessionRecord
from npt_protocol.course.reads import UnknownPatientError
from npt_protocol.course.rules import ResponseRules
from npt_protocol.course.views import course_view

LAST_SESSIONS = 3


@dataclass(frozen=True)
class CourseSummary:
    """Where a patient's course stands at the start of a session."""

    view: CourseView
    today: dt.date

    @property
    def session_number(self) -> int:
        """Return the number the session about to be given will have in the course."""
        return len(self.view.sessions) + 1

    def lines(self) -> list[str]:
        """Say the course in a few lines: plan, status, flags, the last sessions' numbers."""
        course, status = self.view.course, self.view.status
        plan = course.plan
        regions = ", ".join(f"{r.protocol} {r.side}" for r in plan.regions)
        planned = (
            f"{plan.planned_min} to {plan.planned_max}"
            if plan.planned_min != plan.planned_max
            else str(plan.planned_max)
        )
        due = self.view.next_due
        due_text = "" if due is None else f"; next session due {due}"
        if due is not None and due > self.today:
            due_text += " (early)"
        lines = [
            f"Course {course.number} of {self.view.patient.code} ({regions}), started "
            f"{course.start_date}: this is session {self.session_number}, {planned} planned"
            f"{due_text}.",
            f"Status: {status.line()}.",
        ]
        if course.closure is not None:
            lines[0] = (
                f"Course {course.number} of {self.view.patient.code} ({regions}) was closed on "
                f"{course.closure.closed_on}: {course.closure.reason}."
            )
        lines += [f"FLAG {flag.line()}." for flag in status.flags]
        lines += [
            f"Session {index}: {_numbers(record)}."
            for index, record in list(enumerate(self.view.sessions, 1))[-LAST_SESSIONS:]
        ]
        return lines

    def text(self) -> str:
        """Return the lines as one block of text."""
        return "\n".join(self.lines()) + "\n"


def _numbers(record: SessionRecord) -> str:
    """Say one session's numbers: date, pain before and after, relief."""
    v = record.values
    parts = [f"{v.date}, pain {v.pain_before} before"]
    if v.pain_after is not None:
        parts.append(f"{v.pain_after} right after")
    if v.relief_minutes is not None:
        parts.append(f"relief {minutes_text(v.relief_minutes)}")
    return ", ".join(parts)


def course_summary(
    engine: sa.Engine,
    patient: str,
    *,
    rules: ResponseRules,
    today: dt.date,
    course: int | None = None,
) -> CourseSummary | None:
    """Return where the patient's open (or named) course stands, or None when the patient has
    no course in the record."""
    try:
        view = course_view(engine, patient=patient, course=course, rules=rules)
    except UnknownPatientError:
        return None
    return CourseSummary(view=view, today=today)
