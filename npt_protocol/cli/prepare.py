"""`npt prepare` and `npt check`: the solution engine on the command line."""

from __future__ import annotations

from pathlib import Path

import click

from npt_protocol.cli.common import echo_json, reports_errors
from npt_protocol.cli.options import (
    catalogue_option,
    resolve_catalogue,
    resolve_syringes,
    resolve_tolerance,
    resolve_weight,
    settings,
)
from npt_protocol.errors import InputError
from npt_protocol.recipe import assess
from npt_protocol.recipe import prepare as make_recipe
from npt_protocol.render.recipe import check_data, check_text, recipe_data, recipe_text
from npt_protocol.solutions import Portion
from npt_protocol.units import parse_volume


@click.command()
@click.argument("target")
@click.option("--volume", "volume_text", required=True, help="Final volume, e.g. 60mL or 0.06L.")
@click.option("--from", "stock_specs", multiple=True, required=True,
              help="A stock to draw from: an id (D50), an alias or a spec "
                   "('dextrose 500 mg/mL'). Repeat for each solute.")
@click.option("--diluent", default="SWFI", show_default=True,
              help="The diluent that makes up the volume.")
@click.option("--method", type=click.Choice(["syringe", "container"]),
              help="syringe: draw each stock into one syringe to its mark, then diluent to the "
                   "final mark (default when the volume fits one syringe); container: measure "
                   "each component into a sterile empty container.")
@click.option("--tolerance", help="Allowed deviation of each strength, e.g. 5% (default 5%).")
@click.option("--weight", help="Patient weight, e.g. 70kg, to check a local anaesthetic dose.")
@click.option("--syringe", "syringes", multiple=True,
              help="Use this syringe set instead of the default, e.g. --syringe '10 mL by 0.2 mL'.")
@catalogue_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema npt.recipe/1).")
@reports_errors
def prepare(target: str, volume_text: str, stock_specs: tuple[str, ...], diluent: str,
            method: str | None, tolerance: str | None, weight: str | None,
            syringes: tuple[str, ...], catalogue: Path | None, as_json: bool) -> None:
    """Work out how to prepare TARGET from the stocks on the shelf.

    \b
    Examples:
      npt prepare "dextrose 5%" --volume 60mL --from D50
      npt prepare "dextrose 20% + lidocaine 0.1%" --volume 10mL --from D50 --from lidocaine-1
      npt prepare "dextrose 10%" --volume 100mL --from D50 --diluent D5W
    """
    config = settings()
    cat = resolve_catalogue(catalogue, config)
    volume_ml = parse_volume(volume_text, what="--volume")
    if volume_ml > 10_000:
        raise InputError(f"--volume {volume_text!r} is more than 10 L; expected a preparation "
                         "volume such as 60mL.")
    recipe = make_recipe(
        target, volume_ml=volume_ml,
        stocks=[cat.product(spec, what="--from") for spec in stock_specs],
        diluent=cat.product(diluent, what="--diluent"), catalogue=cat,
        syringes=resolve_syringes(syringes, config),
        method="syringe" if method == "syringe" else "container" if method else None,
        tolerance=resolve_tolerance(tolerance, config), weight_kg=resolve_weight(weight))
    if as_json:
        echo_json(recipe_data(recipe))
    else:
        click.echo(recipe_text(recipe), nl=False)
    if not recipe.assessment.within_tolerance:
        raise SystemExit(1)


@click.command()
@click.argument("target")
@click.argument("drawn", nargs=-1, required=True)
@click.option("--tolerance", help="Allowed deviation of each strength, e.g. 5% (default 5%).")
@click.option("--weight", help="Patient weight, e.g. 70kg, to check a local anaesthetic dose.")
@catalogue_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema npt.check/1).")
@reports_errors
def check(target: str, drawn: tuple[str, ...], tolerance: str | None, weight: str | None,
          catalogue: Path | None, as_json: bool) -> None:
    """Check what was actually drawn (PRODUCT=VOLUME ...) against TARGET.

    Exit code 0 when every strength is within the tolerance, 1 when not.

    \b
    Examples:
      npt check "dextrose 5%" D50=6mL SWFI=54mL
      npt check "dextrose 5%" D50=7mL SWFI=53mL --json
    """
    config = settings()
    cat = resolve_catalogue(catalogue, config)
    target_composition = cat.composition(target, what="target")
    portions = []
    seen: set[str] = set()
    for item in drawn:
        name, separator, volume_text = item.partition("=")
        if not separator:
            raise InputError(f"{item!r} has no '='; write each drawn product as PRODUCT=VOLUME, "
                             "e.g. D50=6mL.")
        product = cat.product(name, what=f"{item!r}")
        if product.id in seen:
            raise InputError(f"{product.id} is given twice; add its volumes into one "
                             "PRODUCT=VOLUME.")
        seen.add(product.id)
        portions.append(Portion(product, parse_volume(volume_text, what=f"{item!r} volume")))
    assessment = assess(target_composition, portions, catalogue=cat,
                        tolerance=resolve_tolerance(tolerance, config),
                        weight_kg=resolve_weight(weight))
    if as_json:
        echo_json(check_data(target, portions, assessment, cat.version))
    else:
        click.echo(check_text(target, portions, assessment), nl=False)
    if not assessment.within_tolerance:
        raise SystemExit(1)
