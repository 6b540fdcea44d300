"""The home page: the pages there are, who is signed in, and where records go."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from npt_protocol.web.pages import Page
from npt_protocol.web.state import state_of


async def home(request: Request) -> Response:
    """Show a tile for each page of the menu."""
    state = state_of(request)
    tiles = [p for p in state.pages if p.menu and p.name not in {"home", "account"}]
    return HTMLResponse(
        state.templates.page(
            request,
            "home.html.j2",
            {
                "tiles": tiles,
                "log": state.config.log,
                "database": state.config.course_db,
                "loopback": state.config.loopback,
            },
        )
    )


PAGE = Page(
    name="home",
    title="Home",
    path="/",
    summary="The pages of the app.",
    routes=[Route("/", home, methods=["GET"])],
)
