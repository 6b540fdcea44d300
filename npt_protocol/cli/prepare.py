"""`npt prepare` and `npt check`: the solution engine on the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.cli.common import NptCommand, reports_errors
from npt_protocol.cli.formats import choose_format, deliver, format_options
from npt_protocol.cli.options import (
    absolute,
    basis_option,
    basis_texts,
    catalogue_option,
    catalogue_path,
    log_options,
    require_log,
    settings,
    syringe_texts,
    tolerance_text,
    write_log,
)
from npt_protocol.engine.measured import METHOD_ORDER
from npt_protocol.engine.requests import CheckRequest, PrepareRequest, run_check, run_prepare
from npt_protocol.render.registry import render

if TYPE_CHECKING:
    from npt_protocol.engine.recipe import Recipe
    from npt_protocol.engine.requests import CheckResult
    from npt_protocol.render.answers import CheckDocument, RecipeDocument


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
    type=click.Choice(METHOD_ORDER),
    help="qs: each stock in its own syringe on its mark, into the final syringe, diluent to "
    "the final mark; syringe: one stock and then diluent in one syringe; container: every "
    "component measured into a sterile empty container. Default: the best of all three.",
)
@click.option("--tolerance", help="Allowed deviation of each strength, e.g. 5% (default 5%).")
@click.option("--weight", help="Patient weight, e.g. 70kg, to check a local anaesthetic dose.")
@click.option(
    "--syringe",
    "syringes",
    multiple=True,
    help="Use this syringe set instead of the default, e.g. --syringe '10 mL by 0.2 mL'.",
)
@basis_option
@catalogue_option
@format_options("recipe")
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
    bases: tuple[str, ...],
    catalogue: Path | None,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    force: bool,
    log_file: Path | None,
    prepared_by: str | None,
    checked_by: str | None,
) -> None:
    """Work out how to prepare TARGET from the stocks on the shelf.

    Exit code 0 when the recipe can be signed: every strength within the tolerance, every
    measured part read closely enough, and the volume asked; 1 when not (with the fix).

    \b
    Examples:
      npt prepare "dextrose 5%" --volume 60mL --from D50
      npt prepare "dextrose 20% + lidocaine 0.1%" --volume 10mL --from D50 --from lidocaine-1
      npt prepare "dextrose 10%" --volume 100mL --from D50 --diluent D5W
      npt prepare "dextrose 5%" --volume 60mL --from D50 --log prep.log --by "A. Lee"
      npt prepare "dextrose 5%" --volume 60mL --from D50 --format json -o recipe.json
    """
    require_log(log_file, prepared_by, checked_by)
    chosen = choose_format("recipe", fmt, output, force=force, as_json=as_json, read=[log_file])
    config = settings()
    extra = catalogue_path(catalogue, config)
    cat = load_catalogue(extra)
    request = PrepareRequest(
        target=target,
        volume=volume_text,
        stocks=stock_specs,
        diluent=diluent,
        method=next((m for m in METHOD_ORDER if m == method), None),
        tolerance=tolerance_text(tolerance, config),
        weight=weight,
        syringes=syringe_texts(syringes, config),
        catalogue=absolute(extra),
        bases=basis_texts(bases, config),
    )
    recipe = run_prepare(request, cat)
    _finish(
        lambda: _results().recipe_data(recipe),
        lambda: render("recipe", _recipe_document(recipe), chosen),
        passed=recipe.acceptable,
        request=request,
        output=output,
        force=force,
        read=[p for p in (extra, log_file) if p is not None],
        log_file=log_file,
        prepared_by=prepared_by,
        checked_by=checked_by,
    )


@click.command(cls=NptCommand)
@click.argument("target")
@click.argument("drawn", nargs=-1, required=True)
@click.option("--tolerance", help="Allowed deviation of each strength, e.g. 5% (default 5%).")
@click.option("--weight", help="Patient weight, e.g. 70kg, to check a local anaesthetic dose.")
@basis_option
@catalogue_option
@format_options("check")
@log_options
@reports_errors
def check(
    target: str,
    drawn: tuple[str, ...],
    tolerance: str | None,
    weight: str | None,
    bases: tuple[str, ...],
    catalogue: Path | None,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    force: bool,
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
    chosen = choose_format("check", fmt, output, force=force, as_json=as_json, read=[log_file])
    config = settings()
    extra = catalogue_path(catalogue, config)
    cat = load_catalogue(extra)
    request = CheckRequest(
        target=target,
        drawn=drawn,
        tolerance=tolerance_text(tolerance, config),
        weight=weight,
        catalogue=absolute(extra),
        bases=basis_texts(bases, config),
    )
    done = run_check(request, cat)
    _finish(
        lambda: _results().check_data(
            done.target_text, done.portions, done.assessment, done.catalogue_version
        ),
        lambda: render("check", _check_document(done), chosen),
        passed=done.assessment.within_tolerance,
        request=request,
        output=output,
        force=force,
        read=[p for p in (extra, log_file) if p is not None],
        log_file=log_file,
        prepared_by=prepared_by,
        checked_by=checked_by,
    )


def _recipe_document(recipe: Recipe) -> RecipeDocument:
    """Wrap a recipe as the document `render` prints, imported only when it is printed."""
    from npt_protocol.render.answers import RecipeDocument  # noqa: PLC0415 - start-up time

    return RecipeDocument(recipe)


def _check_document(check: CheckResult) -> CheckDocument:
    """Wrap a check as the document `render` prints, imported only when it is printed."""
    from npt_protocol.render.answers import CheckDocument  # noqa: PLC0415 - start-up time

    return CheckDocument(check)


def _results() -> Any:
    """Import the JSON results module: only --json and --log need it."""
    from npt_protocol.engine import results  # noqa: PLC0415

    return results


def _finish(
    data: Callable[[], dict[str, Any]],
    content: Callable[[], str | bytes],
    *,
    passed: bool,
    request: PrepareRequest | CheckRequest,
    output: Path | None,
    force: bool,
    read: list[Path],
    log_file: Path | None,
    prepared_by: str | None,
    checked_by: str | None,
) -> None:
    """Log the result (before anything is printed), print or write it, and exit 1 when it
    failed."""
    if log_file is not None:
        write_log(
            log_file,
            request=request,
            result=data(),
            prepared_by=prepared_by,
            checked_by=checked_by,
        )
    deliver(content(), output=output, force=force, read=read)
    if not passed:
        raise SystemExit(1)
