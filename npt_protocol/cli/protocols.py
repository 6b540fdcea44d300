"""The `npt protocols` commands: list, show and validate region protocols."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from npt_protocol.cli.common import NptGroup, UsablePath, one_line, reports_errors
from npt_protocol.cli.formats import choose_format, deliver, format_options
from npt_protocol.ismp import format_count
from npt_protocol.protocol.library import SHIPPED, Library, check_paths, load_library, shipped_dir
from npt_protocol.render.listings import ProtocolDocument, protocols_data
from npt_protocol.render.registry import render
from npt_protocol.settings import load_settings

_FOLDER_OPTION = click.option(
    "--protocols",
    "protocols_dir",
    metavar="DIR",
    type=UsablePath(path_type=Path, file_okay=False),
    help="Clinic folder of protocols, searched before the shipped library "
    "(default: protocols_dir in the settings file).",
)


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
            f"Warning: {one_line(bad.loaded.path)} has {format_count(count, 'problem')} and is "
            "left out, first "
            f"{one_line(bad.loaded.findings[0])}",
            err=True,
        )


@click.group(cls=NptGroup)
def protocols() -> None:
    """List, show and validate region protocols.

    Example: npt protocols show knee
    """


@protocols.command("list")
@format_options("protocols")
@_FOLDER_OPTION
@reports_errors
def list_protocols(
    fmt: str | None, as_json: bool, output: Path | None, force: bool, protocols_dir: Path | None
) -> None:
    """List the protocols that can be used, and which file wins for each id.

    Example: npt protocols list --protocols my-clinic/ --format json -o protocols.json
    """
    chosen = choose_format("protocols", fmt, output, force=force, as_json=as_json)
    library = _library(protocols_dir)
    _warn_broken(library)
    deliver(
        render("protocols", protocols_data(library), chosen),
        output=output,
        force=force,
        read=_read(library),
    )


def _read(library: Library) -> list[Path]:
    """List the protocol files a command read: --force never replaces them with its output."""
    paths = [Path(e.protocol.path) for e in library.entries.values() if e.protocol.path]
    return paths + [Path(bad.loaded.path) for bad in library.broken]


@protocols.command("show")
@click.argument("protocol_id", metavar="ID")
@format_options("protocol")
@_FOLDER_OPTION
@reports_errors
def show(
    protocol_id: str,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    force: bool,
    protocols_dir: Path | None,
) -> None:
    """Show one protocol: nerves, points, volumes, limits, course and references.

    Example: npt protocols show knee --json
    """
    chosen = choose_format("protocol", fmt, output, force=force, as_json=as_json)
    library = _library(protocols_dir)
    protocol = library.get(protocol_id)
    deliver(
        render("protocol", ProtocolDocument(protocol), chosen),
        output=output,
        force=force,
        read=_read(library),
    )


@protocols.command("validate")
@click.argument(
    "paths", nargs=-1, required=True, metavar="PATH...", type=UsablePath(path_type=Path)
)
@reports_errors
def validate(paths: tuple[Path, ...]) -> None:
    """Check protocol files and folders; print every problem as file:line:column.

    Exit code 0 when every file is valid, 1 when problems were found, 2 when a file or folder
    cannot be read. Ids must be unique within each folder. The word `shipped` names the
    library that comes with npt, from any folder.

    Example: npt protocols validate shipped my-clinic/ my-clinic/knee.yaml
    """
    results = check_paths(
        [shipped_dir() if str(p) == SHIPPED and not p.exists() else p for p in paths]
    )
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
            f"{format_count(problems, 'problem')} in {bad_files} of {format_count(files, 'file')}."
        )
        sys.exit(1)
    click.echo(f"{format_count(files, 'file')} checked: no problems found.")
