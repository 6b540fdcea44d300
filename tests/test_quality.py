"""The code stays lint-clean and strictly typed: ruff and mypy --strict run as tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_tool_is_clean(tool: str) -> None:
    if shutil.which(tool) is None and not (Path(sys.executable).parent / tool).exists():
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]' installs it)")
    command = {"ruff": [sys.executable, "-m", "ruff", "check", "npt_protocol", "tests",
                        "benchmarks"],
               "mypy": [sys.executable, "-m", "mypy", "npt_protocol"]}[tool]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
