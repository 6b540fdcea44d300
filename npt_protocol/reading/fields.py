"""Typed readers for positioned YAML values that record a finding instead of raising."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING

from npt_protocol.errors import NptError
from npt_protocol.numbers import parse_number
from npt_protocol.reading.findings import Finding
from npt_protocol.units import parse_volume

if TYPE_CHECKING:  # YAML is imported only by what reads a file, not by what reads a field
    from npt_protocol.reading.yaml_tree import Node


def _close_matches(word: str, choices: Iterable[str], n: int, cutoff: float = 0.6) -> list[str]:
    """Suggest the nearest choices; difflib is imported only when a suggestion is needed."""
    import difflib  # noqa: PLC0415 - costs start-up time; only a finding needs it

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A whole number as people write it. YAML also reads 010 as 8 (octal), 0x14 as 20, 1:00 as 60
# (base 60) and 1_000 as 1000; none of those is what a protocol's author meant to write.
PLAIN_WHOLE = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_TYPE_NAMES = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true/false",
    "null": "empty (null)",
    "timestamp": "a date",
    "map": "a mapping",
    "seq": "a list",
}


class FieldReader:
    """Collects the findings of one file while its values are read."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.sources: list[tuple[Node, str, str]] = []  # (node, what, source) checked at the end

    def add(self, node: Node, message: str) -> None:
        """Record a finding at the node's position."""
        self.findings.append(Finding(self.path, node.line, node.column, message.rstrip(".")))

    def fields(
        self, node: Node | None, what: str, *, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Node] | None:
        """Read a mapping with known keys; report unknown, duplicate and missing keys."""
        if node is None:  # missing: already reported by the mapping that should hold it
            return None
        if node.kind != "map":
            self.add(
                node, f"{what} is {describe(node)}; expected a mapping of {', '.join(required)}"
            )
            return None
        required = tuple(required)
        known = required + tuple(optional)
        found: dict[str, Node] = {}
        suggested: set[str] = set()
        for key, value in node.value:
            name = key.text if key.kind == "scalar" else ""
            if key.kind != "scalar" or key.tag != "str":
                shown = f" ({key.text})" if key.text else ""
                self.add(
                    key,
                    f"{what} has a key that is {describe(key)}{shown}; expected a "
                    "text key such as " + repr(known[0]),
                )
            elif name in found:
                self.add(
                    key,
                    f"{what} has {name!r} twice (first at line "
                    f"{found[name].line}); expected each key once",
                )
            elif name not in known:
                near = _close_matches(name, [k for k in known if k not in found], n=1, cutoff=0.6)
                expected = (
                    f"did you mean {near[0]!r}?" if near else f"expected one of {', '.join(known)}"
                )
                suggested.update(near)
                self.add(key, f"{what} has unknown key {name!r}; {expected}")
            else:
                found[name] = value
        for name in required:
            if name not in found and name not in suggested:
                self.add(node, f"{what} is missing {name!r}; expected {name}: ... here")
        return found

    def text(self, node: Node | None, what: str, *, optional: bool = False) -> str | None:
        """Read non-empty text; null is accepted only when optional."""
        if node is None or (optional and node.tag == "null"):
            return None
        if node.kind == "scalar" and node.tag == "str" and node.value.strip():
            return str(node.value).strip()
        if node.kind == "scalar" and node.tag == "str":
            self.add(node, f"{what} is empty; expected text")
        elif node.kind == "scalar" and node.tag != "null":
            self.add(
                node,
                f"{what} is {describe(node)} ({node.text}); expected text, so put "
                f'it in quotes: "{node.text}"',
            )
        else:
            self.add(node, f"{what} is {describe(node)}; expected text")
        return None

    def texts(self, node: Node | None, what: str) -> tuple[str, ...] | None:
        """Read a list of non-empty texts (an empty list is allowed)."""
        items = self.seq(node, what, nonempty=False)
        if items is None:
            return None
        values = [self.text(item, f"{what}[{index}]") for index, item in enumerate(items, 1)]
        return None if None in values else tuple(v for v in values if v is not None)

    def choice(self, node: Node | None, what: str, choices: Iterable[str]) -> str | None:
        """Read one of a fixed set of words."""
        choices = tuple(choices)
        value = self.text(node, what)
        if value is None or node is None:
            return None
        if value not in choices:
            near = _close_matches(value, choices, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            self.add(
                node, f"{what} {value!r} is not allowed; expected one of {', '.join(choices)}{hint}"
            )
            return None
        return value

    def slug(self, node: Node | None, what: str) -> str | None:
        """Read an id of lower-case letters, digits and single hyphens."""
        value = self.text(node, what)
        if value is not None and node is not None and not SLUG.match(value):
            self.add(
                node,
                f"{what} {value!r} is not a valid id; expected lower-case letters, "
                "digits and single hyphens, such as 'knee' or 'medial-tendon'",
            )
            return None
        return value

    def integer(self, node: Node | None, what: str, *, minimum: int) -> int | None:
        """Read a whole number no smaller than minimum (true/false are not numbers)."""
        if node is None:
            return None
        if node.kind != "scalar" or node.tag != "int":
            shown = f" ({node.text})" if node.text else ""
            self.add(
                node,
                f"{what} is {describe(node)}{shown}; expected a whole number of at least {minimum}",
            )
            return None
        value: int = node.value
        if not PLAIN_WHOLE.match(node.text):
            self.add(
                node,
                f"{what} is written {node.text!r}, which YAML reads as {value:,} "
                f"({_number_form(node.text)}); expected plain digits such as {max(minimum, 10)}",
            )
            return None
        if value < minimum:
            self.add(node, f"{what} is {value}; expected a whole number of at least {minimum}")
            return None
        return value

    def number(self, node: Node | None, what: str, *, zero: bool = False) -> Fraction | None:
        """Read a plain decimal number as written (quoted or not), exactly; zero only when
        allowed. A number YAML would read otherwise (octal 010, hexadecimal 0x14, base 60
        1:00, 1_000) is refused, so no one reads a different value from the one written."""
        if node is None:
            return None
        if node.kind != "scalar" or node.tag not in {"str", "int", "float"}:
            self.add(node, f"{what} is {describe(node)}; expected a number such as 10 or 0.5")
            return None
        try:
            value = parse_number(node.text, what=what)
        except NptError as error:
            self.add(node, str(error))
            return None
        if node.tag in {"int", "float"} and Fraction(str(node.value)) != value:
            self.add(
                node,
                f"{what} {node.text!r} is read by YAML as {node.value}, not {node.text}; "
                "expected a plain decimal such as 10 or 0.5",
            )
            return None
        if value == 0 and not zero:
            self.add(node, f"{what} is zero; expected a number above 0")
            return None
        return value

    def volume(self, node: Node | None, what: str) -> Fraction | None:
        """Read a volume with its unit, such as '0.5 mL', into exact mL."""
        if node is None:
            return None
        if node.kind != "scalar" or node.tag not in {"str", "int", "float"}:
            self.add(node, f"{what} is {describe(node)}; expected a volume such as 0.5 mL")
            return None
        try:
            return _volume(node.text)
        except NptError:
            try:  # parse again to get the message naming this field; the cache has no `what`
                parse_volume(node.text, what=what)
            except NptError as error:
                message = str(error).rstrip(".")
                if "; " not in message:  # the parser's message may not name what is accepted
                    message += "; expected a volume such as 0.5 mL"
                self.add(node, message)
            return None

    def date(self, node: Node | None, what: str) -> datetime.date | None:
        """Read a calendar date written YYYY-MM-DD (quoted or not); null gives None."""
        if node is None or node.tag == "null":
            return None
        value = node.value
        if node.tag == "str":
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                value = None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        kind = "a date and time" if isinstance(value, datetime.datetime) else describe(node)
        self.add(node, f"{what} is {kind} ({node.text}); expected a date written YYYY-MM-DD")
        return None

    def seq(self, node: Node | None, what: str, *, nonempty: bool) -> tuple[Node, ...] | None:
        """Read a list, optionally requiring at least one item."""
        if node is None:
            return None
        if node.kind != "seq":
            self.add(node, f"{what} is {describe(node)}; expected a list")
            return None
        if nonempty and not node.value:
            self.add(node, f"{what} is an empty list; expected at least one item")
            return None
        items: tuple[Node, ...] = node.value
        return items

    def source(self, node: Node | None, what: str) -> str | None:
        """Read a source: a reference id or practice-default, checked once references are read."""
        value = self.text(node, what)
        if value is not None and node is not None:
            self.sources.append((node, what, value))
        return value


def unique_ids(check: FieldReader, items: tuple[Node, ...], what: str, where: str = "") -> None:
    """Report every item whose id an earlier item already uses, read even from broken items."""
    seen: dict[str, int] = {}
    for item in items:
        if item.kind != "map":
            continue
        node = next((v for k, v in item.value if k.text == "id" and k.tag == "str"), None)
        if node is None or node.tag != "str":
            continue
        if node.value in seen:
            check.add(
                node,
                f"duplicate {what} {node.value!r}{where} (first at line "
                f"{seen[node.value]}); expected each id once",
            )
        else:
            seen[node.value] = node.line


def _number_form(text: str) -> str:
    """Name the YAML number form a whole number was written in."""
    body = text.lstrip("+-")
    if ":" in body:
        return "base 60"
    if body[:2].lower() == "0x":
        return "hexadecimal"
    if body[:2].lower() == "0b":
        return "binary"
    if "_" in body:
        return "digits with underscores"
    if body[:1] == "0":
        return "octal"
    return "a signed number"


@functools.lru_cache(maxsize=4096)
def _volume(text: str) -> Fraction:
    """Parse a volume once per distinct text: the same few volumes recur in every file."""
    return parse_volume(text)


def describe(node: Node) -> str:
    """Name what kind of value a node is, for messages."""
    return _TYPE_NAMES.get(node.tag, node.tag)
