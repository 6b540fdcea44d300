"""A clinic's own products, read from a YAML file and put before the shipped catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from npt_protocol.errors import InputError, NptError
from npt_protocol.products import Catalogue, product_from, shipped_catalogue

MAX_BYTES = 1_000_000
PRODUCT_KEYS = {"id", "aliases", "name", "composition", "osmolarity_mOsmol_per_L", "ph",
                "sizes_mL", "sizes_note", "role", "source", "confidence"}


def load_catalogue(extra: Path | None = None) -> Catalogue:
    """Return the shipped catalogue, with a clinic's products first when a file is given."""
    catalogue = shipped_catalogue()
    if extra is None:
        return catalogue
    rows = _read_rows(extra)
    products = []
    for index, row in enumerate(rows, 1):
        where = f"catalogue {extra}, product {index}"
        if not isinstance(row, dict) or "id" not in row:
            raise InputError(f"{where} is not a mapping with an id; expected keys such as id, "
                             "name, composition.")
        unknown = sorted(set(row) - PRODUCT_KEYS)
        if unknown:
            raise InputError(f"{where} ({row['id']}) has unknown key {unknown[0]!r}; expected "
                             f"{', '.join(sorted(PRODUCT_KEYS))}.")
        if row.get("role", "stock") not in {"stock", "diluent"}:
            raise InputError(f"{where} ({row['id']}) has role {row['role']!r}; expected stock "
                             "or diluent.")
        try:
            products.append(product_from(row, catalogue, origin=str(extra)))
        except NptError as error:
            raise InputError(f"{where} ({row['id']}): {error}") from None
    return catalogue.with_products(products)


def _read_rows(path: Path) -> list[Any]:
    """Read the YAML file safely and return its list of products."""
    import yaml  # noqa: PLC0415 - YAML is loaded only when a clinic catalogue is used

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"catalogue {path} cannot be read: {error.strerror}.") from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"catalogue {path} is larger than 1 MB; a catalogue is a short list.")
    try:
        text = raw.decode("utf-8")
        if "&" in text and "*" in text:
            events = yaml.parse(text, Loader=yaml.SafeLoader)
            if any(isinstance(e, yaml.AliasEvent) for e in events):
                raise InputError(f"catalogue {path} uses YAML aliases; write each value out.")
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise InputError(f"catalogue {path} is not UTF-8 text.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"catalogue {path} is not valid YAML{where}; expected a list of "
                         "products under 'products:'.") from None
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise InputError(f"catalogue {path} must be a mapping with a 'products:' list.")
    return list(data["products"])
