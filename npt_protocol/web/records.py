"""Preparation log records from the app, each naming the person signed in, written off the
event loop; a record that cannot be written is an error the page shows, never dropped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from npt_protocol.engine.requests import CheckRequest, PrepareRequest
from npt_protocol.errors import NptError
from npt_protocol.log.record import new_record
from npt_protocol.log.store import append
from npt_protocol.web.config import WebConfig


class RecordNotWrittenError(Exception):
    """The log refused the record or could not be written: the page must say so."""

    def __init__(self, log: Path, reason: NptError) -> None:
        super().__init__(
            f"Not recorded: {reason} Nothing was added to the preparation log {log.name}; "
            "do not prepare from this page until it is recorded."
        )


@dataclass(frozen=True)
class Recorded:
    """Where a record went, for whom, and what the log said while writing it."""

    log: Path
    person: str | None
    repaired_bytes: int


def write_record(
    config: WebConfig,
    *,
    request: PrepareRequest | CheckRequest,
    result: Mapping[str, Any],
    argv: Sequence[str],
    person: str | None,
) -> Recorded | None:
    """Append a prepare or check record to the configured log, attributed to `person` (as its
    preparer for a preparation, its checker for a check); None when no log is configured."""
    if config.log is None:
        return None
    is_check = isinstance(request, CheckRequest)
    # A name or an argument the log cannot keep is the input's fault: raised as it is, for the
    # page to show beside its field.
    record = new_record(
        command="check" if is_check else "prepare",
        time=config.now(),
        argv=list(argv),
        request=request,
        result=result,
        prepared_by=None if is_check else person,
        checked_by=person if is_check else None,
    )
    try:
        appended = append(config.log, record, wait=config.log_wait_seconds)
    except NptError as error:
        raise RecordNotWrittenError(config.log, error) from None
    return Recorded(config.log, person, appended.repaired_bytes)
