"""The bad-input corpus (tests/bad_inputs/cases.yaml) through the command line.

Every case must end with its exit code (1: the answer is "no"; 2: the question cannot be
answered) and its message, print no traceback, and leave every file as it was: nothing created,
nothing replaced, nothing half-written. Refusals are one line on stderr starting "Error: ";
Click's own usage errors (unknown options, bad choices, unusable paths) are printed Click's way,
"Usage: ..." then a last line "Error: ...", and are marked `usage: true` in the corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from npt_protocol.cli import cli
from npt_protocol.course import writes
from npt_protocol.course.database import open_database
from npt_protocol.course.model import SessionValues
from npt_protocol.course.plan import course_plan
from npt_protocol.course.rules import default_rules
from npt_protocol.protocol.library import load_library

CORPUS = Path(__file__).parent / "bad_inputs"
FILES = CORPUS / "files"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
CASE_KEYS = {
    "id",
    "argv",
    "exit",
    "message",
    "stream",
    "usage",
    "env",
    "files",
    "root_skip",
    "xfail",
}
FILE_KEYS = {"path", "text", "encoding", "dir", "link", "fifo", "generate", "mode"}
# Long values are made here rather than written into the corpus.
VALUES = {
    "{digits400}": "9" * 400,
    "{long_name}": "x" * 300,
    "{name_120k}": "x" * 120_000,
    "{padding}": " " * 1500,
}
MIN_CASES = 100

LAUGHS = (
    "\n".join(
        [f'l0: &l0 ["{"lol" * 3}"]']
        + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    )
    + "\n"
)


def _sparse(path: Path, size: int) -> None:
    """Make a file of `size` zero bytes that costs no disk space."""
    with path.open("wb") as handle:
        handle.truncate(size)


def _course_db(path: Path, *, revision: str | None = None) -> None:
    """Make a course database: PT-0042's knee course from 2025-12-01 with one session that day;
    with `revision`, claim a schema this tool does not know."""
    engine = open_database(str(path), create=True)
    now, today, rules = dt.datetime.now(dt.UTC), dt.date.today(), default_rules()
    plan = course_plan([(load_library([], only=["knee"]).get("knee"), "left")])
    common = {"patient": "PT-0042", "today": today, "now": now, "by": "test", "rules": rules}
    writes.start_course(engine, plan=plan, start_date=dt.date(2025, 12, 1), **common)
    values = SessionValues(date=dt.date(2025, 12, 1), pain_before=7, pain_after=3)
    writes.record_session(engine, values=values, **common)
    if revision is not None:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")
    engine.dispose()


def _foreign_sqlite(path: Path) -> None:
    """Make a SQLite database of another program."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT)")
    connection.close()


# Big or deep files are generated at test time rather than committed.
GENERATORS: dict[str, Callable[[Path], None]] = {
    "deep-flow-yaml": lambda p: p.write_text(
        "products: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8"
    ),
    "deep-block-yaml": lambda p: p.write_text(
        "".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "end\n", encoding="utf-8"
    ),
    "alias-bomb-yaml": lambda p: p.write_text(LAUGHS, encoding="utf-8"),
    "overlong-number-yaml": lambda p: p.write_text(
        "products:\n  - id: D20-local\n    sizes_mL: [" + "9" * 5000 + "]\n", encoding="utf-8"
    ),
    "sparse-8-mb": lambda p: _sparse(p, 8 * 2**20),
    "course-db": _course_db,
    "newer-course-db": lambda p: _course_db(p, revision="9999"),
    "foreign-sqlite": _foreign_sqlite,
    "deep-toml": lambda p: p.write_text(
        "clinic_name = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8"
    ),
}


def fill(text: str, tmp: Path) -> str:
    """Replace the corpus placeholders in one string."""
    text = text.replace("{tmp}", str(tmp)).replace("{files}", str(FILES))
    for placeholder, value in VALUES.items():
        text = text.replace(placeholder, value)
    return text


def make_files(specs: list[dict[str, Any]], tmp: Path) -> list[tuple[Path, int]]:
    """Create the files a case needs; return the permissions to apply once all exist."""
    modes = []
    for spec in specs:
        path = tmp / spec["path"]
        if spec.get("dir"):
            path.mkdir(parents=True)
        elif "link" in spec:
            path.symlink_to(spec["link"])
        elif spec.get("fifo"):
            os.mkfifo(path)
        elif "generate" in spec:
            GENERATORS[spec["generate"]](path)
        else:
            path.write_bytes(spec["text"].encode(spec.get("encoding", "utf-8")))
        if "mode" in spec:
            modes.append((path, int(str(spec["mode"]), 0)))
    return modes


def snapshot(folder: Path) -> dict[str, tuple[str, str]]:
    """Describe every entry under a folder: links by target, files by content, folders by mode."""
    entries: dict[str, tuple[str, str]] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            info = path.lstat()
            key = str(path.relative_to(folder))
            if path.is_symlink():
                entries[key] = ("link", os.readlink(path))
            elif stat.S_ISFIFO(info.st_mode):
                entries[key] = ("fifo", oct(info.st_mode))  # reading it would wait forever
            elif path.is_dir():
                entries[key] = ("dir", oct(info.st_mode))
            else:
                try:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                except PermissionError:
                    digest = "unreadable"
                entries[key] = ("file", f"{oct(info.st_mode)} {info.st_size} {digest}")
    return entries


def _param(case: dict[str, Any]) -> Any:
    """Wrap a case for parametrize, with its skip or expected failure."""
    marks = []
    if case.get("root_skip"):
        marks.append(pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions"))
    if case.get("xfail"):
        marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
    return pytest.param(case, id=case["id"], marks=marks)


# ---------------------------------------------------------------------------------------------
# The corpus itself


def test_the_corpus_has_at_least_a_hundred_well_formed_cases() -> None:
    assert len(CASES) >= MIN_CASES, len(CASES)
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for case in CASES:
        assert set(case) <= CASE_KEYS, (case["id"], set(case) - CASE_KEYS)
        assert {"id", "argv", "exit", "message"} <= set(case), case["id"]
        # YAML would turn 1_0 into 10 or .nan into a float: every argument must stay text.
        assert all(isinstance(arg, str) for arg in case["argv"]), case["id"]
        assert case["exit"] in (1, 2), case["id"]
        assert isinstance(case["message"], str) and case["message"], case["id"]
        assert case.get("stream", "stderr") in ("stderr", "stdout"), case["id"]
        assert not (case.get("usage") and case["exit"] != 2), case["id"]
        for spec in case.get("files", []):
            assert set(spec) <= FILE_KEYS and "path" in spec, (case["id"], spec)
            assert spec.get("generate", "deep-flow-yaml") in GENERATORS, (case["id"], spec)


def test_every_corpus_file_is_used() -> None:
    text = (CORPUS / "cases.yaml").read_text(encoding="utf-8")
    unused = sorted(p.name for p in FILES.iterdir() if f"{{files}}/{p.name}" not in text)
    assert not unused


# ---------------------------------------------------------------------------------------------
# Every case


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_bad_input_is_refused_cleanly(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tmp_path / "work"
    tmp.mkdir()
    modes = make_files(case.get("files", []), tmp)
    for path, mode in modes:
        path.chmod(mode)
    monkeypatch.chdir(tmp)
    before, corpus_before = snapshot(tmp), snapshot(FILES)
    no_settings = tmp_path / "empty-settings.toml"  # named, so never the machine's own
    no_settings.write_text("")
    env = {"NPT_CONFIG": str(no_settings)}
    env |= {key: fill(value, tmp) for key, value in case.get("env", {}).items()}
    argv = [fill(arg, tmp) for arg in case["argv"]]

    try:
        result = CliRunner().invoke(cli, argv, env=env)
        after = snapshot(tmp)
    finally:
        for path, _ in modes:
            path.chmod(0o700)  # let pytest clean up

    exception = result.exception
    assert exception is None or isinstance(exception, SystemExit), (
        "".join(traceback.format_exception(exception)) if exception else ""
    )
    out, err = result.stdout, result.stderr
    assert "Traceback" not in out + err
    assert result.exit_code == case["exit"], (result.exit_code, out[-500:], err)
    message = case["message"]
    if case.get("usage"):
        assert err.startswith("Usage: "), err
        last = err.rstrip("\n").splitlines()[-1]
        assert last.startswith("Error: "), err
        assert message in last, err
        assert out == ""
    elif case.get("stream", "stderr") == "stderr":
        lines = err.splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("Error: "), err
        assert lines[0].endswith((".", "?")), err
        assert message in lines[0], err
        assert out == ""
    else:
        assert message in out, out[-2000:]
        assert all(line.startswith(("Error: ", "Warning: ")) for line in err.splitlines()), err

    assert after == before, "files were created or changed"
    assert snapshot(FILES) == corpus_before
