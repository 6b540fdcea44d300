"""Hostile files do no harm: one finding, no traceback (benchmarks/bench_hostile_files.py times
them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from npt_protocol.protocol.loader import check_bytes
from npt_protocol.reading.yaml_tree import MAX_BYTES
from tests.hostile_yaml import HOSTILE


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bytes_give_a_finding(name: str) -> None:
    data, fragment = HOSTILE[name]
    loaded = check_bytes(data, path="hostile.yaml")
    assert loaded.protocol is None
    assert any(fragment in finding.message for finding in loaded.findings), loaded.findings
    assert all(finding.line >= 1 and finding.column >= 1 for finding in loaded.findings)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_validate_reports_hostile_files_with_exit_1_and_no_traceback(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_bytes(HOSTILE[name][0])
    result = CliRunner().invoke(cli, ["protocols", "validate", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith(f"{path}:")


def test_the_object_tag_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    data = f"id: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    check_bytes(data, path="x.yaml")
    assert not marker.exists()


def test_huge_file_is_not_read_past_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(64 * MAX_BYTES)  # sparse: costs no disk, would cost time if read
    asked: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        if self.name != "huge.yaml":
            return handle
        real_read = handle.read

        def read(size: int = -1) -> bytes:
            asked.append(size)
            return real_read(size)

        handle.read = read
        return handle

    monkeypatch.setattr(Path, "open", counting_open)
    result = CliRunner().invoke(cli, ["protocols", "validate", str(path)])
    assert asked == [MAX_BYTES + 1]  # one read, one byte past the cap, never the whole file
    assert result.exit_code == 1
    assert "file is larger than 1 MiB" in result.output


def test_a_dangling_link_is_unreadable_exit_2(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    os.symlink(tmp_path / "nowhere.yaml", link)
    result = CliRunner().invoke(cli, ["protocols", "validate", str(link)])
    assert result.exit_code == 2
    assert "cannot be read" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------------------------
# Line breaks an editor does not show, and numbers YAML reads in another base

FIXTURE_TEXT = (Path(__file__).parent / "protocol_fixtures" / "fixture-knee.yaml").read_text(
    encoding="utf-8"
)


@pytest.mark.parametrize("mark", ["\u2028", "\u2029", "\u0085"])
def test_a_hidden_line_break_never_starts_a_key(mark: str) -> None:
    # An editor shows one line; YAML would read a second key `max_points` from it.
    line = next(n for n, row in enumerate(FIXTURE_TEXT.splitlines(), 1) if row.startswith("title"))
    title = FIXTURE_TEXT.splitlines()[line - 1]
    text = FIXTURE_TEXT.replace(title, f"{title}{mark}max_points: 1000", 1)
    loaded = check_bytes(text.encode("utf-8"), path="knee.yaml")
    assert loaded.protocol is None
    [finding] = loaded.findings
    assert (finding.line, finding.column) == (line, len(title) + 1)
    assert f"U+{ord(mark):04X} is a line break to YAML that editors do not show" in (
        finding.message
    )


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("010", "8 (octal)"),
        ("0x14", "20 (hexadecimal)"),
        ("1:00", "60 (base 60)"),
        ("1_4", "14 (digits with underscores)"),
        ("0b1110", "14 (binary)"),
    ],
)
def test_numbers_in_another_base_are_refused_with_their_position(
    written: str, read_as: str
) -> None:
    text = FIXTURE_TEXT.replace("max_points: 14", f"max_points: {written}")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "max_points:" in row)
    loaded = check_bytes(text.encode("utf-8"), path="knee.yaml")
    assert loaded.protocol is None
    assert [(f.line, f.column, f.message) for f in loaded.findings] == [
        (
            line,
            15,
            f"limits max_points is written {written!r}, which YAML reads as {read_as}; "
            "expected plain digits such as 10",
        )
    ]
