"""The Prepare and Check forms: the fields as typed, the request they make with the clinic
settings applied (as `npt prepare` and `npt check` make theirs), and the same command's words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import ImmutableMultiDict

from npt_protocol.engine.measured import METHOD_ORDER
from npt_protocol.engine.requests import CheckRequest, PrepareRequest
from npt_protocol.errors import InputError
from npt_protocol.inputs import basis_texts, syringe_texts, tolerance_text
from npt_protocol.settings import Settings

STOCK_FIELDS = 4  # stocks a form offers; a preparation rarely has more than two
DRAWN_ROWS = 5
DEFAULT_DILUENT = "SWFI"


def _text(fields: ImmutableMultiDict[str, str], name: str) -> str:
    """Return a field's text without the spaces around it ('' when absent)."""
    return fields.get(name, "").strip()


def _lines(text: str) -> tuple[str, ...]:
    """Split a box of one item a line into its non-empty items."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _optional(text: str) -> str | None:
    """Return None for an empty field."""
    return text or None


@dataclass(frozen=True)
class PrepareForm:
    """The Prepare page's fields, as typed."""

    target: str = ""
    volume: str = ""
    stocks: tuple[str, ...] = ("",) * STOCK_FIELDS
    diluent: str = ""
    method: str = ""
    tolerance: str = ""
    weight: str = ""
    syringes: str = ""
    bases: str = ""
    by: str = ""

    @classmethod
    def read(cls, fields: ImmutableMultiDict[str, str]) -> PrepareForm:
        """Read the form's fields."""
        stocks = [s.strip() for s in fields.getlist("from")][:STOCK_FIELDS]
        return cls(
            target=_text(fields, "target"),
            volume=_text(fields, "volume"),
            stocks=tuple(stocks + [""] * (STOCK_FIELDS - len(stocks))),
            diluent=_text(fields, "diluent"),
            method=_text(fields, "method"),
            tolerance=_text(fields, "tolerance"),
            weight=_text(fields, "weight"),
            syringes=fields.get("syringes", ""),
            bases=fields.get("bases", ""),
            by=_text(fields, "by"),
        )

    def request(self, settings: Settings, catalogue: Path | None) -> PrepareRequest:
        """Make the request `npt prepare` would make from the same inputs and settings."""
        stocks = tuple(s for s in self.stocks if s)
        if not stocks:
            raise InputError("--from is missing; give at least one stock, such as D50.")
        method = next((m for m in METHOD_ORDER if m == self.method), None)
        if self.method and method is None:
            raise InputError(
                f"--method {self.method!r} is not one of {', '.join(METHOD_ORDER)}; choose one, "
                "or leave it out for the best of all three."
            )
        return PrepareRequest(
            target=self.target,
            volume=self.volume,
            stocks=stocks,
            diluent=self.diluent or DEFAULT_DILUENT,
            method=method,
            tolerance=tolerance_text(_optional(self.tolerance), settings),
            weight=_optional(self.weight),
            syringes=syringe_texts(_lines(self.syringes), settings),
            catalogue=None if catalogue is None else str(catalogue.absolute()),
            bases=basis_texts(_lines(self.bases), settings),
        )

    def argv(self) -> list[str]:
        """Write the same inputs as `npt prepare` arguments, for the log's record of them."""
        args = [self.target, "--volume", self.volume]
        for stock in self.stocks:
            if stock:
                args += ["--from", stock]
        args += _option("--diluent", self.diluent)
        args += _option("--method", self.method)
        args += _option("--tolerance", self.tolerance)
        args += _option("--weight", self.weight)
        for syringe in _lines(self.syringes):
            args += ["--syringe", syringe]
        for basis in _lines(self.bases):
            args += ["--basis", basis]
        return args


@dataclass(frozen=True)
class CheckForm:
    """The Check page's fields, as typed: the target and each product drawn with its volume."""

    target: str = ""
    drawn: tuple[tuple[str, str], ...] = (("", ""),) * DRAWN_ROWS
    tolerance: str = ""
    weight: str = ""
    bases: str = ""
    by: str = ""

    @classmethod
    def read(cls, fields: ImmutableMultiDict[str, str]) -> CheckForm:
        """Read the form's fields."""
        products = [p.strip() for p in fields.getlist("product")][:DRAWN_ROWS]
        volumes = [v.strip() for v in fields.getlist("drawn_volume")][:DRAWN_ROWS]
        products += [""] * (DRAWN_ROWS - len(products))
        volumes += [""] * (DRAWN_ROWS - len(volumes))
        return cls(
            target=_text(fields, "target"),
            drawn=tuple(zip(products, volumes, strict=True)),
            tolerance=_text(fields, "tolerance"),
            weight=_text(fields, "weight"),
            bases=fields.get("bases", ""),
            by=_text(fields, "by"),
        )

    def items(self) -> list[tuple[int, str]]:
        """Return each filled row's index and its PRODUCT=VOLUME text, as `npt check` takes it."""
        return [(i, f"{p}={v}") for i, (p, v) in enumerate(self.drawn) if p or v]

    def request(self, settings: Settings, catalogue: Path | None) -> CheckRequest:
        """Make the request `npt check` would make from the same inputs and settings."""
        drawn = tuple(item for _, item in self.items())
        if not drawn:
            raise InputError(
                "nothing drawn is given; write each product drawn as PRODUCT=VOLUME, e.g. D50=6mL."
            )
        return CheckRequest(
            target=self.target,
            drawn=drawn,
            tolerance=tolerance_text(_optional(self.tolerance), settings),
            weight=_optional(self.weight),
            catalogue=None if catalogue is None else str(catalogue.absolute()),
            bases=basis_texts(_lines(self.bases), settings),
        )

    def argv(self) -> list[str]:
        """Write the same inputs as `npt check` arguments, for the log's record of them."""
        args = [self.target, *(item for _, item in self.items())]
        args += _option("--tolerance", self.tolerance)
        args += _option("--weight", self.weight)
        for basis in _lines(self.bases):
            args += ["--basis", basis]
        return args


def _option(name: str, value: str) -> Sequence[str]:
    """Return [name, value] when the field was filled, else nothing."""
    return [name, value] if value else []
