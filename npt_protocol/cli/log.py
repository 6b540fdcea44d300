"""`npt log`: verify and list the preparation logs that `--log` writes."""

from __future__ import annotations

from pathlib import Path

import click

from npt_protocol.cli.common import UsablePath, echo_json, reports_errors
from npt_protocol.log.show import entries, entry_text, parse_since
from npt_protocol.log.verify import Verification
from npt_protocol.log.verify import verify as verify_log

SHOWN_FINDINGS = 20


@click.group()
def log() -> None:
    """Verify and list preparation logs written by `npt prepare/check --log FILE`.

    \b
    Examples:
      npt log verify prep.log
      npt log show prep.log --since 2026-05-01
    """


@log.command()
@click.argument("file", type=UsablePath(path_type=Path))
@reports_errors
def verify(file: Path) -> None:
    """Check FILE's hash chain and recompute every record with this version's engine.

    Exit code 0 when the chain is intact and every result agrees, 1 when a line was edited,
    removed or moved or a result disagrees, 2 when FILE cannot be read. A last line cut short
    by a crash is a warning, not a failure.

    \b
    Example:
      npt log verify prep.log
    """
    report = verify_log(file)
    for finding in report.findings[:SHOWN_FINDINGS]:
        click.echo(finding.message)
    if len(report.findings) > SHOWN_FINDINGS:
        click.echo(f"... and {len(report.findings) - SHOWN_FINDINGS} more.")
    if report.torn is not None:
        click.echo(f"Warning: {report.torn.message}", err=True)
    click.echo(summary(file, report))
    click.echo(f"Head: {report.head} (note it elsewhere to detect records removed from the end).")
    if not report.ok:
        raise SystemExit(1)


def summary(file: Path, report: Verification) -> str:
    """Say in one line what verification found."""
    broken = [f.line for f in report.findings if f.kind == "broken"]
    chain = f"chain BROKEN at line {broken[0]}" if broken else "chain intact"
    others = len(report.findings) - len(broken)
    results = (
        "every result agrees"
        if not others
        else f"{others} finding{'s' if others > 1 else ''} on the results"
    )
    distinct = report.distinct_requests
    return (
        f"{file}: {report.records:,} records; {chain}; {results} "
        f"({distinct:,} distinct request{'s' if distinct != 1 else ''} recomputed)."
    )


@log.command()
@click.argument("file", type=UsablePath(path_type=Path))
@click.option(
    "--since",
    help="Only records made at or after this date or time (UTC), e.g. "
    "2026-05-01 or 2026-05-01T09:00Z.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema npt.log-show/1).")
@reports_errors
def show(file: Path, since: str | None, as_json: bool) -> None:
    """List the records in FILE readably, oldest first (it does not verify them).

    \b
    Examples:
      npt log show prep.log
      npt log show prep.log --since 2026-05-01 --json
    """
    listing = entries(file, since=None if since is None else parse_since(since))
    if as_json:
        echo_json(listing.data(file))
    else:
        for entry in listing.entries:
            click.echo(entry_text(entry))
    for warning in listing.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if listing.unreadable:
        raise SystemExit(1)
