"""Files that carry patient data are readable by their owner only (mode 0600), written atomically,
whatever the umask and whether they are new or replaced with --force; files without a patient
keep the usual permissions."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli

AT = ["--prepared-at", "2026-11-25T09:00+00:00"]
PATIENT = ["--patient", "PT-0042"]
COMMANDS: dict[str, list[str]] = {
    "checklist": ["checklist", "knee", "--side", "left"],
    "session": ["session", "--region", "knee:left", *AT],
    "label": ["label", "--region", "knee:left", *AT],
}
CASES = [
    *[(name, suffix) for name in ("checklist", "session") for suffix in (".md", ".html")],
    *[(name, suffix) for name in sorted(COMMANDS) for suffix in (".txt", ".json")],
    ("session", ".pdf"),
]


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """Run with the common umask 022, under which an ordinary file is readable by everyone."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def run(tmp_path: Path, *args: str) -> None:
    """Run npt with empty settings; it must succeed."""
    settings = tmp_path / "settings.toml"
    settings.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, list(args), env={"NPT_CONFIG": str(settings)})
    assert result.exit_code == 0, result.output + result.stderr


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("usual_umask")
@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_a_file_naming_a_patient_is_its_owners_only(tmp_path: Path, name: str, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    run(tmp_path, *COMMANDS[name], *PATIENT, "-o", str(target))
    assert suffix == ".pdf" or "PT-0042" in target.read_text(encoding="utf-8")
    assert mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary


@pytest.mark.usefixtures("usual_umask")
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_force_narrows_a_file_it_replaces(tmp_path: Path, name: str) -> None:
    target = tmp_path / "out.txt"
    target.write_text("an older packet\n", encoding="utf-8")
    target.chmod(0o644)
    run(tmp_path, *COMMANDS[name], *PATIENT, "-o", str(target), "--force")
    assert mode(target) == 0o600 and "PT-0042" in target.read_text(encoding="utf-8")


@pytest.mark.usefixtures("usual_umask")
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_file_without_a_patient_keeps_the_usual_permissions(tmp_path: Path, name: str) -> None:
    target = tmp_path / "out.txt"
    run(tmp_path, *COMMANDS[name], "-o", str(target))
    assert mode(target) == 0o644


@pytest.mark.usefixtures("usual_umask")
def test_the_labels_beside_a_session_packet_are_private_too(tmp_path: Path) -> None:
    packet, labels = tmp_path / "packet.md", tmp_path / "labels.txt"
    run(tmp_path, *COMMANDS["session"], *PATIENT, "-o", str(packet), "--labels", str(labels))
    assert mode(packet) == 0o600 and mode(labels) == 0o600
    assert "PT-0042" in labels.read_text(encoding="utf-8")


@pytest.mark.usefixtures("usual_umask")
def test_course_reports_and_exports_are_private(tmp_path: Path) -> None:
    db = str(tmp_path / "course.sqlite3")
    base = ["--db", db]
    run(tmp_path, "course", "start", "PT-0042", "--protocol", "knee", "--side", "left",
        "--date", "2025-12-01", "--by", "tester", *base)  # fmt: skip
    run(tmp_path, "course", "record", "PT-0042", "--date", "2025-12-01", "--pain-before", "7",
        "--by", "tester", *base)  # fmt: skip
    targets = {
        "report": (tmp_path / "report.md", ["course", "report", "PT-0042", *base]),
        "csv": (tmp_path / "sessions.csv", ["course", "report", "PT-0042", *base]),
        "export": (tmp_path / "bundle.json", ["course", "export", "PT-0042", "--fhir", *base]),
    }
    for target, argv in targets.values():
        target.write_text("older\n", encoding="utf-8")
        target.chmod(0o644)
        run(tmp_path, *argv, "-o", str(target), "--force")
        assert mode(target) == 0o600, target
