"""Readers for the protocol's sections: solution, technique, limits, references, chart."""

from __future__ import annotations

import functools
from fractions import Fraction

from npt_protocol.catalogue.products import Catalogue, Stated, shipped_catalogue
from npt_protocol.errors import NptError
from npt_protocol.protocol.model import (
    CHART_HALF_WIDTH,
    CHART_HEIGHT,
    CHART_VIEWS,
    GUIDANCE,
    LIMIT_SCOPES,
    PRACTICE_DEFAULT,
    Buffer,
    ChartPosition,
    Limits,
    LimitScope,
    Needle,
    Reference,
    Solution,
    Technique,
)
from npt_protocol.reading.fields import FieldReader, unique_ids
from npt_protocol.reading.yaml_tree import Node

_LINKS = {
    "doi": ("10.", "a bare DOI such as 10.1000/xyz (no doi: or https://doi.org/)"),
    "pmid": ("", "digits only, such as 12345678"),
    "url": ("http", "an address starting with https:// or http://"),
}


def read_solution(check: FieldReader, node: Node | None, catalogue: Catalogue) -> Solution | None:
    """Read the solution: a composition in the strength grammar, an optional buffer, a source."""
    f = check.fields(node, "solution", required=("composition", "source"), optional=("buffer",))
    if f is None:
        return None
    text = check.text(f.get("composition"), "solution composition")
    stated = None if text is None else _composition(check, f["composition"], text, catalogue)
    buffer_node = f.get("buffer")
    buffer = None
    if buffer_node is not None and buffer_node.tag != "null":
        buffer = _buffer(check, buffer_node, catalogue)
    source = check.source(f.get("source"), "solution source")
    if text is None or stated is None or source is None:
        return None
    if buffer_node is not None and buffer_node.tag != "null" and buffer is None:
        return None
    return Solution(
        composition_text=text,
        composition=dict(stated.composition),
        buffer=buffer,
        source=source,
        stated=stated,
    )


def _composition(check: FieldReader, node: Node, text: str, catalogue: Catalogue) -> Stated | None:
    """Parse a composition and make sure some catalogue product provides each solute."""
    what = "solution composition"
    try:
        stated = (
            _shipped_composition(text)
            if catalogue is shipped_catalogue()
            else catalogue.stated(text, what=what)
        )
        composition = stated.composition
    except NptError as error:
        message = str(error).rstrip(".")
        if "; " not in message:  # the grammar's own message may not name what is accepted
            message += (
                "; expected a composition such as 'dextrose 5%' or 'dextrose 20% + lidocaine 0.1%'"
            )
        check.add(node, message)
        return None
    for solute in composition:
        if not any(solute in product.composition for product in catalogue.products):
            check.add(
                node,
                f"{what} needs {solute}, which no catalogue product provides; "
                "expected solutes of the products `npt products` lists",
            )
            return None
    return stated


@functools.lru_cache(maxsize=256)
def _shipped_composition(text: str) -> Stated:
    """Parse a composition against the shipped catalogue once per distinct text."""
    return shipped_catalogue().stated(text, what="solution composition")


def _buffer(check: FieldReader, node: Node, catalogue: Catalogue) -> Buffer | None:
    """Read a buffer stated as a ratio of a catalogue product."""
    f = check.fields(node, "solution buffer", required=("product", "parts", "per_parts"))
    if f is None:
        return None
    name = check.text(f.get("product"), "buffer product")
    parts = check.integer(f.get("parts"), "buffer parts", minimum=1)
    per_parts = check.integer(f.get("per_parts"), "buffer per_parts", minimum=1)
    product = None
    if name is not None:
        key = name.lower()
        product = next(
            (
                p
                for p in catalogue.products
                if key == p.id.lower() or key in {a.lower() for a in p.aliases}
            ),
            None,
        )
        if product is None:
            check.add(
                f["product"],
                f"buffer product {name!r} is not in the catalogue; "
                "expected a product id such as bicarb-8.4 (see `npt products`)",
            )
    if product is None or parts is None or per_parts is None:
        return None
    return Buffer(product=product.id, parts=parts, per_parts=per_parts)


def read_technique(check: FieldReader, node: Node | None) -> Technique | None:
    """Read depth, guidance and the needle setting."""
    f = check.fields(node, "technique", required=("depth", "guidance", "needle"))
    if f is None:
        return None
    depth = check.text(f.get("depth"), "technique depth")
    guidance = check.choice(f.get("guidance"), "technique guidance", GUIDANCE)
    n = check.fields(f.get("needle"), "needle", required=("gauge", "length", "source"))
    needle = None
    if n is not None:
        gauge = check.text(n.get("gauge"), "needle gauge")
        length = check.text(n.get("length"), "needle length")
        source = check.source(n.get("source"), "needle source")
        if gauge is not None and length is not None and source is not None:
            needle = Needle(gauge=gauge, length=length, source=source)
    if depth is None or guidance is None or needle is None:
        return None
    return Technique(depth=depth, guidance=guidance, needle=needle)


def read_limits(check: FieldReader, node: Node | None, *, version: int) -> Limits | None:
    """Read the maximum points and volume; schema 2 says whether they are per side or session.

    Schema 1 files were always applied to each side treated, so they keep that meaning.
    """
    keys = ("max_points", "max_volume", "source") + (("per",) if version >= 2 else ())
    f = check.fields(node, "limits", required=keys)
    if f is None:
        return None
    points = check.integer(f.get("max_points"), "limits max_points", minimum=1)
    volume = check.volume(f.get("max_volume"), "limits max_volume")
    per = check.choice(f.get("per"), "limits per", LIMIT_SCOPES) if version >= 2 else "side"
    source = check.source(f.get("source"), "limits source")
    if points is None or volume is None or per is None or source is None:
        return None
    scope: LimitScope = "session" if per == "session" else "side"
    return Limits(max_points=points, max_volume_ml=volume, per=scope, source=source)


def read_references(check: FieldReader, node: Node | None) -> tuple[Reference, ...] | None:
    """Read the references, each with a unique id and a citation."""
    items = check.seq(node, "references", nonempty=True)
    if items is None:
        return None
    unique_ids(check, items, "reference id")
    refs = [_reference(check, item, f"references[{index}]") for index, item in enumerate(items, 1)]
    return None if None in refs else tuple(r for r in refs if r is not None)


def _reference(check: FieldReader, node: Node, what: str) -> Reference | None:
    """Read one reference; DOI, PMID and URL are optional."""
    f = check.fields(node, what, required=("id", "citation"), optional=(*_LINKS, "unverified"))
    if f is None:
        return None
    ident = check.slug(f.get("id"), f"{what} id")
    if ident == PRACTICE_DEFAULT:
        check.add(
            f["id"],
            f"{what} id {PRACTICE_DEFAULT!r} is reserved; expected an id such as author-year",
        )
        ident = None
    citation = check.text(f.get("citation"), f"{what} citation")
    links = {key: _link(check, f.get(key), what, key) for key in _LINKS}
    unverified = check.text(f.get("unverified"), f"{what} unverified", optional=True)
    if ident is None or citation is None or False in links.values():
        return None
    if "unverified" in f and f["unverified"].tag != "null" and unverified is None:
        return None
    doi, pmid, url = (v if isinstance(v, str) else None for v in links.values())
    return Reference(
        id=ident, citation=citation, doi=doi, pmid=pmid, url=url, unverified=unverified
    )


def _link(check: FieldReader, node: Node | None, what: str, key: str) -> str | bool | None:
    """Read an optional DOI, PMID or URL; False marks one that is wrong."""
    if node is None or node.tag == "null":
        return None
    if key == "pmid" and node.tag == "int":
        return str(node.value)  # YAML reads an unquoted PMID as a number
    value = check.text(node, f"{what} {key}")
    if value is None:
        return False
    prefix, expected = _LINKS[key]
    ok = (
        value.isascii() and value.isdigit()
        if key == "pmid"
        else value.startswith(prefix) and " " not in value
    )
    if key == "doi":
        ok = ok and "/" in value
    if not ok:
        check.add(node, f"{what} {key} {value!r} is not valid; expected {expected}")
        return False
    return value


def read_chart(check: FieldReader, node: Node | None) -> ChartPosition | None:
    """Read where the region sits on the body chart: a view, and x and y in chart units."""
    f = check.fields(node, "chart", required=("view", "x", "y"))
    if f is None:
        return None
    view = check.choice(f.get("view"), "chart view", CHART_VIEWS)
    x = _chart_number(check, f.get("x"), "chart x", CHART_HALF_WIDTH)
    y = _chart_number(check, f.get("y"), "chart y", CHART_HEIGHT)
    if view is None or x is None or y is None:
        return None
    return ChartPosition(view="front" if view == "front" else "back", x=x, y=y)


def _chart_number(
    check: FieldReader, node: Node | None, what: str, highest: int
) -> Fraction | None:
    """Read a chart coordinate: a number from 0 to the edge of the figure."""
    value = check.number(node, what, zero=True)
    if value is None or node is None:
        return None
    if not 0 <= value <= highest:
        check.add(node, f"{what} is {node.text}; expected a number from 0 to {highest}")
        return None
    return value
