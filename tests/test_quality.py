"""The code stays lint-clean, formatted and strictly typed: ruff, ruff format and mypy --strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("npt_protocol", "tests", "benchmarks")


@pytest.mark.parametrize("tool", ["ruff", "ruff-format", "mypy"])
def test_tool_is_clean(tool: str) -> None:
    program = tool.partition("-")[0]
    if shutil.which(program) is None and not (Path(sys.executable).parent / program).exists():
        pytest.skip(f"{program} is not installed (pip install -e '.[test]' installs it)")
    command = {
        "ruff": [sys.executable, "-m", "ruff", "check", *SOURCES],
        "ruff-format": [sys.executable, "-m", "ruff", "format", "--check", *SOURCES],
        "mypy": [sys.executable, "-m", "mypy", "npt_protocol"],
    }[tool]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
