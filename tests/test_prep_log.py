"""The preparation log: line format, hash chain, durable append, verification, recomputation."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.engine.requests import PrepareRequest
from npt_protocol.errors import OutputError
from npt_protocol.log.record import BODY_KEY, GENESIS, body_intact, encode, new_record, utc_text
from npt_protocol.log.store import append
from npt_protocol.log.verify import Verification, verify
from tests.logs import REQUESTS, log_bytes, record_for, reseal_from, rewrite, write

LOG = log_bytes()  # the header, then five records: three prepares, two checks (one fails)
LINES = LOG.splitlines()


def verify_bytes(data: bytes, *, fast: bool = True) -> Verification:
    """Verify bytes written to a temporary log file."""
    with tempfile.TemporaryDirectory() as folder:
        return verify(write(Path(folder), data), fast=fast)


def first(report: Verification) -> tuple[int, str]:
    """Return the line and kind of the first finding."""
    assert report.findings, "expected a finding"
    return report.findings[0].line, report.findings[0].kind


# ---------------------------------------------------------------------------------------------
# Format and chain


def test_appended_records_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "clinic.log"
    for index, request in enumerate(REQUESTS):
        appended = append(path, record_for(request, index))
        assert appended.created == (index == 0)
        assert (appended.repaired_bytes, appended.newline_added) == (0, False)
    data = path.read_bytes()
    assert data.endswith(b"\n")
    header, *lines = data.split(b"\n")[:-1]
    assert len(lines) == len(REQUESTS)
    assert json.loads(header) == {
        **json.loads(header),
        "schema": "npt.log/1",
        "type": "header",
        "created": "2026-05-04T09:00:00.000Z",
        "prev": GENESIS,
    }
    assert body_intact(header) and len(json.loads(header)["log_id"]) == 32
    prev = hashlib.sha256(header).hexdigest()
    for line, request in zip(lines, REQUESTS, strict=True):
        record = json.loads(line)
        assert record["prev"] == prev
        assert (
            json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            == line
        )  # canonical, one line
        assert body_intact(line)
        assert record["inputs"]["normalised"]["target"] == request.target
        prev = hashlib.sha256(line).hexdigest()
    report = verify(path)
    assert report.ok and report.torn is None
    assert (report.records, report.head.sha256, report.distinct_requests) == (5, prev, 5)
    # The same records chained by hand after the same header give the same bytes.
    assert data == log_bytes(header=json.loads(header))


def test_record_fields() -> None:
    record = json.loads(LINES[4])
    assert record["schema"] == "npt.log/1"
    assert record["time"] == "2026-05-04T09:03:00.000Z"
    assert record["command"] == "check"
    assert record["inputs"]["normalised"] == {
        "target": "dextrose 5%",
        "drawn": ["D50=7mL", "SWFI=53mL"],
        "tolerance": "5%",
        "weight": None,
        "catalogue": None,
        "bases": [],
    }
    assert record["pass"] is False and record["result"]["pass"] is False
    assert record["catalogue_version"] == record["result"]["catalogue_version"]
    assert record["protocol"] is None
    assert (record["prepared_by"], record["checked_by"]) == ("A. Lee", "B. Khan")


def test_time_is_utc_and_must_be_aware() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    assert (
        utc_text(dt.datetime(2026, 5, 4, 11, 30, 5, 123456, tzinfo=paris))
        == "2026-05-04T09:30:05.123Z"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_text(dt.datetime(2026, 5, 4, 11, 30))  # a naive time: the point of the test


@pytest.mark.parametrize(
    "name", ["", "   ", "A.\nLee", "tab\there", "A.\u202eeeL", "A.\u2028Lee", "x" * 101]
)
def test_names_must_be_one_line_of_text(name: str) -> None:
    with pytest.raises(ValueError, match="--by"):
        new_record(
            command="prepare",
            time=dt.datetime.now(dt.UTC),
            argv=[],
            request=PrepareRequest("dextrose 5%", "60mL", ("D50",)),
            result={"catalogue_version": "x", "within_tolerance": True, "pass": True},
            prepared_by=name,
        )


# ---------------------------------------------------------------------------------------------
# Tampering is found at the line tampered with


def test_an_intact_log_verifies() -> None:
    report = verify_bytes(LOG)
    assert report.ok and report.records == 5 and report.torn is None
    assert report.head.token == f"5-{hashlib.sha256(LINES[-1]).hexdigest()[:16]}"


@given(st.data())
def test_editing_any_byte_is_found_at_that_line(data: st.DataObject) -> None:
    number = data.draw(st.integers(1, len(LINES)), label="line")
    offset = data.draw(st.integers(0, len(LINES[number - 1])), label="offset (last: newline)")
    start = sum(len(line) + 1 for line in LINES[: number - 1])
    old = LOG[start + offset]
    new = data.draw(st.integers(0, 255).filter(lambda b: b != old), label="new byte")
    edited = LOG[: start + offset] + bytes([new]) + LOG[start + offset + 1 :]
    report = verify_bytes(edited)
    if report.findings or number < len(LINES):
        assert first(report) == (number, "broken")
    else:
        # The last line, no longer whole JSON, is what a crash leaves as far as the file can
        # tell: a warning at that line (the noted head finds it, tests/test_log_tamper.py).
        assert report.torn is not None and report.torn.line == number


@pytest.mark.parametrize("number", range(1, len(LINES) + 1))
@pytest.mark.parametrize("edit", ["newline to x", "newline to space", "x to newline"])
def test_moving_a_line_break_is_found_at_that_line(number: int, edit: str) -> None:
    # Hypothesis rarely picks these offsets among thousands, so each is also tried here.
    lines = list(LINES)
    if edit == "x to newline":
        middle = len(lines[number - 1]) // 2
        lines[number - 1] = lines[number - 1][:middle] + b"\n" + lines[number - 1][middle + 1 :]
        data = b"".join(line + b"\n" for line in lines)
    else:
        end = sum(len(line) + 1 for line in LINES[:number]) - 1
        data = LOG[:end] + (b"x" if edit == "newline to x" else b" ") + LOG[end + 1 :]
    assert first(verify_bytes(data)) == (number, "broken")


@pytest.mark.parametrize("number", range(1, len(LINES)))
def test_deleting_a_line_is_found_where_it_was(number: int) -> None:
    kept = [line for n, line in enumerate(LINES, 1) if n != number]
    assert first(verify_bytes(b"".join(line + b"\n" for line in kept))) == (number, "broken")


@pytest.mark.parametrize("number", range(1, len(LINES)))
def test_swapping_two_lines_is_found(number: int) -> None:
    lines = list(LINES)
    lines[number - 1], lines[number] = lines[number], lines[number - 1]
    assert first(verify_bytes(b"".join(line + b"\n" for line in lines))) == (number, "broken")


def test_deleting_the_last_line_leaves_a_shorter_valid_log_with_another_head() -> None:
    # Nothing inside the file can show that its end was cut off: that is what the printed head
    # hash is for, noted elsewhere.
    full, cut = verify_bytes(LOG), verify_bytes(b"".join(line + b"\n" for line in LINES[:-1]))
    assert cut.ok and cut.records == full.records - 1 and cut.head != full.head


# ---------------------------------------------------------------------------------------------
# Recomputation finds a forged result even when every hash is redone


def change_volume(record: dict[str, Any]) -> None:
    record["result"]["components"][0]["volume_mL"] = 7


@pytest.mark.parametrize("fast", [True, False])
def test_a_forged_result_with_a_redone_chain_is_found(fast: bool) -> None:
    report = verify_bytes(rewrite(LOG, 4, change_volume), fast=fast)
    assert [(f.line, f.kind, f.field, f.logged, f.recomputed) for f in report.findings] == [
        (4, "disagreement", "result.components[0].volume_mL", 7, 4)
    ]


def test_a_forged_pass_is_found() -> None:
    def passes(record: dict[str, Any]) -> None:
        record["pass"] = True
        record["result"]["pass"] = record["result"]["within_tolerance"] = True

    report = verify_bytes(rewrite(LOG, 5, passes))
    assert sorted(f.field or "" for f in report.findings) == [
        "pass",
        "result.pass",
        "result.within_tolerance",
    ]
    assert all(f.line == 5 and f.recomputed is False for f in report.findings)


def test_a_pass_written_as_one_is_not_a_pass() -> None:
    report = verify_bytes(rewrite(LOG, 2, lambda r: r.update({"pass": 1})))
    assert [(f.line, f.field) for f in report.findings] == [(2, "pass")]


def test_forged_inputs_are_recomputed_from_what_they_now_say() -> None:
    def more_stock(record: dict[str, Any]) -> None:
        record["inputs"]["normalised"]["drawn"] = ["D50=8mL", "SWFI=52mL"]

    report = verify_bytes(rewrite(LOG, 3, more_stock))
    assert {f.field for f in report.findings} >= {"pass", "result.components[0].volume_mL"}


def test_inputs_the_engine_refuses_are_reported() -> None:
    report = verify_bytes(
        rewrite(LOG, 2, lambda r: r["inputs"]["normalised"].update({"volume": "0mL"}))
    )
    assert first(report) == (2, "disagreement")
    assert "refused by the current engine" in report.findings[0].message


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["inputs"]["normalised"].pop("volume"),
        lambda r: r["inputs"]["normalised"].update({"stocks": "D50"}),
        lambda r: r["inputs"]["normalised"].update({"method": "bucket"}),
        lambda r: r["inputs"].update({"normalised": {"stocks": {"D50": 1}}}),
        lambda r: r.update({"schema": "npt.log/9"}),
        lambda r: r.update({"command": "session"}),
    ],
)
def test_records_that_cannot_be_recomputed_are_invalid(change: Any) -> None:
    assert first(verify_bytes(rewrite(LOG, 2, change))) == (2, "invalid")


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update({"aardvark": 1}),  # sorts first: before the result, in the fast path
        lambda r: r.update({"remark": "x"}),  # between the inputs and the result
        lambda r: r.update({"zebra": 1}),  # sorts last: after the result
        lambda r: r.pop("protocol"),
    ],
)
def test_records_with_other_fields_are_invalid(change: Any) -> None:
    forged = rewrite(LOG, 3, change)
    report = verify_bytes(forged)
    assert [(f.line, f.kind) for f in report.findings] == [(3, "invalid")]
    assert verify_bytes(forged, fast=False).findings == report.findings


def test_a_result_from_another_tool_version_is_compared_without_it() -> None:
    def older(record: dict[str, Any]) -> None:
        record["tool_version"] = record["result"]["tool_version"] = "0.0.9"

    assert verify_bytes(rewrite(LOG, 3, older)).ok


DECOYS = {
    # A copy of the true result hidden where a careless reader might take it for the real one,
    # while the real result is forged.
    "in protocol": lambda r, true: r.update({"protocol": {"result": true}}),
    "in inputs": lambda r, true: r["inputs"].update({"result": true}),
    "inside result": lambda r, true: r["result"].update({"result": true}),
    "after the end": lambda r, true: r.update(
        {"zzz": {"result": true, "schema": "npt.log/1", "time": r["time"]}}
    ),
}


@pytest.mark.parametrize("decoy", DECOYS)
def test_a_hidden_copy_of_the_true_result_does_not_pass_for_it(decoy: str) -> None:
    def forge(record: dict[str, Any]) -> None:
        true = json.loads(json.dumps(record["result"]))
        change_volume(record)
        DECOYS[decoy](record, true)

    forged = rewrite(LOG, 4, forge)
    fast, slow = verify_bytes(forged, fast=True), verify_bytes(forged, fast=False)
    assert fast.findings == slow.findings
    expected = (
        (4, "invalid", None)
        if decoy == "after the end"
        else (4, "disagreement", "result.components[0].volume_mL")
    )  # a field no record has
    assert expected in [(f.line, f.kind, f.field) for f in fast.findings]


def test_a_duplicate_result_key_is_read_as_json_reads_it() -> None:
    # The last of duplicate keys wins, in the fast path as in json.loads: a forged second result
    # after the true one is what the record says, and it disagrees.
    line = LINES[1]
    at = line.rindex(b',"schema":"npt.log/1"')
    forged_result = json.dumps(
        json.loads(line)["result"] | {"steps": ["Forged."]}, sort_keys=True, separators=(",", ":")
    ).encode()
    forged = reseal_from(
        [LINES[0], line[:at] + b',"result":' + forged_result + line[at:], *LINES[2:]], 2
    )
    report = verify_bytes(forged)
    assert report.findings == verify_bytes(forged, fast=False).findings
    assert [(f.line, f.kind, f.field) for f in report.findings] == [
        (2, "disagreement", "result.steps")
    ]


@given(st.data())
def test_the_fast_path_finds_what_the_full_parse_finds(data: st.DataObject) -> None:
    # Any byte edit whose hashes are then redone: both ways of reading must agree exactly.
    number = data.draw(st.integers(2, len(LINES)), label="line")
    line = LINES[number - 1]
    offset = data.draw(st.integers(len(BODY_KEY) + 66, len(line) - 1), label="offset")
    new = data.draw(st.sampled_from(b'0123456789,:{}[]"ax .-'), label="new byte")
    edited = line[:offset] + bytes([new]) + line[offset + 1 :]
    forged = reseal_from([*LINES[: number - 1], edited, *LINES[number:]], number)
    assert verify_bytes(forged, fast=True).findings == verify_bytes(forged, fast=False).findings


# ---------------------------------------------------------------------------------------------
# Hostile logs: never a traceback


@pytest.mark.parametrize(
    "line",
    [
        b"[" * 200_000,
        b'{"body_sha256":"' + b"0" * 64 + b'","a":' + b"[" * 200_000 + b"]" * 200_000 + b"}",
        b"\xff\xfe{}",
        b"",
        b"null",
    ],
)
def test_lines_that_are_no_record_are_broken_not_a_crash(line: bytes) -> None:
    assert first(verify_bytes(LOG + line + b"\n")) == (7, "broken")


def test_a_deeply_nested_tail_is_no_torn_write_and_no_crash() -> None:
    # No record nests so deep: these bytes were not left by an interrupted write.
    report = verify_bytes(LOG + b'{"body_sha256":"x","a":' + b"[" * 200_000)
    assert first(report) == (7, "broken") and report.torn is None


@pytest.mark.parametrize("depth", [20, 700])
def test_a_sealed_record_with_a_deeply_nested_result_is_a_disagreement(depth: int) -> None:
    placeholder = encode({**json.loads(LINES[1]), "result": "@"})
    line = placeholder.replace(b'"@"', b'{"a":' * depth + b"0" + b"}" * depth)
    report = verify_bytes(reseal_from([LINES[0], line, *LINES[2:]], 2))
    assert first(report) == (2, "disagreement")
    assert report.findings[0].field in {"result", "result.a"}


def test_an_engine_failure_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("npt_protocol.log.recompute.run_prepare", broken)
    report = verify_bytes(LOG)
    assert [(f.line, f.kind) for f in report.findings] == [
        (2, "disagreement"),
        (4, "disagreement"),
        (6, "disagreement"),
    ]
    assert "ZeroDivisionError" in report.findings[0].message


# ---------------------------------------------------------------------------------------------
# Torn tails and failed writes


def test_a_torn_last_line_is_a_warning_and_the_next_append_records_its_repair(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, LOG + LINES[1][:100])
    report = verify(path)
    assert report.ok and report.records == 5
    assert report.torn is not None and report.torn.line == 7
    appended = append(path, record_for(REQUESTS[0], 9))
    assert appended.repaired_bytes == 101  # the torn bytes and the newline that closes them
    data = path.read_bytes()
    assert data.startswith(LOG + LINES[1][:100] + b"\n")  # nothing was cut
    repair = json.loads(data.splitlines()[7])
    assert repair["type"] == "repair" and repair["prev"] == hashlib.sha256(LINES[-1]).hexdigest()
    assert repair["repaired"] == {
        "bytes": 101,
        "sha256": hashlib.sha256(LINES[1][:100] + b"\n").hexdigest(),
    }
    report = verify(path)
    assert report.ok and report.torn is None and report.records == 6
    assert report.notes == (
        "line 8 records the repair of 101 bytes that an interrupted write left on line 7.",
    )


def test_a_whole_record_without_its_newline_is_committed(tmp_path: Path) -> None:
    # `truncate -s -1` on a log: the last record is whole and chained, so it is kept.
    path = write(tmp_path, LOG[:-1])
    report = verify(path)
    assert report.ok and report.torn is None and report.records == 5
    appended = append(path, record_for(REQUESTS[0], 9))
    assert appended.newline_added and appended.repaired_bytes == 0
    assert path.read_bytes().startswith(LOG)
    report = verify(path)
    assert report.ok and report.records == 6 and not report.notes


@pytest.mark.parametrize("junk", [b"x", b" ", b"}", b"\xff", b"\r"])
def test_bytes_after_a_last_record_are_not_a_torn_write(tmp_path: Path, junk: bytes) -> None:
    path = write(tmp_path, LOG[:-1] + junk)  # the last newline replaced
    report = verify(path)
    assert first(report) == (6, "broken") and report.torn is None
    with pytest.raises(OutputError, match="neither records nor an interrupted write"):
        append(path, record_for(REQUESTS[0]))
    assert path.read_bytes() == LOG[:-1] + junk


@pytest.mark.parametrize("tail", [b"junk", b"junk\n", LINES[1] + b"\n"])
def test_lines_that_do_not_start_as_a_record_are_not_a_torn_write(
    tmp_path: Path, tail: bytes
) -> None:
    report = verify(write(tmp_path, LOG + tail))
    assert first(report) == (7, "broken") and report.torn is None


def test_an_append_after_a_foreign_tail_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, LOG + b"notes\n")
    with pytest.raises(OutputError, match="it was not changed"):
        append(path, record_for(REQUESTS[0]))
    assert path.read_bytes() == LOG + b"notes\n"


@pytest.mark.parametrize("junk", [b" ", b" x", b"{}"])
def test_a_resealed_line_with_bytes_after_its_record_is_not_json(junk: bytes) -> None:
    forged = reseal_from([*LINES[:2], LINES[2] + junk, *LINES[3:]], 3)
    assert first(verify_bytes(forged)) == (3, "broken")


def test_an_empty_file_is_no_log(tmp_path: Path) -> None:
    report = verify(write(tmp_path, b""))
    assert not report.ok and report.records == 0
    assert "the log is empty" in report.findings[0].message


def test_a_new_log_has_its_folder_entry_made_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    append(tmp_path / "clinic.log", record_for(REQUESTS[0]))
    assert synced == [False, True]  # the line, then the folder that now lists the file
    synced.clear()
    append(tmp_path / "clinic.log", record_for(REQUESTS[0]))
    assert synced == [False]


def test_appending_where_no_folder_exists_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot be opened") as caught:
        append(tmp_path / "missing" / "clinic.log", record_for(REQUESTS[0]))
    assert caught.value.exit_code == 2


def test_a_short_write_leaves_no_partial_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, LOG)
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, data[: len(data) // 2]))
    with pytest.raises(OutputError, match="was not logged"):
        append(path, record_for(REQUESTS[0]))
    monkeypatch.undo()
    assert path.read_bytes() == LOG


def test_a_full_disk_leaves_no_partial_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, LOG)

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError, match="No space left"):
        append(path, record_for(REQUESTS[0]))
    monkeypatch.undo()
    assert path.read_bytes() == LOG


def test_the_encoder_never_writes_a_raw_newline() -> None:
    record = {**record_for(REQUESTS[0]), "prepared_by": "A. Lee\u2028", "prev": GENESIS}
    record["inputs"]["argv"] = ["line\nbreak", "tab\t", "\u00e9"]
    line = encode(record)
    assert b"\n" not in line and json.loads(line)["inputs"]["argv"][0] == "line\nbreak"


# ---------------------------------------------------------------------------------------------
# Killed while appending

CHILD = """
import json, sys
from pathlib import Path
from npt_protocol.log.store import append
path, record = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
print("ready", flush=True)
count = 0
while True:
    append(path, record)
    count += 1
    print(count, flush=True)
"""


def test_a_process_killed_while_appending_leaves_a_log_that_verifies(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    path, record_file = tmp_path / "clinic.log", tmp_path / "record.json"
    record_file.write_text(json.dumps(record_for(REQUESTS[1])))
    records = 0
    for trial in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(record_file)],
            stdout=subprocess.PIPE,
            cwd=Path(__file__).parents[1],
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.12))
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate(timeout=10)
        acknowledged = int(output.split()[-1]) if output.split() else 0
        report = verify(path)
        where = f"seed {seed}, trial {trial}: {report.findings[:2]}"
        assert report.ok, where
        # Every append that returned is in the log; the one in flight may or may not be.
        assert records + acknowledged <= report.records <= records + acknowledged + 1, where
        records = report.records
    torn = verify(path).torn
    appended = append(path, record_for(REQUESTS[1]))
    assert (appended.repaired_bytes > 0) == (torn is not None)
    report = verify(path)
    assert report.ok and report.torn is None and report.records == records + 1


TORN_CHILD = """
import json, os, signal, sys
from pathlib import Path
from npt_protocol.log.store import append
import portalocker  # its import probes the temporary folder with os.write: load it first
real_write = os.write
def half_then_die(fd, data):
    real_write(fd, data[:len(data) // 2])
    os.kill(os.getpid(), signal.SIGKILL)
os.write = half_then_die
append(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()))
"""


def test_a_process_killed_in_the_middle_of_a_write_leaves_a_torn_tail(tmp_path: Path) -> None:
    path, record_file = write(tmp_path, LOG), tmp_path / "record.json"
    record_file.write_text(json.dumps(record_for(REQUESTS[2])))
    child = subprocess.run(
        [sys.executable, "-c", TORN_CHILD, str(path), str(record_file)],
        cwd=Path(__file__).parents[1],
        timeout=20,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL
    report = verify(path)
    assert report.ok and report.records == 5 and report.torn is not None
    torn_bytes = path.stat().st_size - len(LOG)
    assert torn_bytes > 0
    assert append(path, record_for(REQUESTS[2])).repaired_bytes == torn_bytes + 1
    report = verify(path)
    assert report.ok and report.torn is None and report.records == 6 and len(report.notes) == 1


WRITER = """
import json, sys
from pathlib import Path
from npt_protocol.log.store import append
path, record = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
for _ in range(int(sys.argv[3])):
    append(path, record)
"""


def test_processes_appending_at_once_keep_one_chain(tmp_path: Path) -> None:
    path, record_file = tmp_path / "clinic.log", tmp_path / "record.json"
    record_file.write_text(json.dumps(record_for(REQUESTS[0])))
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(record_file), "150"],
            cwd=Path(__file__).parents[1],
        )
        for _ in range(3)
    ]
    assert [writer.wait(timeout=30) for writer in writers] == [0, 0, 0]
    report = verify(path)
    assert report.ok and report.records == 450


CRASHING_WRITER = """
import json, os, random, signal, sys
from pathlib import Path
import portalocker  # its import probes the temporary folder with os.write: load it first
from npt_protocol.log.store import append
path, record, seed = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()), int(sys.argv[3])
rng = random.Random(seed)
real_write = os.write
def sometimes_torn(fd, data):
    if rng.random() < 0.3:  # a write cut anywhere, then the process dies
        real_write(fd, data[: rng.randrange(len(data))])
        os.kill(os.getpid(), signal.SIGKILL)
    return real_write(fd, data)
os.write = sometimes_torn
print("ready", flush=True)
count = 0
while True:
    append(path, record)
    count += 1
    print(count, flush=True)
"""


def test_kill_9_in_a_loop_loses_no_committed_record_and_touches_no_other_file(
    tmp_path: Path,
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    folder = tmp_path / "logs"
    folder.mkdir()
    path, record_file = folder / "clinic.log", tmp_path / "record.json"
    record_file.write_text(json.dumps(record_for(REQUESTS[1])))
    foreign = {folder / "notes.txt": b"kept\n", folder / "clinic.log.bak": LOG}
    for other, content in foreign.items():
        other.write_bytes(content)
    committed = b""
    for trial in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", CRASHING_WRITER, str(path), str(record_file), str(seed + trial)],
            stdout=subprocess.PIPE,
            cwd=Path(__file__).parents[1],
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.1))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=10)
        where = f"seed {seed}, trial {trial}"
        if not path.exists():
            continue  # killed before the new log got its name
        data = path.read_bytes()
        assert data.startswith(committed), where  # nothing committed was cut or changed
        report = verify(path)
        assert report.ok, (where, report.findings[:2])
        committed = data[: len(data) - _torn_length(data)]
        for other, content in foreign.items():
            assert other.read_bytes() == content, where
        strays = {p.name for p in folder.iterdir()} - {"clinic.log", *(p.name for p in foreign)}
        assert all(name.startswith(".clinic.log.") for name in strays), where
    final = append(path, record_for(REQUESTS[1]))
    report = verify(path)
    assert report.ok and report.torn is None, (seed, report.findings[:2])
    assert path.read_bytes().startswith(committed)
    assert final.line in path.read_bytes()


def _torn_length(data: bytes) -> int:
    """Return how many bytes at the end of a log are an unfinished line."""
    return 0 if data.endswith(b"\n") else len(data) - data.rfind(b"\n") - 1


def test_every_edited_line_is_reported_not_only_the_first() -> None:
    lines = list(LINES)
    for number in (3, 5):
        lines[number - 1] = lines[number - 1].replace(b"A. Lee", b"A. Lea")
    report = verify_bytes(b"".join(line + b"\n" for line in lines))
    assert [(f.line, f.kind) for f in report.findings if f.kind == "broken"] == [
        (3, "broken"),
        (5, "broken"),
    ]


def test_a_lock_held_too_long_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    import portalocker  # noqa: PLC0415

    path = write(tmp_path, LOG)
    told: list[float] = []
    with path.open("rb+") as holder:
        portalocker.lock(holder, portalocker.LockFlags.EXCLUSIVE)
        with pytest.raises(OutputError, match=r"still in use by another process after 0\.2 s"):
            append(path, record_for(REQUESTS[0]), wait=0.2, on_wait=told.append)
    assert told == [0.2] and path.read_bytes() == LOG


def test_the_log_code_imports_where_fcntl_does_not_exist() -> None:
    # Windows has no fcntl: the log must not need it to import (portalocker locks there).
    probe = (
        "import sys\nsys.modules['fcntl'] = None\n"
        "import npt_protocol.log.store, npt_protocol.log.verify\nprint('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert result.stdout == "ok\n", result.stderr
