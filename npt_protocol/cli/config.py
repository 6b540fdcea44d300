"""`npt config show`: the clinic settings in force and where each value came from."""

from __future__ import annotations

from pathlib import Path

import click

from npt_protocol.cli.common import NptGroup, reports_errors
from npt_protocol.cli.formats import choose_format, deliver, format_options
from npt_protocol.course.locations import masked
from npt_protocol.settings import KNOWN_KEYS, load_settings, settings_location


@click.group(cls=NptGroup)
def config() -> None:
    """Show the clinic settings file and the values in force.

    \b
    Example:
      npt config show
    """


@config.command()
@format_options("config")
@reports_errors
def show(fmt: str | None, as_json: bool, output: Path | None, force: bool) -> None:
    """Print each setting, its value, and whether it comes from the file or the default (a
    database password is printed as ***).

    \b
    Examples:
      npt config show
      npt config show --json
    """
    from npt_protocol.render.listings import CONFIG_SCHEMA, ConfigDoc  # noqa: PLC0415
    from npt_protocol.render.registry import render  # noqa: PLC0415

    chosen = choose_format("config", fmt, output, force=force, as_json=as_json)
    path, explicit = settings_location()
    settings = load_settings(path, explicit=explicit)
    doc: ConfigDoc = {
        "schema": CONFIG_SCHEMA,
        "file": str(path),
        "exists": settings.path is not None,
        "settings": {
            key: {
                "value": _shown(key, settings.get(key)),
                "source": str(settings.path) if settings.get(key) is not None else "default",
                "meaning": meaning,
            }
            for key, meaning in KNOWN_KEYS.items()
        },
    }
    read = [settings.path] if settings.path is not None else []
    deliver(render("config", doc, chosen), output=output, force=force, read=read)


def _shown(key: str, value: object) -> object:
    """Return a setting's value as it may be printed: a database password as ***."""
    if key == "database" and isinstance(value, str):
        return masked(value)
    return value
