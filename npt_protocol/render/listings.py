"""The documents of the commands that list (products, protocols, log show, config show), and
their text and JSON renderers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from npt_protocol.catalogue.products import Catalogue, Product
from npt_protocol.ismp import format_composition, format_number, format_volume
from npt_protocol.log.show import Listing, entry_text
from npt_protocol.numbers import json_number
from npt_protocol.protocol.library import Library
from npt_protocol.protocol.model import Protocol
from npt_protocol.render import protocol as protocol_render
from npt_protocol.render.columns import align
from npt_protocol.render.registry import to_json

PRODUCTS_SCHEMA = "npt.products/1"
PROTOCOLS_SCHEMA = "npt.protocols/1"
CONFIG_SCHEMA = "npt.config/1"


@dataclass(frozen=True)
class ProductsDocument:
    """The stock catalogue, as `npt products` prints it."""

    catalogue: Catalogue


@dataclass(frozen=True)
class ProtocolDocument:
    """One protocol, as `npt protocols show` prints it."""

    protocol: Protocol


@dataclass(frozen=True)
class LogDocument:
    """The records of a log, as `npt log show` prints them."""

    listing: Listing
    path: Path


class ProtocolRow(TypedDict):
    """One protocol of the library listing."""

    id: str
    title: str
    region: str
    status: str
    version: str
    source: str
    path: str | None
    overrides: list[str]
    content_hash: str


class ProtocolsDoc(TypedDict):
    """The protocol library (npt.protocols/1)."""

    schema: str
    protocols: list[ProtocolRow]


class SettingDoc(TypedDict):
    """One setting in force."""

    value: Any
    source: str
    meaning: str


class ConfigDoc(TypedDict):
    """The settings in force (npt.config/1)."""

    schema: str
    file: str
    exists: bool
    settings: dict[str, SettingDoc]


def product_data(product: Product, catalogue: Catalogue) -> dict[str, Any]:
    """Describe one product as JSON-ready data."""
    osmolarity = catalogue.osmolarity(product)
    return {
        "id": product.id,
        "name": product.name,
        "aliases": list(product.aliases),
        "role": product.role,
        "composition": {
            s: json_number(c / 10) for s, c in product.stated.displayed(product.composition).items()
        },
        "basis": {s: f.basis for s, f in product.forms.items() if f.basis},
        "excipients": {s: json_number(c / 10) for s, c in product.excipients.items()},
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
        "cautions": [c.text for c in catalogue.caution_rules(product.composition, osmolarity)],
        "source": product.source,
        "confidence": product.confidence,
        "origin": product.origin,
    }


def product_text(product: Product, catalogue: Catalogue) -> str:
    """Describe one product in a few readable lines."""
    data = product_data(product, catalogue)
    composition = product.stated.describe(style="w/v")
    if product.excipients:
        composition += f"; also {format_composition(product.excipients, style='w/v')}"
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


def products_text(doc: ProductsDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print the catalogue for the terminal."""
    cat = doc.catalogue
    head = (
        f"Catalogue {cat.version}: strengths are % w/v (grams per 100 mL), in the basis each "
        "label states (dextrose monohydrate on US labels, anhydrous glucose on BP labels)."
    )
    body = "\n\n".join(product_text(p, cat) for p in cat.products)
    return head + "\n\n" + body + "\n"


def products_json(doc: ProductsDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print the catalogue as JSON (npt.products/1)."""
    cat = doc.catalogue
    return to_json(
        {
            "schema": PRODUCTS_SCHEMA,
            "catalogue_version": cat.version,
            "products": [product_data(p, cat) for p in cat.products],
        }
    )


def protocols_data(library: Library) -> ProtocolsDoc:
    """List the library: which file wins for each id, and what it overrides."""
    rows: list[ProtocolRow] = []
    for entry in library.entries.values():
        p = entry.protocol
        rows.append(
            {
                "id": p.id,
                "title": p.title,
                "region": p.region,
                "status": p.status,
                "version": p.version,
                "source": p.origin,
                "path": str(p.path) if p.path else None,
                "overrides": [hidden.origin for hidden in entry.hides],
                "content_hash": p.content_hash,
            }
        )
    return {"schema": PROTOCOLS_SCHEMA, "protocols": rows}


def protocols_text(doc: ProtocolsDoc, meta: None, timestamp: dt.datetime | None) -> str:
    """Print the library as a table that fits 100 columns."""
    rows = doc["protocols"]
    if not rows:
        return "No protocols found.\n"
    table = [["ID", "TITLE", "REGION", "STATUS", "VERSION", "SOURCE"]]
    for row in rows:
        overrides = f" (overrides {', '.join(row['overrides'])})" if row["overrides"] else ""
        # The title is clipped so that the shipped library's rows fit 100 columns; a clinic
        # folder's path is printed whole, last.
        table.append(
            [
                row["id"],
                _clip(row["title"], 29),
                _clip(row["region"], 12),
                row["status"],
                row["version"],
                row["source"] + overrides,
            ]
        )
    return "\n".join(align(table, indent="")) + "\n"


def _clip(text: str, width: int) -> str:
    """Shorten text to a column width with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def protocol_text(doc: ProtocolDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print one protocol for the terminal."""
    return protocol_render.protocol_text(doc.protocol)


def protocol_json(doc: ProtocolDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print one protocol as JSON (npt.protocol/1)."""
    return to_json(protocol_render.protocol_json(doc.protocol))


def log_text(doc: LogDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """List a log's records, one line each, then its head; logged text never drives the
    terminal (control characters are shown as escapes)."""
    lines = [_printable(entry_text(entry)) for entry in doc.listing.entries]
    lines.append(f"Head: {doc.listing.head.token} (not verified; see `npt log verify`).")
    return "\n".join(lines) + "\n"


def _printable(text: str) -> str:
    """Write control characters as escapes, so a record cannot rewrite the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def log_json(doc: LogDocument, meta: None, timestamp: dt.datetime | None) -> str:
    """Print a log's records as JSON (npt.log-show/1)."""
    return to_json(doc.listing.data(doc.path))


def config_text(doc: ConfigDoc, meta: None, timestamp: dt.datetime | None) -> str:
    """Print the settings in force, one per line, their meanings in a column of their own."""
    state = "found" if doc["exists"] else "not found: every value is the default"
    lines = [f"Settings file: {doc['file']} ({state})"]
    table = [
        [key, "(default)" if row["value"] is None else repr(row["value"]), row["meaning"]]
        for key, row in doc["settings"].items()
    ]
    width = max(len(key) for key in doc["settings"])
    for line in align([[row[0], row[1]] for row in table]):
        lines.append(line)
    lines += ["", "What each setting means:"]
    lines += [f"  {key.ljust(width)}  {row['meaning']}" for key, row in doc["settings"].items()]
    return "\n".join(lines) + "\n"
