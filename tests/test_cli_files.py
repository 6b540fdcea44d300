"""Files and streams at the command line's edge: settings named explicitly, outputs that must
not destroy anything, standard output that fails, and options given twice."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from npt_protocol.cli import COMMANDS, cli
from npt_protocol.cli.common import NptCommand

ROOT = Path(__file__).resolve().parents[1]
PREPARE = ["prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50"]


@pytest.fixture(autouse=True)
def empty_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Name an empty settings file, so the machine's own is never read."""
    settings = tmp_path / "settings.toml"
    settings.write_text("")
    monkeypatch.setenv("NPT_CONFIG", str(settings))
    monkeypatch.chdir(tmp_path)
    return settings


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    return result


def npt(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> list[str]:
    """Return how to run the installed script with this Python."""
    return [sys.executable, "-c", "from npt_protocol.console import run; run()", *args]


# ---------------------------------------------------------------------------------------------
# Settings named explicitly


def test_a_settings_file_named_but_missing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NPT_CONFIG", str(tmp_path / "clinic-setings.toml"))  # mistyped
    result = run(*PREPARE, code=2)
    assert "clinic-setings.toml (named by NPT_CONFIG) does not exist" in result.stderr
    assert result.stdout == ""


def test_a_settings_path_that_is_a_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NPT_CONFIG", str(tmp_path))
    assert "is a folder; expected a TOML file" in run("config", "show", code=2).stderr


def test_no_settings_file_in_the_usual_place_means_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NPT_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing-here"))
    assert "not found: every value is the default" in " ".join(run("config", "show").stdout.split())
    run(*PREPARE)


# ---------------------------------------------------------------------------------------------
# Percentages and options given twice


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([*PREPARE, "--tolerance", "0.05"], "--tolerance '0.05' has no % sign"),
        (["check", "dextrose 5%", "D50=6mL", "SWFI=54mL", "--tolerance", "2"], "no % sign"),
        (["session", "--region", "knee:left", "--tolerance", "5"], "no % sign"),
        (["session", "--region", "knee:left", "--margin", "0.1"], "--margin '0.1' has no %"),
    ],
)
def test_a_percentage_needs_its_sign(args: list[str], message: str) -> None:
    result = run(*args, code=2)
    assert message in result.stderr and result.stdout == ""


def test_a_tolerance_in_the_settings_needs_its_sign(empty_settings: Path) -> None:
    empty_settings.write_text("tolerance = 0.05\n")
    assert "tolerance = 0.05 is not a percentage with its % sign" in run(*PREPARE, code=2).stderr
    empty_settings.write_text('tolerance = "4%"\n')
    run(*PREPARE)


@pytest.mark.parametrize(
    "args",
    [
        [*PREPARE, "--volume", "30mL"],
        [*PREPARE, "--tolerance", "5%", "--tolerance", "2%"],
        [*PREPARE, "--diluent", "SWFI", "--diluent", "NS"],
        [*PREPARE, "--log", "a.log", "--by", "A. Lee", "--by", "B. Khan"],
        ["checklist", "knee", "-o", "a.md", "--output", "b.md"],
        ["session", "--region", "knee:left", "--weight", "70kg", "--weight", "80kg"],
        ["log", "show", "x.log", "--since", "2026-01-01", "--since", "2026-02-01"],
    ],
)
def test_a_single_value_option_given_twice_is_an_error(args: list[str]) -> None:
    result = run(*args, code=2)
    assert "is given more than once; give it once." in result.stderr
    assert result.stdout == "" and not list(Path().glob("*.md")) and not list(Path().glob("*.log"))


def test_options_that_may_repeat_still_do() -> None:
    run("check", "dextrose 5%", "D50=6mL", "SWFI=54mL", "--json", "--json")
    run(*PREPARE, "--syringe", "10 mL by 0.2 mL", "--syringe", "60 mL by 1 mL")


def test_every_command_refuses_repeated_options() -> None:
    def commands(group: click.Group, ctx: click.Context) -> list[click.Command]:
        found = []
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            if isinstance(command, click.Group):
                found += commands(command, ctx)
            else:
                found.append(command)
        return found

    every = commands(cli, click.Context(cli))
    assert len(every) >= len(COMMANDS)
    assert all(isinstance(command, NptCommand) for command in every), [
        c.name for c in every if not isinstance(c, NptCommand)
    ]


# ---------------------------------------------------------------------------------------------
# Outputs


def test_dash_writes_to_standard_output_a_pdf_included() -> None:
    assert run("checklist", "knee", "-o", "-").stdout.startswith("KNEE")
    pdf = CliRunner().invoke(cli, ["checklist", "knee", "--format", "pdf", "-o", "-"])
    assert pdf.exit_code == 0 and pdf.stdout_bytes.startswith(b"%PDF-")
    assert not Path("-").exists()


@pytest.mark.parametrize(
    ("name", "heading"), [("knee.md", "# Knee"), ("knee.txt", "KNEE"), ("knee.html", "<!DOCTYPE")]
)
def test_the_format_follows_the_extension(name: str, heading: str) -> None:
    run("checklist", "knee", "-o", name)
    assert Path(name).read_text().lstrip().startswith(heading)


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "out.pdf", "--format", "text"],
        ["-o", "out.md", "--format", "html"],
        ["-o", "out.pdf", "--json"],
        ["-o", "out.html", "--format", "md"],
    ],
)
def test_an_extension_and_a_format_that_disagree_are_an_error(args: list[str]) -> None:
    result = run("checklist", "knee", *args, code=2)
    assert "by its extension, but the format asked for is" in result.stderr or (
        "disagree" in result.stderr
    )
    assert not list(Path().glob("out.*"))


@pytest.mark.parametrize("kind", ["fifo", "link", "device"])
def test_force_replaces_only_a_regular_file(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "out.md"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link":
        (tmp_path / "real.md").write_text("kept\n")
        target.symlink_to("real.md")
    else:
        # A device of its own in the temporary folder (like /dev/null): a regression replaces
        # this one, never the system's.
        try:
            os.mknod(target, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root")
    result = run("checklist", "knee", "--format", "md", "-o", str(target), "--force", code=2)
    assert "--force replaces only a regular file" in result.stderr
    if kind == "link":
        assert target.is_symlink() and (tmp_path / "real.md").read_text() == "kept\n"
    if kind in {"fifo", "device"}:
        assert target.exists() and not target.is_file()


def test_force_never_replaces_a_file_the_command_read(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    protocol = clinic / "knee.yaml"
    protocol.write_bytes((ROOT / "protocols" / "knee.yaml").read_bytes())
    before = protocol.read_bytes()
    args = ["checklist", "knee", "--protocols", str(clinic), "--format", "text"]
    result = run(*args, "-o", str(protocol), "--force", code=2)
    assert "which this command read" in result.stderr
    assert protocol.read_bytes() == before


def test_force_never_replaces_the_settings_file(empty_settings: Path) -> None:
    args = ["checklist", "knee", "--format", "text", "-o", str(empty_settings), "--force"]
    assert "which this command read" in run(*args, code=2).stderr
    assert empty_settings.read_text() == ""


def test_an_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from npt_protocol.cli import output  # noqa: PLC0415

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomically(tmp_path / "knee.md", "text")
    assert list(tmp_path.iterdir()) == [tmp_path / "settings.toml"]


def test_ctrl_c_during_output_leaves_nothing(tmp_path: Path) -> None:
    # A real SIGINT while the file is written: Click says "Aborted!", no temporary file stays.
    probe = (
        "import os, signal, sys\n"
        "from npt_protocol.cli import output\n"
        "real = os.fsync\n"
        "def stop(fd):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "output.os.fsync = stop\n"
        "from npt_protocol.cli import main\n"
        "sys.exit(main(['checklist', 'knee', '-o', 'knee.md']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.toml"]


# ---------------------------------------------------------------------------------------------
# Standard output


def _shell(command: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a shell line with `npt` meaning this checkout's command."""
    script = tmp_path / "npt"
    script.write_text(f'#!/bin/sh\nexec {sys.executable} -m npt_protocol "$@"\n')
    script.chmod(0o755)
    return subprocess.run(
        ["sh", "-c", command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", **env},
    )


def test_a_broken_pipe_ends_quietly(tmp_path: Path) -> None:
    result = _shell("npt protocols show knee | true; echo ${PIPESTATUS:-}", tmp_path)
    assert result.stderr == ""
    done = subprocess.Popen(
        [sys.executable, "-m", "npt_protocol", "products"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert done.stdout is not None and done.stderr is not None
    done.stdout.close()  # the reader goes away before anything is written
    assert done.stderr.read() == b""
    assert done.wait(timeout=30) in (0, 141)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    result = _shell("npt products > /dev/full", tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "Error: standard output cannot be written (No space left on device); nothing was logged.\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_after_logging_says_the_record_was_kept(tmp_path: Path) -> None:
    result = _shell(f"npt {' '.join(repr(a) for a in PREPARE)} --log c.log > /dev/full", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: standard output cannot be written (No space left on device); the record was "
        "already written to c.log."
    )
    assert len((tmp_path / "c.log").read_bytes().splitlines()) == 2


def test_a_closed_standard_output_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    result = _shell("npt products >&-", tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "Error: standard output cannot be written (standard output is closed); nothing was "
        "logged.\n"
    )


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_narrow_terminal_encoding_gets_a_readable_fallback(tmp_path: Path, encoding: str) -> None:
    result = _shell("npt checklist knee", tmp_path, PYTHONIOENCODING=encoding)
    assert result.returncode == 0, result.stderr
    assert "UnicodeEncodeError" not in result.stderr
    assert "Template - confirm against local policy" in " ".join(result.stdout.split())
