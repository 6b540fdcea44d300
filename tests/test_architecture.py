"""The package's layout is its architecture: imports flow one way, and a test says so.

The contracts live in pyproject.toml ([tool.importlinter]); docs/architecture.md draws them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "npt_protocol"


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the package found in `folder`, with the project's contracts."""
    script = Path(sys.executable).with_name("lint-imports")
    if not script.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]' installs it)")
    return subprocess.run(
        [str(script), "--no-logo", "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden", "arrow"),
    [
        ("engine/solver.py", "npt_protocol.planning.session", "npt_protocol.engine is not allowed"),
        ("engine/recipe.py", "npt_protocol.protocol.model", "npt_protocol.engine is not allowed"),
        ("log/verify.py", "npt_protocol.render.recipe", "npt_protocol.log is not allowed"),
        ("reading/yaml_tree.py", "npt_protocol.protocol.model", "npt_protocol.reading is not"),
        ("planning/session.py", "click", "npt_protocol.planning.session -> click"),
        ("engine/snap.py", "yaml", "npt_protocol.engine.snap -> yaml"),
        ("render/html.py", "npt_protocol.web.app", "npt_protocol.render is not allowed"),
        ("log/store.py", "starlette", "npt_protocol.log.store -> starlette"),
        ("web/forms.py", "npt_protocol.cli.options", "npt_protocol.web is not allowed"),
        ("web/views.py", "click", "npt_protocol.web.views -> click"),
    ],
)
def test_a_forbidden_arrow_breaks_a_contract(
    tmp_path: Path, module: str, forbidden: str, arrow: str
) -> None:
    copy = tmp_path / "npt_protocol"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / module).open("a", encoding="utf-8") as handle:
        handle.write(f"\nimport {forbidden}  # the arrow under test\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert arrow in result.stdout


def test_no_module_in_the_package_root_has_a_subsystem_prefix() -> None:
    prefixes = ("protocol_", "prep_log", "catalogue_", "render_", "course_", "web_")
    flat = sorted(p.name for p in PACKAGE.glob("*.py") if p.name.startswith(prefixes))
    assert flat == []


def test_every_subpackage_says_what_it_owns_and_may_import() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""'), init
        assert "May import" in text, f"{init} does not say what it may import"


def test_importing_the_command_line_leaves_the_garbage_collector_on() -> None:
    code = "import npt_protocol.cli, gc; assert gc.isenabled()"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_running_a_command_in_process_leaves_the_garbage_collector_on() -> None:
    code = (
        "import gc\nfrom npt_protocol.cli import main\ntry:\n    main(['--version'])\n"
        "except SystemExit:\n    pass\nassert gc.isenabled()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
