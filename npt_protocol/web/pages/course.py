"""The Course pages: the clinic's list as `npt course list` prints it (all, flagged, due), and
each patient's course as `npt course show` prints it, with its chart, its report PDF and its
history; every number comes from the course record's own code."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from npt_protocol.course.inputs import patient_code, whole
from npt_protocol.errors import DatabaseError, InputError, NptError, RecordError
from npt_protocol.ismp import format_count
from npt_protocol.web.course_access import NoCoursesYetError
from npt_protocol.web.errors import error_response
from npt_protocol.web.pages import Page
from npt_protocol.web.state import AppState, state_of

# The list's filters: `npt course list`, with --flagged (a flag: reconsider, plateau), with
# --due (the next session due by today).
FILTERS = (("", "All open courses"), ("flagged", "Flagged"), ("due", "Due"))


class ChooseCourseError(RecordError):
    """The patient has several open courses and none was named: the page offers each."""

    def __init__(self, message: str, courses: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.courses = courses


class NoSuchPatientError(RecordError):
    """An address whose patient part is not a patient identifier."""


class NotACourseNumberError(InputError):
    """An address whose ?course= is not a course number."""


def _listing(state: AppState, *, flagged: bool, due: bool) -> dict[str, Any]:
    """The courses `npt course list` lists with the same filters, and its count sentence."""
    from npt_protocol.course.listing import list_courses  # noqa: PLC0415

    courses = state.courses
    lines = list_courses(
        courses.engine(), rules=courses.rules(), today=courses.today(), flagged=flagged, due=due
    )
    rows = [
        {
            "patient": line.patient,
            "course": line.course,
            "title": f"{line.patient} course {line.course}",
            "text": f"{line.line}{f'; due {line.next_due}' if line.next_due else ''}",
            "flags": [f"FLAG {flag}" for flag in line.flags],
        }
        for line in lines
    ]
    what = "flagged " if flagged else ""
    return {"rows": rows, "count": f"{len(lines):,} {what}course{'s' * (len(lines) != 1)}."}


def _filters(request: Request) -> tuple[bool, bool]:
    """Read the list's filters from the address: ?flagged=1, ?due=1, or both."""
    query = request.query_params
    return "flagged" in query, "due" in query


async def course_list(request: Request) -> Response:
    """List the clinic's open courses, the flagged or the due ones, each linking to its page."""
    state = state_of(request)
    flagged, due = _filters(request)
    context: dict[str, Any] = {
        "filters": FILTERS,
        "chosen": "flagged" if flagged and not due else "due" if due and not flagged else "",
        "flagged": flagged,
        "due": due,
        "none_yet": "",
        "rows": [],
        "count": "",
    }
    try:
        context.update(await run_in_threadpool(_listing, state, flagged=flagged, due=due))
    except NoCoursesYetError as error:
        context["none_yet"] = str(error)
    except NptError as error:
        return error_response(request.scope, 500, "The course record cannot be read", str(error))
    return HTMLResponse(state.templates.page(request, "course_list.html.j2", context))


def _patient(request: Request) -> str:
    """Read the patient identifier in the address with the check `npt course` makes."""
    try:
        return patient_code(request.path_params["patient"])
    except InputError as error:
        raise NoSuchPatientError(str(error)) from None


def _chosen(request: Request) -> tuple[str, int | None]:
    """Read the patient identifier (the check `npt course` makes) and ?course=N."""
    code = _patient(request)
    text = request.query_params.get("course")
    if text is None:
        return code, None
    try:
        return code, whole(text, what="--course", low=1)
    except InputError as error:
        raise NotACourseNumberError(str(error)) from None


def _document(state: AppState, code: str, number: int | None) -> dict[str, Any]:
    """The report document of a patient's course, as `npt course show` and `report` build it."""
    from npt_protocol.course.report import made_text, report_document  # noqa: PLC0415
    from npt_protocol.course.views import course_view  # noqa: PLC0415

    courses = state.courses
    engine, rules = courses.engine(), courses.rules()
    try:
        view = course_view(engine, patient=code, course=number, rules=rules)
    except RecordError as error:
        if number is not None:
            raise
        # Several open courses and none named: offer each rather than refuse.
        choices = _open_courses(state, code)
        if len(choices) < 2:
            raise
        raise ChooseCourseError(str(error), choices) from None
    return report_document(view, rules=rules, generated_at=made_text(courses.now()))


def _open_courses(state: AppState, code: str) -> list[dict[str, Any]]:
    """The patient's open courses, for a choice among them."""
    from npt_protocol.course import reads  # noqa: PLC0415
    from npt_protocol.course.database import reading  # noqa: PLC0415

    with reading(state.courses.engine()) as connection:
        row = reads.patient_row(connection, code)
        found = reads.patient_courses(connection, row.id, code)
    return [
        {
            "number": c.number,
            "text": f"course {c.number}, started {c.start_date}: "
            + ", ".join(r.label for r in c.plan.regions),
        }
        for c in found
        if c.is_open
    ]


def _unknown_patient(error: NptError) -> bool:
    """Say whether the record does not hold the patient (only a database read raises it, so
    the course record's modules are loaded by then)."""
    from npt_protocol.course.reads import UnknownPatientError  # noqa: PLC0415

    return isinstance(error, UnknownPatientError)


def _refusal(request: Request, error: NptError) -> Response:
    """Answer a request for a course that cannot be shown: its one sentence, and why."""
    if isinstance(error, ChooseCourseError):
        state = state_of(request)
        html = state.templates.page(
            request,
            "course_choose.html.j2",
            {"patient": _patient(request), "message": str(error), "courses": error.courses},
        )
        return HTMLResponse(html)
    if isinstance(error, (NoSuchPatientError, NoCoursesYetError)) or _unknown_patient(error):
        return error_response(request.scope, 404, "No such patient", str(error))
    if isinstance(error, RecordError):  # a course the record does not hold
        return error_response(request.scope, 404, "No such course", str(error))
    if isinstance(error, NotACourseNumberError):
        return error_response(request.scope, 400, "No such course", str(error))
    if isinstance(error, DatabaseError):
        return error_response(request.scope, 500, "The course record cannot be read", str(error))
    return error_response(request.scope, 500, "The course cannot be shown", str(error))


def _shown(doc: dict[str, Any]) -> dict[str, Any]:
    """What the patient's page shows, in the lines `npt course show` prints."""
    from npt_protocol.render.course import (  # noqa: PLC0415
        HEADINGS,
        follow_up_lines,
        heading_lines,
        session_rows,
        status_lines,
    )

    status = status_lines(doc)
    return {
        "doc": doc,
        # The third heading line names the other courses for the command line (--course N);
        # the page links to them instead.
        "heading": heading_lines(doc)[:2],
        "headings": HEADINGS,
        "rows": session_rows(doc),
        "amended": any(s["amended"] for s in doc["sessions"]),
        "status": status[0],
        "flags": [line for line in status if line.startswith("FLAG ")],
        "rules": [line for line in status[1:] if not line.startswith("FLAG ")],
        "follow_ups": follow_up_lines(doc),
        "query": f"?course={doc['course']}",
    }


async def course_page(request: Request) -> Response:
    """Show a patient's course: sessions, status, flags, chart; links to its report and history."""
    state = state_of(request)
    try:
        code, number = _chosen(request)
        doc = await run_in_threadpool(_document, state, code, number)
    except NptError as error:
        return _refusal(request, error)
    return HTMLResponse(state.templates.page(request, "course.html.j2", _shown(doc)))


# The chart is matplotlib's SVG, drawn with its own style element: shown as an image, whose
# document may style itself and can run nothing.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _chart(state: AppState, code: str, number: int | None) -> str:
    """The course chart as SVG, as `npt course report --format svg` draws it."""
    from npt_protocol.render.course import render_course  # noqa: PLC0415

    chart = render_course(_document(state, code, number), "svg")
    assert isinstance(chart, str)
    return chart


async def chart(request: Request) -> Response:
    """The course chart as an SVG image (the page shows it with <img>: nothing inline)."""
    state = state_of(request)
    try:
        code, number = _chosen(request)
        svg = await run_in_threadpool(_chart, state, code, number)
    except NptError as error:
        return _refusal(request, error)
    return Response(svg, media_type="image/svg+xml", headers={"content-security-policy": CHART_CSP})


def _report(state: AppState, code: str, number: int | None) -> tuple[bytes, int]:
    """The course report as PDF, as `npt course report -o FILE.pdf` writes it."""
    from npt_protocol.render.course import render_course  # noqa: PLC0415

    doc = _document(state, code, number)
    pdf = render_course(doc, "pdf")
    assert isinstance(pdf, bytes)
    return pdf, int(doc["course"])


async def report(request: Request) -> Response:
    """The course report, a PDF to save or print."""
    state = state_of(request)
    try:
        code, number = _chosen(request)
        pdf, course = await run_in_threadpool(_report, state, code, number)
    except NptError as error:
        return _refusal(request, error)
    # The identifier passed patient_code: letters, digits, '.', '_' and '-' only.
    name = f"{code}-course-{course}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _history(state: AppState, code: str) -> dict[str, Any]:
    """Every version of everything recorded for a patient, as `npt course history` lists it."""
    from npt_protocol.course.views import history as entries  # noqa: PLC0415

    found = entries(state.courses.engine(), patient=code)
    return {
        "patient": code,
        "entries": found,
        "count": format_count(len(found), "entry", "entries"),
    }


async def history(request: Request) -> Response:
    """Show the patient's history: who recorded what, when, and why it was changed."""
    state = state_of(request)
    try:
        code = _patient(request)
        shown = await run_in_threadpool(_history, state, code)
    except NptError as error:
        return _refusal(request, error)
    return HTMLResponse(state.templates.page(request, "course_history.html.j2", shown))


PAGE = Page(
    name="course",
    title="Courses",
    path="/course",
    summary="Each patient's course: sessions, chart and flags; the clinic's flagged and due "
    "patients.",
    routes=[
        Route("/course", course_list, methods=["GET"]),
        Route("/course/{patient}", course_page, methods=["GET"]),
        Route("/course/{patient}/chart.svg", chart, methods=["GET"]),
        Route("/course/{patient}/report.pdf", report, methods=["GET"]),
        Route("/course/{patient}/history", history, methods=["GET"]),
    ],
)
