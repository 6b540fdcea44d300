"""`npt products`: the stock catalogue, readable or as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from npt_protocol.catalogue.products import Catalogue, Product
from npt_protocol.cli.common import NptCommand, echo_json, reports_errors
from npt_protocol.cli.options import catalogue_option, resolve_catalogue, settings
from npt_protocol.engine.safety import product_cautions
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
        "composition": {s: json_number(c / 10) for s, c in product.composition.items()},
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
        "cautions": [c.text for c in product_cautions(product.composition, osmolarity)],
        "source": product.source,
        "confidence": product.confidence,
        "origin": product.origin,
    }


def product_text(product: Product, catalogue: Catalogue) -> str:
    """Describe one product in a few readable lines."""
    data = product_data(product, catalogue)
    composition = format_composition(product.composition, style="w/v")
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
@reports_errors
def products(catalogue: Path | None, as_json: bool) -> None:
    """List the stock products: ids, aliases, strengths, osmolarity, pH, sizes, cautions, sources.

    \b
    Examples:
      npt products
      npt products --json
      npt products --catalogue my-clinic-products.yaml
    """
    cat = resolve_catalogue(catalogue, settings())
    if as_json:
        echo_json([product_data(p, cat) | {"catalogue_version": cat.version} for p in cat.products])
        return
    click.echo(
        f"Catalogue {cat.version}: strengths are % w/v (grams per 100 mL); dextrose as "
        "dextrose monohydrate, as labelled.\n"
    )
    click.echo("\n\n".join(product_text(p, cat) for p in cat.products))
