"""The `npt` command line: parse text, call the core, render, choose the exit code.

Commands are registered by name and imported only when they run. May import anything in the
package; nothing in the package imports it.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
from typing import Any

import click

from npt_protocol import __version__
from npt_protocol.errors import NptError

# name -> "module:attribute"; each command module is imported only when that command runs,
# so `npt --help` and `npt prepare` do not pay for YAML, Jinja2 or typst.
COMMANDS: dict[str, str] = {
    "prepare": "npt_protocol.cli.prepare:prepare",
    "check": "npt_protocol.cli.prepare:check",
    "products": "npt_protocol.cli.products:products",
    "protocols": "npt_protocol.cli.protocols:protocols",
    "checklist": "npt_protocol.cli.sheets:checklist",
    "session": "npt_protocol.cli.sheets:session",
    "label": "npt_protocol.cli.sheets:label",
    "serve": "npt_protocol.cli.serve:serve",
    "config": "npt_protocol.cli.config:config",
    "log": "npt_protocol.cli.log:log",
    "course": "npt_protocol.cli.course:course",
}
SUMMARIES: dict[str, str] = {
    "prepare": "Work out how to prepare a solution from the stocks on the shelf.",
    "check": "Check what was actually drawn against the target strength.",
    "products": "List the stock products the tool knows.",
    "protocols": "List, show and validate region protocols.",
    "checklist": "Print the injection checklist of one protocol.",
    "session": "Plan a whole session: volumes, recipe, label and checklists.",
    "label": "Print a label for each treatment syringe of a session, on label stock.",
    "serve": "Serve the treatment-room app for a tablet (Prepare, Check, Protocols).",
    "config": "Show the clinic settings in force.",
    "log": "Verify and list preparation logs written with --log.",
    "course": "Keep each patient's treatment course: sessions, response and flags.",
}


class LazyGroup(click.Group):
    """A Click group that imports a command's module only when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List every command name, sorted."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return the command, or None for an unknown name."""
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a broken pipe ends it quietly, and output that cannot be written
        is one sentence and exit 2, saying whether a record was already logged."""
        from npt_protocol.cli import streams  # noqa: PLC0415 - small; kept out of --help
        from npt_protocol.cli.common import RECORDED, one_line  # noqa: PLC0415

        RECORDED.clear()
        streams.prepare_streams()
        try:
            try:
                return super().invoke(ctx)
            finally:
                streams.flush_stdout()
        except BrokenPipeError:
            streams.silence_stdout()
            sys.exit(streams.BROKEN_PIPE_EXIT)
        except OSError as error:
            if not streams.is_output_failure(error):
                raise
            logged = (
                f"the record was already written to {one_line(RECORDED[-1])}"
                if RECORDED
                else "nothing was logged"
            )
            streams.silence_stdout()
            with contextlib.suppress(OSError):
                click.echo(
                    f"Error: standard output cannot be written ({error.strerror}); {logged}.",
                    err=True,
                )
            sys.exit(2)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands with their one-line summaries without importing them."""
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="npt")
def cli() -> None:
    """Prepare, check and print Perineural Injection Treatment solutions and protocols.

    Example: npt prepare "dextrose 5%" --volume 60mL --from D50
    """


def main(argv: list[str] | None = None) -> Any:
    """Run the command line; known problems print one sentence and exit 2, never a traceback."""
    # A command runs for a fraction of a second and frees everything at exit: the cyclic
    # collector only costs start-up time (about 5 ms while Pint loads), so it is off while the
    # command runs, and back on afterwards for anyone who calls main() inside a longer process.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return cli.main(args=argv, prog_name="npt", standalone_mode=True)
    except NptError as error:  # raised outside a command's own handler (e.g. while importing)
        from npt_protocol.cli.common import one_line  # noqa: PLC0415 - only errors need it

        click.echo(f"Error: {one_line(error)}", err=True)
        sys.exit(error.exit_code)
    finally:
        if collecting:
            gc.enable()
