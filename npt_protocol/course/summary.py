"""A patient's course in a few lines, for the summary page of a session packet.

`npt session --patient ID` prints these lines: the course, its status and flags, and the last
sessions' numbers. They follow the ISMP rules like every printed line: words, not symbols.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from npt_protocol.course.inputs import minutes_text
from npt_protocol.course.model import CourseView
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

    def heading(self) -> str:
        """Say the course in one line: its regions, start, and this session's place in it."""
        course = self.view.course
        plan = course.plan
        regions = ", ".join(f"{r.protocol} {r.side}" for r in plan.regions)
        if course.closure is not None:
            return (
                f"Course {course.number} of {self.view.patient.code} ({regions}) was closed on "
                f"{course.closure.closed_on}: {course.closure.reason}."
            )
        planned = (
            f"{plan.planned_min} to {plan.planned_max}"
            if plan.planned_min != plan.planned_max
            else str(plan.planned_max)
        )
        due = self.view.next_due
        due_text = "" if due is None else f"; next session due {due}"
        if due is not None and due > self.today:
            due_text += " (early)"
        return (
            f"Course {course.number} of {self.view.patient.code} ({regions}), started "
            f"{course.start_date}: this is session {self.session_number}, {planned} planned"
            f"{due_text}."
        )

    def status_line(self) -> str:
        """Say the course's status in one line."""
        return f"Status: {self.view.status.line()}."

    def last_sessions(self) -> list[SessionNumbers]:
        """Return the numbers of the last sessions, oldest first."""
        return [
            SessionNumbers(
                number=index,
                date=record.values.date,
                pain_before=record.values.pain_before,
                pain_after=record.values.pain_after,
                relief_minutes=record.values.relief_minutes,
            )
            for index, record in list(enumerate(self.view.sessions, 1))[-LAST_SESSIONS:]
        ]

    def lines(self) -> list[str]:
        """Say the course in a few lines: plan, status, flags, the last sessions' numbers."""
        return [
            self.heading(),
            self.status_line(),
            *(f"FLAG {flag.line()}." for flag in self.view.status.flags),
            *(f"Session {n.number}: {n.text()}." for n in self.last_sessions()),
        ]

    def text(self) -> str:
        """Return the lines as one block of text."""
        return "\n".join(self.lines()) + "\n"


@dataclass(frozen=True)
class SessionNumbers:
    """One session's numbers: date, pain before and right after, relief since the last one."""

    number: int
    date: dt.date
    pain_before: int
    pain_after: int | None
    relief_minutes: int | None

    @property
    def relief_text(self) -> str | None:
        """Say how long relief lasted, as it was typed ('3 d'), or None when not recorded."""
        return None if self.relief_minutes is None else minutes_text(self.relief_minutes)

    def text(self) -> str:
        """Say the numbers: date, pain before and after, relief."""
        parts = [f"{self.date}, pain {self.pain_before} before"]
        if self.pain_after is not None:
            parts.append(f"{self.pain_after} right after")
        if self.relief_text is not None:
            parts.append(f"relief {self.relief_text}")
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
