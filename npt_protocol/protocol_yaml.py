"""Read YAML text into positioned plain values, refusing anything that could do harm."""

from __future__ import annotations

import re
from typing import Any, Literal

import attrs
import yaml

from npt_protocol.protocol import Finding

Kind = Literal["map", "seq", "scalar"]

MAX_BYTES = 1024 * 1024  # a protocol is a few kB; a megabyte is a mistake or an attack
MAX_DEPTH = 16  # the format nests six levels deep; more is never a protocol
MAX_NODES = 20_000  # caps the work a flat but huge document can cause
TAG_PREFIX = "tag:yaml.org,2002:"
# Core scalar types only: anything else (python/object, binary, merge ...) is refused unread.
_ALLOWED_TAGS = {"str", "int", "float", "bool", "null", "timestamp", "map", "seq"}
_FORBIDDEN_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@attrs.frozen
class Node:
    """A YAML value with where it starts; mappings keep every key, duplicates included."""

    kind: Kind
    value: Any  # map: tuple of (key, value) Node pairs; seq: tuple of Nodes; scalar: the value
    text: str  # a scalar as written, so messages can quote it; "" for collections
    tag: str  # resolved core tag without its prefix: str, int, float, bool, null, timestamp ...
    line: int
    column: int


class _Refused(Exception):
    """Stop reading: the document is hostile or not YAML; the finding says why."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def read_yaml(data: bytes, *, path: str) -> tuple[Node | None, list[Finding]]:
    """Decode and parse one YAML document safely; return its root node or one finding."""
    try:
        return _parse(_decode(data)), []
    except _Refused as refused:
        return None, [Finding(path, refused.line, refused.column, refused.message)]


def _decode(data: bytes) -> str:
    """Decode UTF-8 text, refusing oversize files, other encodings and control characters."""
    if len(data) > MAX_BYTES:
        raise _Refused(1, 1, f"file is larger than {MAX_BYTES // 1024} KiB; expected a "
                       "protocol of a few kilobytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise _Refused(before.count(b"\n") + 1, column,
                       f"byte 0x{data[error.start]:02x} is not UTF-8; save the file as "
                       "UTF-8") from None
    text = text.removeprefix("\ufeff")
    bad = _FORBIDDEN_CHAR.search(text)
    if bad:
        line, column = _position(text, bad.start())
        raise _Refused(line, column, f"control character U+{ord(bad.group()):04X} is not "
                       "allowed; expected printable text")
    if not text.strip():
        raise _Refused(1, 1, "file is empty; expected a protocol starting with "
                       "'schema_version: 1'")
    return text


def _position(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character index."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _parse(text: str) -> Node:
    """Build the node tree from parser events, so nothing is ever constructed or expanded."""
    loader = _LOADER(text)
    try:
        return _build(loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (error.problem or error.context or "syntax error").strip()
        raise _Refused(line, column, f"YAML syntax error: {problem}; expected well-formed "
                       "YAML (check indentation, colons and quotes)") from None
    except yaml.YAMLError as error:  # reader errors carry no mark
        raise _Refused(1, 1, f"not readable as YAML ({error}); expected well-formed YAML") \
            from None
    finally:
        loader.dispose()


def _build(loader: Any) -> Node:
    """Turn the single document's events into Nodes, iteratively, with depth and size caps."""
    stack: list[tuple[Node, list[Any]]] = []  # open collections and their children so far
    root: Node | None = None
    nodes = 0
    documents = 0
    while loader.check_event():
        event = loader.get_event()
        mark = event.start_mark
        line, column = mark.line + 1, mark.column + 1
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(line, column, "a second YAML document starts here; expected one "
                               "protocol per file")
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent,
                              yaml.DocumentEndEvent)):
            continue
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(line, column, "anchors and aliases (&name, *name) are not allowed; "
                           "expected every value written out in full")
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            open_node, children = stack.pop()
            value = tuple(zip(children[::2], children[1::2], strict=True)) \
                if open_node.kind == "map" else tuple(children)
            node = attrs.evolve(open_node, value=value)
        else:
            nodes += 1
            if nodes > MAX_NODES:
                raise _Refused(line, column, f"document has more than {MAX_NODES:,} values; "
                               "expected one protocol of a few hundred")
            if isinstance(event, yaml.ScalarEvent):
                node = _scalar(loader, event, line, column)
            else:
                kind: Kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                _check_tag(event.tag, kind, line, column)
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(line, column, f"nesting is deeper than {MAX_DEPTH} levels; "
                                   "expected the protocol layout")
                stack.append((Node(kind, None, "", kind, line, column), []))
                continue
        if stack:
            stack[-1][1].append(node)
        else:
            root = node
    if root is None:
        raise _Refused(1, 1, "file has no content; expected a protocol starting with "
                       "'schema_version: 1'")
    return root


def _check_tag(tag: str | None, kind: str, line: int, column: int) -> None:
    """Refuse explicit tags other than the core ones matching the value's kind."""
    if tag is None or tag == "!":
        return
    short = tag.removeprefix(TAG_PREFIX)
    if tag == short or short not in _ALLOWED_TAGS or (kind != "scalar") != (short in {"map",
                                                                                      "seq"}):
        shown = f"!!{short}" if tag != short else tag
        raise _Refused(line, column, f"tag {shown} is not allowed; expected plain values "
                       "(text, numbers, true/false, dates, lists and mappings)")


def _scalar(loader: Any, event: Any, line: int, column: int) -> Node:
    """Resolve a scalar to its core type the way a safe loader would, without object tags."""
    _check_tag(event.tag, "scalar", line, column)
    if event.tag and event.tag != "!":
        tag = event.tag
    elif event.tag == "!":
        tag = TAG_PREFIX + "str"
    else:
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    short = tag.removeprefix(TAG_PREFIX)
    if short not in _ALLOWED_TAGS:  # the merge key `<<` and `=` resolve to their own tags
        raise _Refused(line, column, f"{event.value!r} has special meaning in YAML; put it in "
                       "quotes to use it as text")
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
    try:
        value = _CONSTRUCT[short](loader, node)
    except (ValueError, OverflowError, TypeError):
        raise _Refused(line, column, f"{event.value!r} is not a valid {short}; expected a "
                       f"valid {short} or text in quotes") from None
    return Node("scalar", value, event.value, short, line, column)


_CONSTRUCT: dict[str, Any] = {
    "str": lambda loader, node: node.value,
    "int": lambda loader, node: loader.construct_yaml_int(node),
    "float": lambda loader, node: loader.construct_yaml_float(node),
    "bool": lambda loader, node: loader.construct_yaml_bool(node),
    "null": lambda loader, node: None,
    "timestamp": lambda loader, node: loader.construct_yaml_timestamp(node),
}
