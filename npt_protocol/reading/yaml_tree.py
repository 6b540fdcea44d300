"""Read YAML text into positioned plain values, refusing anything that could do harm."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import yaml

from npt_protocol.reading.findings import Finding

Kind = Literal["map", "seq", "scalar"]

MAX_BYTES = 1024 * 1024  # a protocol is a few kB; a megabyte is a mistake or an attack
MAX_DEPTH = 16  # the format nests six levels deep; more is never a protocol
MAX_NODES = 20_000  # caps the work a flat but huge document can cause
TAG_PREFIX = "tag:yaml.org,2002:"
# Core scalar types only: anything else (python/object, binary, merge ...) is refused unread.
_ALLOWED_TAGS = {"str", "int", "float", "bool", "null", "timestamp", "map", "seq"}
# Characters YAML itself forbids; found here first so the message can name the position.
_FORBIDDEN_CHAR = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
# YAML reads NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR as line breaks, where an editor shows
# none: inside a value they could start a key that nobody sees.
_HIDDEN_BREAK = re.compile("[\x85\u2028\u2029]")
_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Node(NamedTuple):
    """A YAML value with where it starts; mappings keep every key, duplicates included."""

    kind: Kind
    value: Any  # map: tuple of (key, value) Node pairs; seq: tuple of Nodes; scalar: the value
    text: str  # a scalar as written, so messages can quote it; "" for collections
    tag: str  # resolved core tag without its prefix: str, int, float, bool, null, timestamp ...
    line: int
    column: int


class _RefusedError(Exception):
    """Stop reading: the document is hostile or not YAML; the finding says why."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@dataclass(frozen=True)
class Contents:
    """What a file holds, for messages: 'a protocol', starting with 'schema_version: 1'."""

    name: str
    start: str


PROTOCOL = Contents("protocol", "schema_version: 1")
CATALOGUE = Contents("catalogue", "products:")


def read_yaml(
    data: bytes, *, path: str, document: Contents = PROTOCOL
) -> tuple[Node | None, list[Finding]]:
    """Decode and parse one YAML document safely; return its root node or one finding."""
    try:
        return _parse(_decode(data, document), document), []
    except _RefusedError as refused:
        return None, [Finding(path, refused.line, refused.column, refused.message)]


def _decode(data: bytes, document: Contents) -> str:
    """Decode UTF-8 text, refusing oversize files, other encodings and control characters."""
    if len(data) > MAX_BYTES:
        raise _RefusedError(
            1,
            1,
            f"file is larger than {MAX_BYTES // 2**20} MiB; expected a {document.name} of a few "
            "kilobytes",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise _RefusedError(
            before.count(b"\n") + 1,
            column,
            f"byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff")
    bad = _FORBIDDEN_CHAR.search(text)
    if bad:
        line, column = _position(text, bad.start())
        raise _RefusedError(
            line,
            column,
            f"control character U+{ord(bad.group()):04X} is not allowed; expected printable text",
        )
    hidden = _HIDDEN_BREAK.search(text)
    if hidden:
        line, column = _position(text, hidden.start())
        raise _RefusedError(
            line,
            column,
            f"U+{ord(hidden.group()):04X} is a line break to YAML that editors do not show; "
            "expected ordinary line breaks only (remove it or write a space)",
        )
    if not text.strip():
        raise _RefusedError(
            1, 1, f"file is empty; expected a {document.name} starting with '{document.start}'"
        )
    return text


def _position(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character index."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _parse(text: str, document: Contents) -> Node:
    """Build the node tree from parser events, so nothing is ever constructed or expanded."""
    loader = _LOADER(text)
    try:
        return _build(loader, document)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (error.problem or error.context or "syntax error").strip()
        if "nesting depth" in problem:
            # libyaml's scanner reads ahead through flow collections and stops at its own limit
            # before the events reach the depth cap below: the same finding either way.
            raise _RefusedError(
                line,
                column,
                f"nesting is deeper than {MAX_DEPTH} levels; expected the {document.name} layout",
            ) from None
        raise _RefusedError(
            line,
            column,
            f"YAML syntax error: {problem}; expected well-formed "
            "YAML (check indentation, colons and quotes)",
        ) from None
    except yaml.YAMLError as error:  # reader errors carry no mark
        raise _RefusedError(
            1, 1, f"not readable as YAML ({error}); expected well-formed YAML"
        ) from None
    finally:
        loader.dispose()


def _build(loader: Any, document: Contents) -> Node:
    """Turn the single document's events into Nodes, iteratively, with depth and size caps."""
    stack: list[tuple[Kind, int, int, list[Node]]] = []  # open collections and their children
    root: Node | None = None
    nodes = documents = 0
    while loader.check_event():
        event = loader.get_event()
        kind = type(event)
        if kind in _SKIPPED:
            continue
        mark = event.start_mark
        line, column = mark.line + 1, mark.column + 1
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _RefusedError(
                    line,
                    column,
                    f"a second YAML document starts here; expected one {document.name} per file",
                )
            continue
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            open_kind, open_line, open_column, children = stack.pop()
            value = (
                tuple(zip(children[::2], children[1::2], strict=True))
                if open_kind == "map"
                else tuple(children)
            )
            node = Node(open_kind, value, "", open_kind, open_line, open_column)
        else:
            if kind is yaml.AliasEvent or event.anchor is not None:
                raise _RefusedError(
                    line,
                    column,
                    "anchors and aliases (&name, *name) are not "
                    "allowed; expected every value written out in full",
                )
            nodes += 1
            if nodes > MAX_NODES:
                raise _RefusedError(
                    line,
                    column,
                    f"document has more than {MAX_NODES:,} values; "
                    f"expected one {document.name} of a few hundred",
                )
            if kind is yaml.ScalarEvent:
                node = _scalar(loader, event, line, column)
            else:
                opened: Kind = "map" if kind is yaml.MappingStartEvent else "seq"
                if event.tag is not None:
                    _check_tag(event.tag, opened, line, column)
                if len(stack) >= MAX_DEPTH:
                    raise _RefusedError(
                        line,
                        column,
                        f"nesting is deeper than {MAX_DEPTH} levels; "
                        f"expected the {document.name} layout",
                    )
                stack.append((opened, line, column, []))
                continue
        if stack:
            stack[-1][3].append(node)
        else:
            root = node
    if root is None:
        raise _RefusedError(
            1,
            1,
            f"file has no content; expected a {document.name} starting with '{document.start}'",
        )
    return root


_SKIPPED = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)


def _check_tag(tag: str | None, kind: str, line: int, column: int) -> None:
    """Refuse explicit tags other than the core ones matching the value's kind."""
    if tag is None or tag == "!":
        return
    short = tag.removeprefix(TAG_PREFIX)
    if (
        tag == short
        or short not in _ALLOWED_TAGS
        or (kind != "scalar") != (short in {"map", "seq"})
    ):
        shown = f"!!{short}" if tag != short else tag
        raise _RefusedError(
            line,
            column,
            f"tag {shown} is not allowed; expected plain values "
            "(text, numbers, true/false, dates, lists and mappings)",
        )


def _scalar(loader: Any, event: Any, line: int, column: int) -> Node:
    """Resolve a scalar to its core type the way a safe loader would, without object tags."""
    if event.tag is None:
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    elif event.tag == "!":
        tag = TAG_PREFIX + "str"
    else:
        _check_tag(event.tag, "scalar", line, column)
        tag = event.tag
    short = tag.removeprefix(TAG_PREFIX)
    if short == "str":  # most scalars: nothing to construct
        return Node("scalar", event.value, event.value, "str", line, column)
    if short not in _ALLOWED_TAGS:  # the merge key `<<` and `=` resolve to their own tags
        raise _RefusedError(
            line,
            column,
            f"{event.value!r} has special meaning in YAML; put it in quotes to use it as text",
        )
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
    try:
        value = _CONSTRUCT[short](loader, node)
    except (ValueError, OverflowError, TypeError):
        # 2024-02-30 or a 5,000-digit number: keep the text, so the field's own check reports it.
        value, short = event.value, "str"
    return Node("scalar", value, event.value, short, line, column)


_CONSTRUCT: dict[str, Any] = {
    "str": lambda loader, node: node.value,
    "int": lambda loader, node: loader.construct_yaml_int(node),
    "float": lambda loader, node: loader.construct_yaml_float(node),
    "bool": lambda loader, node: loader.construct_yaml_bool(node),
    "null": lambda loader, node: None,
    "timestamp": lambda loader, node: loader.construct_yaml_timestamp(node),
}
