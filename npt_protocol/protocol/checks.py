"""Rules that span sections of a protocol: cited sources exist, typical sessions fit the limits."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from npt_protocol.ismp import format_volume
from npt_protocol.protocol.model import PRACTICE_DEFAULT, Limits, Nerve
from npt_protocol.reading.fields import FieldReader
from npt_protocol.reading.yaml_tree import Node


def _close_matches(word: str, choices: Iterable[str], n: int, cutoff: float = 0.6) -> list[str]:
    """Suggest the nearest choices; difflib is imported only when a suggestion is needed."""
    import difflib  # noqa: PLC0415 - costs start-up time; only a finding needs it

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def check_sources(check: FieldReader, reference_ids: set[str]) -> None:
    """Report each source that is neither practice-default nor the id of a reference."""
    known = sorted(reference_ids)
    for node, what, source in check.sources:
        if source == PRACTICE_DEFAULT or source in reference_ids:
            continue
        near = _close_matches(source, [*known, PRACTICE_DEFAULT], n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        listed = ", ".join(known) if known else "none"
        check.add(
            node,
            f"{what} {source!r} names no reference; expected {PRACTICE_DEFAULT} "
            f"or a reference id ({listed}){hint}",
        )


def check_totals(
    check: FieldReader, nerves: tuple[Nerve, ...], limits: Limits, limits_node: Node
) -> None:
    """Report a typical session whose points or volume exceed the protocol's own limits."""
    points = sum(point.count.typical for nerve in nerves for point in nerve.points)
    volume = sum(
        (
            point.count.typical * point.volume.default_ml
            for nerve in nerves
            for point in nerve.points
        ),
        Fraction(0),
    )
    if points > limits.max_points:
        check.add(
            _value(limits_node, "max_points"),
            f"typical points add up to {points}, more than limits max_points "
            f"{limits.max_points}; expected max_points of at least {points} or fewer "
            "typical points",
        )
    if volume > limits.max_volume_ml:
        check.add(
            _value(limits_node, "max_volume"),
            f"typical volume adds up to {format_volume(volume)}, more than limits "
            f"max_volume {format_volume(limits.max_volume_ml)}; expected max_volume of "
            f"at least {format_volume(volume)} or smaller typical volumes",
        )


def _value(mapping: Node, key: str) -> Node:
    """Return the value node of a key that is known to be present."""
    value: Node = next(value for name, value in mapping.value if name.text == key)
    return value
