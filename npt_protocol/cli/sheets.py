"""`npt checklist` and `npt session`: printable sheets and whole-session packets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from npt_protocol.cli.common import (
    NptCommand,
    UsablePath,
    emit,
    one_line,
    reports_errors,
    to_stdout,
    waiting_for,
)
from npt_protocol.cli.options import (
    catalogue_option,
    catalogue_path,
    require_percent,
    resolve_catalogue,
    resolve_syringes,
    resolve_tolerance,
    resolve_weight,
    settings,
)
from npt_protocol.errors import InputError
from npt_protocol.numbers import parse_percent
from npt_protocol.render.registry import FORMATS, Format, render_document
from npt_protocol.settings import Settings
from npt_protocol.times import parse_local_time
from npt_protocol.units import parse_volume

SUFFIXES: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".json": "json",
    ".txt": "text",
}


def output_options(function: Any) -> Any:
    """Add the options every printable command shares."""
    for option in reversed(
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(FORMATS),
                help="Output format (default: from the -o file's suffix, else text).",
            ),
            click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
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
            click.option(
                "--protocols",
                "protocols_dir",
                type=UsablePath(path_type=Path),
                help="A clinic folder of protocols, searched before the shipped library.",
            ),
            click.option(
                "--paper",
                type=click.Choice(["A4", "Letter"], case_sensitive=False),
                help="Paper size for HTML and PDF (default A4).",
            ),
            click.option("--clinic", help="Clinic name printed in the header."),
        ]
    ):
        function = option(function)
    return function


def choose_format(fmt: str | None, as_json: bool, output: Path | None, force: bool) -> Format:
    """Decide the format from --format, --json or the output file's extension, refusing a
    contradiction; refuse early an output file that may not be written, before any work."""
    named = None if to_stdout(output) else output
    if named is not None:
        from npt_protocol.cli.output import check_target  # noqa: PLC0415 - only -o needs it

        check_target(named, force=force)
    if as_json:
        if fmt not in (None, "json"):
            raise InputError(f"--json and --format {fmt} disagree; give one of them.")
        fmt = "json"
    by_name = SUFFIXES.get(named.suffix.lower()) if named is not None else None
    if fmt is not None and by_name is not None and fmt != by_name:
        raise InputError(
            f"-o {named} is a {by_name} file by its extension, but the format asked for is "
            f"{fmt}; give a file name that agrees, or leave the format out."
        )
    chosen = fmt or by_name or "text"
    if chosen == "pdf" and output is None:
        raise InputError("A PDF needs an output: add -o FILE.pdf, or -o - to pipe it.")
    return next(f for f in FORMATS if f == chosen)


def files_read(config: Settings, lib: Any, *others: Path | None) -> list[Path]:
    """List the files a command read: settings, catalogue and protocols; --force must not
    replace them with its output."""
    paths = [p for p in (config.path, *others) if p is not None]
    for entry in lib.entries.values():
        paths += [Path(p.path) for p in (entry.protocol, *entry.hides) if p.path]
    paths += [Path(bad.loaded.path) for bad in lib.broken]
    return paths


def library(protocols_dir: Path | None, config: Settings, ids: list[str]) -> Any:
    """Load the protocols asked for, with the clinic folder searched first."""
    from npt_protocol.protocol.library import load_library  # noqa: PLC0415 - needs YAML

    folder = protocols_dir or config.protocols_dir
    return load_library([folder] if folder else [], only=ids)


def meta(
    config: Settings, paper: str | None, clinic: str | None, now: dt.datetime
) -> dict[str, Any]:
    """Describe the document: tool version, time, clinic, paper."""
    from npt_protocol.render.documents import document_meta  # noqa: PLC0415

    chosen = paper or str(config.get("paper") or "A4")
    if chosen.lower() not in {"a4", "letter"}:
        raise InputError(f"paper {chosen!r} is not known; expected A4 or Letter.")
    return document_meta(
        generated_at=now,
        clinic=clinic or config.get("clinic_name"),
        paper="Letter" if chosen.lower() == "letter" else "A4",
    )


def deliver(content: str | bytes, *, output: Path | None, force: bool, read: list[Path]) -> None:
    """Print or write the rendered document."""
    emit(content, output=output, force=force, read=read)


def parse_time(text: str | None) -> dt.datetime:
    """Parse --prepared-at (ISO 8601; local time when no offset is given), default now."""
    if text is None:
        return dt.datetime.now().astimezone().replace(second=0, microsecond=0)
    return parse_local_time(text, what="--prepared-at")


def chosen(option: str | None, config: Settings, key: str, default: str) -> str:
    """Return the option as given (even empty, for its parser to refuse), else the setting, else
    the default."""
    if option is not None:
        return option
    value = config.get(key)
    return default if value is None else str(value)


def parse_count(text: str, *, what: str) -> int:
    """Parse a whole number of points written with the digits 0-9."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        raise InputError(f"{what} {text!r} is not a whole number; expected such as 14.")
    return int(stripped)


@click.command(cls=NptCommand)
@click.argument("protocol_id")
@click.option(
    "--side",
    help="left, right, bilateral or midline (default: none; the sheet leaves the side blank "
    "to write in).",
)
@click.option("--points", "points", help="Number of points (default: the typical).")
@output_options
@reports_errors
def checklist(
    protocol_id: str,
    side: str | None,
    points: str | None,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    force: bool,
    protocols_dir: Path | None,
    paper: str | None,
    clinic: str | None,
) -> None:
    """Print the injection checklist of one protocol.

    Without --side the sheet leaves the side blank to be written in by hand.

    \b
    Examples:
      npt checklist knee --side left
      npt checklist shoulder --format pdf -o shoulder.pdf
      npt checklist knee --format md
    """
    from npt_protocol.planning.checklist import build_checklist  # noqa: PLC0415
    from npt_protocol.render.documents import checklist_data  # noqa: PLC0415

    config = settings()
    fmt = choose_format(fmt, as_json, output, force)
    lib = library(protocols_dir, config, [protocol_id])
    protocol = lib.get(protocol_id)
    sheet = build_checklist(
        protocol,
        side=side,
        points=None if points is None else parse_count(points, what="--points"),
    )
    now = parse_time(None)
    content = render_document(
        "checklist", checklist_data(sheet), meta(config, paper, clinic, now), fmt, timestamp=now
    )
    deliver(content, output=output, force=force, read=files_read(config, lib))


@click.command(cls=NptCommand)
@click.option(
    "--region",
    "regions",
    multiple=True,
    required=True,
    help="A protocol and its side, e.g. knee:left (the side is required unless the protocol is "
    "midline only); repeat for each region.",
)
@click.option(
    "--points",
    "point_counts",
    multiple=True,
    help="Points for a protocol, e.g. knee=14 (default: the protocol's typical).",
)
@click.option(
    "--from",
    "stock_specs",
    multiple=True,
    help="Stocks to prepare from (default: D50 for dextrose, mannitol-20, lidocaine-1).",
)
@click.option("--diluent", default="SWFI", show_default=True)
@click.option("--solution", help="Use this solution for every region instead of the protocols'.")
@click.option("--margin", help="Extra volume to prepare (default 10%).")
@click.option(
    "--treatment-syringe",
    default="10mL",
    show_default=True,
    help="Syringe the points are given from (sets the dead space).",
)
@click.option(
    "--use-by",
    "use_by_rule",
    help="immediate-use (4 h, default), category-1-room (12 h) or category-1-fridge (24 h).",
)
@click.option("--prepared-at", help="Start of preparation, ISO 8601 (default: now).")
@click.option("--weight", help="Patient weight, e.g. 70kg, for the local anaesthetic dose.")
@click.option("--tolerance", help="Allowed deviation of each strength (default 5%).")
@click.option("--syringe", "syringes", multiple=True, help="Syringe set for measuring.")
@click.option(
    "--log",
    "log_file",
    type=UsablePath(path_type=Path),
    help="The clinic's preparation log: the packet prints its head, to file with the paper "
    "record (`npt log verify FILE --head TOKEN` later proves nothing before it was rewritten).",
)
@catalogue_option
@output_options
@reports_errors
def session(
    regions: tuple[str, ...],
    point_counts: tuple[str, ...],
    stock_specs: tuple[str, ...],
    diluent: str,
    solution: str | None,
    margin: str | None,
    treatment_syringe: str,
    use_by_rule: str | None,
    prepared_at: str | None,
    weight: str | None,
    tolerance: str | None,
    syringes: tuple[str, ...],
    log_file: Path | None,
    catalogue: Path | None,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    force: bool,
    protocols_dir: Path | None,
    paper: str | None,
    clinic: str | None,
) -> None:
    """Plan a whole session: volumes, recipe, label and one checklist per region.

    Exit code 1 when a recipe cannot be signed (nothing is written), or when the planned
    injections give more of a dose-limited solute than its limit (the packet says so first).

    \b
    Examples:
      npt session --region knee:left --region shoulder:right --from D50 -o session.pdf
      npt session --region knee:left --points knee=14 --weight 70kg --format json
      npt session --region knee:left --from D50 --log prep.log -o session.pdf
    """
    from npt_protocol.planning.checklist import region_side  # noqa: PLC0415
    from npt_protocol.planning.session import RegionRequest, plan_session  # noqa: PLC0415
    from npt_protocol.render.documents import session_data  # noqa: PLC0415

    config = settings()
    fmt = choose_format(fmt, as_json, output, force)
    cat = resolve_catalogue(catalogue, config)
    lib = library(protocols_dir, config, [item.partition(":")[0].strip() for item in regions])
    counts = _point_counts(point_counts)
    requests = []
    for item in regions:
        protocol = lib.get(item.partition(":")[0].strip())
        # --points ID=N gives N points on each side of every region of that protocol.
        requests.append(
            RegionRequest(protocol, region_side(protocol, item), counts.get(protocol.id))
        )
    unused = sorted(set(counts) - {r.protocol.id for r in requests})
    if unused:
        raise InputError(f"--points names {', '.join(unused)}, which no --region uses.")
    now = parse_time(None)
    plan = plan_session(
        requests,
        catalogue=cat,
        stocks=[cat.product(s, what="--from") for s in stock_specs],
        diluent=cat.product(diluent, what="--diluent"),
        syringes=resolve_syringes(syringes, config),
        prepared_at=parse_time(prepared_at),
        solution_override=solution,
        margin=parse_percent(
            require_percent(chosen(margin, config, "margin", "10%"), what="--margin"),
            what="--margin",
        ),
        treatment_syringe_ml=parse_volume(treatment_syringe, what="--treatment-syringe"),
        use_by_rule=chosen(use_by_rule, config, "use_by_rule", "immediate-use"),
        tolerance=resolve_tolerance(tolerance, config),
        weight_kg=resolve_weight(weight),
    )
    if plan.unsigned:
        recipe = plan.unsigned[0].recipe
        click.echo(
            f"Error: the recipe for {plan.unsigned[0].label.contents} cannot be signed "
            f"({'; '.join(recipe.problems)}); nothing was written. "
            f"{' '.join(recipe.suggestions)}",
            err=True,
        )
        raise SystemExit(1)
    data = session_data(plan, log=None if log_file is None else _log_head(log_file))
    content = render_document("session", data, meta(config, paper, clinic, now), fmt, timestamp=now)
    read = files_read(config, lib, catalogue_path(catalogue, config), log_file)
    deliver(content, output=output, force=force, read=read)
    for dose in plan.doses_over:
        # Printed first in the packet too; said again here, where a script sees it.
        click.echo(
            f"Error: the planned injections give {dose.describe(where='injected')}; "
            "do not proceed: give fewer points or a weaker solution.",
            err=True,
        )
    if plan.doses_over:
        raise SystemExit(1)


def _log_head(path: Path) -> dict[str, Any]:
    """Read a preparation log's head for the packet; a log whose chain is broken has none."""
    from npt_protocol.log.verify import read_head  # noqa: PLC0415

    report = read_head(path, on_wait=waiting_for(path))
    if not report.chain_ok:
        raise InputError(
            f"--log {one_line(path)} does not verify ({report.findings[0].message}); "
            "expected a whole preparation log: run `npt log verify` on it."
        )
    return {"path": str(path), "records": report.records, "head": report.head.token}


def _point_counts(items: tuple[str, ...]) -> dict[str, int]:
    """Parse --points ID=N items."""
    counts: dict[str, int] = {}
    for item in items:
        name, separator, number = item.partition("=")
        if (
            not separator
            or not name.strip()
            or not number.strip().isascii()
            or not number.strip().isdigit()
        ):
            raise InputError(f"--points {item!r} is not ID=N; expected such as knee=14.")
        if name.strip() in counts:
            raise InputError(
                f"--points gives {name.strip()} twice; give each protocol's points once."
            )
        counts[name.strip()] = int(number)
    return counts
