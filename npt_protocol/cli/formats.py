"""The options every document-printing command shares (--format, -o, --force, and --json where
it was given before) and choosing the format, the same way for every command."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from npt_protocol.cli.common import UsablePath, emit, to_stdout
from npt_protocol.errors import InputError
from npt_protocol.render.registry import FORMATS, DocumentKind, Format, check_format, formats_of

F = TypeVar("F", bound=Callable[..., Any])
SUFFIXES: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".json": "json",
    ".txt": "text",
}


def format_options(kind: DocumentKind, *, json_flag: bool = True) -> Callable[[F], F]:
    """Add --format, --json (a synonym of --format json), -o and --force to a command."""
    choices = formats_of(kind)

    def decorate(function: F) -> F:
        options = [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(FORMATS),
                help=f"Output format: {', '.join(choices)} (default: from the -o file's "
                "extension, else text).",
            ),
            *(
                [click.option("--json", "as_json", is_flag=True, help="Same as --format json.")]
                if json_flag
                else []
            ),
            click.option(
                "-o",
                "--output",
                type=UsablePath(path_type=Path, dir_okay=False, allow_dash=True),
                help="Write to this file (atomically; refuses to replace one without --force); "
                "- writes to standard output. The format follows the file's extension.",
            ),
            click.option(
                "--force",
                is_flag=True,
                help="Replace an existing output file (a regular file the command did not read).",
            ),
        ]
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def choose_format(
    kind: DocumentKind,
    fmt: str | None,
    output: Path | None,
    *,
    force: bool,
    as_json: bool = False,
    option: str = "-o",
    read: Iterable[Path | None] = (),
) -> Format:
    """Decide the format from --format, --json or the output file's extension, refusing a
    contradiction or a format the document is not printed in; refuse early an output file that
    may not be written (one of the files in `read`, such as a log), before any work."""
    named = None if to_stdout(output) else output
    if named is not None:
        from npt_protocol.cli.output import check_target  # noqa: PLC0415 - only -o needs it

        check_target(named, force=force, read=[p for p in read if p is not None])
    if as_json:
        if fmt not in (None, "json"):
            raise InputError(f"--json and --format {fmt} disagree; give one of them.")
        fmt = "json"
    by_name = SUFFIXES.get(named.suffix.lower()) if named is not None else None
    if fmt is not None and by_name is not None and fmt != by_name:
        raise InputError(
            f"{option} {named} is a {by_name} file by its extension, but the format asked for "
            f"is {fmt}; give a file name that agrees, or leave the format out."
        )
    chosen = next(f for f in FORMATS if f == (fmt or by_name or "text"))
    check_format(kind, chosen)
    if chosen == "pdf" and output is None:
        raise InputError(f"A PDF needs an output: add {option} FILE.pdf, or {option} - to pipe it.")
    return chosen


def deliver(
    content: str | bytes,
    *,
    output: Path | None,
    force: bool,
    read: Iterable[Path] = (),
    private: bool = False,
) -> None:
    """Print the rendered document, or write it to the -o file atomically (readable by its
    owner only when private: it carries patient data)."""
    emit(content, output=output, force=force, read=read, private=private)
