"""Listening and serving: the socket is bound before the app starts, so a port in use is one
sentence, and `--port 0` picks a free port the start-up line then names."""

from __future__ import annotations

import socket
from pathlib import Path

from starlette.types import ASGIApp

from npt_protocol.errors import InputError, NptError, OutputError
from npt_protocol.web.state import AppState


def listen(host: str, port: int) -> socket.socket:
    """Bind a listening socket on host:port (0 for any free port)."""
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port} is not a port; expected 1 to 65535, or 0 for a free one.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise InputError(
            f"--host {host!r} is not an address of this computer ({error.strerror}); expected "
            "such as 127.0.0.1 or 0.0.0.0."
        ) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise OutputError(
            f"cannot listen on {host} port {port}: {error.strerror}; choose another --port or "
            "--host."
        ) from None
    sock.set_inheritable(True)
    return sock


def check_certificate(certfile: Path, keyfile: Path) -> None:
    """Load the certificate and key once, so a wrong file is one sentence before serving."""
    import ssl  # noqa: PLC0415 - only HTTPS needs it

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or error
        raise InputError(
            f"--certfile {certfile} with --keyfile {keyfile} cannot be used ({reason}); expected "
            "a PEM certificate and its private key."
        ) from None


def warm_up(state: AppState) -> None:
    """Do once, before the first tablet asks, what the first requests would otherwise all wait
    for together: load the protocol library and the catalogue, compile the templates, import
    the engine and the results module, work out one recipe, and open the course record."""
    from npt_protocol.catalogue.clinic import load_catalogue  # noqa: PLC0415
    from npt_protocol.engine import results  # noqa: PLC0415
    from npt_protocol.engine.requests import PrepareRequest, run_prepare  # noqa: PLC0415

    env = state.templates.env
    for name in env.list_templates():
        env.get_template(name)
    try:
        state.library.get()
        load_catalogue(state.config.catalogue)
    except NptError:
        pass  # the pages say what is wrong with the clinic's files
    recipe = run_prepare(PrepareRequest("dextrose 5%", "60mL", ("D50",)), load_catalogue(None))
    results.recipe_data(recipe)
    state.courses.warm()


def serve_app(
    app: ASGIApp, sock: socket.socket, *, certfile: Path | None, keyfile: Path | None
) -> None:
    """Serve the app on the socket until interrupted (Ctrl-C)."""
    import uvicorn  # noqa: PLC0415 - the server is needed only here

    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        # The client's address is the socket's: no proxy header may change it (the sign-in
        # limits count per client).
        proxy_headers=False,
        server_header=False,
        lifespan="off",
        ssl_certfile=None if certfile is None else str(certfile),
        ssl_keyfile=None if keyfile is None else str(keyfile),
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run(sockets=[sock])
