"""`npt products`: the stock catalogue, readable or as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from npt_protocol.catalogue.products import Catalogue, Product
from npt_protocol.cli.common import NptCommand, echo_json, one_line, reports_errors
from npt_protocol.cli.options import catalogue_option, catalogue_path, resolve_catalogue, settings
from npt_protocol.errors import InputError
from npt_protocol.ismp import format_composition, format_number, format_volume
from npt_protocol.numbers import json_number


def product_data(product: Product, catalogue: Catalogue) -> dict[str, Any]:
    """Describe one product as JSON-ready data."""
    osmolarity = catalogue.osmolarity(product)
    return {
        "id": product.id,
        "name": product.name,
        "aliases": list(product.aliases),
        "role": product.role,
        "composition": {
            s: json_number(c / 10) for s, c in product.stated.displayed(product.composition).items()
        },
        "basis": {s: f.basis for s, f in product.forms.items() if f.basis},
        "excipients": {s: json_number(c / 10) for s, c in product.excipients.items()},
        "osmolarity_mOsmol_per_L": None
        if osmolarity is None
        else json_number(osmolarity, places=0),
        "osmolarity_basis": "label"
        if product.label_osmolarity is not None
        else "calculated"
        if osmolarity is not None
        else "unknown",
        "ph": product.ph,
        "sizes_mL": [json_number(s) for s in product.sizes_ml],
        "sizes_note": product.sizes_note,
        "cautions": [c.text for c in catalogue.caution_rules(product.composition, osmolarity)],
        "source": product.source,
        "confidence": product.confidence,
        "origin": product.origin,
    }


def product_text(product: Product, catalogue: Catalogue) -> str:
    """Describe one product in a few readable lines."""
    data = product_data(product, catalogue)
    composition = product.stated.describe(style="w/v")
    if product.excipients:
        composition += f"; also {format_composition(product.excipients, style='w/v')}"
    osmolarity = catalogue.osmolarity(product)
    osm_text = (
        "not known"
        if osmolarity is None
        else f"{format_number(osmolarity, places=0)} mOsmol/L ({data['osmolarity_basis']})"
    )
    sizes = ", ".join(format_volume(s) for s in product.sizes_ml) or "not given"
    lines = [
        f"{product.id}  {product.name}",
        f"  aliases: {', '.join(product.aliases) or 'none'}; role: {product.role}",
        f"  contains: {composition}; osmolarity: {osm_text}; pH: {product.ph or 'not given'}",
        f"  sizes: {sizes}{'; ' + product.sizes_note if product.sizes_note else ''}",
        *[f"  caution: {text}" for text in data["cautions"]],
        f"  source: {product.source} (confidence {product.confidence or 'n/a'}; {product.origin})",
    ]
    return "\n".join(lines)


@click.command(cls=NptCommand)
@catalogue_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of products.")
@click.option(
    "--validate",
    is_flag=True,
    help="Check the clinic catalogue and print every problem as file:line:column.",
)
@reports_errors
def products(catalogue: Path | None, as_json: bool, validate: bool) -> None:
    """List the stock products: ids, aliases, strengths, osmolarity, pH, sizes, cautions, sources.

    With --validate, check the clinic catalogue instead: exit 0 when it has no problem, 1 when
    it has some (each printed as file:line:column), 2 when it cannot be read.

    \b
    Examples:
      npt products
      npt products --json
      npt products --catalogue my-clinic-products.yaml
      npt products --catalogue my-clinic-products.yaml --validate
    """
    config = settings()
    if validate:
        _validate(catalogue_path(catalogue, config))
        return
    cat = resolve_catalogue(catalogue, config)
    if as_json:
        echo_json([product_data(p, cat) | {"catalogue_version": cat.version} for p in cat.products])
        return
    click.echo(
        f"Catalogue {cat.version}: strengths are % w/v (grams per 100 mL), in the basis each "
        "label states (dextrose monohydrate on US labels, anhydrous glucose on BP labels).\n"
    )
    click.echo("\n\n".join(product_text(p, cat) for p in cat.products))


def _validate(path: Path | None) -> None:
    """Print every problem of the clinic catalogue and exit 1 when there is one."""
    from npt_protocol.catalogue.clinic import check_catalogue  # noqa: PLC0415

    if path is None:
        raise InputError("--validate checks a clinic catalogue; give one with --catalogue FILE.")
    checked = check_catalogue(path)
    for finding in checked.findings:
        click.echo(one_line(finding))
    if checked.findings:
        count = len(checked.findings)
        click.echo(f"{count} problem{'s' * (count != 1)} in {one_line(path)}.")
        raise SystemExit(1)
    count = len(checked.products)
    click.echo(f"{one_line(path)}: {count} product{'s' * (count != 1)}, no problems found.")
