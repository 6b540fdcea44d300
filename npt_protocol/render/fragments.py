"""Small pieces every renderer prints the same way: volumes, references, headings, points."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

from npt_protocol.ismp import format_number, format_volume
from npt_protocol.render.doctypes import ChecklistDoc, ReferenceDoc


def ml_text(value: float | int | None) -> str:
    """Print a JSON number of mL the ISMP way (documents carry numbers, not text); these are
    volumes read on syringe marks, so every decimal is printed."""
    return "" if value is None else format_volume(Fraction(str(value)))


def whole_text(value: float | int) -> str:
    """Print a JSON number as a whole number with thousands commas (ISMP)."""
    return format_number(Fraction(str(value)), places=0)


def reference_text(ref: ReferenceDoc) -> str:
    """Print a reference under the label statements cite it by, with its identifiers, and say
    so when its citation could not be confirmed."""
    ids = [
        f"doi:{ref['doi']}" if ref["doi"] else "",
        f"PMID {ref['pmid']}" if ref["pmid"] else "",
        ref["url"] or "",
    ]
    extra = "; ".join(i for i in ids if i)
    text = f"[{ref['id']}] {ref['citation']}" + (f" ({extra})" if extra else "")
    if ref.get("unverified"):
        text += f" Unverified: {ref['unverified']}"
    return text


def draws_text(draws: list[dict[str, Any]]) -> str:
    """Say each draw of a component, grouped by syringe: '7 × 60 mL in a 60 mL syringe and
    30 mL in a 30 mL syringe'."""
    texts = []
    for capacity, grouped in itertools.groupby(draws, key=lambda d: d["syringe_mL"]):
        volumes = [d["volume_mL"] for d in grouped]
        if len(volumes) == 1:
            texts.append(f"{ml_text(volumes[0])} in a {ml_text(capacity)} syringe")
        elif len(set(volumes)) == 1:
            texts.append(f"{len(volumes)} × {ml_text(volumes[0])} in a {ml_text(capacity)} syringe")
        else:
            shown = " and ".join(ml_text(v) for v in volumes)
            texts.append(f"{shown}, each in a {ml_text(capacity)} syringe")
    return " and ".join(texts)


def sheet_heading(doc: ChecklistDoc) -> str:
    """Return a sheet's heading: the title and the side, or the title alone when the side is
    left to be written in."""
    title = str(doc["protocol"]["title"])
    return f"{title} — {doc['side']}" if doc["side"] else title


def point_notes(doc: ChecklistDoc) -> list[dict[str, Any]]:
    """Return each point once, with its range, landmark and the cautions that belong to it."""
    cautions = {note["label"]: note["text"] for note in doc["point_cautions"]}
    seen: dict[str, dict[str, Any]] = {}
    for r in doc["rows"]:
        seen.setdefault(
            r["point"],
            {
                "point": r["point"],
                "range_text": r["range_text"],
                "landmark": r["landmark"],
                "cautions": [f"Caution {label}: {cautions[label]}" for label in r["cautions"]],
            },
        )
    return list(seen.values())


def reference_lines(doc: ChecklistDoc) -> list[str]:
    """Return the protocol's references, then the sources of its outcome measures."""
    known = {r["id"] for r in doc["protocol"]["references"]}
    refs = [reference_text(r) for r in doc["protocol"]["references"]]
    extra = [reference_text(m["source"]) for m in doc["outcome_measures"]]
    extra = [
        text
        for text, m in zip(extra, doc["outcome_measures"], strict=True)
        if m["source"]["id"] not in known
    ]
    return refs + list(dict.fromkeys(extra))
