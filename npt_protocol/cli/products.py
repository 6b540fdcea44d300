"""`npt products`: the stock catalogue, readable or as JSON."""

from __future__ import annotations

from pathlib import Path

import click

from npt_protocol.cli.common import NptCommand, one_line, reports_errors
from npt_protocol.cli.formats import choose_format, deliver, format_options
from npt_protocol.cli.options import catalogue_option, catalogue_path, resolve_catalogue, settings
from npt_protocol.errors import InputError
from npt_protocol.ismp import format_count
from npt_protocol.render.registry import render


@click.command(cls=NptCommand)
@catalogue_option
@format_options("products")
@click.option(
    "--validate",
    is_flag=True,
    help="Check the clinic catalogue and print every problem as file:line:column.",
)
@reports_errors
def products(
    catalogue: Path | None,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    force: bool,
    validate: bool,
) -> None:
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
    from npt_protocol.render.listings import ProductsDocument  # noqa: PLC0415

    config = settings()
    if validate:
        _validate(catalogue_path(catalogue, config))
        return
    chosen = choose_format("products", fmt, output, force=force, as_json=as_json)
    cat = resolve_catalogue(catalogue, config)
    read = [p for p in (config.path, catalogue_path(catalogue, config)) if p is not None]
    deliver(
        render("products", ProductsDocument(cat), chosen), output=output, force=force, read=read
    )


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
        click.echo(f"{format_count(count, 'problem')} in {one_line(path)}.")
        raise SystemExit(1)
    count = len(checked.products)
    click.echo(f"{one_line(path)}: {format_count(count, 'product')}, no problems found.")
