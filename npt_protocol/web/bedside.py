"""The bedside checklist and the patient's course as page data: the planned regions' points
grouped by nerve (as the bedside sheet groups them), the ticks counted per region, the course
that holds the planned regions, its status line, and who records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from npt_protocol.errors import InputError, RecordError
from npt_protocol.web.course_access import NoCoursesYetError
from npt_protocol.web.sessions import Planned, SessionForm
from npt_protocol.web.state import AppState

if TYPE_CHECKING:
    from npt_protocol.course.model import Course


def region_rows(planned: Planned) -> list[dict[str, Any]]:
    """Return each planned region's bedside checklist: its points grouped by nerve, as the
    bedside sheet groups them, each row with the value its tick sends."""
    from npt_protocol.render.documents import checklist_data  # noqa: PLC0415
    from npt_protocol.render.sheets import bedside_groups  # noqa: PLC0415

    shown = []
    for region in planned.plan.regions:
        checklist = region.checklist
        label = f"{checklist.protocol.id}:{checklist.side}"
        doc = checklist_data(checklist, sheet="bedside", patient=planned.patient)
        groups = [
            {
                "nerve": f"{nerve} ({side})" if side and checklist.side == "bilateral" else nerve,
                "rows": [
                    {
                        "tick": f"{label}:{row['number']}",
                        "number": row["number"],
                        "point": row["point"],
                        "landmark": row["landmark"] if first else "",
                        "volume": row["volume_text"],
                        "cautions": ", ".join(row["cautions"]),
                    }
                    for row, first in rows
                ],
            }
            for side, nerve, rows in bedside_groups(doc)
        ]
        shown.append(
            {
                "label": label,
                "title": doc["protocol"]["title"],
                "side": checklist.side,
                "groups": groups,
                "total": f"{doc['total_points_text']}, {doc['total_volume_text']}",
                "cautions": [f"{c['label']}: {c['text']}" for c in doc["point_cautions"]],
            }
        )
    return shown


def planned_labels(planned: Planned) -> list[str]:
    """Return each planned region as PROTOCOL:SIDE."""
    return [f"{r.checklist.protocol.id}:{r.checklist.side}" for r in planned.plan.regions]


def matching_course(state: AppState, code: str, labels: list[str]) -> Course | None:
    """Return the patient's open course that holds every planned region, or None."""
    from npt_protocol.course import reads  # noqa: PLC0415
    from npt_protocol.course.database import reading  # noqa: PLC0415

    try:
        engine = state.courses.engine()
        with reading(engine) as connection:
            row = reads.patient_row(connection, code)
            courses = reads.patient_courses(connection, row.id, code)
    except (RecordError, NoCoursesYetError):
        return None  # no database yet, or no such patient: the page offers to start a course
    for course in courses:
        if course.is_open and set(labels) <= {r.label for r in course.plan.regions}:
            return course
    return None


def course_shown(state: AppState, code: str, number: int) -> dict[str, Any]:
    """Return a course's status line, flags and session count, as `npt course record` prints."""
    from npt_protocol.course.views import course_view  # noqa: PLC0415

    engine = state.courses.engine()
    view = course_view(engine, patient=code, course=number, rules=state.courses.rules())
    return {
        "number": view.course.number,
        "patient": code,
        "regions": ", ".join(r.label for r in view.course.plan.regions),
        "status": f"Status: {view.status.line()}",
        "flags": [f"FLAG {flag.line()}" for flag in view.status.flags],
        "sessions": [
            {
                "number": s.number,
                "version": s.version,
                "date": s.values.date.isoformat(),
                "pain_before": s.values.pain_before,
                "pain_after": "" if s.values.pain_after is None else s.values.pain_after,
            }
            for s in view.sessions
        ],
        "count": len(view.sessions),
    }


def patient_code(form: SessionForm) -> str:
    """Check the identifier as --patient is checked, then as the course record keeps it."""
    from npt_protocol.course.inputs import patient_code as course_code  # noqa: PLC0415
    from npt_protocol.planning.patient import patient_id  # noqa: PLC0415

    return course_code(patient_id(form.patient))


def site_counts(planned: Planned, ticks: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """Count the ticked points of each planned region; refuse a tick no planned point has."""
    counts = {label: 0 for label in planned_labels(planned)}
    for tick in dict.fromkeys(ticks):
        label, _, number = tick.rpartition(":")
        rows = {
            str(row.number)
            for region in planned.plan.regions
            if f"{region.checklist.protocol.id}:{region.checklist.side}" == label
            for row in region.checklist.rows
        }
        if number not in rows:
            raise InputError(
                f"--points {tick!r} is not a point of the planned regions; expected the ticks "
                "of this page."
            )
        counts[label] += 1
    sites = []
    for label, count in counts.items():
        protocol, _, side = label.partition(":")
        if count:
            sites.append((protocol, side, count))
    return sites
