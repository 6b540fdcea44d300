"""Load protocol files: safe YAML in, a validated Protocol or every finding of the file out."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import attrs

from npt_protocol.catalogue.products import Catalogue, shipped_catalogue
from npt_protocol.errors import ProtocolError
from npt_protocol.ismp import format_count
from npt_protocol.protocol.checks import check_sources, check_totals
from npt_protocol.protocol.course import read_course
from npt_protocol.protocol.loaded import Loaded
from npt_protocol.protocol.model import (
    SCHEMA_VERSION,
    SCHEMA_VERSIONS,
    SIDES,
    STATUSES,
    Protocol,
    Warnings,
)
from npt_protocol.protocol.nerves import read_nerves
from npt_protocol.protocol.sections import (
    read_chart,
    read_limits,
    read_references,
    read_solution,
    read_technique,
)
from npt_protocol.protocol.statements import (
    read_measure_ids,
    read_sourced,
    read_warnings,
    unsourced,
)
from npt_protocol.reading.fields import FieldReader, describe
from npt_protocol.reading.yaml_tree import MAX_BYTES, Node, read_yaml

_COMMON = (
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
)
# Required and optional top-level keys of each schema version.
_TOP = {
    1: (
        (
            *_COMMON,
            "precautions",
            "contraindications",
            "aftercare",
            "course",
            "references",
            "notes",
        ),
        ("reviewed_by", "reviewed_on"),
    ),
    2: (
        (*_COMMON, "warnings", "aftercare", "course", "references", "notes"),
        ("reviewed_by", "reviewed_on", "cautions", "indications", "outcome_measures"),
    ),
    3: (
        (*_COMMON, "warnings", "aftercare", "course", "references", "notes", "chart"),
        ("reviewed_by", "reviewed_on", "cautions", "indications", "outcome_measures"),
    ),
}


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
            f"Protocol file {path} has {format_count(count, 'problem')}, "
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
    top = _top(check, root)
    fields = None if top is None else top[0]
    protocol = None if top is None else _protocol(check, top[0], top[1], catalogue)
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


def _top(check: FieldReader, root: Node) -> tuple[dict[str, Node], int] | None:
    """Read the top-level mapping by the rules of its schema_version.

    Stops early on a version this code cannot read. When the version is missing or not a number
    (itself a finding), the file's keys say which rules to check the rest by.
    """
    if root.kind != "map":
        held = "only null" if root.tag == "null" else describe(root)
        check.add(
            root,
            f"the file holds {held}; expected a mapping of keys such as "
            "schema_version, id and title",
        )
        return None
    keys = {k.text for k, _ in root.value if k.kind == "scalar"}
    node = next(
        (v for k, v in root.value if k.kind == "scalar" and k.text == "schema_version"), None
    )
    *earlier, last = (str(v) for v in SCHEMA_VERSIONS)
    supported = f"{', '.join(earlier)} or {last}"
    if node is not None and node.tag == "int" and node.value not in SCHEMA_VERSIONS:
        # A newer format would only produce noise when read with these rules.
        check.add(
            node,
            f"schema_version {node.value} is not supported; expected {supported} "
            "(a newer npt may read this file)",
        )
        return None
    if node is not None and node.tag == "int":
        version = int(node.value)
    else:
        version = 3 if "chart" in keys else 2 if "warnings" in keys else 1
    required, optional = _TOP[version]
    fields = check.fields(root, "protocol", required=required, optional=optional)
    return None if fields is None else (fields, version)


def _protocol(
    check: FieldReader, f: dict[str, Node], version: int, catalogue: Catalogue | None
) -> Protocol | None:
    """Read every part of the protocol, then the rules that span parts."""
    node = f.get("schema_version")
    if node is not None and node.tag != "int":
        check.add(
            node,
            f"schema_version is {describe(node)}; expected the number {SCHEMA_VERSION}, unquoted",
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
        "schema_version": version,
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
        "nerves": read_nerves(check, f.get("nerves"), version=version),
        "limits": read_limits(check, f.get("limits"), version=version),
        "course": read_course(check, f.get("course"), version=version),
        "references": read_references(check, f.get("references")),
        "notes": check.text(f.get("notes"), "notes"),
        **(_statements_v1(check, f) if version == 1 else _statements_v2(check, f)),
        "chart": read_chart(check, f.get("chart")) if version >= 3 else None,
    }
    if parts["references"] is not None:
        check_sources(check, {ref.id for ref in parts["references"]})
    if parts["nerves"] is not None and parts["limits"] is not None:
        check_totals(check, parts["nerves"], parts["limits"], f["limits"])
    optional = {"reviewed_by", "reviewed_on"} | ({"chart"} if version < 3 else set())
    if any(v is None for k, v in parts.items() if k not in optional):
        return None
    return Protocol(**parts)


def _statements_v1(check: FieldReader, f: dict[str, Node]) -> dict[str, Any]:
    """Read schema 1's plain lists: precautions and contraindications keep their own kind."""
    precautions = unsourced(check, f.get("precautions"), "precautions")
    contraindications = unsourced(check, f.get("contraindications"), "contraindications")
    warnings = (
        None
        if precautions is None or contraindications is None
        else Warnings(precautions=precautions, contraindications=contraindications)
    )
    return {"warnings": warnings, "aftercare": unsourced(check, f.get("aftercare"), "aftercare")}


def _statements_v2(check: FieldReader, f: dict[str, Node]) -> dict[str, Any]:
    """Read schema 2's sourced statements: warnings by kind, cautions, indications, measures."""
    return {
        "warnings": read_warnings(check, f.get("warnings")),
        "aftercare": read_sourced(check, f.get("aftercare"), "aftercare"),
        "cautions": read_sourced(check, f.get("cautions"), "cautions") if "cautions" in f else (),
        "indications": (
            read_sourced(check, f.get("indications"), "indications") if "indications" in f else ()
        ),
        "outcome_measures": read_measure_ids(check, f.get("outcome_measures")),
    }


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
