"""`npt protocols list | show | validate`, through Click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from npt_protocol.cli import cli
from npt_protocol.cli.protocols import protocols
from npt_protocol.protocol import library as protocol_library

FIXTURE = Path(__file__).parent / "protocol_fixtures" / "fixture-knee.yaml"
CORPUS = Path(__file__).parent / "protocol_corpus"
TEXT = FIXTURE.read_text(encoding="utf-8")


def run(*args: str) -> Result:
    """Run `npt protocols ...`."""
    return CliRunner().invoke(cli, ["protocols", *args])


def write(folder: Path, protocol_id: str, **replace: str) -> Path:
    """Write the fixture under a new id."""
    folder.mkdir(parents=True, exist_ok=True)
    text = TEXT.replace("id: fixture-knee", f"id: {protocol_id}")
    for old, new in replace.items():
        text = text.replace(old, new)
    path = folder / f"{protocol_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the shipped library at a temporary folder and ignore the user's settings file."""
    shipped = tmp_path / "shipped"
    write(shipped, "knee")
    write(shipped, "hip", **{"title: Fixture knee protocol for tests": "title: Hip template"})
    monkeypatch.setattr(protocol_library, "shipped_dir", lambda: shipped)
    (tmp_path / "no-settings.toml").write_text("")  # named: never the machine's own
    monkeypatch.setenv("NPT_CONFIG", str(tmp_path / "no-settings.toml"))
    return shipped


def test_list_shows_the_shipped_library() -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["ID", "TITLE", "REGION", "STATUS", "VERSION", "SOURCE"]
    assert [row.split()[0] for row in rows] == ["hip", "knee"]
    assert all(row.endswith("shipped") for row in rows)


def test_list_shows_which_clinic_file_overrides_a_shipped_id(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    write(clinic, "knee", **{'version: "1.0.0"': 'version: "2.1"'})
    result = run("list", "--protocols", str(clinic))
    assert result.exit_code == 0, result.output
    knee = next(row for row in result.output.splitlines() if row.startswith("knee"))
    assert "2.1" in knee
    assert knee.endswith(f"{clinic} (overrides shipped)")


def test_list_json_has_the_documented_keys(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    write(clinic, "knee")
    result = run("list", "--json", "--protocols", str(clinic))
    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    assert listing["schema"] == "npt.protocols/1"
    rows = listing["protocols"]
    assert [row["id"] for row in rows] == ["hip", "knee"]
    for row in rows:
        assert {"id", "title", "region", "status", "version", "source"} <= set(row)
    assert rows[0]["source"] == "shipped"
    assert rows[1]["source"] == str(clinic)
    assert rows[1]["overrides"] == ["shipped"]


def test_the_settings_file_names_the_clinic_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clinic = tmp_path / "clinic"
    write(clinic, "ankle")
    settings = tmp_path / "config.toml"
    settings.write_text('protocols_dir = "clinic"\n', encoding="utf-8")
    monkeypatch.setenv("NPT_CONFIG", str(settings))
    result = run("list", "--json")
    assert [row["id"] for row in json.loads(result.output)["protocols"]] == ["ankle", "hip", "knee"]
    other = tmp_path / "other"
    write(other, "wrist")
    result = run("list", "--json", "--protocols", str(other))
    assert [row["id"] for row in json.loads(result.output)["protocols"]] == ["hip", "knee", "wrist"]


def test_list_warns_about_a_broken_clinic_file(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "bad.yaml").write_text("- nope\n", encoding="utf-8")
    result = run("list", "--protocols", str(clinic))
    assert result.exit_code == 0
    assert f"Warning: {clinic / 'bad.yaml'} has 1 problem and is left out" in result.output


def test_list_with_a_missing_clinic_folder_exits_2(tmp_path: Path) -> None:
    result = run("list", "--protocols", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "Error:" in result.output


def test_show_prints_a_readable_summary() -> None:
    result = run("show", "knee")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("knee — Fixture knee protocol for tests\n")
    assert "0.5 mL per point (range 0.2 mL to 1 mL); 3 typical, at most 6" in text
    assert "typical (one side): 7 points, 3.5 mL" in text
    assert "at most 14 points and 10 mL per side" in text
    assert "every 7 days [source: example-2020]" in text
    assert "typically 4 to 6 sessions [practice-based default — confirm locally]" in text
    assert "reassess after 3 sessions: Reconsider" in text
    assert "caution: Keep the needle subcutaneous beside the tendon." in text
    assert "Trial exclusion criteria (not proven contraindications)\n  - Pregnancy." in text
    assert "[example-2020] Example A." in text
    assert "practice-based default — confirm locally" in text
    assert "This protocol is a template" in text
    assert ".5 mL" not in text.replace("0.5 mL", "").replace("3.5 mL", "")


def test_show_json_gives_numbers_in_millilitres() -> None:
    result = run("show", "knee", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == "knee"
    assert data["nerves"][0]["points"][0]["volume_mL"] == {"default": 0.5, "min": 0.2, "max": 1}
    assert data["limits"]["max_volume_mL"] == 10
    assert data["typical_points"] == 7
    assert data["source"] == "shipped"
    assert len(data["content_hash"]) == 12


def test_show_unknown_id_exits_2_with_a_suggestion() -> None:
    result = run("show", "kne")
    assert result.exit_code == 2
    assert "No protocol has id 'kne'" in result.output
    assert "did you mean knee?" in result.output


def test_validate_clean_files_exits_0(isolated: Path) -> None:
    result = run("validate", str(isolated), str(FIXTURE))
    assert result.exit_code == 0, result.output
    assert result.output == "3 files checked: no problems found.\n"


def test_validate_prints_every_finding_and_exits_1(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bad", **{"title: Fixture": "titel: Fixture", "max_points: 14": "max_points: 0"}
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}:4:1: protocol has unknown key 'titel'; did you mean 'title'?",
        f"{path}:63:15: limits max_points is 0; expected a whole number of at least 1",
        "2 problems in 1 of 1 file.",
    ]


def test_validate_the_corpus_folder_exits_1() -> None:
    result = run("validate", str(CORPUS))
    assert result.exit_code == 1
    assert "problems in" in result.output.splitlines()[-1]


@pytest.mark.parametrize("target", ["missing.yaml", "missing-folder/"])
def test_validate_an_unreadable_path_exits_2(tmp_path: Path, target: str) -> None:
    result = run("validate", str(tmp_path / target))
    assert result.exit_code == 2
    assert result.output.startswith("Error: Protocol path")


def test_validate_needs_a_path() -> None:
    assert run("validate").exit_code == 2


def test_validate_an_empty_folder_warns(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path))
    assert result.exit_code == 0
    assert "Warning: no protocol files" in result.output


def test_every_protocols_command_has_help_with_an_example() -> None:
    assert "Example:" in (protocols.help or "")
    assert isinstance(protocols, click.Group)
    for name, command in protocols.commands.items():
        assert "Example: npt protocols " + name in (command.help or ""), name
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output


def test_top_level_help_lists_protocols() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "protocols" in result.output
