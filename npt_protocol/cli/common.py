"""What every command shares: error reporting, JSON output and safe file writing."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from npt_protocol.errors import NptError
from npt_protocol.output import write_atomically

P = ParamSpec("P")
R = TypeVar("R")


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
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def emit(content: str | bytes, *, output: Path | None, force: bool) -> None:
    """Print content, or write it to a file atomically when -o is given."""
    if output is None:
        if isinstance(content, bytes):
            click.get_binary_stream("stdout").write(content)
        else:
            click.echo(content, nl=not content.endswith("\n"))
        return
    write_atomically(output, content, force=force)
    click.echo(f"Wrote {output}", err=True)
