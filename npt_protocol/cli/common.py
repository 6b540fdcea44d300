"""What every command shares: error reporting, JSON output and safe file writing."""

from __future__ import annotations

import functools
import os
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


class UsablePath(click.Path):
    """A click.Path that refuses, as a usage error, a name no file system can use: an empty
    name, a NUL character, or one the system cannot look up (too long, a folder not searchable)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Check the name can be looked up, then convert it as click.Path does."""
        text = os.fsdecode(value)
        if not text.strip():
            self.fail(f"{text!r} is empty; expected a file or folder name.", param, ctx)
        if "\0" in text:
            self.fail(
                f"{text!r} contains a NUL character; expected a file or folder name.", param, ctx
            )
        try:
            os.stat(text)
        except (FileNotFoundError, NotADirectoryError):
            pass  # a file still to be written, or a missing one the command reports itself
        except OSError as error:
            self.fail(f"{text[:80]!r} cannot be used: {error.strerror}.", param, ctx)
        return super().convert(value, param, ctx)


def one_line(text: object) -> str:
    """Write control characters (a newline in a file name, an escape sequence) as escapes, so a
    message stays one line and cannot drive the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))


def reports_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn an NptError inside a command into one line on stderr and its exit code."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except NptError as error:
            click.echo(f"Error: {one_line(error)}", err=True)
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
    from npt_protocol.cli.output import write_atomically  # noqa: PLC0415 - only -o needs it

    write_atomically(output, content, force=force)
    click.echo(f"Wrote {one_line(output)}", err=True)
