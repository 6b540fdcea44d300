"""`--log` on `npt session` and `npt label`: a record of each batch the session prepares, its
reference for the labels, and the log's head for the packet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from npt_protocol.cli.common import ARGV_KEY, RECORDED, one_line, waiting_for
from npt_protocol.engine.requests import BatchRequest
from npt_protocol.engine.results import recipe_data
from npt_protocol.errors import InputError
from npt_protocol.log.record import new_record
from npt_protocol.log.reference import locate
from npt_protocol.log.store import append
from npt_protocol.log.verify import read_head
from npt_protocol.planning.session import Session, SolutionPlan
from npt_protocol.render.doctypes import LogDoc


def batch_request(plan: SolutionPlan, request: dict[str, Any]) -> BatchRequest:
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


def append_batches(
    log_file: Path,
    session: Session,
    *,
    request: dict[str, Any],
    prepared_by: str | None,
    checked_by: str | None,
) -> tuple[list[str], LogDoc]:
    """Append one record per batch, after checking the log's chain; return each record's
    reference and the log's head after them."""
    if log_file.exists():
        _check_chain(log_file)
    argv = click.get_current_context().meta.get(ARGV_KEY, ())
    references = []
    for plan in session.solutions:
        record = new_record(
            command="session",
            time=dt.datetime.now(dt.UTC),
            argv=argv,
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
        appended = append(log_file, record, on_wait=waiting_for(log_file))
        RECORDED.append(log_file)
        references.append(locate(log_file, appended.line).text)
    click.echo(f"Recorded in {one_line(log_file)}.", err=True)
    report = read_head(log_file, on_wait=waiting_for(log_file))
    head: LogDoc = {"path": str(log_file), "records": report.records, "head": report.head.token}
    return references, head


def _check_chain(path: Path) -> None:
    """Refuse a log whose chain is broken: nothing is appended to it."""
    report = read_head(path, on_wait=waiting_for(path))
    if not report.chain_ok:
        raise InputError(
            f"--log {one_line(path)} does not verify ({report.findings[0].message}); "
            "expected a whole preparation log: run `npt log verify` on it."
        )
