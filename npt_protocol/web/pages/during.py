"""The During-the-session page: the bedside checklist on screen for the planned regions, a tick
for each point as it is injected, the pain before and right after; saved to the patient's course
with the writes `npt course start`, `record` and `amend` use, then the course's status and chart.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from npt_protocol.errors import DatabaseError, InputError, NptError, RecordError
from npt_protocol.web.bedside import (
    course_shown,
    matching_course,
    patient_code,
    planned_labels,
    region_rows,
    site_counts,
)
from npt_protocol.web.course_access import course_write
from npt_protocol.web.csrf import form_of
from npt_protocol.web.fields import DURING_FIELDS, field_of
from npt_protocol.web.pages import Page
from npt_protocol.web.pages.session import prepared_now
from npt_protocol.web.sessions import Planned, SessionForm, plan_from_form
from npt_protocol.web.state import AppState, state_of, user_of

if TYPE_CHECKING:
    from npt_protocol.course.model import SessionRecord


@dataclass(frozen=True)
class DuringForm:
    """What the bedside page sends: the ticks, the scores, the date and who records."""

    ticks: tuple[str, ...] = ()
    pain_before: str = ""
    pain_after: str = ""
    date: str = ""
    by: str = ""
    session: str = ""
    reason: str = ""

    @classmethod
    def read(cls, fields: ImmutableMultiDict[str, str]) -> DuringForm:
        """Read the sent fields."""
        return cls(
            ticks=tuple(fields.getlist("tick")),
            **{
                name: fields.get(name, "").strip()
                for name in ("pain_before", "pain_after", "date", "by", "session", "reason")
            },
        )


@dataclass
class Shown:
    """What the page shows: the checklist, the course, what was saved, and any errors."""

    planned: Planned | None = None
    regions: list[dict[str, Any]] = field(default_factory=list)
    course: dict[str, Any] | None = None
    saved: str | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    status: int = 200


def _load(state: AppState, form: SessionForm, shown: Shown) -> str | None:
    """Plan the regions and find the patient's course; return the patient's code."""
    shown.planned = plan_from_form(state.config, state.library, form, now=prepared_now(state))
    shown.regions = region_rows(shown.planned)
    code = patient_code(form)
    if state.config.course_db is None:
        raise InputError(
            "No course database is set for this server; start it with npt serve --db FILE, or "
            "set database in the settings file."
        )
    course = matching_course(state, code, planned_labels(shown.planned))
    if course is not None:
        shown.course = course_shown(state, code, course.number)
    return code


def _failed(shown: Shown, error: NptError) -> Shown:
    """Show an error beside its field: a database that cannot be written is the server's
    fault (500), anything else the input's (422)."""
    shown.errors = {field_of(str(error), DURING_FIELDS): [str(error)]}
    shown.status = 500 if isinstance(error, DatabaseError) else 422
    return shown


def _show(state: AppState, form: SessionForm) -> Shown:
    """Show the checklist and the course; runs off the event loop."""
    shown = Shown()
    try:
        _load(state, form, shown)
    except NptError as error:
        return _failed(shown, error)
    return shown


def _save(state: AppState, form: SessionForm, sent: DuringForm, user: str | None) -> Shown:
    """Record the session in the patient's course, as `npt course record` does."""
    from npt_protocol.course.inputs import SitePoints, pain  # noqa: PLC0415
    from npt_protocol.course.model import SessionValues  # noqa: PLC0415
    from npt_protocol.course.writes import record_session  # noqa: PLC0415
    from npt_protocol.times import parse_date  # noqa: PLC0415

    shown = Shown()
    try:
        code = _load(state, form, shown)
        assert shown.planned is not None and code is not None
        if not sent.pain_before:
            raise InputError(
                "--pain-before is required; give the pain before the injections, 0 to 10."
            )
        access = course_write(state, user, sent.by)
        values = SessionValues(
            date=parse_date(sent.date, what="--date") if sent.date else access.today,
            pain_before=pain(sent.pain_before, what="--pain-before"),
            pain_after=pain(sent.pain_after, what="--pain-after") if sent.pain_after else None,
        )
        sites = site_counts(shown.planned, sent.ticks)
        if not sites:
            raise InputError("--points: no point is ticked; tick each point as it is injected.")
        if shown.course is None:
            regions = ", ".join(planned_labels(shown.planned))
            raise RecordError(f"Patient {code} has no open course for {regions}; start one first.")
        recorded = record_session(
            access.engine,
            patient=code,
            values=values,
            points=[SitePoints(protocol, side, n) for protocol, side, n in sites],
            course=shown.course["number"],
            today=access.today,
            now=access.now,
            by=access.recorded_by,
            rules=access.rules,
        )
        shown.course = course_shown(state, code, shown.course["number"])
        shown.saved = (
            f"Recorded session {recorded.number} of {code}, course {shown.course['number']}."
        )
    except NptError as error:
        return _failed(shown, error)
    return shown


def _amend(state: AppState, form: SessionForm, sent: DuringForm, user: str | None) -> Shown:
    """Correct a saved session's scores: a new version with who, when and why."""
    from npt_protocol.course.inputs import free_text, pain, whole  # noqa: PLC0415
    from npt_protocol.course.writes import amend_session  # noqa: PLC0415

    shown = Shown()
    try:
        code = _load(state, form, shown)
        assert code is not None
        if shown.course is None:
            raise RecordError(f"Patient {code} has no open course for these regions.")
        reason = free_text(sent.reason or None, what="--reason")
        if reason is None:
            raise InputError("--reason is required; say why, in a few words.")
        changes: dict[str, Any] = {"pain_before": pain(sent.pain_before, what="--pain-before")}
        if sent.pain_after:
            changes["pain_after"] = pain(sent.pain_after, what="--pain-after")
        access = course_write(state, user, sent.by)
        amended: SessionRecord = amend_session(
            access.engine,
            patient=code,
            session=whole(sent.session, what="--session", low=1),
            changes=changes,
            reason=reason,
            course=shown.course["number"],
            today=access.today,
            now=access.now,
            by=access.recorded_by,
            rules=access.rules,
        )
        shown.course = course_shown(state, code, shown.course["number"])
        shown.saved = (
            f"Session {amended.number} of {code} is now version {amended.version}; the course "
            "history keeps every version."
        )
    except NptError as error:
        return _failed(shown, error)
    return shown


def _start(state: AppState, form: SessionForm, user: str | None, typed: str) -> None:
    """Start a course for the planned regions, as `npt course start` does."""
    from npt_protocol.course.plan import course_plan  # noqa: PLC0415
    from npt_protocol.course.writes import start_course  # noqa: PLC0415

    planned = plan_from_form(state.config, state.library, form, now=prepared_now(state))
    code = patient_code(form)
    plan = course_plan([(r.checklist.protocol, r.checklist.side) for r in planned.plan.regions])
    access = course_write(state, user, typed, create=True)
    start_course(
        access.engine,
        patient=code,
        plan=plan,
        start_date=access.today,
        today=access.today,
        now=access.now,
        by=access.recorded_by,
        rules=access.rules,
    )


def _page(request: Request, form: SessionForm, shown: Shown, sent: DuringForm) -> Response:
    """Draw the page."""
    state = state_of(request)
    html = state.templates.page(
        request,
        "during.html.j2",
        {
            "form": form,
            "shown": shown,
            "sent": sent,
            "ticked": set(sent.ticks),
            "today": state.courses.today().isoformat(),
            "database": state.config.course_db is not None,
        },
    )
    return HTMLResponse(html, status_code=shown.status)


async def during_page(request: Request) -> Response:
    """Show the bedside checklist of the planned regions and the patient's course."""
    state = state_of(request)
    form = SessionForm.read(request.query_params)
    shown = await run_in_threadpool(_show, state, form)
    return _page(request, form, shown, DuringForm())


async def save(request: Request) -> Response:
    """Save the session (or its correction) to the course record, then show the course."""
    state = state_of(request)
    fields = form_of(request.scope)
    form, sent = SessionForm.read(fields), DuringForm.read(fields)
    work = _amend if request.url.path.endswith("/amend") else _save
    shown = await run_in_threadpool(work, state, form, sent, user_of(request))
    if shown.saved and work is _save:
        sent = DuringForm(pain_before=sent.pain_before, pain_after=sent.pain_after)
    return _page(request, form, shown, sent)


async def start(request: Request) -> Response:
    """Start a course for the planned regions, then show the checklist again."""
    state = state_of(request)
    fields = form_of(request.scope)
    form = SessionForm.read(fields)
    try:
        await run_in_threadpool(_start, state, form, user_of(request), fields.get("by", "").strip())
    except NptError as error:
        shown = Shown()
        with contextlib.suppress(NptError):  # the error that stopped the start is the one shown
            await run_in_threadpool(_load, state, form, shown)
        return _page(request, form, _failed(shown, error), DuringForm())
    return RedirectResponse(f"/during?{form.query()}", status_code=303)


PAGE = Page(
    name="during",
    title="During",
    path="/during",
    summary="The bedside checklist on screen: tick each point as it is injected, enter the pain "
    "before and right after, and save it to the patient's course.",
    routes=[
        Route("/during", during_page, methods=["GET"]),
        Route("/during", save, methods=["POST"]),
        Route("/during/amend", save, methods=["POST"]),
        Route("/during/start", start, methods=["POST"]),
    ],
)
