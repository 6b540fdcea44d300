"""Syringe labels: the document (npt.labels/1), and its text and PDF on label stock.

The PDF's page is the label on single-label stock, or a sheet of labels on A4 or Letter; each
label's text is set at the largest size that fits its box (typst measures it), and a 2D code
(segno, imported only here) carries the label's facts and its preparation's log reference.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from npt_protocol.errors import InputError
from npt_protocol.ismp import format_count, format_volume
from npt_protocol.numbers import json_number
from npt_protocol.planning.labels import SyringeLabel
from npt_protocol.planning.patient import Patient
from npt_protocol.render.doctypes import (
    DocumentMeta,
    LabelsDoc,
    LabelStockDoc,
    PatientDoc,
    SyringeLabelDoc,
)

LABELS_SCHEMA = "npt.labels/1"
# The longest name the smallest label holds at its smallest type; a longer one is refused.
MAX_LABEL_NAME_CHARS = 40


@dataclass(frozen=True)
class LabelStock:
    """A label stock: the label's size, and on a sheet its layout (all in mm)."""

    id: str
    width_mm: float
    height_mm: float
    paper: str | None = None  # typst paper name of a sheet; None: the page is the label
    columns: int = 1
    rows: int = 1
    left_mm: float = 0
    top_mm: float = 0
    gap_x_mm: float = 0
    gap_y_mm: float = 0


# Common stocks: three thermal roll sizes, and 21 (A4, L7160 layout) or 30 (Letter, 5160
# layout) labels a sheet for any office printer.
STOCKS = {
    stock.id: stock
    for stock in (
        LabelStock("51x25", 51, 25),
        LabelStock("57x32", 57, 32),
        LabelStock("89x36", 89, 36),
        LabelStock("a4-sheet", 63.5, 38.1, "a4", 3, 7, 7.25, 15.15, 2.5, 0),
        LabelStock("letter-sheet", 66.675, 25.4, "us-letter", 3, 10, 4.7625, 12.7, 3.175, 0),
    )
}


def stock(name: str) -> LabelStock:
    """Return a label stock by name, or say which there are."""
    found = STOCKS.get(name.strip().lower())
    if found is None:
        raise InputError(f"label stock {name!r} is not known; expected one of {', '.join(STOCKS)}.")
    return found


def _time(moment: dt.datetime) -> str:
    """Print a time to the minute, with its offset: '2026-11-25 09:00 +00:00'."""
    return moment.isoformat(sep=" ", timespec="minutes").replace("+", " +")


def _patient(patient: Patient | None) -> PatientDoc | None:
    """Describe the patient for a label."""
    if patient is None:
        return None
    born = patient.date_of_birth
    return {
        "id": patient.id,
        "name": patient.name,
        "date_of_birth": None if born is None else born.isoformat(),
    }


def code_text(label: SyringeLabelDoc) -> str:
    """Write what the 2D code carries: the label's facts, one per line, and the log reference."""
    patient = label["patient"]
    return "\n".join(
        [
            f"npt label {label['syringe']}/{label['of']}",
            f"patient {patient['id'] if patient else 'not named'}",
            label["contents"],
            f"{label['volume_text']} {label['route']}",
            f"{label['region']} {label['side']}".strip(),
            f"use by {label['use_by']}",
            label["log_reference"] or "not logged",
        ]
    )


def labels_data(
    labels: Sequence[SyringeLabel],
    *,
    stock_name: str,
    prepared_by: str | None = None,
    checked_by: str | None = None,
    references: Sequence[str] = (),
) -> LabelsDoc:
    """Turn a session's syringe labels into the labels document; `references` are the log
    references of each solution's batch record, in the session's order."""
    chosen = stock(stock_name)
    for option, name in (("--by", prepared_by), ("--checked-by", checked_by)):
        if name is not None and len(name) > MAX_LABEL_NAME_CHARS:
            raise InputError(
                f"{option} is {len(name)} characters long; a syringe label holds a name of at "
                f"most {MAX_LABEL_NAME_CHARS} characters, such as 'A. Lee'."
            )
    docs: list[SyringeLabelDoc] = []
    for label in labels:
        doc: SyringeLabelDoc = {
            "patient": _patient(label.patient),
            "contents": label.contents,
            "volume_mL": json_number(label.volume_ml),
            "volume_text": format_volume(label.volume_ml),
            "route": label.route,
            "protocol": label.protocol,
            "region": label.region,
            "side": label.side,
            "syringe": label.number,
            "of": label.of,
            "prepared_at": _time(label.prepared_at),
            "use_by": _time(label.use_by),
            "rule": label.rule.name,
            "prepared_by": prepared_by,
            "checked_by": checked_by,
            "log_reference": references[label.solution]
            if label.solution < len(references)
            else None,
            "code_text": "",
        }
        doc["code_text"] = code_text(doc)
        docs.append(doc)
    stock_doc: LabelStockDoc = {
        "id": chosen.id,
        "width_mm": chosen.width_mm,
        "height_mm": chosen.height_mm,
        "paper": chosen.paper,
        "columns": chosen.columns,
        "rows": chosen.rows,
    }
    return {"schema": LABELS_SCHEMA, "stock": stock_doc, "labels": docs}


def label_lines(label: SyringeLabelDoc) -> list[str]:
    """Say a label's text, line by line, as every format prints it."""
    patient = label["patient"]
    who = "Patient: ________"
    if patient is not None:
        extra = [patient["name"], patient["date_of_birth"] and f"born {patient['date_of_birth']}"]
        shown = ", ".join(x for x in extra if x)
        who = f"Patient: {patient['id']}" + (f" ({shown})" if shown else "")
    return [
        who,
        label["contents"],
        f"{label['volume_text']} {label['route']}",
        f"{label['region']}, {label['side']}; syringe {label['syringe']} of {label['of']}",
        f"Prepared {label['prepared_at']}",
        f"Use by {label['use_by']}",
        label["rule"],
        f"By {label['prepared_by'] or '________'}  Checked {label['checked_by'] or '________'}",
        label["log_reference"] or "Not logged",
    ]


def labels_text(doc: LabelsDoc, meta: DocumentMeta, timestamp: dt.datetime | None) -> str:
    """List the labels as text: what each will say."""
    count = len(doc["labels"])
    lines = [f"{format_count(count, 'syringe label')} on {doc['stock']['id']} stock", ""]
    for number, label in enumerate(doc["labels"], 1):
        lines.append(f"Label {number}")
        lines += [f"  {line}" for line in label_lines(label)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def code_svg(text: str) -> str:
    """Draw a QR code of the text as SVG, with a one-module quiet zone (the label's margin
    adds the rest)."""
    import segno  # noqa: PLC0415 - only labels need it

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind="svg", border=1, xmldecl=False, svgns=True, unit="mm"
    )
    return buffer.getvalue().decode("utf-8")


def labels_view(doc: LabelsDoc) -> dict[str, Any]:
    """Return what the typst template needs: the stock's layout and each label's lines."""
    chosen = STOCKS[doc["stock"]["id"]]
    return {
        "stock": {
            "width": chosen.width_mm,
            "height": chosen.height_mm,
            "paper": chosen.paper,
            "columns": chosen.columns,
            "rows": chosen.rows,
            "left": chosen.left_mm,
            "top": chosen.top_mm,
            "gap_x": chosen.gap_x_mm,
            "gap_y": chosen.gap_y_mm,
        },
        "labels": [
            {"lines": label_lines(label), "code": code_svg(label["code_text"])}
            for label in doc["labels"]
        ],
    }


def labels_pdf(doc: LabelsDoc, meta: DocumentMeta, timestamp: dt.datetime | None) -> bytes:
    """Print the labels on their stock as PDF; `timestamp` fixes its dates."""
    from npt_protocol.render.typesetter import typeset  # noqa: PLC0415 - PDF only

    data = json.dumps({"doc": labels_view(doc), "meta": meta}, ensure_ascii=False)
    return typeset("labels.typ", data, timestamp=timestamp)
