"""`--log` on prepare and check, and `npt log verify|show`, through Click."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from npt_protocol.cli import cli
from npt_protocol.log.store import append
from tests.logs import REQUESTS, log_bytes, record_for, rewrite, write

PREPARE = ["prepare", "dextrose 5%", "--volume", "60mL", "--from", "D50"]
CHECK_FAIL = ["check", "dextrose 5%", "D50=7mL", "SWFI=53mL"]


@pytest.fixture(autouse=True)
def no_clinic_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never read the machine's own settings file."""
    empty = tmp_path_factory.mktemp("settings") / "empty.toml"
    empty.write_text("")
    monkeypatch.setenv("NPT_CONFIG", str(empty))


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    return result


def records(path: Path) -> list[dict[str, Any]]:
    """Return the preparation records of a log, after its header."""
    header, *rest = (json.loads(line) for line in path.read_bytes().splitlines())
    assert header["type"] == "header"
    return rest


# ---------------------------------------------------------------------------------------------
# --log on prepare and check


def test_prepare_and_check_each_log_one_line(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    before = dt.datetime.now(dt.UTC)
    result = run(*PREPARE, "--json", "--log", str(log), "--by", "A. Lee")
    assert result.stderr == f"Recorded in {log}.\n"
    printed = json.loads(result.stdout)
    assert len(records(log)) == 1
    run(*CHECK_FAIL, "--log", str(log), "--checked-by", "B. Khan", code=1)  # logged, still 1
    after = dt.datetime.now(dt.UTC)
    first, second = records(log)
    assert first["command"] == "prepare" and second["command"] == "check"
    assert first["inputs"]["argv"] == [*PREPARE[1:], "--json", "--log", str(log), "--by", "A. Lee"]
    assert first["result"] == printed  # the record keeps exactly what --json prints
    assert first["inputs"]["normalised"]["stocks"] == ["D50"]
    assert (first["prepared_by"], first["checked_by"], first["pass"]) == ("A. Lee", None, True)
    assert (second["prepared_by"], second["checked_by"], second["pass"]) == (None, "B. Khan", False)
    assert second["inputs"]["normalised"]["drawn"] == ["D50=7mL", "SWFI=53mL"]
    for record in (first, second):
        made = dt.datetime.fromisoformat(record["time"])
        assert before - dt.timedelta(milliseconds=1) <= made <= after
    assert "chain intact; every result agrees" in run("log", "verify", str(log)).stdout


def test_settings_are_recorded_as_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('tolerance = "4%"\nsyringes = ["10 mL by 0.2 mL", "60 mL by 1 mL"]\n')
    monkeypatch.setenv("NPT_CONFIG", str(settings))
    log = tmp_path / "clinic.log"
    run(*PREPARE, "--log", str(log))
    normalised = records(log)[0]["inputs"]["normalised"]
    assert normalised["tolerance"] == "4%"
    assert normalised["syringes"] == ["10 mL by 0.2 mL", "60 mL by 1 mL"]
    settings.write_text("")
    run("log", "verify", str(log))  # recomputed from the record, not from today's settings


def test_a_clinic_catalogue_is_recorded_by_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shelf.yaml").write_text(
        "products:\n  - id: D40\n    name: Dextrose 40 %\n    composition: dextrose 40%\n"
        "    sizes_mL: ['10']\n"
    )
    monkeypatch.chdir(tmp_path)
    run(
        "prepare",
        "dextrose 5%",
        "--volume",
        "40mL",
        "--from",
        "D40",
        "--catalogue",
        "shelf.yaml",
        "--log",
        "clinic.log",
    )
    assert records(tmp_path / "clinic.log")[0]["inputs"]["normalised"]["catalogue"] == str(
        tmp_path / "shelf.yaml"
    )
    monkeypatch.chdir(tmp_path.parent)
    run("log", "verify", str(tmp_path / "clinic.log"))


def test_arguments_that_were_not_utf8_are_logged_and_read_back(tmp_path: Path) -> None:
    # Python hands undecodable argument bytes over as lone surrogates; the line stays UTF-8.
    log = tmp_path / "clinic.log"
    run(*PREPARE, "--log", str(log), "--by", "Zo\udceb")
    assert b'"prepared_by":"Zo\\udceb"' in log.read_bytes()
    log.read_bytes().decode("utf-8")
    assert records(log)[0]["prepared_by"] == "Zo\udceb"
    run("log", "verify", str(log))


@pytest.mark.parametrize("option", ["--by", "--checked-by"])
def test_names_without_a_log_are_refused(option: str) -> None:
    result = run(*PREPARE, option, "A. Lee", code=2)
    assert "add --log FILE" in result.stderr and result.stdout == ""


def test_an_empty_name_is_refused_and_nothing_is_logged(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    result = run(*PREPARE, "--log", str(log), "--by", " ", code=2)
    assert "--by is empty" in result.stderr
    assert not log.exists()


def test_a_log_that_cannot_be_written_is_exit_2_and_no_recipe(tmp_path: Path) -> None:
    result = run(*PREPARE, "--log", str(tmp_path / "missing" / "clinic.log"), code=2)
    assert result.stderr.startswith("Error: log ") and "cannot be opened" in result.stderr
    assert result.stdout == ""  # nobody prepares from a recipe that was not recorded


def test_a_torn_tail_is_repaired_with_a_warning(tmp_path: Path) -> None:
    log = write(tmp_path, log_bytes(2) + b'{"body_sha256":"12')
    result = run(*PREPARE, "--log", str(log))
    assert "ended with 19 bytes left by an interrupted write" in result.stderr
    assert log.read_bytes().startswith(log_bytes(2) + b'{"body_sha256":"12\n')  # nothing cut
    verified = run("log", "verify", str(log)).stdout
    assert "3 records; chain intact" in verified
    assert "Note: line 5 records the repair of 19 bytes" in verified


def test_prepare_without_log_does_not_load_the_log_code() -> None:
    probe = (
        "import sys\nfrom npt_protocol.cli import main\ntry:\n"
        f"    main({PREPARE!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('npt_protocol.log', "
        "'portalocker'))), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert result.stderr.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------------------------------------
# npt log verify


def test_verify_an_intact_log(tmp_path: Path) -> None:
    result = run("log", "verify", str(write(tmp_path, log_bytes())))
    assert "5 records; chain intact; every result agrees (5 distinct requests" in result.stdout
    assert "Head: " in result.stdout


def test_verify_names_the_edited_line(tmp_path: Path) -> None:
    data = bytearray(log_bytes())
    data[data.index(b"B. Khan")] = ord("C")  # line 3 is the first that names B. Khan
    result = run("log", "verify", str(write(tmp_path, bytes(data))), code=1)
    assert result.stdout.startswith("line 3 was edited")
    assert "chain BROKEN at line 3" in result.stdout
    assert "Head:" not in result.stdout  # a broken log has no head to note


def test_verify_reports_a_forged_result_by_field(tmp_path: Path) -> None:
    def forge(record: dict[str, Any]) -> None:
        record["result"]["achieved"]["osmolarity_mOsmol_per_L"] = 300

    result = run("log", "verify", str(write(tmp_path, rewrite(log_bytes(), 2, forge))), code=1)
    assert (
        "line 2: result.achieved.osmolarity_mOsmol_per_L: logged 300, recomputed 253."
        in result.stdout
    )
    assert "chain intact; 1 finding on the results" in result.stdout


def test_verify_warns_of_a_torn_tail_but_passes(tmp_path: Path) -> None:
    result = run("log", "verify", str(write(tmp_path, log_bytes(3) + b'{"body_sha')))
    assert result.stderr.startswith("Warning: line 5 is incomplete")
    assert "3 records; chain intact" in result.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [(lambda p: p / "absent.log", "cannot be read"), (lambda p: p, "is a folder")],
)
def test_verify_an_unreadable_file_is_exit_2(tmp_path: Path, make: Any, message: str) -> None:
    result = run("log", "verify", str(make(tmp_path)), code=2)
    assert result.stderr.startswith("Error: log ") and message in result.stderr


def test_verify_lists_at_most_twenty_findings(tmp_path: Path) -> None:
    data = log_bytes(25)
    for number in range(2, 27):
        data = rewrite(data, number, lambda r: r.update({"pass": "yes"}))
    result = run("log", "verify", str(write(tmp_path, data)), code=1)
    assert result.stdout.count(": pass: logged") == 20
    assert "... and 5 more." in result.stdout


# ---------------------------------------------------------------------------------------------
# npt log show


@pytest.fixture
def dated_log(tmp_path: Path) -> Path:
    """A log with one record on each of 1, 2 and 3 May 2026 at 09:00 UTC."""
    path = tmp_path / "clinic.log"
    for day in (1, 2, 3):
        record = record_for(REQUESTS[day - 1])
        record["time"] = f"2026-05-0{day}T09:00:00.000Z"
        append(path, record)
    return path


def listed(stdout: str) -> list[str]:
    """Return the listing's entries, each joined from the lines it was wrapped onto (a wrapped
    line goes on under the entry, indented by 7 spaces)."""
    entries: list[str] = []
    for line in stdout.splitlines():
        if line.startswith(" " * 7) and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line)
    return entries


def test_show_lists_every_record(dated_log: Path) -> None:
    *lines, head = listed(run("log", "show", str(dated_log)).stdout)
    assert len(lines) == 3
    last = hashlib.sha256(dated_log.read_bytes().splitlines()[-1]).hexdigest()
    assert head == f"Head: 3-{last[:16]} (not verified; see `npt log verify`)."
    assert lines[0].split()[:4] == ["2", "2026-05-01", "09:00:00.000Z", "prepare"]
    assert "dextrose 5%, 60mL from D50" in lines[0] and "PASS" in lines[0]
    assert "dextrose 5%: D50=6mL SWFI=54mL" in lines[1]
    assert lines[1].endswith("by A. Lee, checked by B. Khan")


@pytest.mark.parametrize(
    ("since", "lines"),
    [
        ("2026-05-02", [3, 4]),
        ("2026-05-02T09:00Z", [3, 4]),
        ("2026-05-02T09:00:01Z", [4]),
        ("2026-05-02T11:00+02:00", [3, 4]),  # 09:00 UTC
        ("2026-05-02T09:30", [4]),  # no zone: UTC
        ("2026-05-04", []),
    ],
)
def test_show_since_filters(dated_log: Path, since: str, lines: list[int]) -> None:
    listing = json.loads(run("log", "show", str(dated_log), "--since", since, "--json").stdout)
    assert [entry["line"] for entry in listing["records"]] == lines


def test_show_since_refuses_what_is_not_a_date(dated_log: Path) -> None:
    result = run("log", "show", str(dated_log), "--since", "last week", code=2)
    assert "--since 'last week' is not a date" in result.stderr


def test_show_json_schema(dated_log: Path) -> None:
    listing = json.loads(run("log", "show", str(dated_log), "--json").stdout)
    assert set(listing) == {"schema", "file", "records", "warnings", "head"}
    assert listing["head"] == run("log", "head", str(dated_log)).stdout.splitlines()[-1]
    assert listing["schema"] == "npt.log-show/1" and listing["file"] == str(dated_log)
    assert listing["warnings"] == []
    lines = dated_log.read_bytes().splitlines()[1:]  # after the header
    for entry, raw in zip(listing["records"], lines, strict=True):
        assert set(entry) == {"line", "record"}
        assert entry["record"] == json.loads(raw)


def test_show_skips_damaged_lines_with_warnings(tmp_path: Path) -> None:
    log = write(tmp_path, log_bytes(2) + b"not json\n" + log_bytes(1) + b'{"body')
    result = run("log", "show", str(log), code=1)
    assert len(listed(result.stdout)) == 3 + 1  # and the head
    assert "line 4 is not a JSON record" in result.stderr
    assert "line 7 is incomplete" in result.stderr


def test_log_commands_have_help() -> None:
    for args in (["log"], ["log", "verify"], ["log", "show"]):
        assert "Example" in run(*args, "--help").stdout
    assert "log" in run("--help").stdout


# ---------------------------------------------------------------------------------------------
# A file that is not a log is never written to


@pytest.mark.parametrize(
    "content",
    [b"a\nb", b"", b'{"notes": ["a", "b"]}\n' * 1000, b"\n", log_bytes(2).split(b"\n", 1)[1]],
    ids=["text", "empty", "json", "blank line", "records without their header"],
)
def test_log_on_a_file_that_is_not_a_log_is_refused_untouched(
    tmp_path: Path, content: bytes
) -> None:
    notes = write(tmp_path, content, "notes.txt")
    result = run(*PREPARE, "--log", str(notes), code=2)
    assert "is not an npt preparation log; it was not changed" in result.stderr
    assert result.stdout == ""
    assert notes.read_bytes() == content


def test_a_new_log_starts_with_its_header(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    run(*PREPARE, "--log", str(log))
    header = json.loads(log.read_bytes().split(b"\n", 1)[0])
    assert header["type"] == "header" and header["schema"] == "npt.log/1"
    assert not [p.name for p in tmp_path.iterdir() if p.name != "clinic.log"]  # no temporary


def test_a_record_that_lost_its_newline_is_kept(tmp_path: Path) -> None:
    log = write(tmp_path, log_bytes(3)[:-1])  # truncate -s -1
    run(*PREPARE, "--log", str(log))
    assert log.read_bytes().startswith(log_bytes(3))
    assert "4 records; chain intact; every result agrees" in run("log", "verify", str(log)).stdout


# ---------------------------------------------------------------------------------------------
# Long fields


def test_an_overlong_name_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    log = tmp_path / "clinic.log"
    result = run(*PREPARE, "--log", str(log), "--by", "x" * 120_000, code=2)
    assert "--by is 120,000 characters long; give a name of at most 100" in result.stderr
    assert result.stdout == "" and not log.exists()


def test_an_overlong_argument_is_refused(tmp_path: Path) -> None:
    log = write(tmp_path, log_bytes(1))
    result = run(*PREPARE, "--tolerance", "5%" + " " * 2000, "--log", str(log), code=2)
    assert "more than the 1,000 a log record keeps" in result.stderr
    assert log.read_bytes() == log_bytes(1)


def test_one_overlong_line_does_not_hide_the_other_records(tmp_path: Path) -> None:
    def forge(record: dict[str, Any]) -> None:
        record["result"]["achieved"]["osmolarity_mOsmol_per_L"] = 300

    lines = rewrite(log_bytes(4), 5, forge).splitlines(keepends=True)
    lines.insert(2, b'{"x":"' + b"y" * 1_200_000 + b'"}\n')
    result = run("log", "verify", str(write(tmp_path, b"".join(lines))), code=1)
    assert "line 3 is 1,200,008 bytes long, longer than any record" in result.stdout
    assert "line 4 does not follow" not in result.stdout  # that follows from line 3
    assert "line 6: result.achieved.osmolarity_mOsmol_per_L: logged 300" in result.stdout


# ---------------------------------------------------------------------------------------------
# The head


def test_log_head_prints_the_token_alone_on_its_last_line(tmp_path: Path) -> None:
    log = write(tmp_path, log_bytes(3))
    output = run("log", "head", str(log)).stdout.splitlines()
    last = hashlib.sha256(log_bytes(3).splitlines()[-1]).hexdigest()
    assert output[-1] == f"3-{last[:16]}"
    assert output[0] == f"{log}: 3 records; chain intact."


def test_verify_with_the_head_finds_a_cut_the_chain_cannot(tmp_path: Path) -> None:
    log = write(tmp_path, log_bytes(3))
    token = run("log", "head", str(log)).stdout.splitlines()[-1]
    assert "holds the noted head" in run("log", "verify", str(log), "--head", token).stdout
    log.write_bytes(log_bytes(2))  # the last record cut off: the chain is intact
    run("log", "verify", str(log))
    result = run("log", "verify", str(log), "--head", token, code=1)
    assert f"does not hold the noted head {token}" in result.stdout


def test_a_log_that_grew_still_holds_its_older_head(tmp_path: Path) -> None:
    log = write(tmp_path, log_bytes(2))
    token = run("log", "head", str(log)).stdout.splitlines()[-1]
    run(*PREPARE, "--log", str(log))
    run("log", "verify", str(log), "--head", token.upper().replace("-", ":"))


@pytest.mark.parametrize("token", ["", "1234", "12-xyz", "3-abc", "-3-" + "a" * 16])
def test_a_head_that_is_not_a_token_is_refused(tmp_path: Path, token: str) -> None:
    result = run("log", "verify", str(write(tmp_path, log_bytes(1))), "--head", token, code=2)
    assert "is not a log head; expected the token `npt log head` printed" in result.stderr


def test_log_head_of_a_broken_log_prints_no_token(tmp_path: Path) -> None:
    result = run("log", "head", str(write(tmp_path, log_bytes(3)[1:])), code=1)
    assert "chain BROKEN; no head printed" in result.stdout


# ---------------------------------------------------------------------------------------------
# Display, locks and odd files


def test_show_escapes_control_characters_in_logged_fields(tmp_path: Path) -> None:
    def hostile(record: dict[str, Any]) -> None:
        record["prepared_by"] = "A. Lee\x1b[2K\rforged\u202e"
        record["inputs"]["normalised"]["target"] = "dextrose 5%\x07"

    log = write(tmp_path, rewrite(log_bytes(1), 2, hostile))
    output = " ".join(listed(run("log", "show", str(log)).stdout))
    assert "\x1b" not in output and "\r" not in output and "\x07" not in output
    assert "\u202e" not in output
    assert "A. Lee\\x1b[2K\\rforged\\u202e" in output and "dextrose 5%\\x07" in output


def test_a_log_held_by_another_process_is_waited_for(tmp_path: Path) -> None:
    log = write(tmp_path, log_bytes(1))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(log), "1.0"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    result = run(*PREPARE, "--log", str(log))
    holder.wait(timeout=10)
    assert f"Waiting for {log}: another process is using it (at most 10 s)." in result.stderr
    assert len(records(log)) == 2


HOLD = """
import sys, time, portalocker
with open(sys.argv[1], "rb+") as handle:
    portalocker.lock(handle, portalocker.LockFlags.EXCLUSIVE)
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.mark.parametrize("command", [PREPARE, ["log", "verify"], ["log", "show"], ["log", "head"]])
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "clinic.log"
    os.mkfifo(fifo)
    option = ["--log"] if command is PREPARE else []
    result = run(*command, *option, str(fifo), code=2)
    assert "is a FIFO (named pipe); expected a regular file" in result.stderr
