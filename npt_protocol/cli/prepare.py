"""`npt prepare` and `npt check`: the solution engine on the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.cli.common import NptCommand, echo_json, reports_errors
from npt_protocol.cli.options import (
    absolute,
    catalogue_option,
    catalogue_path,
    log_options,
    require_log,
    settings,
    syringe_texts,
    tolerance_text,
    write_log,
)
from npt_protocol.engine.requests import CheckRequest, PrepareRequest, run_check, run_prepare
from npt_protocol.engine.results import check_data, recipe_data
from npt_protocol.render.recipe import check_text, recipe_text


@click.command(cls=NptCommand)
@click.argument("target")
@click.option("--volume", "volume_text", required=True, help="Final volume, e.g. 60mL or 0.06L.")
@click.option(
    "--from",
    "stock_specs",
    multiple=True,
    required=True,
    help="A stock to draw from: an id (D50), an alias or a spec "
    "('dextrose 500 mg/mL'). Repeat for each solute.",
)
@click.option(
    "--diluent", default="SWFI", show_default=True, help="The diluent that makes up the volume."
)
@click.option(
    "--method",
    type=click.Choice(["syringe", "container"]),
    help="syringe: draw each stock into one syringe to its mark, then diluent to the "
    "final mark (default when the volume fits one syringe); container: measure "
    "each component into a sterile empty container.",
)
@click.option("--tolerance", help="Allowed deviation of each strength, e.g. 5% (default 5%).")
@click.option("--weight", help="Patient weight, e.g. 70kg, to check a local anaesthetic dose.")
@click.option(
    "--syringe",
    "syringes",
    multiple=True,
    help="Use this syringe set instead of the default, e.g. --syringe '10 mL by 0.2 mL'.",
)
@catalogue_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema npt.recipe/1).")
@log_options
@reports_errors
def prepare(
    target: str,
    volume_text: str,
    stock_specs: tuple[str, ...],
    diluent: str,
    method: str | None,
    tolerance: str | None,
    weight: str | None,
    syringes: tuple[str, ...],
    catalogue: Path | None,
    as_json: bool,
    log_file: Path | None,
    prepared_by: str | None,
    checked_by: str | None,
) -> None:
    """Work out how to prepare TARGET from the stocks on the shelf.

    \b
    Examples:
      npt prepare "dextrose 5%" --volume 60mL --from D50
      npt prepare "dextrose 20% + lidocaine 0.1%" --volume 10mL --from D50 --from lidocaine-1
      npt prepare "dextrose 10%" --volume 100mL --from D50 --diluent D5W
      npt prepare "dextrose 5%" --volume 60mL --from D50 --log prep.log --by "A. Lee"
    """
    require_log(log_file, prepared_by, checked_by)
    config = settings()
    extra = catalogue_path(catalogue, config)
    cat = load_catalogue(extra)
    request = PrepareRequest(
        target=target,
        volume=volume_text,
        stocks=stock_specs,
        diluent=diluent,
        method="syringe" if method == "syringe" else "container" if method else None,
        tolerance=tolerance_text(tolerance, config),
        weight=weight,
        syringes=syringe_texts(syringes, config),
        catalogue=absolute(extra),
    )
    recipe = run_prepare(request, cat)
    _finish(
        lambda: recipe_data(recipe),
        lambda: recipe_text(recipe),
        passed=recipe.assessment.within_tolerance,
        request=request,
        as_json=as_json,
        log_file=log_file,
        prepared_by=prepared_by,
        checked_by=checked_by,
    )


@click.command(cls=NptCommand)
@click.argument("target")
@click.argument("drawn", nargs=-1, required=True)
@click.option("--tolerance", help="Allowed deviation of each strength, e.g. 5% (default 5%).")
@click.option("--weight", help="Patient weight, e.g. 70kg, to check a local anaesthetic dose.")
@catalogue_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema npt.check/1).")
@log_options
@reports_errors
def check(
    target: str,
    drawn: tuple[str, ...],
    tolerance: str | None,
    weight: str | None,
    catalogue: Path | None,
    as_json: bool,
    log_file: Path | None,
    prepared_by: str | None,
    checked_by: str | None,
) -> None:
    """Check what was actually drawn (PRODUCT=VOLUME ...) against TARGET.

    Exit code 0 when every strength is within the tolerance, 1 when not.

    \b
    Examples:
      npt check "dextrose 5%" D50=6mL SWFI=54mL
      npt check "dextrose 5%" D50=7mL SWFI=53mL --json
      npt check "dextrose 5%" D50=6mL SWFI=54mL --log prep.log --checked-by "B. Khan"
    """
    require_log(log_file, prepared_by, checked_by)
    config = settings()
    extra = catalogue_path(catalogue, config)
    cat = load_catalogue(extra)
    request = CheckRequest(
        target=target,
        drawn=drawn,
        tolerance=tolerance_text(tolerance, config),
        weight=weight,
        catalogue=absolute(extra),
    )
    done = run_check(request, cat)
    _finish(
        lambda: check_data(
            done.target_text, done.portions, done.assessment, done.catalogue_version
        ),
        lambda: check_text(done.target_text, done.portions, done.assessment),
        passed=done.assessment.within_tolerance,
        request=request,
        as_json=as_json,
        log_file=log_file,
        prepared_by=prepared_by,
        checked_by=checked_by,
    )


def _finish(
    data: Callable[[], dict[str, Any]],
    text: Callable[[], str],
    *,
    passed: bool,
    request: PrepareRequest | CheckRequest,
    as_json: bool,
    log_file: Path | None,
    prepared_by: str | None,
    checked_by: str | None,
) -> None:
    """Log the result (before anything is printed), print it, and exit 1 when it failed."""
    if log_file is not None or as_json:
        result = data()
        if log_file is not None:
            write_log(
                log_file,
                request=request,
                result=result,
                prepared_by=prepared_by,
                checked_by=checked_by,
            )
        if as_json:
            echo_json(result)
    if not as_json:
        click.echo(text(), nl=False)
    if not passed:
        raise SystemExit(1)
