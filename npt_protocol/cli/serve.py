"""`npt serve`: the treatment-room app for a tablet, and the users who may sign in to it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from npt_protocol.cli.common import NptCommand, UsablePath, one_line, reports_errors
from npt_protocol.cli.course import db_option
from npt_protocol.cli.options import catalogue_path, settings
from npt_protocol.errors import InputError

if TYPE_CHECKING:
    from npt_protocol.settings import Settings

DEFAULT_PORT = 8000
DEFAULT_IDLE_MINUTES = 30


def data_folder(option: Path | None) -> Path:
    """Return the folder for users and the session key: the option, else the platform's user
    data folder (e.g. ~/.local/share/npt)."""
    if option is not None:
        return option
    import platformdirs  # noqa: PLC0415 - only serve needs it

    return Path(platformdirs.user_data_dir("npt"))


def read_password(name: str) -> str:
    """Ask for a password twice on a terminal; read one line from standard input otherwise
    (never from the command line, where other users could see it)."""
    if sys.stdin.isatty():
        password: str = click.prompt(
            f"Password for {name}", hide_input=True, confirmation_prompt=True, err=True
        )
        return password
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def users_command(folder: Path, *, add: str | None, remove: str | None, listing: bool) -> None:
    """Add, remove or list users, and say what was done."""
    from npt_protocol.web.private import private_folder  # noqa: PLC0415
    from npt_protocol.web.users import FileUserStore, check_name  # noqa: PLC0415

    store = FileUserStore(private_folder(folder))
    if add is not None:
        name = store.add(check_name(add), read_password(add))
        click.echo(f"Added user {one_line(name)} to {one_line(store.path)}.", err=True)
    if remove is not None:
        name = store.remove(remove)
        click.echo(
            f"Removed user {one_line(name)} from {one_line(store.path)}; their sign-ins end within "
            "a second.",
            err=True,
        )
    if listing:
        for name in store.names():
            click.echo(one_line(name))


def course_location(db: str | None, config: Settings) -> str:
    """Name the course database as `npt course` does (--db, the `database` setting, else the
    user data folder's file), refusing at once one that is not a database's name."""
    from npt_protocol.cli.course import location  # noqa: PLC0415
    from npt_protocol.course.database import database_url  # noqa: PLC0415

    named = location(db, config)
    database_url(named)
    return named


def operator() -> str | None:
    """Return the name of the account serving the app (what `npt course` records without --by),
    or None when the system cannot say."""
    import getpass  # noqa: PLC0415

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def start_line(url: str, *, loopback: bool, https: bool, users: bool) -> str:
    """Say where the app is served, who may use it, and warn when it crosses a network in clear."""
    if loopback:
        who = "this computer only; " + ("sign-in required" if users else "no sign-in (no users)")
    else:
        who = "the network; sign-in required"
    line = f"npt serve: {url} ({who}). Ctrl-C stops it."
    if not loopback and not https:
        line += (
            " WARNING: no HTTPS: names, passwords and patient data cross the network in plain "
            "text; give --certfile and --keyfile."
        )
    return line


@click.command(cls=NptCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option(
    "--port",
    type=int,
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to serve on (0: any free port, named on the start-up line).",
)
@click.option(
    "--certfile",
    type=UsablePath(path_type=Path, dir_okay=False, exists=True),
    help="PEM certificate: serve HTTPS (with --keyfile).",
)
@click.option(
    "--keyfile",
    type=UsablePath(path_type=Path, dir_okay=False, exists=True),
    help="PEM private key of --certfile.",
)
@click.option(
    "--log",
    "log_file",
    type=UsablePath(path_type=Path, dir_okay=False),
    help="Preparation log the Prepare and Check pages record in (default: log in the "
    "settings file; none: nothing is recorded).",
)
@click.option(
    "--protocols",
    "protocols_dir",
    metavar="DIR",
    type=UsablePath(path_type=Path, file_okay=False),
    help="Clinic folder of protocols, searched before the shipped library.",
)
@click.option(
    "--catalogue",
    type=UsablePath(path_type=Path, dir_okay=False),
    help="A YAML file of the clinic's own products, searched first.",
)
@db_option
@click.option(
    "--data",
    "data_dir",
    type=UsablePath(path_type=Path, file_okay=False),
    help="Folder of the users file and the session key (default: the user data folder).",
)
@click.option(
    "--idle-minutes",
    type=click.IntRange(1, 24 * 60),
    default=DEFAULT_IDLE_MINUTES,
    show_default=True,
    help="A sign-in ends after this many minutes unused.",
)
@click.option("--add-user", metavar="NAME", help="Add a user (password asked, or read from stdin).")
@click.option("--remove-user", metavar="NAME", help="Remove a user; their sign-ins end.")
@click.option("--list-users", is_flag=True, help="List the users and stop.")
@reports_errors
def serve(
    host: str,
    port: int,
    certfile: Path | None,
    keyfile: Path | None,
    log_file: Path | None,
    protocols_dir: Path | None,
    catalogue: Path | None,
    db: str | None,
    data_dir: Path | None,
    idle_minutes: int,
    add_user: str | None,
    remove_user: str | None,
    list_users: bool,
) -> None:
    """Serve the treatment-room app: Prepare, Check, Session, During, Courses and Protocols pages.

    On 127.0.0.1 (the default) it serves this computer only, without sign-in until users exist.
    On any other address it refuses to start until users exist, and every page needs a sign-in.
    Passwords are asked on the terminal or read from standard input, never given as arguments.

    \b
    Examples:
      npt serve
      npt serve --log clinic.log --port 8080
      npt serve --db clinic-courses.sqlite3
      npt serve --add-user "A. Lee"
      npt serve --host 0.0.0.0 --certfile clinic.pem --keyfile clinic.key --log clinic.log
    """
    folder = data_folder(data_dir)
    if add_user is not None or remove_user is not None or list_users:
        users_command(folder, add=add_user, remove=remove_user, listing=list_users)
        return
    if (certfile is None) != (keyfile is None):
        raise InputError("--certfile and --keyfile go together; give both for HTTPS, or neither.")
    from npt_protocol.web.app import app_state, build_app  # noqa: PLC0415 - Starlette only here
    from npt_protocol.web.config import WebConfig, is_loopback  # noqa: PLC0415
    from npt_protocol.web.private import private_folder  # noqa: PLC0415
    from npt_protocol.web.server import (  # noqa: PLC0415
        check_certificate,
        listen,
        serve_app,
        warm_up,
    )
    from npt_protocol.web.users import FileUserStore  # noqa: PLC0415

    config = settings()
    users = FileUserStore(private_folder(folder))
    has_users = users.has_users()
    loopback = is_loopback(host)
    if not loopback and not has_users:
        raise InputError(
            f"--host {host} serves the network, so everyone must sign in, and there are no "
            f"users yet; add one with npt serve --add-user NAME (data folder {folder})."
        )
    if certfile is not None and keyfile is not None:
        check_certificate(certfile, keyfile)
    course_db = course_location(db, config)
    app = build_app(
        WebConfig(
            data_dir=folder,
            host=host,
            https=certfile is not None,
            settings=config,
            protocols_dir=protocols_dir or config.protocols_dir,
            catalogue=catalogue_path(catalogue, config),
            log=log_file or config.log,
            course_db=course_db,
            operator=operator(),
            idle_seconds=idle_minutes * 60,
        ),
        users=users,
    )
    warm_up(app_state(app))
    sock = listen(host, port)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    url = f"{'https' if certfile else 'http'}://{shown}:{bound[1]}/"
    click.echo(start_line(url, loopback=loopback, https=certfile is not None, users=has_users))
    sys.stdout.flush()
    serve_app(app, sock, certfile=certfile, keyfile=keyfile)
