"""What a preparation method measures: portions, the syringe readings that set them, the steps.

Three methods, each with its own readings:
- `qs`: each stock in its own syringe on its exact mark, put into the final syringe, diluent drawn
  to the final mark (quantum sufficit). Readings: each stock's mark, then the final mark.
- `syringe`: one stock drawn into one syringe to its mark, then diluent to the final mark (or,
  when the diluent alone is the target, the diluent drawn to the final mark).
- `container`: every component measured in its own syringe into a sterile empty container.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal, NamedTuple

from npt_protocol.engine.syringes import Draw, Syringe

Method = Literal["qs", "syringe", "container"]
METHOD_ORDER: tuple[Method, ...] = ("qs", "syringe", "container")
METHODS: dict[Method, str] = {
    "qs": "measure each stock in its own syringe on its mark, put it into the final syringe, "
    "then draw the diluent to the final mark",
    "syringe": "draw the stock, if one is needed, into one syringe to its mark, then the diluent "
    "to the final mark",
    "container": "measure each component in its own syringe into a sterile empty container",
}
METHOD_NAMES: dict[Method, str] = {
    "qs": "making up to the final mark",
    "syringe": "drawing everything into one syringe",
    "container": "measuring every part into a container",
}
PortionRole = Literal["stock", "diluent"]


class MeasuredPortion(NamedTuple):
    """One component as it will be measured: its exact and its actual volume, and the draws."""

    product_id: str
    role: PortionRole
    exact_ml: Fraction
    volume_ml: Fraction
    draws: tuple[Draw, ...] = ()

    @property
    def measured(self) -> bool:
        """Say whether the portion is read on a syringe of its own (not made up to a mark)."""
        return bool(self.draws)

    @property
    def on_mark(self) -> bool:
        """Say whether the portion is measured on its exact volume."""
        return self.volume_ml == self.exact_ml


class Reading(NamedTuple):
    """One reading of a mark: the portion it sets, the one that absorbs it, whether it sets the
    total volume."""

    syringe: Syringe
    mark_ml: Fraction
    sets: str
    absorbed_by: str | None = None
    sets_total: bool = False

    @property
    def error_ml(self) -> Fraction:
        """Return how far the reading may be off: half a graduation."""
        return self.syringe.reading_error_ml


class Measurement(NamedTuple):
    """One way to measure a preparation with one method."""

    method: Method
    portions: tuple[MeasuredPortion, ...]
    readings: tuple[Reading, ...]
    steps: int  # syringe fills and syringe-to-syringe transfers
    final_syringe: Syringe | None = None
    final_mark_ml: Fraction | None = None

    @property
    def total_ml(self) -> Fraction:
        """Return the volume the portions make together."""
        return sum((p.volume_ml for p in self.portions), Fraction(0))
