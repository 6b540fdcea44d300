"""Recomputing logged results with this engine, memoised on identical normalised inputs.

A result is recomputed through the functions `npt prepare` and `npt check` use
(preparation.run_*, then recipe_data or check_data), once per distinct normalised request: a
clinic repeats a few dozen requests, so a long log needs only that many engine runs.

Fast path: most of a line is its result. When the result's bytes are exactly what this version
writes for the record's inputs, only the members before and after it are parsed. This is sound
because `,"result":` can only be a key (a string cannot hold an unescaped quote), the text
before it closes as an object only at the top level, and the text after it must parse as exactly
the members that follow `result` in a record. Any other line is parsed whole and compared field
by field, ignoring `tool_version`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.catalogue.products import Catalogue
from npt_protocol.engine.requests import (
    BatchRequest,
    CheckRequest,
    PrepareRequest,
    run_batch,
    run_check,
    run_prepare,
)
from npt_protocol.engine.results import check_data, recipe_data
from npt_protocol.errors import InputError, NptError
from npt_protocol.log.record import SCHEMA, canonical, parse_line, request_from
from npt_protocol.reading.files import irregular

Kind = Literal["broken", "invalid", "disagreement", "torn", "head"]
ABSENT: Any = object()
RESULT_KEY = b',"result":'
_HEAD_KEYS = frozenset(
    {
        "body_sha256",
        "catalogue_version",
        "checked_by",
        "command",
        "inputs",
        "pass",
        "prepared_by",
        "prev",
        "protocol",
    }
)
_TAIL_KEYS = frozenset({"schema", "time", "tool_version"})
RECORD_KEYS = _HEAD_KEYS | _TAIL_KEYS | {"result"}
_MAX_DEPTH = 16  # results nest 4 deep; deeper differences are reported whole


@dataclass(frozen=True)
class LogFinding:
    """One thing verification found, at a line number (1-based)."""

    line: int
    kind: Kind
    message: str
    field: str | None = None
    logged: Any = None
    recomputed: Any = None


@dataclass(frozen=True)
class _Expected:
    """A recomputed result (without tool_version) and its bytes as logged, or why there is none."""

    result: dict[str, Any] | None
    encoded: bytes = b""
    problem: tuple[Kind, str] | None = None


_NOT_A_RECORD = _Expected(None, problem=("invalid", "is not a preparation record."))


class Recomputer:
    """Read log lines and compare each result with this engine's, once per distinct request."""

    def __init__(self, *, fast: bool = True) -> None:
        self.fast = fast
        self._memo: dict[tuple[Any, ...], _Expected] = {}
        self._catalogues: dict[str | None, Catalogue] = {}

    @property
    def distinct(self) -> int:
        """Return how many distinct requests were recomputed."""
        return len(self._memo)

    def examine(self, number: int, line: bytes) -> tuple[dict[str, Any] | None, list[LogFinding]]:
        """Parse a line (None if it is not a JSON object) and say where it disagrees."""
        fast = self._read_fast(line) if self.fast else None
        if fast is not None:
            record, expected = fast
            return record, self._compare(number, record, expected, agreed=True)
        whole = parse_line(line)
        if whole is None:
            return None, []
        return whole, self._compare(number, whole, None, agreed=False)

    def _read_fast(self, line: bytes) -> tuple[dict[str, Any], _Expected] | None:
        """Parse all but the result, when the result is byte for byte what this engine writes."""
        at = line.find(RESULT_KEY)
        head = parse_line(line[:at] + b"}") if at > 0 else None
        if head is None or head.keys() != _HEAD_KEYS:
            return None
        expected = self._expected(head)
        start = at + len(RESULT_KEY)
        end = start + len(expected.encoded)
        if (
            not expected.encoded
            or not line.startswith(expected.encoded, start)
            or line[end : end + 1] != b","
        ):
            return None
        tail = parse_line(b"{" + line[end + 1 :])
        if tail is None or tail.keys() != _TAIL_KEYS:
            return None
        head.update(tail)
        return head, expected

    def _expected(self, record: dict[str, Any]) -> _Expected:
        """Return the memoised recomputation for a record's command and normalised inputs."""
        try:
            command, inputs = record["command"], record["inputs"]["normalised"]
            # Lists become tuples so the inputs can key the memo; a dict in them raises TypeError.
            key = (command, *[(k, tuple(v) if type(v) is list else v) for k, v in inputs.items()])
            expected = self._memo.get(key)
        except (KeyError, TypeError, AttributeError):
            return _NOT_A_RECORD
        if expected is None:
            expected = self._memo[key] = self._recompute(command, inputs)
        return expected

    def _compare(
        self, number: int, record: dict[str, Any], expected: _Expected | None, *, agreed: bool
    ) -> list[LogFinding]:
        """Compare a record's result, pass and catalogue version with the recomputation."""
        if record.get("schema") != SCHEMA:
            return [
                LogFinding(
                    number,
                    "invalid",
                    f"line {number} has schema "
                    f"{_show(record.get('schema', ABSENT))}; this version reads "
                    f"{SCHEMA}.",
                )
            ]
        if not agreed and record.keys() != RECORD_KEYS:  # the fast path checked them already
            odd = sorted(record.keys() ^ RECORD_KEYS)
            return [
                LogFinding(
                    number,
                    "invalid",
                    f"line {number} has fields that a {SCHEMA} "
                    f"record does not have or lacks: {', '.join(odd)}.",
                )
            ]
        if expected is None:
            expected = self._expected(record)
        if expected.problem is not None:
            kind, message = expected.problem
            return [LogFinding(number, kind, f"line {number} {message}")]
        assert expected.result is not None
        findings = []
        if not agreed:
            result = record.get("result", ABSENT)
            if isinstance(result, dict):
                result = {k: v for k, v in result.items() if k != "tool_version"}
            if result != expected.result:
                findings += [
                    disagreement(number, field, logged, recomputed)
                    for field, logged, recomputed in differences(result, expected.result)
                ]
        for field in ("pass", "catalogue_version"):
            wanted = expected.result[field]
            value = record.get(field, ABSENT)
            if value != wanted or type(value) is not type(wanted):  # `1` is not a pass
                findings.append(disagreement(number, field, value, wanted))
        return findings

    def _recompute(self, command: str, inputs: Any) -> _Expected:
        """Run a request through the engine and render it as the command does."""
        try:
            request = request_from(command, inputs)
        except NptError as error:
            return _Expected(None, problem=("invalid", f"cannot be recomputed: {error}."))
        try:
            data = result_data(request, self._catalogue(request.catalogue))
        except NptError as error:
            return _Expected(
                None, problem=("disagreement", f"is refused by the current engine: {error}")
            )
        except Exception as error:  # a log is a file anyone can edit: report, never crash
            return _Expected(
                None,
                problem=(
                    "disagreement",
                    "makes the current engine fail "
                    f"({type(error).__name__}: {error}); please report "
                    "it with this record",
                ),
            )
        encoded = canonical(data)
        result = json.loads(encoded)  # the types a log line reads back as
        result.pop("tool_version", None)
        return _Expected(result, encoded)

    def _catalogue(self, path: str | None) -> Catalogue:
        """Load a catalogue once per path."""
        if path not in self._catalogues:
            kind = None if path is None else irregular(Path(path))
            if kind is not None:  # a FIFO named in a record would be waited on for ever
                raise InputError(f"its catalogue {path} is {kind}")
            self._catalogues[path] = load_catalogue(None if path is None else Path(path))
        return self._catalogues[path]


def result_data(
    request: PrepareRequest | CheckRequest | BatchRequest, catalogue: Catalogue
) -> dict[str, Any]:
    """Run a request through the engine and return what its command prints as JSON (a
    session's batch: the recipe it was prepared by)."""
    if isinstance(request, BatchRequest):
        return recipe_data(run_batch(request, catalogue))
    if isinstance(request, CheckRequest):
        check = run_check(request, catalogue)
        return check_data(
            check.target_text, check.portions, check.assessment, check.catalogue_version
        )
    return recipe_data(run_prepare(request, catalogue))


def differences(
    logged: Any, recomputed: Any, path: str = "result", depth: int = 0
) -> Iterator[tuple[str, Any, Any]]:
    """Yield (field, logged, recomputed) for every leaf where two JSON values differ."""
    if depth < _MAX_DEPTH and isinstance(logged, dict) and isinstance(recomputed, dict):
        for key in sorted(logged.keys() | recomputed.keys(), key=str):
            yield from differences(
                logged.get(key, ABSENT), recomputed.get(key, ABSENT), f"{path}.{key}", depth + 1
            )
    elif (
        depth < _MAX_DEPTH
        and isinstance(logged, list)
        and isinstance(recomputed, list)
        and len(logged) == len(recomputed)
    ):
        for index, (old, new) in enumerate(zip(logged, recomputed, strict=True)):
            yield from differences(old, new, f"{path}[{index}]", depth + 1)
    elif logged != recomputed:
        yield path, logged, recomputed


def disagreement(number: int, field: str, logged: Any, recomputed: Any) -> LogFinding:
    """Describe one field whose logged value differs from the recomputed one."""
    return LogFinding(
        number,
        "disagreement",
        f"line {number}: {field}: logged {_show(logged)}, recomputed {_show(recomputed)}.",
        field=field,
        logged=None if logged is ABSENT else logged,
        recomputed=None if recomputed is ABSENT else recomputed,
    )


def _show(value: Any) -> str:
    """Show a JSON value briefly."""
    if value is ABSENT:
        return "(absent)"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except RecursionError:
        return "(nested too deeply to show)"
    return text if len(text) <= 80 else text[:77] + "..."
