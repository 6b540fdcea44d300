"""Checklists and session packets as printable HTML (Jinja2, autoescaped) from the documents.

Every value reaches the page through Jinja2's autoescaping, so protocol text such as a note with
`<script>` in it prints as text. The page header and footer use CSS page-margin boxes, whose
strings are escaped separately (see `css_string`).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from npt_protocol.render.doctypes import ChecklistDoc, DocumentMeta, SessionDoc
from npt_protocol.render.printview import checklist_view, paper, session_view

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"


def css_string(text: str) -> Markup:
    """Quote text as a CSS string with every character but ASCII letters and digits escaped."""
    from markupsafe import Markup  # noqa: PLC0415 - comes with Jinja2, loaded only for HTML

    # Six-digit escapes never swallow the next character, and no '<' survives to close <style>.
    body = "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in text)
    return Markup(f'"{body}"')


@functools.cache
def _environment() -> jinja2.Environment:
    """Build the Jinja2 environment once per process."""
    import jinja2  # noqa: PLC0415 - Jinja2 costs start-up time for commands that print no HTML

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    return env


def _trusted_chart(view: dict[str, Any]) -> None:
    """Mark a view's body chart as markup: bodychart.py built it, escaping every text in it."""
    from markupsafe import Markup  # noqa: PLC0415 - comes with Jinja2, loaded only for HTML

    view["print"]["chart_svg"] = Markup(view["print"]["chart_svg"])


def _who(view: dict[str, Any]) -> str:
    """Name the patient at the start of a page footer, when one is named."""
    patient = view["print"]["patient_text"]
    return f"Patient {patient} · " if patient else ""


def _page(view: dict[str, Any], meta: DocumentMeta, index: int) -> dict[str, Any]:
    """Describe the printed header and footer of one checklist's pages."""
    protocol = view["protocol"]
    return {
        "page": f"sheet-{index}",
        "top": protocol["status_line"] if view["print"]["warn_status"] else "",
        "footer": f"{view['print']['identity']} · npt {meta['tool_version']} · made "
        f"{meta['generated_at']}",
    }


def render_checklist_html(
    doc: ChecklistDoc, meta: DocumentMeta, timestamp: dt.datetime | None = None
) -> str:
    """Render one checklist document (npt.checklist/2) as a printable HTML page."""
    view = checklist_view(doc, meta)
    _trusted_chart(view)
    sheets = [_page(view, meta, 1)]
    return (
        _environment()
        .get_template("checklist.html.j2")
        .render(
            doc=view,
            meta=meta,
            sheets=sheets,
            title=view["print"]["document_title"],
            paper_css=paper(meta)[0],
            footer=sheets[0]["footer"],
        )
    )


def render_session_html(
    doc: SessionDoc, meta: DocumentMeta, timestamp: dt.datetime | None = None
) -> str:
    """Render a session packet (npt.session/2): summary, labels, then one checklist per region."""
    view = session_view(doc, meta)
    _trusted_chart(view)
    for sheet in view["checklists"]:
        _trusted_chart(sheet)
    sheets = [_page(c, meta, i) for i, c in enumerate(view["checklists"], 1)]
    return (
        _environment()
        .get_template("session.html.j2")
        .render(
            doc=view,
            meta=meta,
            sheets=sheets,
            title=view["print"]["document_title"],
            paper_css=paper(meta)[0],
            footer=_who(view) + f"Session packet · npt {meta['tool_version']} · made "
            f"{meta['generated_at']}",
        )
    )
