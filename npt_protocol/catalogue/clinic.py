"""A clinic's own products, read from YAML and put before the shipped catalogue.

The file is read like a protocol file (npt_protocol.reading): safely, with every problem found at
once and reported as file:line:column. Values are checked, not trusted: a stated osmolarity must
agree with the one its composition gives, and a product that takes a shipped id or alias is
named in every recipe that uses it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from npt_protocol.catalogue.products import (
    Catalogue,
    Product,
    Role,
    Stated,
    lookup_key,
    shipped_catalogue,
)
from npt_protocol.errors import InputError, NptError
from npt_protocol.ismp import format_count, format_number
from npt_protocol.reading.files import read_regular

if TYPE_CHECKING:
    from npt_protocol.reading.fields import FieldReader
    from npt_protocol.reading.findings import Finding
    from npt_protocol.reading.yaml_tree import Node

PRODUCT_KEYS = (
    "aliases",
    "name",
    "composition",
    "excipients",
    "osmolarity_mOsmol_per_L",
    "ph",
    "sizes_mL",
    "sizes_note",
    "role",
    "source",
    "confidence",
)
# A label's osmolarity and the ideal sum of its solutes agree within a few percent (D5W 252 and
# 252.3, NS 308 and 308); a value a tenth away, or 10 mOsmol/L for water, is a typo such as 253
# for D50W's 2,530.
OSMOLARITY_MARGIN, OSMOLARITY_FLOOR = Fraction(1, 10), Fraction(10)


class CatalogueCheck(NamedTuple):
    """What reading a clinic catalogue found: its products, or every problem in it."""

    path: Path
    products: tuple[Product, ...]
    findings: tuple[Finding, ...]
    digest: str


def check_catalogue(path: Path, base: Catalogue | None = None) -> CatalogueCheck:
    """Read a clinic catalogue and return its products or every problem, with positions."""
    # PyYAML is imported only when a clinic catalogue is named: `npt prepare` without one
    # starts without it.
    from npt_protocol.reading.fields import FieldReader  # noqa: PLC0415
    from npt_protocol.reading.yaml_tree import CATALOGUE, MAX_BYTES, read_yaml  # noqa: PLC0415

    base = base or shipped_catalogue()
    data = read_regular(path, what="catalogue", limit=MAX_BYTES, error=InputError)
    digest = hashlib.sha256(data).hexdigest()
    root, findings = read_yaml(data, path=str(path), document=CATALOGUE)
    if root is None:
        return CatalogueCheck(path, (), tuple(findings), digest)
    reader = FieldReader(str(path))
    products = _products(reader, root, base, path)
    found = tuple(sorted(reader.findings, key=lambda f: (f.line, f.column)))
    return CatalogueCheck(path, () if found else tuple(products), found, digest)


def load_catalogue(extra: Path | None = None) -> Catalogue:
    """Return the shipped catalogue, with a clinic's products first when a file is given."""
    catalogue = shipped_catalogue()
    if extra is None:
        return catalogue
    checked = check_catalogue(extra, catalogue)
    if checked.findings:
        count = len(checked.findings)
        raise InputError(
            f"catalogue {extra} has {format_count(count, 'problem')}, first "
            f"{checked.findings[0]}; fix it (npt products --catalogue FILE --validate lists "
            "them all)."
        )
    merged = catalogue.with_products(checked.products)
    return replace(merged, version=f"{catalogue.version}+{checked.digest[:12]}")


def _products(reader: FieldReader, root: Node, base: Catalogue, path: Path) -> list[Product]:
    """Read the top-level mapping and each product in its 'products:' list."""
    top = reader.fields(root, "catalogue", required=("products",))
    if top is None:
        return []
    items = reader.seq(top.get("products"), "products", nonempty=True)
    if items is None:
        return []
    _names_once(reader, items)
    products = []
    for index, item in enumerate(items, 1):
        product = _product(reader, item, base, index, path)
        if product is not None:
            products.append(product)
    return products


def _names_once(reader: FieldReader, items: tuple[Node, ...]) -> None:
    """Report an id or alias that names an earlier product as the lookup reads names (case,
    spaces and underscores do not matter), so `--from` can never pick between two products."""
    seen: dict[str, tuple[str, int]] = {}
    for index, item in enumerate(items, 1):
        if item.kind != "map":
            continue
        fields = {key.text: value for key, value in item.value if key.tag == "str"}
        names = [fields["id"]] if "id" in fields else []
        if "aliases" in fields and fields["aliases"].kind == "seq":
            names += list(fields["aliases"].value)
        for node in names:
            if node.kind != "scalar" or node.tag != "str" or not node.text.strip():
                continue  # the field's own check reports it
            earlier = seen.setdefault(lookup_key(node.text), (node.text, index))
            if earlier[1] != index:
                reader.add(
                    node,
                    f"products[{index}] name {node.text!r} is the same as {earlier[0]!r} of "
                    f"products[{earlier[1]}] (case, spaces and underscores do not count); "
                    "expected each id and alias once",
                )


def _product(
    reader: FieldReader, node: Node, base: Catalogue, index: int, path: Path
) -> Product | None:
    """Read one product, checking its composition, osmolarity, sizes and role."""
    f = reader.fields(node, f"products[{index}]", required=("id",), optional=PRODUCT_KEYS)
    if f is None:
        return None
    pid = reader.text(f.get("id"), f"products[{index}] id")
    what = f"product {pid or index}"
    aliases = reader.texts(f.get("aliases"), f"{what} aliases") if "aliases" in f else ()
    name = reader.text(f.get("name"), f"{what} name") if "name" in f else pid
    stated = _composition(reader, f.get("composition"), base, f"{what} composition")
    excipients = _composition(reader, f.get("excipients"), base, f"{what} excipients")
    role_text = (
        reader.choice(f.get("role"), f"{what} role", ("stock", "diluent")) if "role" in f else None
    )
    osmolarity = (
        reader.number(f.get("osmolarity_mOsmol_per_L"), f"{what} osmolarity", zero=True)
        if "osmolarity_mOsmol_per_L" in f
        else None
    )
    sizes = _sizes(reader, f.get("sizes_mL"), what) if "sizes_mL" in f else ()
    texts = {
        key: reader.text(f.get(key), f"{what} {key}") if key in f else ""
        for key in ("ph", "sizes_note", "source", "confidence")
    }
    if None in (pid, aliases, name, stated, excipients, sizes) or None in texts.values():
        return None
    if "role" in f and role_text is None:
        return None
    if "osmolarity_mOsmol_per_L" in f and osmolarity is None:
        return None
    assert pid is not None and stated is not None and excipients is not None
    if osmolarity is not None:
        _check_osmolarity(
            reader, f["osmolarity_mOsmol_per_L"], osmolarity, stated, excipients, base, what
        )
    role: Role = (
        ("stock" if stated.composition else "diluent")
        if role_text is None
        else ("stock" if role_text == "stock" else "diluent")
    )
    return Product(
        id=pid,
        name=name or pid,
        composition=stated.composition,
        role=role,
        aliases=tuple(aliases or ()),
        label_osmolarity=osmolarity,
        ph=texts["ph"] or "",
        sizes_ml=tuple(sizes or ()),
        sizes_note=texts["sizes_note"] or "",
        source=texts["source"] or "",
        confidence=texts["confidence"] or "",
        origin=str(path),
        forms=stated.forms,
        excipients=excipients.composition,
        composition_text=stated.text,
    )


def _composition(
    reader: FieldReader, node: Node | None, base: Catalogue, what: str
) -> Stated | None:
    """Read a composition in the strength grammar; an absent one is no solute."""
    if node is None:
        return Stated({})
    text = reader.text(node, what)
    if text is None:
        return None
    try:
        return base.stated(text, what=what)
    except NptError as error:
        reader.add(node, str(error))
        return None


def _sizes(reader: FieldReader, node: Node | None, what: str) -> tuple[Fraction, ...] | None:
    """Read container sizes in mL, each above zero."""
    items = reader.seq(node, f"{what} sizes_mL", nonempty=False)
    if items is None:
        return None
    sizes = [reader.number(item, f"{what} size") for item in items]
    return None if None in sizes else tuple(s for s in sizes if s is not None)


def _check_osmolarity(
    reader: FieldReader,
    node: Node,
    stated_value: Fraction,
    stated: Stated,
    excipients: Stated,
    base: Catalogue,
    what: str,
) -> None:
    """Refuse a stated osmolarity that its composition contradicts."""
    computed = base.ideal_osmolarity({**excipients.composition, **stated.composition})
    if computed is None:
        return
    allowed = max(computed * OSMOLARITY_MARGIN, OSMOLARITY_FLOOR)
    if abs(stated_value - computed) > allowed:
        reader.add(
            node,
            f"{what} osmolarity {format_number(stated_value)} mOsmol/L disagrees with the "
            f"{format_number(computed, places=0)} mOsmol/L its composition gives; expected "
            f"the value on the product's label, within {format_number(allowed, places=0)} "
            "mOsmol/L of that (check for a slipped digit or the wrong basis)",
        )
