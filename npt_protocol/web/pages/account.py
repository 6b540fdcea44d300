"""Signing in and out. Failed attempts are counted per client and per name (web/throttle.py);
a sign-in starts a new session and a new form token."""

from __future__ import annotations

import math

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from npt_protocol.ismp import format_count
from npt_protocol.web.auth import safe_next
from npt_protocol.web.csrf import form_of, new_csrf_token
from npt_protocol.web.pages import Page
from npt_protocol.web.state import state_of


def _login_page(request: Request, *, status: int, message: str, name: str, after: str) -> Response:
    """Draw the sign-in form with a message."""
    state = state_of(request)
    html = state.templates.page(
        request, "login.html.j2", {"message": message, "name": name, "next": after}
    )
    return HTMLResponse(html, status_code=status)


async def login(request: Request) -> Response:
    """Show the sign-in form, or check a name and password and start a sign-in."""
    state = state_of(request)
    if request.method == "GET":
        after = safe_next(request.query_params.get("next"))
        return _login_page(request, status=200, message="", name="", after=after)
    fields = form_of(request.scope)
    name = fields.get("name", "").strip()
    password = fields.get("password", "")
    after = safe_next(fields.get("next"))
    client = request.client.host if request.client is not None else "unknown"
    wait = state.throttle.wait_seconds(client=client, user=name)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        return _login_page(
            request,
            status=429,
            message=f"Too many failed sign-ins from here or for this name; try again in "
            f"{format_count(minutes, 'minute')}.",
            name=name,
            after=after,
        )
    user = await run_in_threadpool(state.users.verify, name, password)
    if user is None:
        state.throttle.failed(client=client, user=name)
        wrong = "The name or the password is wrong."
        return _login_page(request, status=401, message=wrong, name=name, after=after)
    state.throttle.succeeded(user=name)
    session = request.session
    session.clear()
    session["sid"] = state.sign_ins.start(user)
    new_csrf_token(session)
    return RedirectResponse(after, status_code=303)


async def logout(request: Request) -> Response:
    """End the sign-in and go to the sign-in page."""
    state = state_of(request)
    sid = request.session.get("sid")
    if isinstance(sid, str):
        state.sign_ins.end(sid)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


PAGE = Page(
    name="account",
    title="Sign in",
    path="/login",
    summary="Signing in and out.",
    routes=[
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
    ],
    menu=False,
)
