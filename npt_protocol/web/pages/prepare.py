"""The Prepare page: `npt prepare` as a form, answered with the same recipe, in the same words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.engine.measured import METHOD_NAMES, METHOD_ORDER
from npt_protocol.engine.requests import run_prepare
from npt_protocol.errors import InputError, NptError
from npt_protocol.inputs import basis_texts, syringe_texts, tolerance_text
from npt_protocol.web.csrf import form_of
from npt_protocol.web.fields import GENERAL, PREPARE_FIELDS, FieldWords, field_of
from npt_protocol.web.forms import PrepareForm
from npt_protocol.web.pages import Page
from npt_protocol.web.records import Recorded, RecordNotWrittenError, write_record
from npt_protocol.web.state import AppState, state_of, user_of
from npt_protocol.web.views import recipe_view

F = TypeVar("F")


@dataclass
class Outcome:
    """What a sent form came to: a result to show, or errors by field, and the log's answer."""

    view: dict[str, Any] | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    recorded: Recorded | None = None
    status: int = 200


def refused(error: NptError, fields: FieldWords) -> Outcome:
    """Show an error beside the field it concerns (422), in the words `npt` prints."""
    return Outcome(errors={field_of(str(error), fields): [str(error)]}, status=422)


def not_recorded(error: RecordNotWrittenError) -> Outcome:
    """Show that the log refused the record (500): the result is withheld, as `npt` withholds
    it when --log fails."""
    return Outcome(errors={GENERAL: [str(error)]}, status=500)


def require_log(state: AppState, typed_name: str) -> None:
    """Refuse a name typed for a log that is not kept, as `npt prepare --by` without --log is."""
    if typed_name and state.config.log is None:
        raise InputError("--by is recorded only in a preparation log; add --log FILE.")


def _prepare(state: AppState, form: PrepareForm, user: str | None) -> Outcome:
    """Work out the recipe and record it; runs off the event loop (it reads and writes files)."""
    config = state.config
    try:
        require_log(state, "" if user else form.by)
        request = form.request(config.settings, config.catalogue)
        recipe = run_prepare(request, load_catalogue(config.catalogue))
        recorded = None
        if config.log is not None:
            from npt_protocol.engine.results import recipe_data  # noqa: PLC0415 - log only

            recorded = write_record(
                config,
                request=request,
                result=recipe_data(recipe),
                argv=form.argv(),
                person=user or form.by or None,
            )
    except RecordNotWrittenError as error:
        return not_recorded(error)
    except NptError as error:
        return refused(error, PREPARE_FIELDS)
    return Outcome(view=recipe_view(recipe), recorded=recorded)


def defaults(state: AppState) -> dict[str, Any]:
    """What an empty field means here: the settings, else the defaults; and the products known."""
    settings = state.config.settings
    try:
        products = [(p.id, p.name) for p in load_catalogue(state.config.catalogue).products]
    except NptError:
        products = []  # the page still works; sending the form says what is wrong
    return {
        "tolerance": tolerance_text(None, settings),
        "syringes": "\n".join(syringe_texts((), settings)),
        "bases": "\n".join(basis_texts((), settings)),
        "products": products,
    }


def with_defaults(
    work: Callable[[AppState, F, str | None], Outcome], state: AppState, form: F, user: str | None
) -> tuple[Outcome, dict[str, Any]]:
    """Do a form's work and read the page's defaults in one trip off the event loop."""
    return work(state, form, user), defaults(state)


async def prepare(request: Request) -> Response:
    """Show the form; on a sent form, the recipe (or the errors) above it."""
    state = state_of(request)
    user = user_of(request)
    form = PrepareForm()
    outcome = Outcome()
    if request.method == "POST":
        form = PrepareForm.read(form_of(request.scope))
        outcome, shown = await run_in_threadpool(with_defaults, _prepare, state, form, user)
    else:
        shown = await run_in_threadpool(defaults, state)
    html = state.templates.page(
        request,
        "prepare.html.j2",
        {
            "form": form,
            "outcome": outcome,
            "defaults": shown,
            "methods": [(m, METHOD_NAMES[m]) for m in METHOD_ORDER],
            "log": state.config.log,
        },
    )
    return HTMLResponse(html, status_code=outcome.status)


PAGE = Page(
    name="prepare",
    title="Prepare",
    path="/prepare",
    summary="How to prepare a solution from the stocks on the shelf: syringes, volumes, "
    "method, verdict.",
    routes=[Route("/prepare", prepare, methods=["GET", "POST"])],
)
