"""A session's batches in the preparation log: one record per batch, its reference for the
labels, and the log's head after them (for `npt session --log` and the Session page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from npt_protocol.engine.requests import BatchRequest
from npt_protocol.engine.results import recipe_data
from npt_protocol.errors import InputError
from npt_protocol.log.record import new_record
from npt_protocol.log.reference import locate
from npt_protocol.log.store import LOCK_WAIT_SECONDS, Waiting, append
from npt_protocol.log.verify import read_head
from npt_protocol.planning.session import Session, SolutionPlan


@dataclass(frozen=True)
class BatchRecords:
    """What appending a session's batches gave: each batch's reference and the log's head."""

    references: list[str]
    records: int
    head: str


def batch_request(plan: SolutionPlan, request: Mapping[str, Any]) -> BatchRequest:
    """Describe a batch as the request that prepares it again: the session's target, the batch
    volume it chose, the stocks it drew from and the exact volume it needed."""
    recipe = plan.recipe
    stocks = tuple(line.product.id for line in recipe.components if line.role == "stock")
    diluent = next(line.product.id for line in recipe.components if line.role == "diluent")
    need = plan.required_ml
    return BatchRequest(
        target=recipe.target_text,
        volume=f"{recipe.volume_ml}mL",
        stocks=stocks,
        minimum=f"{need.numerator}/{need.denominator}" if need.denominator != 1 else str(need),
        diluent=diluent,
        tolerance=request["tolerance"],
        weight=request["weight"],
        syringes=tuple(request["syringes"]),
        catalogue=request["catalogue"],
        bases=tuple(request["bases"]),
    )


def append_batch_records(
    log_file: Path,
    session: Session,
    *,
    request: Mapping[str, Any],
    prepared_by: str | None,
    checked_by: str | None,
    time: dt.datetime,
    argv: Sequence[str],
    wait: float = LOCK_WAIT_SECONDS,
    on_wait: Waiting | None = None,
    shown: str | None = None,
    on_appended: Callable[[], None] | None = None,
) -> BatchRecords:
    """Append one record per batch, after checking the log's chain; return each record's
    reference and the log's head after them. `shown` is the log's name as messages print it;
    `on_appended` is told of each record as soon as it is in the log."""
    if log_file.exists():
        report = read_head(log_file, wait=wait, on_wait=on_wait)
        if not report.chain_ok:
            raise InputError(
                f"--log {shown or log_file} does not verify ({report.findings[0].message}); "
                "expected a whole preparation log: run `npt log verify` on it."
            )
    references = []
    for plan in session.solutions:
        record = new_record(
            command="session",
            time=time,
            argv=list(argv),
            request=batch_request(plan, request),
            result=recipe_data(plan.recipe),
            prepared_by=prepared_by,
            checked_by=checked_by,
            protocol={
                "regions": ", ".join(
                    f"{r.checklist.protocol.id}:{r.checklist.side}" for r in plan.regions
                ),
                "versions": ", ".join(
                    f"{r.checklist.protocol.id} {r.checklist.protocol.version}"
                    for r in plan.regions
                ),
            },
        )
        appended = append(log_file, record, wait=wait, on_wait=on_wait)
        if on_appended is not None:
            on_appended()
        references.append(locate(log_file, appended.line, wait=wait, on_wait=on_wait).text)
    report = read_head(log_file, wait=wait, on_wait=on_wait)
    return BatchRecords(references, report.records, report.head.token)
