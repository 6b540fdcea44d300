"""`--log` on `npt session` and `npt label`: a record of each batch the session prepares, its
reference for the labels, and the log's head for the packet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from npt_protocol.cli.common import ARGV_KEY, RECORDED, one_line, waiting_for
from npt_protocol.log.batches import append_batch_records
from npt_protocol.log.batches import batch_request as batch_request  # noqa: PLC0414 - a re-export
from npt_protocol.planning.session import Session
from npt_protocol.render.doctypes import LogDoc


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
    written = append_batch_records(
        log_file,
        session,
        request=request,
        prepared_by=prepared_by,
        checked_by=checked_by,
        time=dt.datetime.now(dt.UTC),
        argv=click.get_current_context().meta.get(ARGV_KEY, ()),
        on_wait=waiting_for(log_file),
        shown=one_line(log_file),
        on_appended=lambda: RECORDED.append(log_file),
    )
    click.echo(f"Recorded in {one_line(log_file)}.", err=True)
    head: LogDoc = {"path": str(log_file), "records": written.records, "head": written.head}
    return written.references, head
