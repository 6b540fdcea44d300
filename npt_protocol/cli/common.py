"""What every command shares: error reporting, JSON output and safe file writing."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from npt_protocol.errors import NptError, OutputError

P = ParamSpec("P")
R = TypeVar("R")
ARGV_KEY = "npt.argv"
# The logs this process has written a record to, so that a failure to print afterwards can say
# the record was kept.
RECORDED: list[Path] = []


class NptCommand(click.Command):
    """A command that refuses an option given twice where it takes one value (Click would keep
    the last silently), and keeps its arguments so a log can record them as typed."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Remember the arguments, refuse a repeated single-value option, then parse them."""
        ctx.meta[ARGV_KEY] = list(args)
        _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        seen: set[click.Parameter] = set()
        for param in order:
            single = isinstance(param, click.Option) and not (
                param.multiple or param.count or param.is_flag
            )
            if single and param in seen:
                raise click.UsageError(
                    f"{'/'.join(param.opts)} is given more than once; give it once.", ctx
                )
            seen.add(param)
        return super().parse_args(ctx, args)


class NptGroup(click.Group):
    """A group whose commands are NptCommands."""

    command_class = NptCommand


def waiting_for(path: Path) -> Callable[[float], None]:
    """Say on stderr that the command waits for another process to let go of a log."""

    def tell(seconds: float) -> None:
        click.echo(
            f"Waiting for {one_line(path)}: another process is using it (at most {seconds:g} s).",
            err=True,
        )

    return tell


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


def to_stdout(output: Path | None) -> bool:
    """Say whether output goes to standard output: no -o, or -o -."""
    return output is None or str(output) == "-"


def emit(
    content: str | bytes,
    *,
    output: Path | None,
    force: bool,
    read: Iterable[Path] = (),
    private: bool = False,
) -> None:
    """Print content (-o - included), or write it to a file atomically when -o names one (owner
    only when private)."""
    if to_stdout(output):
        if isinstance(content, bytes):
            if sys.stdout.isatty():
                raise OutputError(
                    "A PDF is not for a terminal; pipe it (-o - | lpr) or write it with "
                    "-o FILE.pdf."
                )
            stream = sys.stdout.buffer
            stream.write(content)
            stream.flush()
        else:
            click.echo(content, nl=not content.endswith("\n"))
        return
    assert output is not None
    from npt_protocol.cli.output import write_atomically  # noqa: PLC0415 - only -o needs it

    write_atomically(output, content, force=force, read=read, private=private)
    click.echo(f"Wrote {one_line(output)}", err=True)
