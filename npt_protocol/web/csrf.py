"""Every form carries a token bound to the browser's session; a request that changes anything
without it is refused (403) before any page sees it.

The middleware reads the form itself (URL-encoded, at most 64 KiB), checks the token and the
Origin header, and hands the parsed fields on in the scope, so no page can forget the check.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import ImmutableMultiDict
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from npt_protocol.web.errors import error_response

TOKEN_FIELD = "csrf_token"
SESSION_KEY = "csrf"
FORM_KEY = "npt.form"
MAX_FORM_BYTES = 64 * 1024
MAX_FIELDS = 200
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPE = "application/x-www-form-urlencoded"


def csrf_token(session: dict[str, Any]) -> str:
    """Return the session's form token, making one the first time."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def new_csrf_token(session: dict[str, Any]) -> str:
    """Replace the session's form token (at sign-in, so a token seen before is worth nothing)."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)
    return str(session[SESSION_KEY])


def form_of(scope: Scope) -> ImmutableMultiDict[str, str]:
    """Return the fields of the form this request sent, as the middleware read them."""
    fields = scope.get(FORM_KEY)
    return fields if isinstance(fields, ImmutableMultiDict) else ImmutableMultiDict()


class CsrfGuard:
    """ASGI middleware: a POST (or any unsafe method) needs the session's token and, when the
    browser names its origin, this server's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check an unsafe request's origin, size, kind and token; pass the rest on."""
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        refusal = _origin_refusal(scope)
        body = b""
        if refusal is None:
            body, refusal = await _read_body(receive)
        fields: list[tuple[str, str]] = []
        if refusal is None:
            fields, refusal = _parse(scope, body)
        if refusal is None:
            expected = scope["session"].get(SESSION_KEY)
            given = next((v for k, v in fields if k == TOKEN_FIELD), "")
            if not isinstance(expected, str) or not hmac.compare_digest(
                expected.encode(), given.encode()
            ):
                refusal = (
                    403,
                    "This form has expired or did not come from this app: open the page again "
                    "and send it from there.",
                )
        if refusal is not None:
            status, message = refusal
            await error_response(scope, status, "Refused", message)(scope, receive, send)
            return
        scope[FORM_KEY] = ImmutableMultiDict(fields)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _header(scope: Scope, name: bytes) -> str | None:
    """Return a request header's value, or None."""
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _origin_refusal(scope: Scope) -> tuple[int, str] | None:
    """Refuse a request whose browser says it comes from another site."""
    origin = _header(scope, b"origin")
    if origin is None:
        return None
    host = _header(scope, b"host") or ""
    if origin != f"{scope.get('scheme', 'http')}://{host}":
        return 403, "This form was sent from another site; open the page here and send it again."
    return None


async def _read_body(receive: Receive) -> tuple[bytes, tuple[int, str] | None]:
    """Read the request body, refusing one larger than a form of this app can be."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", (400, "The form did not arrive whole; send it again.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return b"", (413, f"The form is larger than {MAX_FORM_BYTES // 1024} KiB.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _parse(scope: Scope, body: bytes) -> tuple[list[tuple[str, str]], tuple[int, str] | None]:
    """Parse a URL-encoded form; refuse any other kind of body."""
    kind = (_header(scope, b"content-type") or "").partition(";")[0].strip().lower()
    if body and kind != FORM_TYPE:
        return [], (415, "This app accepts forms from its own pages only.")
    try:
        text = body.decode("utf-8")
        return parse_qsl(
            text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict"
        ), None
    except (UnicodeDecodeError, ValueError):
        return [], (400, "The form could not be read; send it again from the page.")
