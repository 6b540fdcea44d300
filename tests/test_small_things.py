"""Small things a user noticed: terminal text fits 100 columns, no doubled or ungrammatical
wording, Markdown notes stay notes, settings columns line up, shell completion is documented
and works, and the README's validate example works from any folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from tests.sessions import shipped

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = sorted(shipped())
TEXT_COMMANDS = [
    ["products"],
    ["protocols", "list"],
    *[["protocols", "show", pid] for pid in PROTOCOLS],
    *[["checklist", pid, "--side", "right"] for pid in PROTOCOLS],
    *[["checklist", pid, "--side", "bilateral", "--patient", "PT-1"] for pid in PROTOCOLS],
    ["checklist", "knee"],
    ["session", "--region", "knee:left", "--region", "shoulder:right", "--weight", "70kg"],
    ["session", "--region", "ankle-achilles:bilateral", "--patient", "PT-1"],
    ["label", "--region", "knee:bilateral", "--patient", "PT-1"],
    ["prepare", "dextrose 5%", "--volume", "500mL", "--from", "D50"],
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
    ["check", "dextrose 5%", "D50=7mL", "SWFI=53mL"],
    ["config", "show"],
]


def text_of(args: list[str]) -> str:
    """Run a command and return its standard output."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=[" ".join(a[:3]) for a in TEXT_COMMANDS])
def test_terminal_text_fits_100_columns(args: list[str]) -> None:
    # A single word longer than a line (a web address) cannot be broken and is let through.
    wide = [
        line for line in text_of(args).splitlines() if len(line) > 100 and len(line.split()) > 1
    ]
    assert not wide, wide[:3]


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_the_course_line_reads_as_a_sentence(pid: str) -> None:
    for args in (["checklist", pid, "--side", "left"], ["checklist", pid, "--format", "md"]):
        text = " ".join(text_of(args).split())
        assert "Next session: Next session" not in text
        assert not re.search(r"\b1 sessions\b|\b1 points\b|\b1 days\b", text)


def test_a_markdown_note_is_not_a_bullet() -> None:
    md = text_of(["checklist", "knee", "--side", "left", "--format", "md"])
    assert "\\* Volume is a practice-based default" in md
    assert not [line for line in md.splitlines() if line.startswith("* ")]


def test_config_show_lines_up_its_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(
        'syringes = ["1 mL by 0.01 mL", "3 mL by 0.1 mL", "10 mL by 0.2 mL"]\n'
        'clinic_name = "Riverside"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("NPT_CONFIG", str(settings))
    lines = text_of(["config", "show"]).splitlines()
    rows = [line for line in lines if re.match(r"  [a-z_]+ {2,}\S", line)]
    values = rows[: len(rows) // 2]
    starts = {len(re.match(r"  [a-z_]+ +", line).group(0)) for line in values}  # type: ignore[union-attr]
    assert len(starts) == 1, values
    assert any("'Riverside'" in line for line in values)
    assert max(len(line) for line in lines) <= 100


def test_shell_completion_is_documented_and_works() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "_NPT_COMPLETE=bash_source npt" in readme
    assert "_NPT_COMPLETE=zsh_source npt" in readme
    script = CliRunner().invoke(cli, [], prog_name="npt", env={"_NPT_COMPLETE": "bash_source"})
    assert script.exit_code == 0 and "_npt_completion" in script.output
    words = CliRunner().invoke(
        cli,
        [],
        prog_name="npt",
        env={"_NPT_COMPLETE": "bash_complete", "COMP_WORDS": "npt la", "COMP_CWORD": "1"},
    )
    assert "plain,label" in words.output


def test_validate_names_the_shipped_library_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["protocols", "validate", "shipped"])
    assert result.exit_code == 0, result.output
    assert f"{len(PROTOCOLS)} files checked: no problems found." in result.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "$ npt protocols validate shipped" in readme
    assert "$ npt protocols validate protocols/" not in readme
