"""What every command shares: error reporting, JSON output and safe file writing."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from npt_protocol.errors import NptError

P = ParamSpec("P")
R = TypeVar("R")
ARGV_KEY = "npt.argv"


class ArgvCommand(click.Command):
    """A command that keeps the arguments it was given, so a log can record them as typed."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Remember the arguments, then parse them as usual."""
        ctx.meta[ARGV_KEY] = list(args)
        return super().parse_args(ctx, args)


def reports_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn an NptError inside a command into one line on stderr and its exit code."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except NptError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper


def echo_json(data: Any) -> None:
    """Print data as indented JSON with a trailing newline."""
    import json  # noqa: PLC0415 - only --json output needs it

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def emit(content: str | bytes, *, output: Path | None, force: bool) -> None:
    """Print content, or write it to a file atomically when -o is given."""
    if output is None:
        if isinstance(content, bytes):
            stream = sys.stdout.buffer
            stream.write(content)
            stream.flush()
        else:
            click.echo(content, nl=not content.endswith("\n"))
        return
    from npt_protocol.output import write_atomically  # noqa: PLC0415 - only -o needs it

    write_atomically(output, content, force=force)
    click.echo(f"Wrote {output}", err=True)
