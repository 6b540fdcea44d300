"""The preparation steps in the order they are done, for each method, in plain words.

Aseptic order: every stock is drawn with a syringe of its own, so no stock vial is entered with
a syringe holding another product. Where the diluent is drawn into a syringe that already holds
a stock (making up to the final mark), its container is touched by that syringe: the step says
to use a single-use container and discard what is left.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from npt_protocol.catalogue.products import Product
from npt_protocol.engine.measured import MeasuredPortion, Measurement
from npt_protocol.engine.syringes import Draw
from npt_protocol.ismp import format_volume

_SINGLE_USE = (
    "its container has now met a syringe holding the stock: use a single-use "
    "container and discard what is left"
)


def _named(product: Product) -> str:
    """Name a product with its contents: 'D50W (dextrose monohydrate 50 %)'."""
    contents = product.stated.describe() if product.composition else product.name.lower()
    return f"{product.id} ({contents})"


def draws_text(draws: Sequence[Draw]) -> str:
    """Say how draws are made, grouped by syringe: '2 × 60 mL in a 60 mL syringe (1 mL marks)
    and 30 mL in a 30 mL syringe (1 mL marks)', '1 mL and 0.2 mL, each in a 1 mL syringe'."""
    texts = []
    for _, grouped in itertools.groupby(draws, key=lambda d: d.syringe):
        group = list(grouped)
        volumes = [d.volume_ml for d in group]
        syringe = group[0].syringe.label
        if len(group) == 1:
            texts.append(f"{format_volume(volumes[0])} in a {syringe}")
        elif len(set(volumes)) == 1:
            texts.append(f"{len(group)} × {format_volume(volumes[0])} in a {syringe}")
        else:
            texts.append(f"{' and '.join(format_volume(v) for v in volumes)}, each in a {syringe}")
    return " and ".join(texts)


def _before(product: Product, advice: Mapping[str, Sequence[str]]) -> str:
    """Say what to do while drawing a product, if anything: 'Before drawing mannitol-25: ... '."""
    said = advice.get(product.id, ())
    return f"Before drawing {product.id}: {'; '.join(said)}. " if said else ""


def _measure(
    portion: MeasuredPortion, product: Product, advice: Mapping[str, Sequence[str]]
) -> str:
    """Say how a portion is measured: 'Measure 2.5 mL of D50W (...) in a 3 mL syringe (...)'."""
    before = _before(product, advice)
    if len(portion.draws) == 1:
        draw = portion.draws[0]
        return (
            f"{before}Measure {format_volume(draw.volume_ml)} of {_named(product)} in a "
            f"{draw.syringe.label}"
        )
    return (
        f"{before}Measure {format_volume(portion.volume_ml)} of {_named(product)} as "
        f"{draws_text(portion.draws)}"
    )


def measurement_steps(
    measurement: Measurement,
    products: Mapping[str, Product],
    advice: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, ...]:
    """Write the steps of a measurement, each an instruction a person can follow.

    `advice` gives, by product id, what to do while drawing it (a filter needle for mannitol
    20 %), said in the step that draws it.
    """
    said = advice or {}
    if measurement.method == "container":
        return _container(measurement, products, said)
    return _into_final_syringe(measurement, products, said)


def _container(
    measurement: Measurement, products: Mapping[str, Product], advice: Mapping[str, Sequence[str]]
) -> tuple[str, ...]:
    """Measure each component in its own syringe into a sterile empty container."""
    total = format_volume(measurement.total_ml)
    steps = [
        f"Take a sterile empty container large enough for {total}; use a new syringe for each "
        "product."
    ]
    for portion in measurement.portions:
        steps.append(f"{_measure(portion, products[portion.product_id], advice)} and add it.")
    steps.append("Mix gently; label the container at once.")
    return tuple(steps)


def _into_final_syringe(
    measurement: Measurement, products: Mapping[str, Product], advice: Mapping[str, Sequence[str]]
) -> tuple[str, ...]:
    """Stocks to their marks (in their own syringes for qs), then diluent to the final mark."""
    final = measurement.final_syringe
    assert final is not None and measurement.final_mark_ml is not None
    stocks = [p for p in measurement.portions if p.role == "stock"]
    diluent = next((p for p in measurement.portions if p.role == "diluent"), None)
    steps: list[str] = []
    if measurement.method == "qs":
        for portion in stocks:
            measure = _measure(portion, products[portion.product_id], advice)
            steps.append(f"{measure}, with a new syringe.")
        names = " and ".join(p.product_id for p in stocks)
        steps.append(
            f"Take a {final.label} as the final syringe and transfer the {names} into "
            "it through a sterile Luer connector."
        )
    else:
        steps.append(f"Take a {final.label}.")
        for portion in stocks:
            product = products[portion.product_id]
            steps.append(
                f"{_before(product, advice)}Draw {_named(product)} to the "
                f"{format_volume(portion.volume_ml)} mark."
            )
    if diluent is not None and not stocks:
        product = products[diluent.product_id]
        steps.append(
            f"{_before(product, advice)}Draw {_named(product)} up to the "
            f"{format_volume(measurement.final_mark_ml)} mark, the final mark."
        )
    elif diluent is not None:
        steps.append(
            f"Draw {_named(products[diluent.product_id])} into the same syringe up to the "
            f"{format_volume(measurement.final_mark_ml)} mark, the final mark (about "
            f"{format_volume(diluent.volume_ml)}); {_SINGLE_USE}."
        )
    steps.append("Mix by gently inverting the syringe; label it at once.")
    return tuple(steps)
