"""`npt config show`: the clinic settings in force and where each value came from."""

from __future__ import annotations

import click

from npt_protocol.cli.common import NptGroup, echo_json, reports_errors
from npt_protocol.render.columns import align
from npt_protocol.settings import KNOWN_KEYS, load_settings, settings_location


@click.group(cls=NptGroup)
def config() -> None:
    """Show the clinic settings file and the values in force.

    \b
    Example:
      npt config show
    """


@config.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_errors
def show(as_json: bool) -> None:
    """Print each setting, its value, and whether it comes from the file or the default.

    \b
    Example:
      npt config show --json
    """
    path, explicit = settings_location()
    settings = load_settings(path, explicit=explicit)
    rows = {
        key: {
            "value": settings.get(key),
            "source": str(settings.path) if settings.get(key) is not None else "default",
            "meaning": meaning,
        }
        for key, meaning in KNOWN_KEYS.items()
    }
    if as_json:
        echo_json({"file": str(path), "exists": settings.path is not None, "settings": rows})
        return
    state = "found" if settings.path is not None else "not found: every value is the default"
    click.echo(f"Settings file: {path} ({state})")
    table = [
        [key, "(default)" if row["value"] is None else repr(row["value"]), row["meaning"]]
        for key, row in rows.items()
    ]
    for line in align(table):
        click.echo(line)
