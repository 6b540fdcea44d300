"""What the running app holds: its settings, users, sign-ins, templates and caches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from starlette.requests import Request

from npt_protocol.web.auth import KnownUsers, SignIns
from npt_protocol.web.config import WebConfig
from npt_protocol.web.coursedb import CourseDatabase
from npt_protocol.web.library import LibraryCache
from npt_protocol.web.pages import Page
from npt_protocol.web.static import StaticFile
from npt_protocol.web.templating import Templates
from npt_protocol.web.throttle import LoginThrottle
from npt_protocol.web.users import UserStore


@dataclass(frozen=True)
class AppState:
    """The app's parts, reached from a request as `state_of(request)`."""

    config: WebConfig
    users: UserStore
    sign_ins: SignIns
    throttle: LoginThrottle
    templates: Templates
    static: Mapping[str, StaticFile]
    pages: Sequence[Page]
    library: LibraryCache
    known_users: KnownUsers
    course_db: CourseDatabase


def state_of(request: Request) -> AppState:
    """Return the app's state from a request."""
    state: AppState = request.app.state.npt
    return state


def user_of(request: Request) -> str | None:
    """Return who is signed in on this request, or None."""
    user = request.scope.get("state", {}).get("user")
    return user if isinstance(user, str) else None
