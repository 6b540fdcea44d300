"""The public API: docs/api.md's example runs as written, and importing the package stays cheap."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import npt_protocol

ROOT = Path(__file__).resolve().parents[1]
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def test_the_documented_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", API_DOC, flags=re.S)
    assert len(blocks) == 1
    exec(compile(blocks[0], "docs/api.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "Target: dextrose monohydrate 5 % w/v" in printed
    assert "stronger than every stock" in printed


def test_every_public_name_is_documented_and_loads() -> None:
    for name in npt_protocol.__all__:
        if name != "__version__":
            assert f"`{name}(" in API_DOC, name
            assert callable(getattr(npt_protocol, name))


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'prepair'"):
        npt_protocol.prepair  # type: ignore[attr-defined]  # noqa: B018


def test_importing_the_package_loads_no_engine() -> None:
    code = "import sys, npt_protocol; print(sorted(m for m in sys.modules if 'npt_protocol.' in m))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
    assert "pint" not in result.stdout


def test_the_wheel_ships_py_typed() -> None:
    assert (ROOT / "npt_protocol" / "py.typed").exists()
