"""Readers for sourced statements: cautions, warnings by kind, indications, aftercare, measures."""

from __future__ import annotations

from collections.abc import Iterable

from npt_protocol.protocol.measures import outcome_measures
from npt_protocol.protocol.model import WARNING_KEYS, Sourced, Warnings
from npt_protocol.reading.fields import FieldReader, describe
from npt_protocol.reading.yaml_tree import Node


def _close_matches(word: str, choices: Iterable[str], n: int, cutoff: float = 0.6) -> list[str]:
    """Suggest the nearest choices; difflib is imported only when a suggestion is needed."""
    import difflib  # noqa: PLC0415 - costs start-up time; only a finding needs it

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def read_sourced(check: FieldReader, node: Node | None, what: str) -> tuple[Sourced, ...] | None:
    """Read a list of statements, each a mapping of text and source (a list may be empty)."""
    items = check.seq(node, what, nonempty=False)
    if items is None:
        return None
    read = [_statement(check, item, f"{what}[{i}]") for i, item in enumerate(items, 1)]
    return None if None in read else tuple(s for s in read if s is not None)


def _statement(check: FieldReader, node: Node, what: str) -> Sourced | None:
    """Read one statement with its source."""
    f = check.fields(node, what, required=("text", "source"))
    if f is None:
        return None
    text = check.text(f.get("text"), f"{what} text")
    source = check.source(f.get("source"), f"{what} source")
    if text is None or source is None:
        return None
    return Sourced(text=text, source=source)


def read_statement(check: FieldReader, node: Node | None, what: str) -> Sourced | None:
    """Read a single statement with its source (for a follow-up, say)."""
    return None if node is None else _statement(check, node, what)


def unsourced(check: FieldReader, node: Node | None, what: str) -> tuple[Sourced, ...] | None:
    """Read a schema 1 list of plain texts as statements whose source the file never gave."""
    texts = check.texts(node, what)
    return None if texts is None else tuple(Sourced(text=t, source=None) for t in texts)


def read_warnings(check: FieldReader, node: Node | None) -> Warnings | None:
    """Read the warnings section: each kind a list of sourced statements, every kind optional."""
    if node is not None and node.kind != "map":
        check.add(
            node,
            f"warnings is {describe(node)}; expected a mapping of {', '.join(WARNING_KEYS)}",
        )
        return None
    f = check.fields(node, "warnings", required=(), optional=WARNING_KEYS)
    if f is None:
        return None
    kinds = {key: read_sourced(check, f.get(key), f"warnings {key}") for key in WARNING_KEYS}
    present = {key: value for key, value in kinds.items() if key in f}
    if any(value is None for value in present.values()):
        return None
    return Warnings(**{key: value for key, value in present.items() if value is not None})


def read_measure_ids(check: FieldReader, node: Node | None) -> tuple[str, ...] | None:
    """Read outcome measure ids, each one the package's outcome measure file knows, once."""
    if node is None:
        return ()
    known = outcome_measures()
    items = check.seq(node, "outcome_measures", nonempty=False)
    if items is None:
        return None
    ids: list[str] = []
    for index, item in enumerate(items, 1):
        value = check.slug(item, f"outcome_measures[{index}]")
        if value is None:
            continue
        if value not in known:
            near = _close_matches(value, list(known), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            check.add(
                item,
                f"outcome_measures[{index}] {value!r} is not a known measure; expected one of "
                f"{', '.join(known)}{hint}",
            )
        elif value in ids:
            check.add(item, f"outcome_measures lists {value!r} twice; expected each id once")
        else:
            ids.append(value)
    return tuple(ids) if len(ids) == len(items) else None
