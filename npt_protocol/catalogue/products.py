"""The stock catalogue: solutes, products, compositions, and lookup by id, alias or spec."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from npt_protocol.errors import InputError, NptError, ProductError
from npt_protocol.numbers import parse_number
from npt_protocol.strengths import STRENGTH_EXAMPLES, parse_strength

Role = Literal["stock", "diluent"]
Composition = Mapping[str, Fraction]
"""Solute name → exact concentration in mg/mL."""

_SHIPPED = Path(__file__).with_name("catalogue.toml")
_PART_SPLIT = re.compile(r"\s+\+\s+|\s+with\s+|\s+and\s+|\s*\+\s*(?=[A-Za-z])")


@dataclass(frozen=True)
class Solute:
    """A dissolved substance, with what is needed to count its osmoles and equivalents."""

    name: str
    aliases: tuple[str, ...] = ()
    molar_mass_g_per_mol: Fraction | None = None
    osmoles_per_mole: Fraction | None = None
    milligrams_per_milliequivalent: Fraction | None = None
    note: str = ""
    source: str = ""

    def milliosmoles_per_litre(self, mg_per_ml: Fraction) -> Fraction | None:
        """Return the ideal osmolarity this solute gives at a strength, if it can be counted."""
        if self.molar_mass_g_per_mol is None or self.osmoles_per_mole is None:
            return None
        return mg_per_ml / self.molar_mass_g_per_mol * self.osmoles_per_mole * 1000


@dataclass(frozen=True)
class Product:
    """A stock on the shelf: what it contains, its label facts and where they come from."""

    id: str
    name: str
    composition: Mapping[str, Fraction]
    role: Role = "stock"
    aliases: tuple[str, ...] = ()
    label_osmolarity: Fraction | None = None
    ph: str = ""
    sizes_ml: tuple[Fraction, ...] = ()
    sizes_note: str = ""
    source: str = ""
    confidence: str = ""
    origin: str = "shipped"


@dataclass(frozen=True)
class Catalogue:
    """Solutes and products, looked up by id, alias or a written spec."""

    solutes: Mapping[str, Solute]
    products: tuple[Product, ...]
    version: str

    def solute(self, text: str, *, what: str) -> Solute:
        """Find a solute by name or alias, or say which names exist."""
        key = _key(text)
        for solute in self.solutes.values():
            if key == _key(solute.name) or key in {_key(a) for a in solute.aliases}:
                return solute
        names = sorted(self.solutes)
        import difflib  # noqa: PLC0415 - only a failed lookup needs suggestions

        near = difflib.get_close_matches(text.lower(), names, n=2)
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        raise ProductError(
            f"{what}: unknown solute {text!r}{hint}; known solutes are {', '.join(names)}."
        )

    def product(self, spec: str, *, what: str = "product") -> Product:
        """Resolve an id, an alias or a spec such as 'dextrose 500 mg/mL' to a Product."""
        key = _key(spec)
        if not key:
            raise InputError(
                f"{what} is empty; expected a product id such as D50 or a spec "
                "such as 'dextrose 500 mg/mL'."
            )
        for product in self.products:
            if key == _key(product.id) or key in {_key(a) for a in product.aliases}:
                return product
        if any(ch.isdigit() for ch in spec):
            try:
                composition = self.composition(spec, what=what)
            except NptError as error:
                raise ProductError(self._unknown(spec, what, str(error))) from None
            return self.adhoc(spec, composition)
        raise ProductError(self._unknown(spec, what, ""))

    def _unknown(self, spec: str, what: str, detail: str) -> str:
        """Build the one-sentence message for a product that cannot be resolved."""
        ids = [p.id for p in self.products]
        by_key = {_key(p.id): p.id for p in self.products}
        by_key.update({_key(a): p.id for p in self.products for a in p.aliases})
        import difflib  # noqa: PLC0415 - only a failed lookup needs suggestions

        near_keys = difflib.get_close_matches(_key(spec), list(by_key), n=4, cutoff=0.6)
        near = list(dict.fromkeys(by_key[k] for k in near_keys))
        hint = f" (did you mean {' or '.join(near[:3])}?)" if near else ""
        looks_like_spec = any(ch in spec for ch in " %/")
        detail = f" ({detail.rstrip('.')})" if detail and looks_like_spec else ""
        return (
            f"{what} {spec!r} is not in the catalogue{detail}{hint}; use an id such as "
            f"{', '.join(ids[:6])} (see `npt products`) or a spec such as "
            "'dextrose 500 mg/mL'."
        )

    def adhoc(self, spec: str, composition: Mapping[str, Fraction]) -> Product:
        """Make a product from a written spec such as 'dextrose 500 mg/mL'."""
        role: Role = "diluent" if not composition else "stock"
        return Product(
            id=spec.strip(),
            name=spec.strip(),
            composition=composition,
            role=role,
            source="typed by the user",
            origin="spec",
        )

    def composition(self, text: str, *, what: str = "composition") -> dict[str, Fraction]:
        """Parse 'dextrose 20% + lidocaine 0.1%' into solute → mg/mL."""
        stripped = text.strip()
        if not stripped:
            raise InputError(
                f"{what} is empty; expected a solute and strength such as 'dextrose 5%'."
            )
        result: dict[str, Fraction] = {}
        for part in _PART_SPLIT.split(stripped):
            name, strength_text = _split_part(part, text=text, what=what)
            solute = self.solute(name, what=what)
            strength = parse_strength(strength_text, what=f"{what} {solute.name}")
            value = strength.value
            if strength.basis == "equivalent":
                if solute.milligrams_per_milliequivalent is None:
                    raise InputError(
                        f"{what}: {solute.name} cannot be given in mEq; give it in mg/mL or % w/v."
                    )
                value = value * solute.milligrams_per_milliequivalent
            if solute.name in result:
                raise InputError(
                    f"{what} {text!r} names {solute.name} twice; name each solute once."
                )
            result[solute.name] = value
        return result

    def osmolarity(self, product: Product) -> Fraction | None:
        """Return a product's osmolarity: the label's value, or the solutes' ideal sum."""
        if product.label_osmolarity is not None:
            return product.label_osmolarity
        total = Fraction(0)
        for name, strength in product.composition.items():
            part = self.solutes[name].milliosmoles_per_litre(strength)
            if part is None:
                return None
            total += part
        return total

    def with_products(self, extra: Iterable[Product]) -> Catalogue:
        """Return a catalogue where the extra products come first and may replace shipped ids."""
        shipped = {_key(p.id): p for p in self.products}
        # A clinic product that replaces a shipped id keeps the names people already use for it.
        merged = tuple(
            replace(p, aliases=tuple(dict.fromkeys(p.aliases + shipped[_key(p.id)].aliases)))
            if _key(p.id) in shipped
            else p
            for p in extra
        )
        replaced = {_key(p.id) for p in merged}
        kept = tuple(p for p in self.products if _key(p.id) not in replaced)
        return replace(self, products=merged + kept)


def _key(text: str) -> str:
    """Normalise a name for lookup: case, spaces and the % sign do not matter."""
    return re.sub(r"[\s_]+", "", text.strip().lower())


def _split_part(part: str, *, text: str, what: str) -> tuple[str, str]:
    """Split 'dextrose 5%' or '5% dextrose' into the solute name and the strength text."""
    part = part.strip()
    leading = re.match(
        r"^([0-9.,]+\s*(?:%\s*(?:w\s*/\s*v)?|[a-zA-Zµ]+\s*(?:/|per)\s*[0-9.]*\s*"
        r"[a-zA-Zµ]+))\s+(.+)$",
        part,
        re.IGNORECASE,
    )
    if leading:
        return leading.group(2), leading.group(1)
    match = re.match(r"^(?P<name>.*?[A-Za-z)])\s*(?P<strength>[-−+.0-9].*)$", part)
    if not match:
        raise InputError(
            f"{what} {text!r}: {part!r} needs a solute and a strength, such as "
            f"'dextrose 5%' (strengths: {STRENGTH_EXAMPLES})."
        )
    return match.group("name"), match.group("strength")


def _fraction(value: Any, *, what: str) -> Fraction:
    """Read a catalogue number, written as a string to stay exact."""
    return parse_number(str(value), what=what)


def _size(value: Any, *, what: str) -> Fraction:
    """Read a container size in mL, which cannot be zero."""
    size = _fraction(value, what=what)
    if size == 0:
        raise InputError(f"{what} {value!r} is zero; expected a container size in mL such as 10.")
    return size


def _solute_from(row: Mapping[str, Any]) -> Solute:
    """Build a Solute from a catalogue row."""

    def optional(key: str) -> Fraction | None:
        return _fraction(row[key], what=f"solute {row['name']} {key}") if key in row else None

    return Solute(
        name=str(row["name"]),
        aliases=tuple(row.get("aliases", ())),
        molar_mass_g_per_mol=optional("molar_mass_g_per_mol"),
        osmoles_per_mole=optional("osmoles_per_mole"),
        milligrams_per_milliequivalent=optional("milligrams_per_milliequivalent"),
        note=str(row.get("note", "")),
        source=str(row.get("source", "")),
    )


def product_from(row: Mapping[str, Any], catalogue: Catalogue, *, origin: str) -> Product:
    """Build a Product from a catalogue row, parsing its composition with the grammar."""
    pid = str(row["id"])
    text = str(row.get("composition", ""))
    composition = catalogue.composition(text, what=f"product {pid} composition") if text else {}
    osm = row.get("osmolarity_mOsmol_per_L")
    return Product(
        id=pid,
        name=str(row.get("name", pid)),
        composition=composition,
        role=row.get("role", "stock" if composition else "diluent"),
        aliases=tuple(str(a) for a in row.get("aliases", ())),
        label_osmolarity=None if osm is None else _fraction(osm, what=f"product {pid} osmolarity"),
        ph=str(row.get("ph", "")),
        sizes_ml=tuple(_size(s, what=f"product {pid} size") for s in row.get("sizes_mL", ())),
        sizes_note=str(row.get("sizes_note", "")),
        source=str(row.get("source", "")),
        confidence=str(row.get("confidence", "")),
        origin=origin,
    )


@functools.cache
def shipped_catalogue() -> Catalogue:
    """Load the catalogue that ships with the package (TOML: fast to read at start-up)."""
    with _SHIPPED.open("rb") as handle:
        data = tomllib.load(handle)
    solutes = {row["name"]: _solute_from(row) for row in data["solute"]}
    empty = Catalogue(solutes=solutes, products=(), version=str(data["version"]))
    products = tuple(product_from(row, empty, origin="shipped") for row in data["product"])
    return replace(empty, products=products)
