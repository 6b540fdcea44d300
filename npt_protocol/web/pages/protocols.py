"""The Protocols page: the library as `npt protocols list` shows it, each protocol read-only,
and its trainer sheet (the blank-side checklist) as the same HTML and PDF `npt checklist` prints."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from npt_protocol.errors import NptError
from npt_protocol.ismp import format_count
from npt_protocol.protocol.library import Library
from npt_protocol.render.listings import protocols_data
from npt_protocol.render.protocol import protocol_text
from npt_protocol.web.errors import error_response
from npt_protocol.web.pages import Page
from npt_protocol.web.state import AppState, state_of

_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
# The sheet is printable HTML with its print rules in one <style> element; the page's policy
# allows exactly that element by its hash, and no script at all.
SHEET_CSP = (
    "default-src 'none'; style-src {hash}; img-src 'self'; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def _rows(library: Library) -> dict[str, Any]:
    """The list `npt protocols list` prints, and the files left out, in its words."""
    rows = protocols_data(library)["protocols"]
    broken = []
    for bad in library.broken:
        count = len(bad.loaded.findings)
        broken.append(
            f"{bad.loaded.path} has {format_count(count, 'problem')} and is left out, "
            f"first {bad.loaded.findings[0]}"
        )
    return {"rows": rows, "broken": broken}


async def protocol_list(request: Request) -> Response:
    """List the protocols that can be used, and the clinic files left out."""
    state = state_of(request)
    try:
        listing = await run_in_threadpool(lambda: _rows(state.library.get()))
    except NptError as error:
        return error_response(request.scope, 500, "Protocols cannot be read", str(error))
    return HTMLResponse(state.templates.page(request, "protocols.html.j2", listing))


def _protocol(state: AppState, protocol_id: str) -> dict[str, Any]:
    """One protocol, as `npt protocols show` prints it."""
    protocol = state.library.get().get(protocol_id)
    return {"protocol": protocol, "text": protocol_text(protocol)}


async def protocol_page(request: Request) -> Response:
    """Show one protocol read-only, with links to its trainer sheet."""
    state = state_of(request)
    try:
        shown = await run_in_threadpool(_protocol, state, request.path_params["protocol_id"])
    except NptError as error:
        return error_response(request.scope, 404, "No such protocol", str(error))
    return HTMLResponse(state.templates.page(request, "protocol.html.j2", shown))


def _sheet(state: AppState, protocol_id: str, fmt: str) -> str | bytes:
    """Render the protocol's trainer sheet (no side chosen, typical points) as HTML or PDF."""
    from npt_protocol.planning.checklist import build_checklist  # noqa: PLC0415
    from npt_protocol.render.documents import checklist_data  # noqa: PLC0415
    from npt_protocol.render.registry import render  # noqa: PLC0415
    from npt_protocol.web.sessions import document_meta_for  # noqa: PLC0415

    protocol = state.library.get().get(protocol_id)
    now = state.config.now().astimezone().replace(second=0, microsecond=0)
    meta = document_meta_for(state.config.settings, now)
    data = checklist_data(build_checklist(protocol, side=None))
    return render("checklist", data, "pdf" if fmt == "pdf" else "html", meta=meta, timestamp=now)


def style_hash(html: str) -> str:
    """Return the CSP source that allows a page's one <style> element by its SHA-256."""
    styles = _STYLE.findall(html)
    if len(styles) != 1:
        raise ValueError("a trainer sheet has exactly one <style> element")
    digest = hashlib.sha256(styles[0].encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


async def sheet(request: Request) -> Response:
    """The trainer sheet as printable HTML (print it from the browser) or as a PDF."""
    state = state_of(request)
    protocol_id = request.path_params["protocol_id"]
    fmt = "pdf" if request.url.path.endswith(".pdf") else "html"
    try:
        content = await run_in_threadpool(_sheet, state, protocol_id, fmt)
    except NptError as error:
        return error_response(request.scope, 404, "No trainer sheet", str(error))
    if isinstance(content, bytes):
        name = re.sub(r"[^A-Za-z0-9_-]", "_", protocol_id)
        return Response(
            content,
            media_type="application/pdf",
            headers={"content-disposition": f'inline; filename="{name}-trainer-sheet.pdf"'},
        )
    return HTMLResponse(
        content, headers={"content-security-policy": SHEET_CSP.format(hash=style_hash(content))}
    )


PAGE = Page(
    name="protocols",
    title="Protocols",
    path="/protocols",
    summary="The protocol library, each protocol read-only, with its trainer sheet.",
    routes=[
        Route("/protocols", protocol_list, methods=["GET"]),
        Route("/protocols/{protocol_id}", protocol_page, methods=["GET"]),
        Route("/protocols/{protocol_id}/sheet", sheet, methods=["GET"]),
        Route("/protocols/{protocol_id}/sheet.pdf", sheet, methods=["GET"]),
    ],
)
