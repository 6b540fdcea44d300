"""A clinic's own products, read from a YAML file and put before the shipped catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from npt_protocol.catalogue.products import Catalogue, product_from, shipped_catalogue
from npt_protocol.errors import InputError, NptError

MAX_BYTES = 1_000_000
MAX_DEPTH = 8  # products → list → product → aliases: four levels; deeper is never a catalogue
PRODUCT_KEYS = {
    "id",
    "aliases",
    "name",
    "composition",
    "osmolarity_mOsmol_per_L",
    "ph",
    "sizes_mL",
    "sizes_note",
    "role",
    "source",
    "confidence",
}
LIST_KEYS = {"aliases", "sizes_mL"}


def load_catalogue(extra: Path | None = None) -> Catalogue:
    """Return the shipped catalogue, with a clinic's products first when a file is given."""
    catalogue = shipped_catalogue()
    if extra is None:
        return catalogue
    rows = _read_rows(extra)
    products = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows, 1):
        where = f"catalogue {extra}, product {index}"
        if not isinstance(row, dict) or "id" not in row:
            raise InputError(
                f"{where} is not a mapping with an id; expected keys such as id, name, composition."
            )
        _check_values(row, where)
        unknown = sorted(set(row) - PRODUCT_KEYS)
        if unknown:
            raise InputError(
                f"{where} ({row['id']}) has unknown key {unknown[0]!r}; expected "
                f"{', '.join(sorted(PRODUCT_KEYS))}."
            )
        if row.get("role", "stock") not in {"stock", "diluent"}:
            raise InputError(
                f"{where} ({row['id']}) has role {row['role']!r}; expected stock or diluent."
            )
        key = str(row["id"]).strip().lower()
        if key in seen:
            raise InputError(
                f"{where} repeats the id {row['id']!r} of product {seen[key]}; "
                "expected each id once."
            )
        seen[key] = index
        try:
            products.append(product_from(row, catalogue, origin=str(extra)))
        except NptError as error:
            raise InputError(f"{where} ({row['id']}): {error}") from None
    return catalogue.with_products(products)


def _plain(value: Any) -> bool:
    """Say whether a YAML value is plain text or a number (not a flag, date, list or mapping)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _check_values(row: dict[Any, Any], where: str) -> None:
    """Refuse keys that are not text, and values that are not text or numbers (lists of them
    for aliases and sizes), before any is used."""
    for key, value in row.items():
        if not isinstance(key, str):
            raise InputError(
                f"{where} has the key {key!r}, which is not text; expected keys "
                "such as id, name, composition."
            )
        if key in LIST_KEYS:
            if not isinstance(value, list) or not all(_plain(item) for item in value):
                raise InputError(
                    f"{where}: {key} is {value!r}; expected a list of text or "
                    "numbers such as ['50', '100']."
                )
        elif not _plain(value):
            raise InputError(f"{where}: {key} is {value!r}; expected text or a number.")
    if not str(row["id"]).strip():
        raise InputError(f"{where} has an empty id; expected an id such as D20W.")


def _read_rows(path: Path) -> list[Any]:
    """Read the YAML file safely and return its list of products."""
    import yaml  # noqa: PLC0415 - YAML is loaded only when a clinic catalogue is used

    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)  # never more: the path may be a device (/dev/zero)
    except OSError as error:
        raise InputError(f"catalogue {path} cannot be read: {error.strerror}.") from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"catalogue {path} is larger than 1 MB; a catalogue is a short list.")
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = raw.decode("utf-8")
        _check_events(yaml.parse(text, Loader=loader), path)
        data = yaml.load(text, Loader=loader)
    except NptError:
        raise
    except UnicodeDecodeError:
        raise InputError(f"catalogue {path} is not UTF-8 text.") from None
    except yaml.YAMLError as error:
        if "nesting depth" in str(getattr(error, "problem", "")):
            # libyaml's scanner reads ahead and stops at its own limit before the events reach
            # the depth check: the same refusal either way.
            raise InputError(
                f"catalogue {path} nests deeper than {MAX_DEPTH} levels; expected a "
                "list of products under 'products:'."
            ) from None
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(
            f"catalogue {path} is not valid YAML{where}; expected a list of "
            "products under 'products:'."
        ) from None
    except ValueError:  # a date such as 2024-02-30, or a number thousands of digits long
        raise InputError(
            f"catalogue {path} has a value YAML cannot read (a date that does not "
            "exist or an overlong number); put it in quotes."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise InputError(f"catalogue {path} must be a mapping with a 'products:' list.")
    return list(data["products"])


def _check_events(events: Iterable[Any], path: Path) -> None:
    """Walk the parser's events (no recursion, nothing built) and refuse aliases, nesting deeper
    than a catalogue has, and a key given twice in one mapping."""
    import yaml  # noqa: PLC0415

    # One frame per open collection: the keys seen (None in a list) and the items counted.
    frames: list[tuple[set[str] | None, list[int]]] = []
    for event in events:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise InputError(f"catalogue {path} uses YAML aliases; write each value out.")
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frames.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        keys, count = frames[-1] if frames else (None, [0])
        if keys is not None:
            if count[0] % 2 == 0 and isinstance(event, yaml.ScalarEvent):
                if event.value in keys:
                    raise InputError(
                        f"catalogue {path} gives the key {event.value!r} twice in "
                        "one mapping; expected each key once."
                    )
                keys.add(event.value)
            count[0] += 1
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(frames) >= MAX_DEPTH:
                raise InputError(
                    f"catalogue {path} nests deeper than {MAX_DEPTH} levels; "
                    "expected a list of products under 'products:'."
                )
            frames.append((set() if isinstance(event, yaml.MappingStartEvent) else None, [0]))
