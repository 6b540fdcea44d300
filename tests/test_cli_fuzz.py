"""Fuzzing the command line: random argument lists from a grammar of real and broken tokens.

Whatever is typed, `npt` ends with exit code 0, 1 or 2, never raises (Click's runner sees no
exception but SystemExit) and never prints a traceback; a refusal ends with one "Error: " line.
Each example runs in a fresh temporary folder that is also the working directory, and the grammar
(tests/strategies.py, CLI_*) names only relative paths inside it, so even --force replaces
nothing outside it.

Examples per run: four times the Hypothesis profile's max_examples (tests/conftest.py), so 200
with the default `dev` profile and more under `ci`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from npt_protocol.cli import cli
from tests import strategies
from tests.logs import log_bytes
from tests.strategies import cli_argv, cli_command_line

ROOT = Path(__file__).resolve().parents[1]
KNEE = ROOT / "protocols" / "knee.yaml"
FUZZ_EXAMPLES = 4 * (settings.default.max_examples or 50)
SETTINGS_FILES = {
    "empty": "",
    "good": 'tolerance = "5%"\nclinic_name = "Fuzz Clinic"\nsyringes = ["10 mL by 0.2 mL"]\n',
    "broken": "tolerance = \n",
    "odd": "tolerance = 0\nsyringes = 5\n",
    "missing": None,
}
# Lines a command may print on stderr besides its one error: progress and warnings.
STDERR_PREFIXES = ("Error: ", "Warning: ", "Wrote ", "Recorded in ")


def make_folder(folder: Path) -> None:
    """Lay out the files that the grammar's path tokens name."""
    (folder / "existing.md").write_text("kept\n", encoding="utf-8")
    (folder / "folder").mkdir()
    (folder / "clinic.yaml").write_text(
        "products:\n  - id: D20-local\n    aliases: [D20L]\n    composition: dextrose 20%\n"
        "    sizes_mL: ['50']\n",
        encoding="utf-8",
    )
    (folder / "hostile.yaml").write_text(
        "a: &a [lol, lol]\nb: &b [*a, *a, *a]\nproducts: [*b, *b, *b]\n", encoding="utf-8"
    )
    (folder / "clinic").mkdir()
    shutil.copy(KNEE, folder / "clinic" / "knee.yaml")
    (folder / "clinic-good").mkdir()
    shutil.copy(KNEE, folder / "clinic-good" / "knee.yaml")
    (folder / "clinic" / "broken.yaml").write_text(
        "!!python/object/apply:os.system ['true']\n", encoding="utf-8"
    )
    (folder / "prep.log").write_bytes(log_bytes(2))  # a real log, so appends are reached
    (folder / "dangling.md").symlink_to("nowhere.md")
    for name, text in SETTINGS_FILES.items():
        if text is not None:
            (folder / f"settings-{name}.toml").write_text(text, encoding="utf-8")


FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CONFIGS = st.sampled_from(tuple(SETTINGS_FILES))  # Hypothesis favours the first: no file


@FUZZ
@given(argv=cli_argv(), config=CONFIGS)
def test_random_command_lines_exit_0_1_or_2_without_a_traceback(
    argv: list[str], config: str
) -> None:
    check_command_line(argv, config)


@FUZZ
@given(argv=cli_command_line(), config=CONFIGS)
def test_well_formed_command_lines_with_broken_values_exit_cleanly(
    argv: list[str], config: str
) -> None:
    check_command_line(argv, config)


def check_command_line(argv: list[str], config: str) -> None:
    """Run npt in a fresh folder and check how it ended."""
    home = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="npt-fuzz-") as name:
        folder = Path(name)
        make_folder(folder)
        env = {"NPT_CONFIG": str(folder / f"settings-{config}.toml"), "NPT_NO_CACHE": "1"}
        checkout = _listing()
        os.chdir(folder)
        try:
            result = CliRunner().invoke(cli, argv, env=env)
        finally:
            os.chdir(home)
        assert _listing() == checkout, "a file was written into the checkout"
    event(f"exit code {result.exit_code}")  # shown by pytest --hypothesis-show-statistics
    exception = result.exception
    assert exception is None or isinstance(exception, SystemExit), (
        "".join(traceback.format_exception(exception)) if exception else ""
    )
    assert result.exit_code in (0, 1, 2), result.exit_code
    out, err = result.stdout, result.stderr
    assert "Traceback" not in out and "Traceback" not in err
    if err.startswith("Usage: "):
        return  # Click's own usage error or a group's help: exit 2, printed Click's way
    assert all(line.startswith(STDERR_PREFIXES) for line in err.splitlines()), err
    if result.exit_code == 2:
        assert err.splitlines()[-1].startswith("Error: "), err


def _listing() -> dict[str, list[str]]:
    """List the checkout's top folders, to show no command wrote into them."""
    return {part: sorted(os.listdir(ROOT / part)) for part in ("", "tests", "protocols")}


def test_the_grammar_names_no_path_outside_the_folder() -> None:
    tokens = [
        value
        for name in dir(strategies)
        if name.startswith("CLI_")
        for value in _strings(getattr(strategies, name))
    ]
    assert tokens
    assert not [t for t in tokens if t.startswith(("/", "~")) or ".." in t]


def _strings(value: object) -> list[str]:
    """Every string inside nested tuples and dicts."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in _strings(key) + _strings(item)]
    if isinstance(value, tuple):
        return [s for item in value for s in _strings(item)]
    return []
