"""The Session page: `npt session` as a page. The patient, the regions and sides from the body
chart (or a list), points per region; the plan with its batches, recipes and verdicts in the
packet's words; the packet and label PDFs `npt session -o` and `npt label` make."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from npt_protocol.errors import InputError, NptError
from npt_protocol.planning.session import Session
from npt_protocol.web.bodymap import Place, picker_svg, places, side_choices
from npt_protocol.web.csrf import form_of
from npt_protocol.web.errors import error_response
from npt_protocol.web.fields import GENERAL, SESSION_FIELDS, field_of
from npt_protocol.web.pages import Page
from npt_protocol.web.sessions import (
    Planned,
    SessionForm,
    clinic_catalogue,
    document_meta_for,
    label_stock,
    plan_from_form,
    session_library,
    use_by_choices,
)
from npt_protocol.web.state import AppState, state_of, user_of
from npt_protocol.web.views import recipe_view


def prepared_now(state: AppState) -> dt.datetime:
    """Return the time of preparation: now, in the server's local time, to the minute."""
    return state.config.now().astimezone().replace(second=0, microsecond=0)


def unsigned_sentence(plan: Session) -> str | None:
    """Say why a session cannot be signed, in the sentence `npt session` prints; None if it can."""
    if not plan.unsigned:
        return None
    first = plan.unsigned[0]
    recipe = first.recipe
    return (
        f"the recipe for {first.label.contents} cannot be signed "
        f"({'; '.join(recipe.problems)}); nothing was written. {' '.join(recipe.suggestions)}"
    ).strip()


def plan_view(planned: Planned) -> dict[str, Any]:
    """Return what the page shows of a plan: each region's volume, each batch with its recipe
    and verdict, in the words of the packet (render/sheets.py) and of `npt prepare`."""
    from npt_protocol.render.documents import session_data  # noqa: PLC0415
    from npt_protocol.render.sheets import achieved_line, volumes_line  # noqa: PLC0415

    plan = planned.plan
    doc = session_data(plan, patient=planned.patient, sheet="bedside")
    solutions = []
    for data, solution in zip(doc["solutions"], plan.solutions, strict=True):
        recipe = recipe_view(solution.recipe)
        solutions.append(
            {
                "title": data["title"],
                "regions": ", ".join(data["regions"]),
                "volumes": volumes_line(data),
                "achieved": achieved_line(data),
                "passed": recipe["passed"],
                "verdict": recipe["verdict"],
                "components": recipe["components"],
                "steps": recipe["steps"],
                "notes": recipe["notes"],
                "doses": [f"Dose: {dose}." for dose in data["doses_injected_text"]],
                "label": data["label"],
            }
        )
    return {
        "patient": planned.patient.id,
        "problems": doc["problems"],
        "unsigned": unsigned_sentence(plan),
        "regions": doc["regions"],
        "solutions": solutions,
        "loads": doc["loads_text"],
        "warnings": doc["warnings"],
    }


@dataclass
class Shown:
    """What the page shows: the chart, the choices, the plan or the errors."""

    places: list[Place] = field(default_factory=list)
    protocols: list[dict[str, Any]] = field(default_factory=list)
    view: dict[str, Any] | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    status: int = 200


def _protocol_choices(state: AppState) -> tuple[list[Place], list[dict[str, Any]]]:
    """Return the chart's places and every protocol with the sides it may be given on."""
    library = session_library(state.config, state.library, clinic_catalogue(state.config))
    listed = [
        {
            "id": entry.protocol.id,
            "title": entry.protocol.title,
            "sides": side_choices(entry.protocol.sides),
            "typical": entry.protocol.typical_points,
        }
        for entry in library.entries.values()
    ]
    return places(library), listed


def _show(state: AppState, form: SessionForm) -> Shown:
    """Read the library and, when something was asked, plan the session; runs off the loop."""
    shown = Shown()
    try:
        shown.places, shown.protocols = _protocol_choices(state)
    except NptError as error:
        shown.errors = {GENERAL: [str(error)]}
        shown.status = 500
        return shown
    if not form.asked:
        return shown
    try:
        planned = plan_from_form(state.config, state.library, form, now=prepared_now(state))
    except NptError as error:
        shown.errors = {field_of(str(error), SESSION_FIELDS): [str(error)]}
        shown.status = 422
        return shown
    shown.view = plan_view(planned)
    return shown


async def session_page(request: Request) -> Response:
    """Show the chart and the fields; with a patient or a region asked for, the plan."""
    state = state_of(request)
    form = SessionForm.read(request.query_params)
    shown = await run_in_threadpool(_show, state, form)
    at = request.query_params.get("at", "")
    chooser = next((p for p in shown.places if p.key == at), None)

    def href(place: Place) -> str:
        """Link a place: toggle its one protocol, or ask which of its protocols."""
        chosen = [r for r, _ in place.regions if r in form.regions]
        if len(place.regions) == 1 or chosen:
            return f"/session?{form.toggled((chosen or [place.regions[0][0]])[0])}#chart"
        return f"/session?{form.query()}&at={place.key}#chart"

    html = state.templates.page(
        request,
        "session.html.j2",
        {
            "form": form,
            "shown": shown,
            "chart": picker_svg(shown.places, chosen=form.regions, href=href),
            "chooser": chooser,
            "toggle": lambda region: f"/session?{form.toggled(region)}#chart",
            "use_by_rules": use_by_choices(state.config.settings),
            "log": state.config.log,
            "chosen": chosen_protocols(form),
            "typical": {p["id"]: p["typical"] for p in shown.protocols},
            "titles": {p["id"]: p["title"] for p in shown.protocols},
        },
    )
    return HTMLResponse(html, status_code=shown.status)


def chosen_protocols(form: SessionForm) -> list[tuple[str, str]]:
    """List each protocol chosen with its sides: ('knee', 'left, right')."""
    sides: dict[str, list[str]] = {}
    for region in form.regions:
        protocol, _, side = region.partition(":")
        sides.setdefault(protocol, []).append(side)
    return [(protocol, ", ".join(each)) for protocol, each in sides.items()]


def command_argv(command: str, form: SessionForm, log: Path) -> list[str]:
    """Return the command line that makes the same document, for the log record."""
    argv = [command]
    for region in form.regions:
        argv += ["--region", region]
    for protocol, count in form.points.items():
        argv += ["--points", f"{protocol}={count}"]
    argv += ["--patient", form.patient]
    for option, value in (
        ("--weight", form.weight),
        ("--treatment-syringe", form.treatment_syringe),
        ("--use-by", form.use_by),
    ):
        if value:
            argv += [option, value]
    return [*argv, "--log", str(log)]


class NotRecordedError(NptError):
    """The log refused the batch records: no PDF is given, as `npt session --log` writes none."""


def _document(state: AppState, form: SessionForm, person: str | None, kind: str) -> bytes:
    """Plan the session, record its batches when the server keeps a log, and render the packet
    or the labels as a PDF; runs off the event loop."""
    from npt_protocol.log.batches import append_batch_records  # noqa: PLC0415
    from npt_protocol.planning.labels import syringe_labels  # noqa: PLC0415
    from npt_protocol.render.doctypes import LogDoc  # noqa: PLC0415
    from npt_protocol.render.documents import session_data  # noqa: PLC0415
    from npt_protocol.render.labels import labels_data  # noqa: PLC0415
    from npt_protocol.render.registry import render  # noqa: PLC0415

    config = state.config
    if form.by and config.log is None:
        raise InputError("--by is recorded only in a preparation log; add --log FILE.")
    now = prepared_now(state)
    planned = plan_from_form(config, state.library, form, now=now)
    sentence = unsigned_sentence(planned.plan)
    if sentence is not None:
        raise InputError(sentence[0].upper() + sentence[1:])
    meta = document_meta_for(config.settings, now)
    references: list[str] = []
    log: LogDoc | None = None
    if config.log is not None:
        try:
            written = append_batch_records(
                config.log,
                planned.plan,
                request=planned.request,
                prepared_by=person,
                checked_by=None,
                time=config.now(),
                argv=command_argv("session" if kind == "packet" else "label", form, config.log),
                wait=config.log_wait_seconds,
                shown=config.log.name,
            )
        except NptError as error:
            raise NotRecordedError(
                f"Not recorded: {error} Nothing more was added to the preparation log "
                f"{config.log.name}, and no {kind} is given; do not prepare from it until it is "
                "recorded."
            ) from None
        references = written.references
        log = {"path": str(config.log), "records": written.records, "head": written.head}
    if kind == "packet":
        data = session_data(
            planned.plan, log=log, patient=planned.patient, references=references, sheet="bedside"
        )
        content = render("session", data, "pdf", meta=meta, timestamp=now)
    else:
        labels = labels_data(
            syringe_labels(planned.plan, patient=planned.patient),
            stock_name=label_stock(config.settings),
            prepared_by=person,
            references=references,
        )
        content = render("labels", labels, "pdf", meta=meta, timestamp=now)
    assert isinstance(content, bytes)  # a PDF is bytes
    return content


async def download(request: Request) -> Response:
    """Answer with the packet or the labels as a PDF, or say why there is none."""
    state = state_of(request)
    form = SessionForm.read(form_of(request.scope))
    kind = "packet" if request.url.path.endswith("packet.pdf") else "labels"
    person = user_of(request) or form.by or None
    try:
        content = await run_in_threadpool(_document, state, form, person, kind)
    except NotRecordedError as error:
        return error_response(request.scope, 500, "Not recorded", str(error))
    except NptError as error:
        return error_response(request.scope, 422, f"No {kind}", str(error))
    name = re.sub(r"[^A-Za-z0-9_-]", "_", form.patient)[:32] or "session"
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}-{kind}.pdf"'},
    )


PAGE = Page(
    name="session",
    title="Session",
    path="/session",
    summary="Plan a session from the body chart: volumes, the batch, its recipe and verdict; "
    "the packet and the labels as PDF.",
    routes=[
        Route("/session", session_page, methods=["GET"]),
        Route("/session/packet.pdf", download, methods=["POST"]),
        Route("/session/labels.pdf", download, methods=["POST"]),
    ],
)
