"""The app's pages drawn with Jinja2 (autoescaped, strict), each with what every page shows:
the menu, who is signed in, the form token and the static files' addresses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from starlette.requests import Request

from npt_protocol.web.csrf import csrf_token

if TYPE_CHECKING:
    from npt_protocol.web.pages import Page
    from npt_protocol.web.static import StaticFile

TEMPLATES = Path(__file__).parent / "templates"


class Templates:
    """The page templates and the context every page shares."""

    def __init__(
        self,
        *,
        pages: Sequence[Page],
        static: Mapping[str, StaticFile],
        shared: Mapping[str, Any],
    ) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["static"] = self._static_url
        self._pages = pages
        self._static = static
        self._shared = dict(shared)

    def _static_url(self, name: str) -> str:
        """Address a static file with its content hash, so a new version is never stale."""
        return f"/static/{name}?v={self._static[name].version}"

    def page(self, request: Request, name: str, context: Mapping[str, Any]) -> str:
        """Render a page template with the shared context."""
        state = request.scope.get("state", {})
        session = request.scope.get("session")
        return self.env.get_template(name).render(
            {
                **self._shared,
                "menu": [p for p in self._pages if p.menu],
                "path": request.url.path,
                "user": state.get("user"),
                "sign_in_required": state.get("sign_in_required", False),
                "csrf": csrf_token(session) if session is not None else "",
                **context,
            }
        )
