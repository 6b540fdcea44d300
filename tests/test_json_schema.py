"""The JSON contract as files: every command's JSON names its schema and validates against the
schema file shipped in the package; units in keys are spelled `_mL`; docs/json-schema.md
describes every schema file and every top-level field of each."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from tests.sessions import shipped

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test dependency")
referencing = pytest.importorskip("referencing", reason="jsonschema>=4.18 brings referencing")

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "npt_protocol" / "schemas"
DOC = (ROOT / "docs" / "json-schema.md").read_text(encoding="utf-8")


def schemas() -> dict[str, dict[str, Any]]:
    """Return every shipped schema by the name its documents carry in `schema`."""
    found = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found[schema["properties"]["schema"]["const"]] = schema
    return found


def validator(schema_id: str) -> Any:
    """Return a validator for one schema, with the others to resolve its references."""
    registry = referencing.Registry().with_resources(
        (s["$id"], referencing.Resource.from_contents(s)) for s in schemas().values()
    )
    return jsonschema.Draft202012Validator(schemas()[schema_id], registry=registry)


def npt_json(args: list[str], tmp_path: Path, code: int = 0) -> Any:
    """Run a command with --format json and return what it printed."""
    result = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def keys(value: Any) -> Iterator[str]:
    """Yield every key of a JSON value, at every depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys(item)


PROTOCOLS = sorted(shipped())


def commands(tmp_path: Path) -> list[list[str]]:
    """Every command that prints JSON, with inputs that reach its optional fields."""
    log = str(tmp_path / "prep.log")
    return [
        ["prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50", "--log", log],
        [
            "prepare",
            "dextrose 20% + lidocaine 0.1%",
            "--volume",
            "10mL",
            "--from",
            "D50",
            "--from",
            "lidocaine-1",
            "--weight",
            "70kg",
        ],
        ["check", "dextrose 5%", "D50=6mL", "SWFI=54mL", "--log", log],
        ["products"],
        ["protocols", "list"],
        *[["protocols", "show", pid] for pid in PROTOCOLS],
        *[["checklist", pid, "--side", "right"] for pid in PROTOCOLS],
        ["checklist", "knee"],
        ["checklist", "knee", "--side", "bilateral", "--patient", "PT-0042"],
        ["session", "--region", "knee:left", "--region", "shoulder:right", "--weight", "70kg"],
        ["session", "--region", "ankle-achilles:bilateral", "--patient", "PT-1", "--log", log],
        ["label", "--region", "knee:bilateral", "--patient", "PT-1", "--log", log, "--by", "A"],
        ["label", "--region", "hydrodissection-carpal-tunnel:left", "--stock", "51x25"],
        ["log", "show", log],
        ["config", "show"],
    ]


def test_every_schema_file_is_a_valid_json_schema() -> None:
    found = schemas()
    assert len(found) == len(list(SCHEMAS.glob("*.json")))  # no two files share an id
    for name, schema in found.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"urn:npt:schema:{name}"


def test_every_command_prints_json_that_its_schema_accepts(tmp_path: Path) -> None:
    used = set()
    for args in commands(tmp_path):
        data = npt_json(args, tmp_path)
        assert isinstance(data, dict), args
        schema_id = data["schema"]
        errors = sorted(validator(schema_id).iter_errors(data), key=lambda e: list(e.path))
        assert not errors, (args, [f"{list(e.path)}: {e.message}" for e in errors[:5]])
        # One spelling of units in keys: mL, never ml.
        assert not [k for k in keys(data) if re.search(r"_ml\b|_ml_", k)], args
        used.add(schema_id)
    assert used == set(schemas())


def test_a_schema_refuses_what_its_command_would_never_print(tmp_path: Path) -> None:
    data = npt_json(["label", "--region", "knee:left"], tmp_path)
    check = validator("npt.labels/1")
    assert check.is_valid(data)
    assert not check.is_valid({**data, "schema": "npt.labels/2"})
    assert not check.is_valid({**data, "extra": 1})
    broken = json.loads(json.dumps(data))
    broken["labels"][0]["volume_mL"] = "5 mL"
    assert not check.is_valid(broken)
    del broken["labels"][0]["volume_mL"]
    assert not check.is_valid(broken)


def _section(schema_id: str) -> str:
    """Return the part of docs/json-schema.md that describes one schema."""
    heading = re.search(rf"^## .*`{re.escape(schema_id)}`.*$", DOC, re.MULTILINE)
    assert heading, f"docs/json-schema.md has no heading naming {schema_id}"
    rest = DOC[heading.end() :]
    following = re.search(r"^## ", rest, re.MULTILINE)
    return rest[: following.start()] if following else rest


@pytest.mark.parametrize("schema_id", sorted(schemas()))
def test_the_docs_describe_every_field_of_every_schema(schema_id: str) -> None:
    section = _section(schema_id)
    file = next(
        p.name
        for p in SCHEMAS.glob("*.json")
        if json.loads(p.read_text())["$id"] == f"urn:npt:schema:{schema_id}"
    )
    assert f"npt_protocol/schemas/{file}" in section
    for field in schemas()[schema_id]["properties"]:
        assert f"`{field}`" in section, f"{schema_id}: `{field}` is not described"
