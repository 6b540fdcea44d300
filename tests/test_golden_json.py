"""Golden files for the JSON of every command whose output does not depend on the machine: each
is validated against its schema, then compared with its golden file (the time a document was
made is left out). Regenerate with NPT_UPDATE_GOLDEN=1 and read the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from tests.test_json_schema import validator

GOLDEN = Path(__file__).with_name("golden") / "json"
ROOT = str(Path(__file__).resolve().parents[1])
AT = ["--prepared-at", "2026-11-25T09:00+00:00"]
COMMANDS: dict[str, list[str]] = {
    "prepare": ["prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50"],
    "check": ["check", "dextrose 5%", "D50=7mL", "SWFI=53mL"],
    "products": ["products"],
    "protocols-list": ["protocols", "list"],
    "protocols-show-knee": ["protocols", "show", "knee"],
    "checklist-knee-bedside": ["checklist", "knee", "--side", "left", "--patient", "PT-0042"],
    "session-knee-shoulder": [
        "session",
        "--region",
        "knee:left",
        "--region",
        "shoulder:right",
        "--weight",
        "70kg",
        "--patient",
        "PT-0042",
        *AT,
    ],
    "label-knee-bilateral": [
        "label",
        "--region",
        "knee:bilateral",
        "--patient",
        "PT-0042",
        "--stock",
        "51x25",
        *AT,
    ],
}


def _stable(data: Any) -> Any:
    """Leave out what changes from run to run and checkout to checkout: the time a document was
    made, and the folder the shipped protocols are read from."""
    if isinstance(data, dict):
        return {k: _stable(v) for k, v in data.items() if k != "generated_at"}
    if isinstance(data, list):
        return [_stable(v) for v in data]
    if isinstance(data, str):
        return data.replace(ROOT, "<checkout>")
    return data


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_json_matches_its_golden_file(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("", encoding="utf-8")
    monkeypatch.setenv("NPT_CONFIG", str(settings))
    result = CliRunner().invoke(cli, [*COMMANDS[name], "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert validator(data["schema"]).is_valid(data)
    produced = json.dumps(_stable(data), indent=2, ensure_ascii=False) + "\n"
    path = GOLDEN / f"{name}.json"
    if os.environ.get("NPT_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(produced, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with NPT_UPDATE_GOLDEN=1 once"
    assert produced == path.read_text(encoding="utf-8")
