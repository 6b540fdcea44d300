"""The `npt protocols` commands: list, show and validate region protocols."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from npt_protocol.cli.common import NptGroup, UsablePath, echo_json, one_line, reports_errors
from npt_protocol.protocol.library import Library, check_paths, load_library
from npt_protocol.render.columns import align
from npt_protocol.render.protocol import protocol_json, protocol_text
from npt_protocol.settings import load_settings

_FOLDER_OPTION = click.option(
    "--protocols",
    "protocols_dir",
    metavar="DIR",
    type=UsablePath(path_type=Path, file_okay=False),
    help="Clinic folder of protocols, searched before the shipped library "
    "(default: protocols_dir in the settings file).",
)
_JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _library(protocols_dir: Path | None) -> Library:
    """Load the library with the clinic folder from the option, else from the settings file."""
    if protocols_dir is None:
        protocols_dir = load_settings().protocols_dir
    return load_library([protocols_dir] if protocols_dir else [])


def _warn_broken(library: Library) -> None:
    """Say on stderr which files were left out, so a clinic file never vanishes silently."""
    for bad in library.broken:
        count = len(bad.loaded.findings)
        click.echo(
            f"Warning: {one_line(bad.loaded.path)} has {count} "
            f"problem{'s' * (count != 1)} and is left out, first "
            f"{one_line(bad.loaded.findings[0])}",
            err=True,
        )


@click.group(cls=NptGroup)
def protocols() -> None:
    """List, show and validate region protocols.

    Example: npt protocols show knee
    """


@protocols.command("list")
@_JSON_OPTION
@_FOLDER_OPTION
@reports_errors
def list_protocols(as_json: bool, protocols_dir: Path | None) -> None:
    """List the protocols that can be used, and which file wins for each id.

    Example: npt protocols list --protocols my-clinic/
    """
    library = _library(protocols_dir)
    _warn_broken(library)
    rows: list[dict[str, Any]] = []
    for entry in library.entries.values():
        p = entry.protocol
        rows.append(
            {
                "id": p.id,
                "title": p.title,
                "region": p.region,
                "status": p.status,
                "version": p.version,
                "source": p.origin,
                "path": str(p.path) if p.path else None,
                "overrides": [hidden.origin for hidden in entry.hides],
                "content_hash": p.content_hash,
            }
        )
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No protocols found.")
        return
    table = [["ID", "TITLE", "REGION", "STATUS", "VERSION", "SOURCE"]]
    for row in rows:
        overrides = f" (overrides {', '.join(row['overrides'])})" if row["overrides"] else ""
        table.append(
            [
                row["id"],
                _clip(row["title"], 44),
                row["region"],
                row["status"],
                row["version"],
                row["source"] + overrides,
            ]
        )
    for line in align(table, indent=""):
        click.echo(line)


def _clip(text: str, width: int) -> str:
    """Shorten text to a column width with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


@protocols.command("show")
@click.argument("protocol_id", metavar="ID")
@_JSON_OPTION
@_FOLDER_OPTION
@reports_errors
def show(protocol_id: str, as_json: bool, protocols_dir: Path | None) -> None:
    """Show one protocol: nerves, points, volumes, limits, course and references.

    Example: npt protocols show knee --json
    """
    library = _library(protocols_dir)
    protocol = library.get(protocol_id)
    if as_json:
        echo_json(protocol_json(protocol))
    else:
        click.echo(protocol_text(protocol), nl=False)


@protocols.command("validate")
@click.argument(
    "paths", nargs=-1, required=True, metavar="PATH...", type=UsablePath(path_type=Path)
)
@reports_errors
def validate(paths: tuple[Path, ...]) -> None:
    """Check protocol files and folders; print every problem as file:line:column.

    Exit code 0 when every file is valid, 1 when problems were found, 2 when a file or folder
    cannot be read. Ids must be unique within each folder.

    Example: npt protocols validate protocols/ my-clinic/knee.yaml
    """
    results = check_paths(paths)
    problems = 0
    for loaded in results:
        for finding in loaded.findings:
            click.echo(str(finding))
            problems += 1
    files = len(results)
    bad_files = sum(1 for loaded in results if loaded.findings)
    if files == 0:
        shown = one_line(", ".join(map(str, paths)))
        click.echo(f"Warning: no protocol files (*.yaml, *.yml) in {shown}", err=True)
    if problems:
        click.echo(
            f"{problems} problem{'s' * (problems != 1)} in {bad_files} of {files} "
            f"file{'s' * (files != 1)}."
        )
        sys.exit(1)
    click.echo(f"{files} file{'s' * (files != 1)} checked: no problems found.")
