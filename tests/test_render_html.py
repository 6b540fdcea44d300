"""HTML rendering: escaping, print CSS, the sheet's parts, the same facts as every other format."""

from __future__ import annotations

import collections
import copy
import datetime as dt
import io
import json
import re
import unicodedata
from html.parser import HTMLParser
from typing import Any

import pytest
from pypdf import PdfReader

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.engine.syringes import syringe_set
from npt_protocol.planning.checklist import build_checklist
from npt_protocol.planning.session import RegionRequest, plan_session
from npt_protocol.protocol.library import load_library
from npt_protocol.render.documents import checklist_data, document_meta, session_data
from npt_protocol.render.html import css_string, render_checklist_html, render_session_html
from npt_protocol.render.pdf import render_checklist_pdf
from npt_protocol.render.sheets import checklist_sheet
from tests.sessions import packet

MADE = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
TEMPLATE_LINE = "Template — confirm against local policy"
LIBRARY = load_library()

Row = tuple[str, str, str, str, str]  # number, side, nerve, point, volume


def meta(paper: str = "A4", clinic: str = "Riverside Clinic") -> dict[str, Any]:
    """Describe a document made at a fixed time."""
    return document_meta(generated_at=MADE, clinic=clinic, paper=paper)


def checklist(protocol_id: str = "knee", side: str | None = None) -> dict[str, Any]:
    """Build a shipped protocol's checklist document, both sides when the protocol allows it."""
    protocol = LIBRARY.get(protocol_id)
    if side is None:
        side = "bilateral" if "bilateral" in protocol.sides else protocol.sides[0]
    return checklist_data(build_checklist(protocol, side=side))


def session(*_: Any) -> dict[str, Any]:
    """Return the shared session document (two solutions, bilateral ankle)."""
    return packet()


class _Page(HTMLParser):
    """Collect the text of an HTML page, the rows of its points tables and its total lines."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.totals: list[str] = []
        self.text: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._total: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "body":
            self._in_body = True
        elif tag == "table":
            self._table = "points" if "points" in classes else "other"
        elif tag == "tr" and self._table == "points":
            self.rows.append([])
        elif tag == "td" and self._table == "points":
            self._cell = []
        elif tag == "p" and "total" in classes:
            self._total = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "p" and self._total is not None:
            self.totals.append("".join(self._total).strip())
            self._total = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._total is not None:
            self._total.append(data)
        if self._in_body:
            self.text.append(data)


def parse_html(html: str) -> _Page:
    """Parse a rendered page."""
    page = _Page()
    page.feed(html)
    return page


def totals_in(text: str) -> list[str]:
    """Find the total lines ('Total: 10 points, 5 mL.') in a sheet's text."""
    return re.findall(r"Total: \d+ points?, \S+ mL\.", text)


def html_facts(html: str) -> tuple[list[Row], list[str]]:
    """Read the point rows and the total lines of an HTML sheet."""
    page = parse_html(html)
    rows = [r for r in page.rows if r]  # the header row has th cells only
    return (
        [(r[0], r[1], r[2], r[3], r[4].removesuffix(" *")) for r in rows],
        totals_in(" ".join(page.totals)),
    )


def md_facts(md: str) -> tuple[list[Row], list[str]]:
    """Read the point rows and the total lines of a Markdown sheet."""
    rows: list[Row] = []
    for line in md.splitlines():
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 8 and cells[0].isdigit():
            rows.append((cells[0], cells[1], cells[2], cells[3], cells[4].removesuffix(" *")))
    return rows, totals_in(md)


def json_facts(doc: dict[str, Any]) -> tuple[list[Row], list[str]]:
    """Read the point rows and the total line from the JSON form of a document."""
    data = json.loads(json.dumps(doc))
    rows = [
        (str(r["number"]), r["side"], r["nerve"], r["point"], r["volume_text"])
        for r in data["rows"]
    ]
    return rows, [f"Total: {data['total_points_text']}, {data['total_volume_text']}."]


def pdf_text(pdf: bytes) -> str:
    """Extract a PDF's text with ligatures undone and whitespace collapsed."""
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("\u200b", ""))


@pytest.mark.parametrize("protocol_id", sorted(LIBRARY.entries))
def test_every_format_shows_the_same_points_volumes_and_totals(protocol_id: str) -> None:
    """Markdown, HTML and JSON agree row by row; the PDF, whose table cells wrap, must hold each
    row's point followed by its volume as often as the rows do, and the same total line."""
    doc = checklist(protocol_id)
    rows, totals = json_facts(doc)
    assert md_facts(checklist_sheet(doc, meta(), "md")) == (rows, totals)
    assert html_facts(render_checklist_html(doc, meta())) == (rows, totals)
    text = pdf_text(render_checklist_pdf(doc, meta(), timestamp=MADE))
    for (point, volume), count in collections.Counter((r[3], r[4]) for r in rows).items():
        assert text.count(f"{point} {volume}") == count, (point, volume)
    for nerve in {r[2] for r in rows}:
        assert nerve in text
    assert totals[0] in text
    assert doc["total_volume_text"] in text and str(doc["total_points"]) in text


def test_user_text_is_escaped() -> None:
    doc = copy.deepcopy(checklist("knee", "left"))
    doc["protocol"]["notes"] = "<script>alert('x')</script> & <b>bold</b>"
    doc["rows"][0]["point"] = "<img src=x onerror=alert(1)>"
    html = render_checklist_html(doc, meta(clinic="A & B <Clinic>"))
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "A &amp; B &lt;Clinic&gt;" in html
    text = "".join(parse_html(html).text)
    assert "<script>alert('x')</script> & <b>bold</b>" in text


def test_page_margin_strings_cannot_escape_the_style_sheet() -> None:
    doc = copy.deepcopy(checklist("knee", "left"))
    doc["protocol"]["id"] = 'x"; } </style><script>alert(1)</script>'
    html = render_checklist_html(doc, meta())
    style = html[html.index("<style>") : html.index("</style>")]
    assert "<" not in style.removeprefix("<style>") and '"; }' not in style
    assert "<script>" not in html
    assert str(css_string('a "b" 1')) == '"a\\000020\\000022b\\000022\\0000201"'


def test_the_header_names_clinic_protocol_side_version_status_and_hash() -> None:
    doc = checklist("knee", "left")
    html = render_checklist_html(doc, meta())
    header = html[html.index('<header class="head">') : html.index("</header>")]
    protocol = doc["protocol"]
    for fact in (
        "Riverside Clinic",
        protocol["title"].replace("—", "—"),
        "left",
        "knee",
        protocol["version"],
        protocol["status"],
        protocol["content_hash"],
        doc["solution"],
        TEMPLATE_LINE,
    ):
        assert fact in header, fact
    assert "Made by npt 0.1.0 on 2026-11-25 09:00 +00:00 for Riverside Clinic." in html
    # The printed page footer and header come from CSS page-margin boxes.
    assert "@bottom-right" in html and 'counter(page) " of " counter(pages)' in html
    assert str(css_string(TEMPLATE_LINE)) in html


@pytest.mark.parametrize("status", ["reviewed", "draft", "template"])
def test_template_line_unless_reviewed(status: str) -> None:
    doc = copy.deepcopy(checklist("knee", "left"))
    line = {
        "reviewed": "Reviewed protocol (reviewed by A. Reviewer on 2026-10-01)",
        "draft": "DRAFT — not for clinical use",
        "template": TEMPLATE_LINE,
    }[status]
    doc["protocol"].update(status=status, status_line=line)
    html = render_checklist_html(doc, meta())
    assert line in html
    assert (TEMPLATE_LINE in html) == (status == "template")
    assert ('class="status warn"' in html) == (status != "reviewed")
    assert ("@top-center" in html) == (status != "reviewed")


def test_tick_boxes_are_bordered_boxes_not_glyphs() -> None:
    doc = checklist("knee", "left")
    html = render_checklist_html(doc, meta())
    ticks = (
        len(doc["rows"])
        + len(doc["pre_checks"])
        + len(doc["indications"])
        + sum(len(group["items"]) for group in doc["warnings"])
    )
    assert html.count('<span class="box"></span>') == ticks
    assert re.search(r"\.box \{[^}]*border: [^;]*solid #000", html)
    assert not re.search("[☐☑□■]", html)


def test_write_in_fields() -> None:
    text = "".join(parse_html(render_checklist_html(checklist("knee", "left"), meta())).text)
    for label in (
        "Patient identifier",
        "Date",
        "Clinician",
        "Pain before (0 to 10)",
        "Pain after (0 to 10)",
        "Adverse events",
    ):
        assert label in text


@pytest.mark.parametrize(
    ("paper", "size"), [("A4", "A4"), ("Letter", "letter"), ("letter", "letter")]
)
def test_print_css_follows_the_paper(paper: str, size: str) -> None:
    html = render_checklist_html(checklist("knee", "left"), meta(paper))
    assert re.search(rf"@page \{{\s*size: {size};", html)
    assert "thead { display: table-header-group; }" in html
    assert "tr { break-inside: avoid; page-break-inside: avoid; }" in html


def test_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="expected A4 or Letter"):
        render_checklist_html(checklist("knee", "left"), meta("A3"))


def test_session_packet() -> None:
    doc = session()
    html = render_session_html(doc, meta())
    text = re.sub(r"\s+", " ", "".join(parse_html(html).text))
    for region in doc["regions"]:
        assert region["volume_text"] in text and region["protocol"] in text
    for solution in doc["solutions"]:
        volumes = solution["volumes_text"]
        assert (
            f"Injected {volumes['injected']}, plus dead space {volumes['dead_space']}, plus "
            f"margin {volumes['margin']}: {volumes['required']} needed; prepare "
            f"{volumes['prepare']}."
        ) in text
        label = solution["label"]
        for fact in (
            f"Contents{label['contents']}",
            f"Made from{label['ingredients_text']}",
            f"Total volume{label['total_volume_text']}",
            f"Prepared at{label['prepared_at']}",
            f"Use by{label['use_by']} ({label['rule']})",
        ):
            assert fact in text, fact
    assert text.count("Prepared by") == text.count("Checked by") == len(doc["solutions"])
    assert "Osmolarity 253 mOsmol/L (hypotonic)" in text
    assert f"Prepared in all: {doc['loads_text']}" in text
    assert "Dose: lidocaine 5 mg injected, within the maximum of 300 mg" in text
    for solution in doc["solutions"]:
        assert f"Achieved: {solution['achieved_text']};" in text
    # Each checklist is a section that begins a new page with its own page header and footer.
    for index, sheet in enumerate(doc["checklists"], 1):
        assert f'<section class="sheet sheet-{index}">' in html
        assert f"section.sheet-{index} {{ page: sheet-{index}; }}" in html
        for row in sheet["rows"]:
            assert row["point"] in text
    assert ".sheet { page-break-before: always; break-before: page; }" in html
    assert (
        "<title>Session packet: knee (left), shoulder (right), ankle-achilles (bilateral)"
        "</title>" in html
    )


def test_rendering_does_not_change_the_document() -> None:
    doc = checklist("knee", "left")
    before = copy.deepcopy(doc)
    render_checklist_html(doc, meta())
    assert doc == before


def test_a_session_packet_prints_volumes_on_fine_marks_as_measured() -> None:
    # Shoulder with dextrose 5 % + lidocaine 0.15 % and a 0.3 mL insulin syringe (0.005 mL
    # marks): lidocaine 2 % 0.375 mL and water 4.125 mL are measured; the recipe table and the
    # label print them so, never 0.38 mL and 4.12 mL.
    catalogue = shipped_catalogue()
    plan = plan_session(
        [RegionRequest(LIBRARY.get("shoulder"), "right", None)],
        catalogue=catalogue,
        stocks=[catalogue.product("D50"), catalogue.product("lidocaine-2")],
        diluent=catalogue.product("SWFI"),
        syringes=syringe_set(
            ["0.3 mL by 0.005 mL", "1 mL by 0.01 mL", "3 mL by 0.1 mL", "5 mL by 0.2 mL"]
        ),
        prepared_at=MADE,
        solution_override="dextrose 5% + lidocaine 0.15%",
    )
    text = re.sub(
        r"\s+", " ", "".join(parse_html(render_session_html(session_data(plan), meta())).text)
    )
    assert "0.375 mL" in text and "4.125 mL" in text
    assert "0.38 mL" not in text and "4.12 mL" not in text
