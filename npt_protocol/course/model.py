"""The course record as typed values: patients, courses, sessions, follow-ups and their versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from npt_protocol.course.status import Score, Status


@dataclass(frozen=True)
class Region:
    """A region of a course: the protocol, its version when the course began, and the side."""

    protocol: str
    side: str
    protocol_version: str = ""

    @property
    def label(self) -> str:
        """Say the region as the command line writes it: 'knee:left'."""
        return f"{self.protocol}:{self.side}"


@dataclass(frozen=True)
class Site:
    """Where one session injected: a region of the course and how many points."""

    protocol: str
    side: str
    points: int | None

    def text(self) -> str:
        """Say the site: 'knee left, 10 points'."""
        points = "" if self.points is None else f", {self.points} point{'s' * (self.points != 1)}"
        return f"{self.protocol} {self.side}{points}"


@dataclass(frozen=True)
class Patient:
    """A patient by pseudonymous code; name and date of birth only where the clinic keeps them."""

    code: str
    created_at: str
    created_by: str
    display_name: str | None = None
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class Closure:
    """A course closed: when, why, by whom."""

    closed_on: dt.date
    reason: str
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True)
class CoursePlan:
    """What a course is planned to be, from its protocols, before anything is stored."""

    regions: tuple[Region, ...]
    solution: str
    planned_min: int
    planned_max: int
    interval_days: int | None
    reassess_after: int | None
    stop_rule: str
    stop_rule_source: str
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Course:
    """A patient's course as stored: its number for the patient, start, plan and closure."""

    id: int
    patient: str
    number: int
    start_date: dt.date
    plan: CoursePlan
    created_at: str
    created_by: str
    closure: Closure | None = None

    @property
    def is_open(self) -> bool:
        """Return whether sessions may still be recorded."""
        return self.closure is None


@dataclass(frozen=True)
class SessionValues:
    """What one session recorded: the values a clinician types."""

    date: dt.date
    pain_before: int
    pain_after: int | None = None
    relief_minutes: int | None = None
    sites: tuple[Site, ...] = ()
    volume_ml: Fraction | None = None
    solution: str = ""
    batch: str | None = None
    log_ref: str | None = None
    adverse: tuple[str, ...] = ()
    adverse_note: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Stamp:
    """Who wrote a version, when, and why (why is required for every amendment)."""

    recorded_at: str
    recorded_by: str
    reason: str | None = None


@dataclass(frozen=True)
class SessionRecord:
    """One version of one session; the highest version is the one in force."""

    number: int
    version: int
    values: SessionValues
    stamp: Stamp
    voided: bool = False

    @property
    def score(self) -> Score:
        """Return the scores the status is computed from."""
        sites = ";".join(f"{s.protocol}:{s.side}" for s in self.values.sites)
        return Score(
            date=self.values.date,
            before=self.values.pain_before,
            after=self.values.pain_after,
            sites=sites,
        )


@dataclass(frozen=True)
class FollowUpRecord:
    """One version of one follow-up score of a named outcome measure."""

    number: int
    version: int
    date: dt.date
    measure: str
    score: Fraction
    note: str | None
    stamp: Stamp
    voided: bool = False


@dataclass(frozen=True)
class CourseView:
    """A course with what is in force now: sessions, follow-ups, status and the next due date."""

    patient: Patient
    course: Course
    sessions: tuple[SessionRecord, ...]
    follow_ups: tuple[FollowUpRecord, ...]
    status: Status
    next_due: dt.date | None
    other_courses: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class HistoryEntry:
    """One version of anything in a patient's record, in the order it was written."""

    recorded_at: str
    recorded_by: str
    course: int
    what: str  # 'course started', 'session 2 version 1', 'follow-up 1 version 2', ...
    text: str
    reason: str | None
