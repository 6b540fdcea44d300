"""Error pages: a status, a title and one sentence, in the app's layout where it can be drawn."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.types import Scope


def error_response(scope: Scope, status: int, title: str, message: str) -> Response:
    """Draw an error page, or plain text when the app's templates are not at hand."""
    app = scope.get("app")
    state = getattr(getattr(app, "state", None), "npt", None)
    if state is None:
        return PlainTextResponse(f"{title}: {message}", status_code=status)
    request = Request(scope)
    html = state.templates.page(
        request, "error.html.j2", {"status": status, "title": title, "message": message}
    )
    return HTMLResponse(html, status_code=status)


async def not_found(request: Request, exc: Exception) -> Response:
    """Say that no page is here."""
    return error_response(
        request.scope, 404, "Not found", "There is no page here; choose one from the menu."
    )


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """Say that the page does not take this kind of request."""
    return error_response(
        request.scope, 405, "Not allowed", "This page does not take that kind of request."
    )


async def server_error(request: Request, exc: Exception) -> Response:
    """Say that something went wrong, without showing the inner workings (the server log has
    the details)."""
    return PlainTextResponse(
        "Something went wrong on the server (its log has the details); look at the preparation "
        "log before sending the form again.",
        status_code=500,
    )
