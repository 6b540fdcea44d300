"""Every shipped template prints its checklist in every format, for every side it allows and for
a sheet whose side is left blank, with its cautions beside their points, its kinds of warning
under their own headings and the line that says what comes next."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from typing import Any

import pytest
from pypdf import PdfReader

from npt_protocol.planning.checklist import build_checklist
from npt_protocol.planning.wording import WARNING_HEADINGS
from npt_protocol.render.documents import checklist_data, document_meta
from npt_protocol.render.fit import wrap
from npt_protocol.render.html import render_checklist_html
from npt_protocol.render.pdf import render_checklist_pdf
from npt_protocol.render.sheets import checklist_sheet
from tests.sessions import shipped

MADE = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
META = document_meta(generated_at=MADE, clinic="Test Clinic", paper="A4")
CASES = [(pid, side) for pid in sorted(shipped()) for side in (None, *shipped()[pid].sides)]
MAX_PAGES = 4  # a checklist is a bedside sheet: a few pages at most


def document(pid: str, side: str | None) -> dict[str, Any]:
    """Build one checklist document."""
    return checklist_data(build_checklist(shipped()[pid], side=side))


def pdf_text(pdf: bytes) -> tuple[int, str]:
    """Return a PDF's page count and its text with whitespace collapsed."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(unicodedata.normalize("NFKC", p.extract_text()) for p in pages)
    return len(pages), re.sub(r"\s+", " ", text.replace("\u200b", ""))


def plain(text: str) -> str:
    """Collapse whitespace and Markdown escapes so phrases can be found in any format."""
    return re.sub(r"\s+", " ", text.replace("\\", ""))


@pytest.mark.parametrize(("pid", "side"), CASES, ids=[f"{p}-{s or 'blank'}" for p, s in CASES])
def test_every_template_prints_in_every_format(pid: str, side: str | None) -> None:
    doc = document(pid, side)
    text = checklist_sheet(doc, META, "text")
    markdown = checklist_sheet(doc, META, "md")
    html = render_checklist_html(doc, META)
    pages, pdf = pdf_text(render_checklist_pdf(doc, META, timestamp=MADE))
    assert json.loads(json.dumps(doc)) == doc  # the JSON form is the document itself
    assert 1 <= pages <= MAX_PAGES, f"{pid} {side}: {pages} pages"
    for out in (plain(text), plain(markdown), plain(html), pdf):
        for row in doc["rows"]:
            assert row["point"] in out
        for group in doc["warnings"]:
            assert group["heading"].split(":")[0] in out
        if doc["course"]["single_session"]:
            assert "Follow-up: this is a single session" in out and "Next session" not in out
        else:
            assert f"Next session in {doc['course']['interval_days']} days" in out
        for note in doc["point_cautions"]:
            assert f"Caution {note['label']}" in out
    if side is None and shipped()[pid].sided:
        assert "Side: ________" in text


@pytest.mark.parametrize("pid", sorted(shipped()))
def test_each_caution_label_stands_in_the_row_of_its_point(pid: str) -> None:
    doc = document(pid, "left")
    # The Markdown table has a row per injection with its point; on a terminal the point heads
    # its rows (test_small_things checks that those fit 100 columns).
    markdown = checklist_sheet(doc, META, "md")
    table = markdown.split("\n## Points\n")[1].split("\nTotal:")[0]
    for note in doc["point_cautions"]:
        rows = [line for line in table.splitlines() if re.search(rf"\b{note['label']}\b", line)]
        assert rows, f"{pid}: {note['label']} is in no row"
        for line in rows:
            assert any(point in line for point in note["points"]), line
    text = checklist_sheet(doc, META, "text")
    landmarks = text.split("Landmarks and cautions at each point")[1]
    for note in doc["point_cautions"]:
        assert f"Caution {note['label']}: {note['text']}" in plain(landmarks)


@pytest.mark.parametrize("pid", sorted(shipped()))
def test_kinds_of_warning_print_under_their_own_headings(pid: str) -> None:
    p = shipped()[pid]
    text = checklist_sheet(document(pid, "right"), META, "text")
    for heading in WARNING_HEADINGS.values():  # a heading wider than a terminal is wrapped
        text = text.replace("\n".join(wrap(heading, "")), heading)
    headings = [WARNING_HEADINGS[k] for k in WARNING_HEADINGS if p.warnings.of_kind(k)]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    for kind, heading in WARNING_HEADINGS.items():
        items = p.warnings.of_kind(kind)
        if not items:
            assert heading not in text
            continue
        section = text.split(heading)[1].split("\n\n")[0]
        for item in items:
            assert item.text in section, (pid, kind, item.text)
