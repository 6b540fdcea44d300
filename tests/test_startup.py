"""Start-up stays cheap: the hot commands never import the heavy libraries they do not need.

The timing figures themselves come from benchmarks/startup.py (ratios measured in one run); this
test guards the cause of most regressions deterministically: an import on the wrong path.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["yaml", "jinja2", "typst", "attr", "attrs", "cattrs", "pypdf", "segno", "jsonschema"]
# The web app's libraries load only for `npt serve`.
HEAVY += ["starlette", "uvicorn", "anyio", "itsdangerous", "argon2", "httpx2", "httpx"]
HEAVY += ["sqlalchemy", "alembic", "matplotlib", "psycopg"]
PROBE = """
import json, sys
from npt_protocol.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
loaded = {{m.split('.')[0] for m in sys.modules}} & set({heavy!r})
print(json.dumps(sorted(loaded)), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50"],
        ["check", "dextrose 5%", "D50=6mL", "SWFI=54mL"],
        ["--help"],
    ],
)
def test_hot_commands_import_no_heavy_library(argv: list[str]) -> None:
    code = PROBE.format(argv=argv, heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    loaded = json.loads(result.stderr.strip().splitlines()[-1])
    assert loaded == [], f"{argv} imported {loaded}"


def test_help_does_not_import_pint() -> None:
    code = (
        "import sys\nfrom npt_protocol.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\nprint('pint' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stderr.strip().splitlines()[-1] == "False"
