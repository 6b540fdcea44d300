"""Who is signed in: a server-side list of sign-ins behind a signed cookie, and the gate that
sends everyone else to the sign-in page.

Sign-in is required on every page but the sign-in page and the static files when the app serves
the network, and whenever users exist. A sign-in ends after the idle timeout, at sign-out, when
its user is removed, and when the server restarts.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from npt_protocol.web.state import AppState
    from npt_protocol.web.users import UserStore

PUBLIC_PREFIXES = ("/static/",)
PUBLIC_PATHS = frozenset({"/login"})


@dataclass
class SignIn:
    """One signed-in browser: whose, and when it was last used."""

    user: str
    last_seen: float


class SignIns:
    """The sign-ins this server has granted, by a random id kept in the signed session cookie."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float]) -> None:
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._live: dict[str, SignIn] = {}
        self._lock = threading.Lock()

    def start(self, user: str) -> str:
        """Record a new sign-in and return its id; forget the ones that went idle."""
        now = self._clock()
        sid = secrets.token_urlsafe(32)
        with self._lock:
            idle = [k for k, s in self._live.items() if now - s.last_seen > self.idle_seconds]
            for key in idle:
                del self._live[key]
            self._live[sid] = SignIn(user, now)
        return sid

    def user(self, sid: str) -> str | None:
        """Return who a live sign-in belongs to and mark it used; None once idle or ended."""
        now = self._clock()
        with self._lock:
            signed = self._live.get(sid)
            if signed is None:
                return None
            if now - signed.last_seen > self.idle_seconds:
                del self._live[sid]
                return None
            signed.last_seen = now
            return signed.user

    def end(self, sid: str) -> None:
        """End a sign-in (sign-out)."""
        with self._lock:
            self._live.pop(sid, None)


class KnownUsers:
    """The user names, read from the store off the event loop at most once a second, so a
    request does not wait for the users file; a user added or removed counts within a second."""

    def __init__(self, users: UserStore, clock: Callable[[], float], *, ttl: float = 1.0) -> None:
        self._users = users
        self._clock = clock
        self._ttl = ttl
        self._names: frozenset[str] = frozenset()
        self._read_at: float | None = None

    async def names(self) -> frozenset[str]:
        """Return the user names in lower case (casefolded)."""
        now = self._clock()
        if self._read_at is None or now - self._read_at >= self._ttl:
            self._names = await run_in_threadpool(
                lambda: frozenset(n.casefold() for n in self._users.names())
            )
            self._read_at = now
        return self._names


def is_public(path: str) -> bool:
    """Say whether a path is open without signing in: the sign-in page and static files."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def safe_next(target: str | None) -> str:
    """Return a local path to go to after signing in; anything else (another site) goes home."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(not ch.isprintable() for ch in target):
        return "/"
    return target


class SignInGate:
    """ASGI middleware: find who is signed in; send anyone else to sign in when required."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set scope['state']['user'] and ['sign_in_required']; refuse what needs a sign-in."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: AppState = scope["app"].state.npt
        session: dict[str, Any] = scope["session"]
        sid = session.get("sid")
        names = await state.known_users.names()
        required, user = _who(state, names, sid if isinstance(sid, str) else "")
        if sid is not None and user is None:
            session.pop("sid", None)  # idle, signed out, or the user was removed
        elif user is not None:
            # Writing the session re-signs the cookie, so its age counts from the last request.
            session["seen"] = int(state.config.clock())
        scope.setdefault("state", {})
        scope["state"]["user"] = user
        scope["state"]["sign_in_required"] = required
        path: str = scope["path"]
        if user is None and required and not is_public(path):
            response: Response
            if scope["method"] in {"GET", "HEAD"}:
                query = scope.get("query_string", b"").decode("latin-1")
                target = path + (f"?{query}" if query else "")
                response = RedirectResponse(f"/login?next={quote(target, safe='')}", 303)
            else:
                from npt_protocol.web.errors import error_response  # noqa: PLC0415

                response = error_response(
                    scope, 403, "Sign in first", "This page needs you to sign in first."
                )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _who(state: AppState, names: frozenset[str], sid: str) -> tuple[bool, str | None]:
    """Say whether signing in is required, and who this session's sign-in belongs to."""
    required = bool(names) or not state.config.loopback
    user = state.sign_ins.user(sid) if sid else None
    if user is not None and user.casefold() not in names:
        state.sign_ins.end(sid)
        user = None
    return required, user
