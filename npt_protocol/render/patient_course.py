"""The patient's course on a session packet's summary page, as part of the session document.

The course record is read by `npt session --patient ID` only; this module never loads it: it is
handed the summary (or nothing, when the record holds no course for the patient).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from npt_protocol.render.doctypes import PatientCourseDoc

if TYPE_CHECKING:
    from npt_protocol.course.summary import CourseSummary

SESSIONS_HEADER = ("Session", "Date", "Pain before", "Pain right after", "Relief")
NOT_RECORDED = "not recorded"


def course_data(patient: str, summary: CourseSummary | None) -> PatientCourseDoc:
    """Describe where the patient's course stands, or that the record holds no course for them."""
    if summary is None:
        return {
            "patient": patient,
            "found": False,
            "number": None,
            "open": None,
            "session_number": None,
            "next_due": None,
            "state": None,
            "text": f"No course record for {patient}.",
            "status_text": None,
            "flags": [],
            "sessions": [],
        }
    view = summary.view
    return {
        "patient": patient,
        "found": True,
        "number": view.course.number,
        "open": view.course.is_open,
        "session_number": summary.session_number,
        "next_due": None if view.next_due is None else str(view.next_due),
        "state": view.status.state,
        "text": summary.heading(),
        "status_text": summary.status_line(),
        "flags": [
            {"rule": flag.rule, "text": flag.text, "source": flag.source, "line": flag.line()}
            for flag in view.status.flags
        ],
        "sessions": [
            {
                "number": numbers.number,
                "date": str(numbers.date),
                "pain_before": numbers.pain_before,
                "pain_after": numbers.pain_after,
                "relief_minutes": numbers.relief_minutes,
                "relief_text": numbers.relief_text,
            }
            for numbers in summary.last_sessions()
        ],
    }


def session_rows(doc: PatientCourseDoc) -> list[list[str]]:
    """Return the last sessions' numbers as table rows, the same in every format."""
    return [
        [
            str(s["number"]),
            s["date"],
            str(s["pain_before"]),
            NOT_RECORDED if s["pain_after"] is None else str(s["pain_after"]),
            s["relief_text"] or NOT_RECORDED,
        ]
        for s in doc["sessions"]
    ]
