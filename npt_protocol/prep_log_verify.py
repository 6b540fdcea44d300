"""Verifying a preparation log: the hash chain first, then every result recomputed.

Recomputation goes through the functions `npt prepare` and `npt check` use (preparation.run_*,
then render.recipe's recipe_data or check_data) and is memoised on identical normalised inputs:
a clinic repeats a few dozen requests, so a long log needs only that many engine runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from npt_protocol.catalogue_file import load_catalogue
from npt_protocol.errors import NptError
from npt_protocol.prep_log import (
    BODY_KEY,
    GENESIS,
    SCHEMA,
    body_intact,
    line_hash,
    lines,
    parse_line,
    request_from,
)
from npt_protocol.preparation import CheckRequest, run_check, run_prepare
from npt_protocol.products import Catalogue
from npt_protocol.render.recipe import check_data, recipe_data

Kind = Literal["broken", "invalid", "disagreement", "torn"]
_ABSENT = object()


@dataclass(frozen=True)
class Finding:
    """One thing verification found, at a line number (1-based)."""

    line: int
    kind: Kind
    message: str
    field: str | None = None
    logged: Any = None
    recomputed: Any = None


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying a log."""

    records: int
    head: str
    findings: tuple[Finding, ...]
    torn: Finding | None
    distinct_requests: int

    @property
    def ok(self) -> bool:
        """Say whether the chain is intact and every result agrees (a torn tail is allowed)."""
        return not self.findings


@dataclass(frozen=True)
class _Expected:
    """A recomputed result without its tool_version, or why there is none."""

    result: dict[str, Any] | None
    problem: Finding | None = None


def verify(path: Path) -> Verification:
    """Check the chain of a log and recompute every record's result with this engine."""
    recomputer = _Recomputer()
    findings: list[Finding] = []
    broken = False  # only the first broken line is reported: later ones follow from it
    prev, count, torn = GENESIS, 0, None
    for number, raw in enumerate(lines(path), 1):
        if raw[-1:] != b"\n":
            tail = _tail_finding(number, raw)
            if tail.kind == "torn":
                torn = tail
            elif not broken:
                findings.append(tail)
            break
        count += 1
        line = raw[:-1]
        record = parse_line(line)
        problem = _chain_problem(number, line, record, prev)
        if problem is not None and not broken:
            findings.append(Finding(number, "broken", problem))
            broken = True
        prev = line_hash(line)
        if record is not None:
            findings.extend(recomputer.check(number, record))
    return Verification(records=count, head=prev, findings=tuple(findings), torn=torn,
                        distinct_requests=recomputer.distinct)


def _chain_problem(number: int, line: bytes, record: dict[str, Any] | None,
                   prev: str) -> str | None:
    """Say what is wrong with a line's place in the chain, or None."""
    if record is None:
        return f"line {number} is not a JSON record: it was edited or damaged."
    if not body_intact(line):
        return f"line {number} was edited: its content does not match its body_sha256."
    if record.get("prev") == prev:
        return None
    if number == 1:
        return ("line 1 does not start a log (its prev is not 64 zeros): lines were removed "
                "from the start, or it was copied from another log.")
    return (f"line {number} does not follow line {number - 1}: a line was removed, inserted "
            f"or moved here, or line {number - 1} was replaced.")


def _tail_finding(number: int, raw: bytes) -> Finding:
    """Judge a last line without a newline: torn by a crash, or altered."""
    if raw[:len(BODY_KEY)] != BODY_KEY[:len(raw)]:
        return Finding(number, "broken", f"line {number} is not a record and has no newline: "
                                         "it was added or damaged.")
    try:
        text = raw.decode()
        _, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        end = -1  # not a whole JSON value: the start of a line cut short, as a crash leaves it
    if 0 <= end < len(text):
        return Finding(number, "broken", f"line {number} has bytes after its record: it was "
                                         "edited.")
    return Finding(number, "torn", f"line {number} is incomplete ({len(raw)} bytes, no newline): "
                                   "a write was interrupted; it is not part of the chain and "
                                   "the next append removes it.")


class _Recomputer:
    """Recompute results through the commands' own functions, once per distinct request."""

    def __init__(self) -> None:
        self._memo: dict[tuple[Any, ...], _Expected] = {}
        self._catalogues: dict[str | None, Catalogue] = {}

    @property
    def distinct(self) -> int:
        """Return how many distinct requests were recomputed."""
        return len(self._memo)

    def check(self, number: int, record: dict[str, Any]) -> list[Finding]:
        """Compare a record's result, pass and catalogue version with a recomputation."""
        try:
            if record["schema"] != SCHEMA:
                return [Finding(number, "invalid", f"line {number} has schema "
                                f"{record['schema']!r}; this version reads {SCHEMA}.")]
            command, inputs, result = record["command"], record["inputs"]["normalised"], \
                record["result"]
            # Lists become tuples so the inputs can key the memo; a dict in them raises TypeError.
            key = (command, *[(k, tuple(v) if type(v) is list else v)
                              for k, v in sorted(inputs.items())])
            expected = self._memo.get(key)
        except (KeyError, TypeError, AttributeError):
            return [Finding(number, "invalid", f"line {number} is not a preparation record.")]
        if expected is None:
            expected = self._memo[key] = self._recompute(command, inputs)
        if expected.problem is not None:
            problem = expected.problem
            return [Finding(number, problem.kind, f"line {number} {problem.message}")]
        assert expected.result is not None
        findings = []
        if isinstance(result, dict):
            result.pop("tool_version", None)
        if result != expected.result:
            findings += [_disagreement(number, field, logged, recomputed)
                         for field, logged, recomputed in differences(result, expected.result)]
        for field, wanted in (("pass", expected.result["within_tolerance"]),
                              ("catalogue_version", expected.result["catalogue_version"])):
            value = record.get(field, _ABSENT)
            if value != wanted or type(value) is not type(wanted):  # `1` is not a pass
                findings.append(_disagreement(number, field, value, wanted))
        return findings

    def _recompute(self, command: str, inputs: Any) -> _Expected:
        """Run a request through the engine and render it as the command does."""
        try:
            request = request_from(command, inputs)
        except NptError as error:
            return _Expected(None, Finding(0, "invalid", f"cannot be recomputed: {error}."))
        try:
            catalogue = self._catalogue(request.catalogue)
            if isinstance(request, CheckRequest):
                check = run_check(request, catalogue)
                data = check_data(check.target_text, check.portions, check.assessment,
                                  check.catalogue_version)
            else:
                data = recipe_data(run_prepare(request, catalogue))
        except NptError as error:
            return _Expected(None, Finding(0, "disagreement",
                                           f"is refused by the current engine: {error}"))
        data = json.loads(json.dumps(data))  # the types a log line reads back as
        data.pop("tool_version", None)
        return _Expected(data)

    def _catalogue(self, path: str | None) -> Catalogue:
        """Load a catalogue once per path."""
        if path not in self._catalogues:
            self._catalogues[path] = load_catalogue(None if path is None else Path(path))
        return self._catalogues[path]


def differences(logged: Any, recomputed: Any, path: str = "result") -> Iterator[tuple[str, Any,
                                                                                        Any]]:
    """Yield (field, logged, recomputed) for every leaf where two JSON values differ."""
    if isinstance(logged, dict) and isinstance(recomputed, dict):
        for key in sorted(logged.keys() | recomputed.keys(), key=str):
            yield from differences(logged.get(key, _ABSENT), recomputed.get(key, _ABSENT),
                                   f"{path}.{key}")
    elif isinstance(logged, list) and isinstance(recomputed, list) \
            and len(logged) == len(recomputed):
        for index, (old, new) in enumerate(zip(logged, recomputed, strict=True)):
            yield from differences(old, new, f"{path}[{index}]")
    elif logged != recomputed:
        yield path, logged, recomputed


def _disagreement(number: int, field: str, logged: Any, recomputed: Any) -> Finding:
    """Describe one field whose logged value differs from the recomputed one."""
    return Finding(number, "disagreement",
                   f"line {number}: {field}: logged {_show(logged)}, recomputed "
                   f"{_show(recomputed)}.", field=field,
                   logged=None if logged is _ABSENT else logged,
                   recomputed=None if recomputed is _ABSENT else recomputed)


def _show(value: Any) -> str:
    """Show a JSON value briefly."""
    if value is _ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
