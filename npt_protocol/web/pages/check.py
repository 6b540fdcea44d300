"""The Check page: `npt check` as a form: what was drawn, pass or fail, in the same words."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.engine.requests import run_check
from npt_protocol.errors import InputError, NptError
from npt_protocol.web.csrf import form_of
from npt_protocol.web.fields import CHECK_FIELDS, FieldWords
from npt_protocol.web.forms import DRAWN_ROWS, CheckForm
from npt_protocol.web.pages import Page
from npt_protocol.web.pages.prepare import (
    Outcome,
    defaults,
    not_recorded,
    refused,
    with_defaults,
)
from npt_protocol.web.records import RecordNotWrittenError, write_record
from npt_protocol.web.state import AppState, state_of, user_of
from npt_protocol.web.views import check_view


def check_fields(form: CheckForm) -> FieldWords:
    """The check's fields, each drawn row known by the PRODUCT=VOLUME text it makes."""
    rows = {f"drawn-{i}": (repr(item),) for i, item in form.items()}
    return {**rows, **CHECK_FIELDS}


def _check(state: AppState, form: CheckForm, user: str | None) -> Outcome:
    """Judge what was drawn and record it; runs off the event loop (it reads and writes files)."""
    config = state.config
    try:
        if form.by and not user and config.log is None:
            raise InputError("--checked-by is recorded only in a preparation log; add --log FILE.")
        request = form.request(config.settings, config.catalogue)
        done = run_check(request, load_catalogue(config.catalogue))
        recorded = None
        if config.log is not None:
            from npt_protocol.engine.results import check_data  # noqa: PLC0415 - log only

            recorded = write_record(
                config,
                request=request,
                result=check_data(
                    done.target_text, done.portions, done.assessment, done.catalogue_version
                ),
                argv=form.argv(),
                person=user or form.by or None,
            )
    except RecordNotWrittenError as error:
        return not_recorded(error)
    except NptError as error:
        return refused(error, check_fields(form))
    return Outcome(view=check_view(done), recorded=recorded)


async def check(request: Request) -> Response:
    """Show the form; on a sent form, the verdict (or the errors) above it."""
    state = state_of(request)
    user = user_of(request)
    form = CheckForm()
    outcome = Outcome()
    if request.method == "POST":
        form = CheckForm.read(form_of(request.scope))
        outcome, shown = await run_in_threadpool(with_defaults, _check, state, form, user)
    else:
        shown = await run_in_threadpool(defaults, state)
    html = state.templates.page(
        request,
        "check.html.j2",
        {
            "form": form,
            "outcome": outcome,
            "defaults": shown,
            "rows": range(DRAWN_ROWS),
            "log": state.config.log,
        },
    )
    return HTMLResponse(html, status_code=outcome.status)


PAGE = Page(
    name="check",
    title="Check",
    path="/check",
    summary="What was actually drawn, against the target: pass or fail, with the numbers.",
    routes=[Route("/check", check, methods=["GET", "POST"])],
)
