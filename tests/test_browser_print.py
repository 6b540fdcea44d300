"""Print the HTML sheets in a real headless Chromium and read the printed PDF back.

Skipped, saying why, where no Chromium is installed (.ci/run installs Debian's `chromium`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import unicodedata
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.engine.syringes import syringe_set
from npt_protocol.planning.checklist import build_checklist
from npt_protocol.planning.session import RegionRequest, plan_session
from npt_protocol.protocol.library import load_library
from npt_protocol.render.documents import checklist_data, document_meta, session_data
from npt_protocol.render.html import render_checklist_html, render_session_html

MADE = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
CHROMIUM = (
    os.environ.get("NPT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
PAPER_PT = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium is not installed (Debian: "
        "apt-get install chromium; or set NPT_CHROMIUM to its path)",
    ),
]


def print_to_pdf(html: str, folder: Path) -> bytes:
    """Print an HTML page to PDF with headless Chromium, offline, without its own header."""
    page = folder / "sheet.html"
    out = folder / "sheet.pdf"
    page.write_text(html, encoding="utf-8")
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={out}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out.read_bytes()


def pages_text(pdf: bytes) -> list[str]:
    """Extract each page's text, with ligatures undone and whitespace collapsed."""
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", p.extract_text()))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def meta(paper: str) -> dict[str, Any]:
    """Describe a document made at a fixed time."""
    return document_meta(generated_at=MADE, clinic="Riverside Clinic", paper=paper)


@pytest.mark.parametrize(
    ("paper", "side", "pages"), [("A4", "left", range(2, 6)), ("Letter", "bilateral", range(3, 7))]
)
def test_chromium_prints_the_checklist_whole(
    tmp_path: Path, paper: str, side: str, pages: range
) -> None:
    """The page count depends on the fonts Chromium finds, so it is checked against a range and
    against the "Page x of y" footer Chromium printed from the CSS page-margin boxes."""
    doc = checklist_data(build_checklist(load_library().get("knee"), side=side))
    pdf = print_to_pdf(render_checklist_html(doc, meta(paper)), tmp_path)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) in pages
    assert (
        float(reader.pages[0].mediabox.width),
        float(reader.pages[0].mediabox.height),
    ) == pytest.approx(PAPER_PT[paper], abs=1)
    texts = pages_text(pdf)
    text = " ".join(texts)
    for row in doc["rows"]:
        assert row["point"] in text
    assert text.count(doc["rows"][0]["point"]) >= sum(
        r["point"] == doc["rows"][0]["point"] for r in doc["rows"]
    )
    assert f"Total: {doc['total_points_text']}, {doc['total_volume_text']}." in text
    for number, page_text in enumerate(texts, 1):
        assert f"Page {number} of {len(texts)}" in page_text  # the CSS page-margin footer
        assert "Template — confirm against local policy" in page_text
        # Every page that carries rows of the points table repeats its column headings.
        if re.search(r"\b\d+ (left|right) ", page_text):
            assert "# Side Nerve Point Volume Caution Done Pain response" in page_text
    assert sum("# Side Nerve Point" in t for t in texts) >= (2 if side == "bilateral" else 1)


def test_chromium_prints_the_session_packet(tmp_path: Path) -> None:
    library = load_library()
    catalogue = shipped_catalogue()
    doc = session_data(
        plan_session(
            [
                RegionRequest(library.get("knee"), "left"),
                RegionRequest(library.get("shoulder"), "right"),
            ],
            catalogue=catalogue,
            stocks=[catalogue.product("D50")],
            diluent=catalogue.product("SWFI"),
            syringes=syringe_set(),
            prepared_at=MADE,
            weight_kg=Fraction(70),
        )
    )
    texts = pages_text(print_to_pdf(render_session_html(doc, meta("A4")), tmp_path))
    text = " ".join(texts)
    assert texts[0].count("Session plan") == 1
    for checklist in doc["checklists"]:
        for row in checklist["rows"]:
            assert row["point"] in text
        # The checklist's page starts with its own heading, after the page-margin header.
        heading = f"{checklist['protocol']['title']} — {checklist['side']}"
        assert any(heading in t and "Patient identifier" in t for t in texts)
    assert "Checked by" in text


def test_chromium_prints_the_body_chart_with_each_region_and_side(tmp_path: Path) -> None:
    library = load_library()
    catalogue = shipped_catalogue()
    doc = session_data(
        plan_session(
            [
                RegionRequest(library.get("knee"), "left"),
                RegionRequest(library.get("shoulder"), "right"),
                RegionRequest(library.get("ankle-achilles"), "bilateral"),
            ],
            catalogue=catalogue,
            stocks=[catalogue.product("D50")],
            diluent=catalogue.product("SWFI"),
            syringes=syringe_set(),
            prepared_at=MADE,
        )
    )
    html = render_session_html(doc, meta("A4"))
    # In the page's SVG: each mark on its side of its view's midline (front: the patient's left
    # is on the viewer's right; back: on the viewer's left).
    marks = re.findall(
        r'<circle class="mark" data-mark="([^"]+)" data-view="\w+" cx="([\d.]+)"',
        html.split('<section class="sheet')[0],
    )
    placed = {label: float(x) for label, x in marks}
    assert placed["knee (left)"] > 30 > placed["shoulder (right)"]
    assert placed["ankle-achilles (left)"] < 100 < placed["ankle-achilles (right)"]
    texts = pages_text(print_to_pdf(html, tmp_path))
    summary = texts[0]
    for number, label in enumerate(placed, 1):
        assert f"{number} {label}" in summary  # the chart's legend, printed as text
    assert "1 knee (left), front view" in summary
    assert "4 ankle-achilles (right), back view" in summary
    # Each checklist's own chart marks its own region and side.
    for checklist in doc["checklists"]:
        side = checklist["side"]
        sides = ["left", "right"] if side == "bilateral" else [side]
        for each in sides:
            wanted = f"{checklist['protocol']['id']} ({each})"
            assert any(wanted in t and checklist["protocol"]["id"] in t for t in texts[3:])


@pytest.mark.parametrize("pid", ["neck", "knee", "upper-back", "anterior-chest-wall", "hand"])
def test_chromium_prints_a_bedside_sheet_on_one_page(tmp_path: Path, pid: str) -> None:
    from npt_protocol.planning.patient import Patient  # noqa: PLC0415

    doc = checklist_data(
        build_checklist(load_library().get(pid), side="left"),
        sheet="bedside",
        patient=Patient("PT-0042"),
    )
    texts = pages_text(print_to_pdf(render_checklist_html(doc, meta("A4")), tmp_path))
    assert len(texts) == 1, f"{pid}: {len(texts)} pages"
    assert "Patient PT-0042" in texts[0] and "PT-0042" in texts[0]
    assert f"1 {pid} (left)" in texts[0]  # the chart's legend
