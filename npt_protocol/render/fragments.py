"""Small pieces every renderer prints the same way: volumes from JSON numbers, references."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

from npt_protocol.ismp import format_number, format_volume


def ml_text(value: float | int | None) -> str:
    """Print a JSON number of mL the ISMP way (documents carry numbers, not text)."""
    return "" if value is None else format_volume(Fraction(str(value)))


def whole_text(value: float | int) -> str:
    """Print a JSON number as a whole number with thousands commas (ISMP)."""
    return format_number(Fraction(str(value)), places=0)


def reference_text(ref: dict[str, Any]) -> str:
    """Print a reference with its identifiers."""
    ids = [
        f"doi:{ref['doi']}" if ref["doi"] else "",
        f"PMID {ref['pmid']}" if ref["pmid"] else "",
        ref["url"] or "",
    ]
    extra = "; ".join(i for i in ids if i)
    return str(ref["citation"]) + (f" ({extra})" if extra else "")


def draws_text(draws: list[dict[str, Any]]) -> str:
    """Say each draw of a component, grouped by syringe: '7 × 60 mL in a 60 mL syringe and
    30 mL in a 30 mL syringe'."""
    texts = []
    for capacity, grouped in itertools.groupby(draws, key=lambda d: d["syringe_mL"]):
        volumes = [d["volume_mL"] for d in grouped]
        if len(volumes) == 1:
            texts.append(f"{ml_text(volumes[0])} in a {ml_text(capacity)} syringe")
        elif len(set(volumes)) == 1:
            texts.append(f"{len(volumes)} × {ml_text(volumes[0])} in a {ml_text(capacity)} syringe")
        else:
            shown = " and ".join(ml_text(v) for v in volumes)
            texts.append(f"{shown}, each in a {ml_text(capacity)} syringe")
    return " and ".join(texts)
