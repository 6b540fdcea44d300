"""Options several commands share, and turning them into core values."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import click

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.catalogue.products import Catalogue
from npt_protocol.cli.common import ARGV_KEY, RECORDED, UsablePath, one_line, waiting_for
from npt_protocol.engine.requests import CheckRequest, PrepareRequest
from npt_protocol.engine.requests import parse_weight as _parse_weight
from npt_protocol.engine.safety import parse_tolerance
from npt_protocol.engine.syringes import Syringe, syringe_set
from npt_protocol.errors import InputError
from npt_protocol.inputs import basis_texts as basis_texts  # noqa: PLC0414 - a re-export
from npt_protocol.inputs import require_percent as require_percent  # noqa: PLC0414 - a re-export
from npt_protocol.inputs import syringe_texts as syringe_texts  # noqa: PLC0414 - a re-export
from npt_protocol.inputs import tolerance_text as tolerance_text  # noqa: PLC0414 - a re-export
from npt_protocol.reading.files import irregular
from npt_protocol.settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def catalogue_option(function: F) -> F:
    """Add --catalogue FILE (a clinic's products, searched first)."""
    return click.option(
        "--catalogue",
        type=UsablePath(path_type=Path, dir_okay=False),
        help="A YAML file of the clinic's own products, searched first.",
    )(function)


def catalogue_path(option: Path | None, settings: Settings) -> Path | None:
    """Return the clinic catalogue file from the option, else the settings file, else None;
    refuse at once one that is not a regular file (a FIFO would be waited on for ever)."""
    path = option or settings.catalogue
    kind = None if path is None else irregular(path)
    if kind is not None:
        raise InputError(f"catalogue {path} is {kind}; expected a YAML file of products.")
    return path


def resolve_catalogue(option: Path | None, settings: Settings) -> Catalogue:
    """Load the catalogue from the option, else the settings file, else the shipped one."""
    return load_catalogue(catalogue_path(option, settings))


def basis_option(function: F) -> F:
    """Add --basis SOLUTE=BASIS (the basis a bare solute name means, e.g. dextrose=anhydrous)."""
    return click.option(
        "--basis",
        "bases",
        multiple=True,
        metavar="SOLUTE=BASIS",
        help="What a bare solute name means, e.g. dextrose=anhydrous (BP labels) or "
        "dextrose=monohydrate (US labels). Default: the settings, else 'dextrose' is the "
        "monohydrate and 'glucose' anhydrous glucose.",
    )(function)


def resolve_syringes(options: Sequence[str], settings: Settings) -> tuple[Syringe, ...]:
    """Return the syringe set from the options, else the settings, else the default."""
    return syringe_set(syringe_texts(options, settings))


def resolve_tolerance(option: str | None, settings: Settings) -> Fraction:
    """Return the tolerance from the option, else the settings, else ±5 %."""
    return parse_tolerance(tolerance_text(option, settings))


def resolve_weight(option: str | None) -> Fraction | None:
    """Parse --weight into kilograms."""
    return _parse_weight(option)


def settings() -> Settings:
    """Read the clinic settings file."""
    return load_settings()


def log_options(function: F) -> F:
    """Add --log FILE, --by NAME and --checked-by NAME (the preparation log)."""
    function = click.option(
        "--checked-by",
        "checked_by",
        metavar="NAME",
        help="Who checked the preparation, recorded in the log.",
    )(function)
    function = click.option(
        "--by", "prepared_by", metavar="NAME", help="Who prepared it, recorded in the log."
    )(function)
    return click.option(
        "--log",
        "log_file",
        type=UsablePath(path_type=Path, dir_okay=False),
        help="Append a record of this preparation to FILE, a hash-chained "
        "JSON Lines log (see `npt log`).",
    )(function)


def require_log(log_file: Path | None, prepared_by: str | None, checked_by: str | None) -> None:
    """Refuse --by or --checked-by without --log: the names would be recorded nowhere."""
    if log_file is None and (prepared_by is not None or checked_by is not None):
        option = "--by" if prepared_by is not None else "--checked-by"
        raise InputError(f"{option} is recorded only in a preparation log; add --log FILE.")


def write_log(
    log_file: Path,
    *,
    request: PrepareRequest | CheckRequest,
    result: Mapping[str, Any],
    prepared_by: str | None,
    checked_by: str | None,
) -> None:
    """Append this command's record to the log, stamped with the current UTC time."""
    import datetime as dt  # noqa: PLC0415 - only --log needs the clock

    from npt_protocol.log.record import new_record  # noqa: PLC0415 - only --log needs it
    from npt_protocol.log.store import append  # noqa: PLC0415

    ctx = click.get_current_context()
    record = new_record(
        command="check" if isinstance(request, CheckRequest) else "prepare",
        time=dt.datetime.now(dt.UTC),
        argv=ctx.meta.get(ARGV_KEY, ()),
        request=request,
        result=result,
        prepared_by=prepared_by,
        checked_by=checked_by,
    )
    appended = append(log_file, record, on_wait=waiting_for(log_file))
    RECORDED.append(log_file)
    if appended.repaired_bytes:
        click.echo(
            f"Warning: {one_line(log_file)} ended with {appended.repaired_bytes:,} bytes left "
            "by an interrupted write; they stay in the file, closed by a repair record written "
            "before this record.",
            err=True,
        )
    click.echo(f"Recorded in {one_line(log_file)}.", err=True)


def absolute(path: Path | None) -> str | None:
    """Write a path absolutely, so a log can be verified from any folder."""
    return None if path is None else str(path.absolute())
