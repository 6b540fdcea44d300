"""`npt log`: verify, anchor and list the preparation logs that `--log` writes."""

from __future__ import annotations

from pathlib import Path

import click

from npt_protocol.cli.common import NptGroup, UsablePath, one_line, reports_errors, waiting_for
from npt_protocol.cli.formats import choose_format, deliver, format_options
from npt_protocol.ismp import format_count
from npt_protocol.log.show import entries, parse_since
from npt_protocol.log.verify import Verification, read_head
from npt_protocol.log.verify import verify as verify_log

SHOWN_FINDINGS = 20


@click.group(cls=NptGroup)
def log() -> None:
    """Verify, anchor and list preparation logs written by `npt prepare/check --log FILE`.

    \b
    Examples:
      npt log verify prep.log
      npt log head prep.log
      npt log verify prep.log --head 1234-3f9a2c7e1b5d0a4f
      npt log show prep.log --since 2026-05-01
    """


@log.command()
@click.argument("file", type=UsablePath(path_type=Path))
@click.option(
    "--head",
    "noted",
    metavar="TOKEN",
    help="A head noted earlier with `npt log head`; fail unless the log still holds it.",
)
@reports_errors
def verify(file: Path, noted: str | None) -> None:
    """Check FILE's header and hash chain and recompute every record with this engine.

    Exit code 0 when the log is whole and every result agrees, 1 when a line was edited,
    removed or moved, a result disagrees or the noted --head is not in the log, 2 when FILE
    cannot be read. A last line cut short by a crash is a warning, not a failure. Without
    --head, records cut from the end or a history rewritten with new hashes cannot be seen
    (docs/log-format.md lists what can).

    \b
    Examples:
      npt log verify prep.log
      npt log verify prep.log --head 1234-3f9a2c7e1b5d0a4f
    """
    report = verify_log(file, head=noted, on_wait=waiting_for(file))
    for finding in report.findings[:SHOWN_FINDINGS]:
        click.echo(one_line(finding.message))
    if len(report.findings) > SHOWN_FINDINGS:
        click.echo(f"... and {len(report.findings) - SHOWN_FINDINGS} more.")
    for note in report.notes:
        click.echo(f"Note: {note}")
    if report.torn is not None:
        click.echo(f"Warning: {report.torn.message}", err=True)
    click.echo(one_line(summary(file, report)))
    if noted is not None and report.chain_ok:
        click.echo(f"The log holds the noted head {noted.strip()}.")
    if report.chain_ok:
        click.echo(f"Head: {report.head.token} (note it elsewhere: `npt log verify --head`).")
    if not report.ok:
        raise SystemExit(1)


def summary(file: Path, report: Verification) -> str:
    """Say in one line what verification found."""
    broken = [f.line for f in report.findings if f.kind == "broken"]
    chain = f"chain BROKEN at line {broken[0]}" if broken else "chain intact"
    others = len([f for f in report.findings if f.kind not in {"broken", "head"}])
    results = (
        "every result agrees" if not others else f"{format_count(others, 'finding')} on the results"
    )
    distinct = report.distinct_requests
    return (
        f"{file}: {format_count(report.records, 'record')}; {chain}; {results} "
        f"({format_count(distinct, 'distinct request')} recomputed)."
    )


@log.command()
@click.argument("file", type=UsablePath(path_type=Path))
@reports_errors
def head(file: Path) -> None:
    """Print FILE's head: its record count and hash, a token short enough to write down.

    The token is alone on the last line. Note it somewhere the log's keeper cannot change (a
    paper register, the day's closing email); `npt log verify FILE --head TOKEN` later fails
    if records up to that point were removed or rewritten. The chain is checked first;
    results are not recomputed (that is `npt log verify`).

    \b
    Example:
      npt log head prep.log
    """
    report = read_head(file, on_wait=waiting_for(file))
    for finding in report.findings[:SHOWN_FINDINGS]:
        click.echo(one_line(finding.message))
    if not report.chain_ok:
        click.echo(f"{one_line(file)}: chain BROKEN; no head printed (run `npt log verify`).")
        raise SystemExit(1)
    if report.torn is not None:
        click.echo(f"Warning: {report.torn.message}", err=True)
    click.echo(f"{one_line(file)}: {format_count(report.records, 'record')}; chain intact.")
    click.echo(report.head.token)


@log.command()
@click.argument("file", type=UsablePath(path_type=Path))
@click.option(
    "--since",
    help="Only records made at or after this date or time (UTC), e.g. "
    "2026-05-01 or 2026-05-01T09:00Z.",
)
@format_options("log")
@reports_errors
def show(
    file: Path,
    since: str | None,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    force: bool,
) -> None:
    """List the records in FILE readably, oldest first, then its head (it does not verify).

    \b
    Examples:
      npt log show prep.log
      npt log show prep.log --since 2026-05-01 --json
      npt log show prep.log --format json -o records.json
    """
    from npt_protocol.render.listings import LogDocument  # noqa: PLC0415
    from npt_protocol.render.registry import render  # noqa: PLC0415

    chosen = choose_format("log", fmt, output, force=force, as_json=as_json)
    listing = entries(
        file, since=None if since is None else parse_since(since), on_wait=waiting_for(file)
    )
    deliver(
        render("log", LogDocument(listing, file), chosen), output=output, force=force, read=[file]
    )
    for warning in listing.warnings:
        click.echo(f"Warning: {one_line(warning)}", err=True)
    if listing.unreadable:
        raise SystemExit(1)
