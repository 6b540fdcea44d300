"""Headers every response carries, and the host check that keeps other sites out of a
loopback server.

The Content-Security-Policy allows scripts and styles from this server's own files only: no
inline script or style, no other site, no framing. A page may send a stricter policy of its own.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from npt_protocol.web.config import is_loopback

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # Not "no-referrer": with it, browsers send "Origin: null" on the app's own forms, and the
    # origin check could not tell them from another site's.
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    # Pages show patient data: no browser or proxy keeps a copy.
    "cache-control": "no-store",
}
HSTS = "max-age=31536000"


class SecurityHeaders:
    """ASGI middleware: add the security headers to every response that lacks them."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = {**HEADERS, **({"strict-transport-security": HSTS} if https else {})}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers as the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


class LoopbackHostGuard:
    """ASGI middleware for a loopback server: answer only requests addressed to a loopback name,
    so a web page elsewhere cannot reach the app through a name that resolves to 127.0.0.1."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse (421) a request whose Host header is not a loopback name."""
        if scope["type"] == "http" and not is_loopback(_host_name(scope)):
            response = PlainTextResponse(
                "This server answers only on this computer's own address (127.0.0.1).",
                status_code=421,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _host_name(scope: Scope) -> str:
    """Return the Host header's name without its port."""
    host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rpartition(":")[0] if ":" in host else host
