"""The app's own style sheet and scripts, served from the package's static folder only.

The files are read once when the app is built; a request names one of them exactly or gets 404,
so no path (`..`, an encoded slash, a link) can reach anything else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from npt_protocol.web.errors import error_response

STATIC = Path(__file__).parent / "static"
MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class StaticFile:
    """One file's bytes, its media type and a short hash of its content."""

    body: bytes
    media_type: str
    version: str


def load_static(folder: Path = STATIC) -> dict[str, StaticFile]:
    """Read every style sheet and script in the folder (not its sub-folders), by name."""
    files = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink() and path.suffix in MEDIA_TYPES:
            body = path.read_bytes()
            version = hashlib.sha256(body).hexdigest()[:12]
            files[path.name] = StaticFile(body, MEDIA_TYPES[path.suffix], version)
    return files


async def static_file(request: Request) -> Response:
    """Serve a file the app ships, by its exact name; anything else is not found."""
    files: dict[str, StaticFile] = request.app.state.npt.static
    found = files.get(request.path_params["name"])
    if found is None:
        return error_response(request.scope, 404, "Not found", "There is no such file here.")
    return Response(
        found.body,
        media_type=found.media_type,
        headers={"cache-control": "public, max-age=3600", "etag": f'"{found.version}"'},
    )
