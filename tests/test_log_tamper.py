"""The tamper suite: ways to alter a log, each verified with and without the head noted before.

With the noted head (`npt log verify FILE --head TOKEN`) every alteration is found. Without it,
those marked `found` are found; the others are the ones docs/log-format.md lists, by the name
given here, as what a hash chain alone cannot see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from npt_protocol.log.record import encode, header_record
from npt_protocol.log.verify import verify
from tests.logs import REQUESTS, START, chain, log_bytes, record_for, write

BASE = log_bytes(8)  # the header and eight records
DOCS = (Path(__file__).parents[1] / "docs" / "log-format.md").read_text(encoding="utf-8")
OTHER_LOG = log_bytes(3, header=header_record(time=START, log_id="0ther" * 6 + "00"))

Lines = list[bytes]


def joined(lines: Lines) -> bytes:
    """Join lines, each ending in a newline."""
    return b"".join(line + b"\n" for line in lines)


def records(lines: Lines) -> list[dict[str, Any]]:
    """Parse every line."""
    return [json.loads(line) for line in lines]


def rechained(change: Callable[[list[dict[str, Any]]], None]) -> Callable[[Lines], bytes]:
    """Change the parsed lines, then redo every hash, as a careful forger would."""

    def tamper(lines: Lines) -> bytes:
        parsed = records(lines)
        change(parsed)
        return joined(chain(parsed))

    return tamper


def edit(number: int, old: bytes, new: bytes) -> Callable[[Lines], bytes]:
    """Replace the first `old` on a line with `new`, leaving the hashes as they were."""

    def tamper(lines: Lines) -> bytes:
        out = list(lines)
        assert old in out[number - 1], (number, old)
        out[number - 1] = out[number - 1].replace(old, new, 1)
        return joined(out)

    return tamper


def changed(number: int, change: Callable[[dict[str, Any]], None]) -> Callable[[Lines], bytes]:
    """Change one record's content and re-encode it without redoing anything else."""

    def tamper(lines: Lines) -> bytes:
        out = list(lines)
        record = json.loads(out[number - 1])
        change(record)
        out[number - 1] = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
        return joined(out)

    return tamper


def moved(order: Callable[[Lines], Lines]) -> Callable[[Lines], bytes]:
    """Rearrange the lines without redoing any hash."""
    return lambda lines: joined(order(list(lines)))


def forged_record(parsed: list[dict[str, Any]]) -> None:
    """Insert a made-up record whose result is what the engine computes."""
    parsed.insert(4, {**record_for(REQUESTS[2], 30), "prepared_by": "Somebody Else"})


def older_copy(lines: Lines) -> bytes:
    """The log as it was five records ago."""
    return joined(lines[:4])


def set_in(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set a nested field given as 'a.b.c'."""

    def change(record: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = record
        for key in parents:
            target = target[key]
        target[last] = value

    return change


# name: (tamper, found without the noted head)
TAMPERS: dict[str, tuple[Callable[[Lines], bytes], bool]] = {
    # edits, hashes left as they were
    "edit a result's number": (edit(4, b'"volume_mL":4', b'"volume_mL":5'), True),
    "edit who prepared": (edit(3, b"A. Lee", b"A. Lea"), True),
    "edit who checked": (edit(3, b"B. Khan", b"B. Kahn"), True),
    "edit a record's time": (edit(5, b"T09:03", b"T09:13"), True),
    "edit the arguments": (edit(2, b'"--log"', b'"--lag"'), True),
    "edit the header's creation time": (edit(1, b"T09:00", b"T08:00"), True),
    "edit the header's log id": (edit(1, b"5eed5eed", b"5eed5eee"), True),
    "edit a prev hash": (changed(6, set_in("prev", "1" * 64)), True),
    "edit a body hash": (changed(6, set_in("body_sha256", "2" * 64)), True),
    "edit the last record": (edit(9, b"A. Lee", b"Z. Lee"), True),
    "edit the schema": (edit(7, b"npt.log/1", b"npt.log/2"), True),
    # deletions
    "delete the header": (moved(lambda ls: ls[1:]), True),
    "delete the first record": (moved(lambda ls: [ls[0], *ls[2:]]), True),
    "delete a record in the middle": (moved(lambda ls: [*ls[:4], *ls[5:]]), True),
    # reordering
    "swap two records": (moved(lambda ls: [*ls[:3], ls[4], ls[3], *ls[5:]]), True),
    "move the last record to the front": (moved(lambda ls: [ls[0], ls[-1], *ls[1:-1]]), True),
    "reverse the records": (moved(lambda ls: [ls[0], *reversed(ls[1:])]), True),
    # duplicates and insertions
    "duplicate a record": (moved(lambda ls: [*ls[:5], ls[4], *ls[5:]]), True),
    "duplicate the last record at the end": (moved(lambda ls: [*ls, ls[-1]]), True),
    "duplicate the header": (moved(lambda ls: [ls[0], *ls]), True),
    "insert a record from another log": (
        moved(lambda ls: [*ls[:3], OTHER_LOG.splitlines()[1], *ls[3:]]),
        True,
    ),
    "insert a line that is not a record": (moved(lambda ls: [*ls[:3], b"# note", *ls[3:]]), True),
    "append a line that is not a record": (moved(lambda ls: [*ls, b"# note"]), True),
    "append a record from another log": (moved(lambda ls: [*ls, OTHER_LOG.splitlines()[1]]), True),
    "join another log on the end": (lambda ls: joined(ls) + OTHER_LOG, True),
    "insert a repair record that repairs nothing": (
        moved(
            lambda ls: [
                *ls[:3],
                encode(
                    {
                        **json.loads(ls[3]),
                        "type": "repair",
                        "repaired": {"bytes": 0, "sha256": "0" * 64},
                    }
                ),
                *ls[3:],
            ]
        ),
        True,
    ),
    # whitespace and JSON-equivalent spellings, hashes left as they were
    "add a space after a colon": (edit(4, b'"command":', b'"command": '), True),
    "Windows line ends": (lambda ls: b"".join(line + b"\r\n" for line in ls), True),
    "a blank line in the middle": (moved(lambda ls: [*ls[:4], b"", *ls[4:]]), True),
    "a blank line at the end": (moved(lambda ls: [*ls, b""]), True),
    "a space at the end of a line": (moved(lambda ls: [*ls[:4], ls[4] + b" ", *ls[5:]]), True),
    "a byte-order mark at the start": (lambda ls: b"\xef\xbb\xbf" + joined(ls), True),
    "a tab inside a record": (edit(6, b',"inputs"', b',\t"inputs"'), True),
    "a letter written as a JSON escape": (edit(3, b"A. Lee", b"\\u0041. Lee"), True),
    "keys in another order": (
        moved(
            lambda ls: [
                *ls[:3],
                json.dumps(dict(reversed(json.loads(ls[3]).items()))).encode(),
                *ls[4:],
            ]
        ),
        True,
    ),
    # emptying and cutting
    "empty the file": (lambda ls: b"", True),
    "keep only the header": (moved(lambda ls: ls[:1]), False),
    "cut the last record": (moved(lambda ls: ls[:-1]), False),
    "cut the last three records": (moved(lambda ls: ls[:-3]), False),
    "cut in the middle of the last record": (lambda ls: joined(ls)[:-700], False),
    "break the JSON of the last record": (edit(9, b'"}', b"x}"), False),
    "cut in the middle of an earlier record": (
        lambda ls: joined(ls[:5]) + ls[5][: len(ls[5]) // 2],
        False,
    ),
    "replace the log with an older copy": (older_copy, False),
    # rewrites with every hash redone
    "rewrite a result, hashes redone": (
        rechained(lambda p: set_in("result.components", [])(p[3])),
        True,
    ),
    "rewrite a pass, hashes redone": (rechained(lambda p: set_in("pass", True)(p[4])), True),
    "rewrite the inputs, hashes redone": (
        rechained(lambda p: set_in("inputs.normalised.volume", "61mL")(p[1])),
        True,
    ),
    "rewrite who prepared, hashes redone": (
        rechained(lambda p: set_in("prepared_by", "C. Doe")(p[3])),
        False,
    ),
    "rewrite a record's time, hashes redone": (
        rechained(lambda p: set_in("time", "2026-05-04T10:00:00.000Z")(p[3])),
        False,
    ),
    "rewrite the arguments, hashes redone": (
        rechained(lambda p: set_in("inputs.argv", ["edited"])(p[3])),
        False,
    ),
    "delete a record, hashes redone": (rechained(lambda p: p.pop(4)), False),
    "insert a made-up record, hashes redone": (rechained(forged_record), False),
    "reorder records, hashes redone": (rechained(lambda p: p.insert(2, p.pop(5))), False),
    "a new header for the same records, hashes redone": (
        rechained(lambda p: set_in("log_id", "f" * 32)(p[0])),
        False,
    ),
}


def test_the_suite_has_at_least_forty_ways() -> None:
    assert len(TAMPERS) >= 40


@pytest.mark.parametrize("name", TAMPERS)
def test_every_alteration_is_found_with_the_noted_head(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, BASE)
    noted = verify(path)
    assert noted.ok
    tamper, _ = TAMPERS[name]
    altered = tamper(BASE.splitlines())
    assert altered != BASE
    path.write_bytes(altered)
    report = verify(path, head=noted.head.token)
    assert not report.ok, name


@pytest.mark.parametrize("name", TAMPERS)
def test_without_the_head_what_the_docs_say_is_found_is_found(tmp_path: Path, name: str) -> None:
    tamper, found = TAMPERS[name]
    report = verify(write(tmp_path, tamper(BASE.splitlines())))
    assert report.ok != found, (name, report.findings[:3])


def test_the_docs_list_every_alteration_a_chain_alone_cannot_see() -> None:
    section = DOCS.split("### Not found without a noted head", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^- (.+?)(?: —|$)", section, re.MULTILINE))
    assert listed == {name for name, (_, found) in TAMPERS.items() if not found}


def test_the_head_of_an_untouched_log_is_found(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    token = verify(path).head.token
    for more in range(3):
        assert verify(path, head=token).ok, more
        path.write_bytes(log_bytes(9 + more))  # the log grows: the noted state is still there


def test_an_older_head_is_found_in_a_longer_log(tmp_path: Path) -> None:
    older = verify(write(tmp_path, log_bytes(3), "old.log")).head.token
    assert verify(write(tmp_path, BASE), head=older).ok
