"""The ASGI app: the pages of the registry behind the security middleware.

From the outside in: security headers on every response; on a loopback server, the host check;
then Starlette with the signed session cookie, the form-token check and the sign-in gate.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Route
from starlette.types import ASGIApp

from npt_protocol import __version__
from npt_protocol.web.auth import KnownUsers, SignInGate, SignIns
from npt_protocol.web.config import WebConfig
from npt_protocol.web.course_access import CourseRecord
from npt_protocol.web.csrf import CsrfGuard
from npt_protocol.web.errors import method_not_allowed, not_found, server_error
from npt_protocol.web.library import LibraryCache
from npt_protocol.web.pages import load_pages
from npt_protocol.web.private import private_folder
from npt_protocol.web.secret import session_secret
from npt_protocol.web.security import LoopbackHostGuard, SecurityHeaders
from npt_protocol.web.state import AppState
from npt_protocol.web.static import load_static, static_file
from npt_protocol.web.templating import Templates
from npt_protocol.web.throttle import LoginThrottle
from npt_protocol.web.users import FileUserStore, UserStore


def cookie_name(https: bool) -> str:
    """Name the session cookie; over HTTPS the __Host- prefix binds it to this host, path /."""
    return "__Host-npt" if https else "npt"


def app_state(app: ASGIApp) -> AppState:
    """Return the state of an app build_app made (inside its security wrappers)."""
    inner: Any = app
    while not isinstance(inner, Starlette):
        inner = inner.app
    state: AppState = inner.state.npt
    return state


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Close the course database when the server stops."""
    yield
    state: AppState = app.state.npt
    state.courses.close()


def build_app(config: WebConfig, *, users: UserStore | None = None) -> ASGIApp:
    """Build the app: read the session key and the static files, load the pages."""
    folder = private_folder(config.data_dir)
    secret = session_secret(folder)
    users = users if users is not None else FileUserStore(folder)
    pages = load_pages()
    static = load_static()
    templates = Templates(
        pages=pages,
        static=static,
        shared={
            "version": __version__,
            "clinic": config.settings.get("clinic_name") or "",
            "idle_minutes": config.idle_seconds // 60,
        },
    )
    routes = [route for page in pages for route in page.routes]
    routes.append(Route("/static/{name:path}", static_file, methods=["GET", "HEAD"]))
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=secret,
                session_cookie=cookie_name(config.https),
                max_age=config.idle_seconds,
                same_site="strict",
                https_only=config.https,
            ),
            Middleware(CsrfGuard),
            Middleware(SignInGate),
        ],
        exception_handlers={404: not_found, 405: method_not_allowed, 500: server_error},
        lifespan=lifespan,
    )
    app.state.npt = AppState(
        config=config,
        users=users,
        sign_ins=SignIns(config.idle_seconds, config.clock),
        throttle=LoginThrottle(config.limits, config.clock),
        templates=templates,
        static=static,
        pages=pages,
        library=LibraryCache(config.protocols_dir),
        known_users=KnownUsers(users, config.clock),
        courses=CourseRecord(config),
    )
    guarded: ASGIApp = LoopbackHostGuard(app) if config.loopback else app
    return SecurityHeaders(guarded, https=config.https)
