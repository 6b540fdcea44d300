"""The README's examples run as written, and its quick start is what CI runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def console_examples() -> list[tuple[str, int]]:
    """Return every `$ npt ...` line of the README's console blocks with its expected exit code."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ npt "):
                command, _, comment = line[2:].partition("#")
                code = re.search(r"exit (\d)", comment)
                examples.append((command.strip(), int(code.group(1)) if code else 0))
    return examples


def quick_start() -> list[str]:
    """Return the commands in the README's quick start section."""
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [
        line.strip()
        for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S)
        for line in block.splitlines()
        if line.strip()
    ]


def test_readme_has_examples_for_every_command() -> None:
    used = {shlex.split(command)[1] for command, _ in console_examples()}
    assert {"prepare", "check", "products", "protocols", "checklist", "session"} <= used


@pytest.mark.parametrize(("command", "code"), console_examples())
def test_readme_example_runs(command: str, code: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # `npt protocols validate protocols/` names the repo's folder
    result = CliRunner().invoke(cli, shlex.split(command)[1:])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.output.strip()


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    commands = quick_start()
    assert len(commands) == 2
    assert "npt session" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].replace(" -q", "") in ci.replace(" -q", "")


def course_examples(text: str, heading: str) -> list[str]:
    """Return the commands of a course example under a heading, in order, without comments."""
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    block = re.findall(r"```sh\n(.*?)```", section, flags=re.S)[0]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


COURSE_EXAMPLES = {
    "README": course_examples(README, "### Follow a patient's course"),
    "docs/course.md": course_examples(
        (ROOT / "docs" / "course.md").read_text(encoding="utf-8"), "## Commands"
    ),
}


@pytest.mark.parametrize("where", COURSE_EXAMPLES)
def test_the_course_example_runs_in_order(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The course record of the example goes to a database in a temporary folder, named by a
    # settings file, so that the example runs exactly as written.
    settings = tmp_path / "settings.toml"
    settings.write_text(f'database = "{tmp_path / "course.sqlite3"}"\n', encoding="utf-8")
    monkeypatch.setenv("NPT_CONFIG", str(settings))
    monkeypatch.chdir(tmp_path)
    commands = COURSE_EXAMPLES[where]
    assert commands[0].startswith("npt course start") and len(commands) >= 5
    for command in commands:
        result = CliRunner().invoke(cli, shlex.split(command)[1:])
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output
    assert (tmp_path / "course.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "bundle.json").is_file()
