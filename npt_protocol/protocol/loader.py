"""Load protocol files: safe YAML in, a validated Protocol or every finding of the file out."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import attrs

from npt_protocol.catalogue.products import Catalogue, shipped_catalogue
from npt_protocol.errors import ProtocolError
from npt_protocol.protocol.checks import check_sources, check_totals
from npt_protocol.protocol.model import SCHEMA_VERSION, SIDES, STATUSES, Protocol
from npt_protocol.protocol.nerves import read_nerves
from npt_protocol.protocol.sections import (
    read_course,
    read_limits,
    read_references,
    read_solution,
    read_technique,
)
from npt_protocol.reading.fields import FieldReader, describe
from npt_protocol.reading.findings import Finding
from npt_protocol.reading.yaml_tree import MAX_BYTES, Node, read_yaml

_TOP = (
    "schema_version",
    "id",
    "title",
    "region",
    "sides",
    "status",
    "version",
    "solution",
    "technique",
    "nerves",
    "limits",
    "precautions",
    "contraindications",
    "aftercare",
    "course",
    "references",
    "notes",
)


@attrs.frozen
class Loaded:
    """The outcome of checking one file: a Protocol when there are no findings."""

    path: str
    protocol: Protocol | None
    findings: tuple[Finding, ...]
    id: str | None = None  # read even from an invalid file, to find duplicates and overrides
    id_line: int = 1
    id_column: int = 1


def read_file(path: Path) -> bytes:
    """Read at most one byte more than the size cap, so a huge file costs nothing."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ProtocolError(
            f"Protocol file {path} cannot be read ({reason}); expected a readable YAML file."
        ) from None


def check_file(path: Path, *, origin: str = "", catalogue: Catalogue | None = None) -> Loaded:
    """FieldReader one protocol file; raise ProtocolError only when it cannot be read at all."""
    return check_bytes(
        read_file(path), path=str(path), origin=origin, file=Path(path), catalogue=catalogue
    )


def load_file(path: Path, *, origin: str = "", catalogue: Catalogue | None = None) -> Protocol:
    """Load one protocol file, raising ProtocolError that quotes its first finding."""
    loaded = check_file(path, origin=origin, catalogue=catalogue)
    if loaded.protocol is None:
        count = len(loaded.findings)
        raise ProtocolError(
            f"Protocol file {path} has {count} problem{'s' * (count != 1)}, "
            f"first {loaded.findings[0]}; fix it (npt protocols validate "
            "lists them all)."
        )
    return loaded.protocol


def check_bytes(
    data: bytes,
    *,
    path: str = "<protocol>",
    origin: str = "",
    file: Path | None = None,
    catalogue: Catalogue | None = None,
) -> Loaded:
    """FieldReader a protocol's bytes and build its model when nothing is wrong."""
    root, findings = read_yaml(data, path=path)
    if root is None:
        return Loaded(path, None, tuple(findings))
    check = FieldReader(path)
    fields = _top(check, root)
    protocol = None if fields is None else _protocol(check, fields, catalogue)
    id_node = (fields or {}).get("id")
    found = tuple(sorted(check.findings, key=lambda f: (f.line, f.column)))
    if protocol is not None and not found:
        protocol = attrs.evolve(
            protocol, origin=origin, path=file, sha256=hashlib.sha256(data).hexdigest()
        )
    else:
        protocol = None
    if id_node is None or id_node.tag != "str":
        return Loaded(path, protocol, found)
    return Loaded(
        path, protocol, found, id=id_node.value, id_line=id_node.line, id_column=id_node.column
    )


def _top(check: FieldReader, root: Node) -> dict[str, Node] | None:
    """Read the top-level mapping, stopping early on a schema_version this code cannot read."""
    if root.kind != "map":
        held = "only null" if root.tag == "null" else describe(root)
        check.add(
            root,
            f"the file holds {held}; expected a mapping of keys such as "
            "schema_version, id and title",
        )
        return None
    version = next(
        (v for k, v in root.value if k.kind == "scalar" and k.text == "schema_version"), None
    )
    if version is not None and version.tag == "int" and version.value != SCHEMA_VERSION:
        # A newer format would only produce noise when read with these rules.
        check.add(
            version,
            f"schema_version {version.value} is not supported; expected "
            f"{SCHEMA_VERSION} (a newer npt may read this file)",
        )
        return None
    return check.fields(root, "protocol", required=_TOP, optional=("reviewed_by", "reviewed_on"))


def _protocol(
    check: FieldReader, f: dict[str, Node], catalogue: Catalogue | None
) -> Protocol | None:
    """Read every part of the protocol, then the rules that span parts."""
    version = f.get("schema_version")
    if version is not None and version.tag != "int":
        check.add(
            version,
            f"schema_version is {describe(version)}; expected the number "
            f"{SCHEMA_VERSION}, unquoted",
        )
    sides = _sides(check, f.get("sides"))
    status = check.choice(f.get("status"), "status", STATUSES)
    reviewed_by = check.text(f.get("reviewed_by"), "reviewed_by", optional=True)
    reviewed_on = check.date(f.get("reviewed_on"), "reviewed_on")
    if status == "reviewed" and (reviewed_by is None or reviewed_on is None):
        missing = " and ".join(
            k for k, v in (("reviewed_by", reviewed_by), ("reviewed_on", reviewed_on)) if v is None
        )
        verb = "are" if " and " in missing else "is"
        check.add(
            f["status"],
            f"status is reviewed but {missing} {verb} not given; expected the "
            "reviewer's name and the date (YYYY-MM-DD), or status template",
        )
    parts: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": check.slug(f.get("id"), "id"),
        "title": check.text(f.get("title"), "title"),
        "region": check.text(f.get("region"), "region"),
        "sides": sides,
        "status": status,
        "version": check.text(f.get("version"), "version"),
        "reviewed_by": reviewed_by,
        "reviewed_on": reviewed_on,
        "solution": read_solution(check, f.get("solution"), catalogue or shipped_catalogue()),
        "technique": read_technique(check, f.get("technique")),
        "nerves": read_nerves(check, f.get("nerves")),
        "limits": read_limits(check, f.get("limits")),
        "precautions": check.texts(f.get("precautions"), "precautions"),
        "contraindications": check.texts(f.get("contraindications"), "contraindications"),
        "aftercare": check.texts(f.get("aftercare"), "aftercare"),
        "course": read_course(check, f.get("course")),
        "references": read_references(check, f.get("references")),
        "notes": check.text(f.get("notes"), "notes"),
    }
    if parts["references"] is not None:
        check_sources(check, {ref.id for ref in parts["references"]})
    if parts["nerves"] is not None and parts["limits"] is not None:
        check_totals(check, parts["nerves"], parts["limits"], f["limits"])
    optional = {"reviewed_by", "reviewed_on"}
    if any(v is None for k, v in parts.items() if k not in optional):
        return None
    return Protocol(**parts)


def _sides(check: FieldReader, node: Node | None) -> tuple[str, ...] | None:
    """Read the sides that can be chosen, each once."""
    items = check.seq(node, "sides", nonempty=True)
    if items is None:
        return None
    sides = [check.choice(item, f"sides[{i}]", SIDES) for i, item in enumerate(items, 1)]
    for index, item in enumerate(items):
        if sides[index] is not None and sides[index] in sides[:index]:
            check.add(item, f"sides lists {sides[index]!r} twice; expected each side once")
    return None if None in sides else tuple(s for s in sides if s is not None)
