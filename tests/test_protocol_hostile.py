"""Hostile files do no harm and fail fast: one finding, well under a second, no traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from npt_protocol.cli import cli
from npt_protocol.protocol_loader import check_bytes
from npt_protocol.protocol_yaml import MAX_BYTES

LAUGHS = "\n".join(
    [f'l0: &l0 ["{"lol" * 3}"]']
    + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]) + "\n"

HOSTILE: dict[str, tuple[bytes, str]] = {
    "python object apply": (b"!!python/object/apply:os.system ['echo unsafe']\n",
                            "tag !!python/object/apply:os.system is not allowed"),
    "python object new": (b"id: !!python/object/new:subprocess.Popen [[ls]]\n",
                          "tag !!python/object/new:subprocess.Popen is not allowed"),
    "python name": (b"id: !!python/name:os.system\n", "tag !!python/name:os.system"),
    "python module": (b"id: !!python/module:os\n", "tag !!python/module:os"),
    "binary": (b"id: !!binary aGVsbG8=\n", "tag !!binary is not allowed"),
    "custom tag": (b"id: !include /etc/passwd\n", "tag !include is not allowed"),
    "tag directive": (b"%TAG !p! tag:yaml.org,2002:python/\n---\nid: !p!object:os.system x\n",
                      "tag !!python/object:os.system is not allowed"),
    "billion laughs": (LAUGHS.encode(), "anchors and aliases"),
    "unused anchor": (b"id: &x knee\n", "anchors and aliases"),
    "huge": (b"notes: " + b"x" * (2 * MAX_BYTES), "file is larger than 1 MiB"),
    "deep flow nesting": (b"[" * 400_000 + b"]" * 400_000, "nesting is deeper than"),
    "deep block nesting": ("".join(" " * i + f"k{i}:\n" for i in range(300)).encode()
                           + b" " * 300 + b"end\n", "nesting is deeper than"),
    "many values": (b"[" + b"1," * 300_000 + b"1]", "document has more than 20,000 values"),
    "latin-1": ("title: Café\n".encode("latin-1"), "byte 0xe9 is not UTF-8"),
    "utf-16": ("title: knee\n".encode("utf-16"), "is not UTF-8"),
    "empty": (b"", "file is empty"),
    "blank": (b"\n   \n\t\n", "file is empty"),
    "top-level list": (b"- schema_version: 1\n", "the file holds a list"),
    "top-level text": (b"just some text\n", "the file holds text"),
    "NUL byte": (b"title: a\x00b\n", "control character U+0000"),
    "huge integer": (b"schema_version: " + b"9" * 10_000 + b"\n", "schema_version is text"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bytes_give_a_finding_fast(name: str) -> None:
    data, fragment = HOSTILE[name]
    start = time.perf_counter()
    loaded = check_bytes(data, path="hostile.yaml")
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    assert loaded.protocol is None
    assert any(fragment in finding.message for finding in loaded.findings), loaded.findings
    assert all(finding.line >= 1 and finding.column >= 1 for finding in loaded.findings)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_validate_reports_hostile_files_with_exit_1_and_no_traceback(
        name: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_bytes(HOSTILE[name][0])
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["protocols", "validate", str(path)])
    assert time.perf_counter() - start < 1.0
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith(f"{path}:")


def test_the_object_tag_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    data = f"id: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    check_bytes(data, path="x.yaml")
    assert not marker.exists()


def test_huge_file_is_not_read_past_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(64 * MAX_BYTES)  # sparse: costs no disk, would cost time if read
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["protocols", "validate", str(path)])
    assert time.perf_counter() - start < 1.0
    assert result.exit_code == 1
    assert "file is larger than 1 MiB" in result.output


def test_a_dangling_link_is_unreadable_exit_2(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    os.symlink(tmp_path / "nowhere.yaml", link)
    result = CliRunner().invoke(cli, ["protocols", "validate", str(link)])
    assert result.exit_code == 2
    assert "cannot be read" in result.output
    assert "Traceback" not in result.output
