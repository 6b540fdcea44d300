"""Small pieces every renderer prints the same way: volumes from JSON numbers, references."""

from __future__ import annotations

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
    """Say each draw of a component: '6 mL in a 10 mL syringe and 4 mL in a 5 mL syringe'."""
    return " and ".join(
        f"{ml_text(d['volume_mL'])} in a {ml_text(d['syringe_mL'])} syringe" for d in draws
    )
