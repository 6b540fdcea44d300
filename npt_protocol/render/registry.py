"""One place that knows which renderer draws which document in which format.

Renderers are imported only when their format is asked for: Jinja2 and typst cost start-up time.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

DocumentKind = Literal["checklist", "session"]
Format = Literal["text", "md", "html", "pdf", "json"]
FORMATS: tuple[Format, ...] = ("text", "md", "html", "pdf", "json")


def render_document(
    kind: DocumentKind,
    doc: dict[str, Any],
    meta: dict[str, Any],
    fmt: Format,
    *,
    timestamp: dt.datetime | None = None,
) -> str | bytes:
    """Render a checklist or session document; `timestamp` fixes a PDF's own dates."""
    if fmt == "json":
        return json.dumps({**doc, "document": meta}, indent=2, ensure_ascii=False) + "\n"
    if fmt in {"text", "md"}:
        from npt_protocol.render import sheets  # noqa: PLC0415

        style: sheets.Style = "md" if fmt == "md" else "text"
        if kind == "checklist":
            return sheets.checklist_sheet(doc, meta, style)
        return sheets.session_sheet(doc, meta, style)
    if fmt == "html":
        from npt_protocol.render import html  # noqa: PLC0415

        if kind == "checklist":
            return html.render_checklist_html(doc, meta)
        return html.render_session_html(doc, meta)
    if fmt != "pdf":
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    from npt_protocol.render import pdf  # noqa: PLC0415

    if kind == "checklist":
        return pdf.render_checklist_pdf(doc, meta, timestamp=timestamp)
    return pdf.render_session_pdf(doc, meta, timestamp=timestamp)
