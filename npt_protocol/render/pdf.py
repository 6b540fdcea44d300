"""Checklists and session packets as PDF through typst, from the shared documents.

The templates are .typ files beside this module. The document goes to them as JSON in
`sys.inputs`, read with `json(bytes(sys.inputs.data))`, so user text stays text: typst never
evaluates a protocol's words as markup. Only typst's embedded fonts are used, so the output is the
same on every machine and nothing is read from the network or the system.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from npt_protocol.render.doctypes import ChecklistDoc, DocumentMeta, SessionDoc
from npt_protocol.render.printview import checklist_view, paper, session_view
from npt_protocol.render.typesetter import typeset


def _compile(
    template: str, view: dict[str, Any], meta: DocumentMeta, timestamp: dt.datetime | None
) -> bytes:
    """Compile one template with the document as JSON input; return the PDF bytes."""
    data = json.dumps({"doc": view, "meta": meta, "paper": paper(meta)[1]}, ensure_ascii=False)
    return typeset(template, data, timestamp=timestamp)


def render_checklist_pdf(
    doc: ChecklistDoc, meta: DocumentMeta, timestamp: dt.datetime | None = None
) -> bytes:
    """Render one checklist document (npt.checklist/2) as PDF; `timestamp` fixes its dates."""
    return _compile("checklist.typ", checklist_view(doc, meta), meta, timestamp)


def render_session_pdf(
    doc: SessionDoc, meta: DocumentMeta, timestamp: dt.datetime | None = None
) -> bytes:
    """Render a session packet (npt.session/2) as PDF; `timestamp` fixes its dates."""
    return _compile("session.typ", session_view(doc, meta), meta, timestamp)
