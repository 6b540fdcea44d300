"""PDF rendering through typst: content, pages, layout, literal user text and reproducible bytes."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import typst
from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream

from npt_protocol.planning.checklist import build_checklist
from npt_protocol.protocol.library import load_library
from npt_protocol.render.documents import checklist_data, document_meta
from npt_protocol.render.pdf import render_checklist_pdf, render_session_pdf
from npt_protocol.render.printview import checklist_view, session_view
from npt_protocol.render.typesetter import TEMPLATES
from tests.sessions import packet

MADE = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
TEMPLATE_LINE = "Template — confirm against local policy"
MM = 72 / 25.4
PAPER_PT = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}
BENCHMARK = Path(__file__).parent.parent / "benchmarks" / "bench_render_pdf.py"


@pytest.fixture(scope="module")
def library() -> Any:
    """Load the shipped protocols once for the module."""
    return load_library()


def meta(paper: str = "A4", clinic: str = "Riverside Clinic") -> dict[str, Any]:
    """Describe a document made at a fixed time."""
    return document_meta(generated_at=MADE, clinic=clinic, paper=paper)


def knee(library: Any, side: str = "left") -> dict[str, Any]:
    """Build the knee checklist document."""
    return checklist_data(build_checklist(library.get("knee"), side=side))


def session(*_: Any) -> dict[str, Any]:
    """Return the shared session document (two solutions, bilateral ankle)."""
    return packet()


def pages_text(pdf: bytes) -> list[str]:
    """Extract each page's text, with ligatures undone and whitespace collapsed."""
    texts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = unicodedata.normalize("NFKC", page.extract_text()).replace("\u200b", "")
        texts.append(re.sub(r"\s+", " ", text))
    return texts


def _multiply(m: list[float], n: list[float]) -> list[float]:
    """Multiply two PDF matrices [a b c d e f] (row-vector convention: m then n)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return [
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    ]


def _widths(font: Any) -> tuple[dict[int, float], float, int]:
    """Read a font's glyph widths (per 1000 em), default width and bytes per character code."""
    font = font.get_object()
    if font["/Subtype"] == "/Type0":
        cid = font["/DescendantFonts"][0].get_object()
        widths: dict[int, float] = {}
        w = list(cid.get("/W", []))
        i = 0
        while i < len(w):
            if isinstance(w[i + 1], list):
                for k, width in enumerate(w[i + 1]):
                    widths[int(w[i]) + k] = float(width)
                i += 2
            else:
                for code in range(int(w[i]), int(w[i + 1]) + 1):
                    widths[code] = float(w[i + 2])
                i += 3
        return widths, float(cid.get("/DW", 1000)), 2
    first = int(font.get("/FirstChar", 0))
    return (
        {first + k: float(x) for k, x in enumerate(font.get("/Widths", []))},
        float(font.get("/MissingWidth", 0)),
        1,
    )


def text_boxes(reader: PdfReader, page: PageObject) -> list[tuple[float, float, float, float]]:
    """Return the box, in page coordinates, of every text-showing operation of a page.

    A small interpreter of the content stream: it follows the graphics state (q, Q, cm) and the
    text state (Tf, Tm, Td, Tc, Tz), and measures each string with the embedded font's own glyph
    widths, so the box is where the glyphs really are, not a guess from the character count.
    """
    fonts = {name: _widths(font) for name, font in page["/Resources"]["/Font"].items()}
    ctm = [1.0, 0, 0, 1, 0, 0]
    stack: list[list[float]] = []
    tm = [1.0, 0, 0, 1, 0, 0]
    line = list(tm)
    font, size, spacing, scale = None, 0.0, 0.0, 1.0
    boxes = []
    for operands, op in ContentStream(page.get_contents(), reader).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            ctm = _multiply([float(x) for x in operands], ctm)
        elif op == b"BT":
            tm, line = [1.0, 0, 0, 1, 0, 0], [1.0, 0, 0, 1, 0, 0]
        elif op == b"Tf":
            font, size = fonts[operands[0]], float(operands[1])
        elif op == b"Tm":
            tm = line = [float(x) for x in operands]
        elif op == b"Td":
            tm = line = _multiply([1, 0, 0, 1, float(operands[0]), float(operands[1])], line)
        elif op == b"Tc":
            spacing = float(operands[0])
        elif op == b"Tz":
            scale = float(operands[0]) / 100
        elif op in (b"'", b'"', b"T*", b"TD"):
            raise AssertionError(f"the layout check does not follow {op!r}; extend it")
        elif op in (b"Tj", b"TJ"):
            assert font is not None
            widths, default, code_bytes = font
            advance = 0.0
            for item in operands[0] if op == b"TJ" else [operands[0]]:
                if isinstance(item, (int, float)):  # pypdf's number objects subclass these
                    advance -= float(item) / 1000 * size * scale
                    continue
                raw = (
                    item.get_original_bytes()
                    if hasattr(item, "get_original_bytes")
                    else bytes(item)
                )
                raw = raw.removeprefix(b"\xfe\xff")  # pypdf re-encodes UTF-16-like codes
                for i in range(0, len(raw), code_bytes):
                    code = int.from_bytes(raw[i : i + code_bytes], "big")
                    advance += (widths.get(code, default) / 1000 * size + spacing) * scale
            trm = _multiply(tm, ctm)
            corners = [
                _multiply([1, 0, 0, 1, x, y], trm)[4:]
                for x in (0, advance)
                for y in (-0.2 * size, 0.7 * size)
            ]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
            tm = _multiply([1, 0, 0, 1, advance, 0], tm)
    return boxes


def assert_nothing_cut_off(pdf: bytes) -> None:
    """Check that every piece of text lies inside its page and that no two pieces overprint.

    Text extraction alone cannot see a word pushed off the edge (pypdf still returns it), so each
    text run is measured instead (see `text_boxes`): its box must lie inside the page, and no two
    runs may overlap (a long word running over the next column of a table overlaps that column's
    text). Boxes are shrunk by half a point so that runs which merely touch do not count.
    """
    reader = PdfReader(io.BytesIO(pdf))
    for number, page in enumerate(reader.pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        boxes = text_boxes(reader, page)
        assert boxes, f"page {number} has no text"
        for x0, y0, x1, y1 in boxes:
            assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, (
                f"page {number}: text at x {x0:.0f} to {x1:.0f}, y {y0:.0f} to {y1:.0f} pt "
                f"leaves the page of {width:.0f} by {height:.0f} pt"
            )
        shrunk = [(x0 + 0.5, y0 + 0.5, x1 - 0.5, y1 - 0.5) for x0, y0, x1, y1 in boxes]
        for i, a in enumerate(shrunk):
            for b in shrunk[i + 1 :]:
                overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                assert not overlap, (
                    f"page {number}: text at x {a[0]:.0f}, y {a[1]:.0f} "
                    f"overprints text at x {b[0]:.0f}, y {b[1]:.0f}"
                )


def test_checklist_shows_every_point_the_totals_and_the_identity(library: Any) -> None:
    doc = knee(library)
    pdf = render_checklist_pdf(doc, meta(), timestamp=MADE)
    text = " ".join(pages_text(pdf))
    for row in doc["rows"]:
        assert f"{row['point']} {row['volume_text']}" in text
    assert f"Total: {doc['total_points_text']}, {doc['total_volume_text']}." in text
    for fact in (
        "knee",
        "2.0.0",
        doc["protocol"]["content_hash"],
        TEMPLATE_LINE,
        "Riverside Clinic",
        "npt 0.1.0",
        "2026-11-25 09:00 +00:00",
        "Patient identifier",
        "Clinician",
        "Pain before (0 to 10)",
        "Pain after (0 to 10)",
        "Adverse events",
        doc["solution"],
        doc["next_session"],
    ):
        assert fact in text, fact


def test_every_page_has_its_header_footer_and_page_x_of_y(library: Any) -> None:
    doc = knee(library, side="bilateral")
    pages = pages_text(render_checklist_pdf(doc, meta(), timestamp=MADE))
    assert 2 <= len(pages) <= 4
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert "knee version 2.0.0, content " + doc["protocol"]["content_hash"] in text
        assert TEMPLATE_LINE in text
        assert "npt 0.1.0 · made 2026-11-25 09:00 +00:00" in text


def test_a_long_table_repeats_its_column_headings(library: Any) -> None:
    doc = checklist_data(build_checklist(library.get("knee"), side="bilateral", points=20))
    pages = pages_text(render_checklist_pdf(doc, meta(), timestamp=MADE))
    with_rows = [
        t
        for t in pages
        if f"{doc['rows'][-1]['point']} 0.5 mL" in t or f"{doc['rows'][0]['point']} 0.5 mL" in t
    ]
    assert len(with_rows) >= 2
    assert all("Side Nerve Point Volume Caution Done Pain response" in t for t in with_rows)


@pytest.mark.parametrize("status", ["reviewed", "draft", "template"])
def test_the_status_line_is_shown_and_the_template_line_only_unless_reviewed(
    library: Any, status: str
) -> None:
    doc = copy.deepcopy(knee(library))
    line = {
        "reviewed": "Reviewed protocol (reviewed by A. Reviewer on 2026-10-01)",
        "draft": "DRAFT — not for clinical use",
        "template": TEMPLATE_LINE,
    }[status]
    doc["protocol"].update(status=status, status_line=line)
    pages = pages_text(render_checklist_pdf(doc, meta(), timestamp=MADE))
    assert line in pages[0]
    assert (TEMPLATE_LINE in " ".join(pages)) == (status == "template")
    # Unless reviewed, the status prints in every page's header, not only on the first.
    assert all(line in t for t in pages) == (status != "reviewed")


def test_user_text_prints_literally_never_as_typst_markup(library: Any) -> None:
    doc = copy.deepcopy(knee(library))
    doc["protocol"]["notes"] = "#3 *not* $x$ #pagebreak() \\ // no comment"
    doc["rows"][0]["point"] = "Point #1 *bold* _it_ $y$"
    doc["protocol"]["title"] = '#"title" ] ['
    text = " ".join(pages_text(render_checklist_pdf(doc, meta(), timestamp=MADE)))
    assert "#3 *not* $x$ #pagebreak() \\ // no comment" in text
    assert "Point #1 *bold* _it_ $y$" in text
    assert '#"title" ] [ — left' in text


def test_long_unbroken_words_wrap_inside_the_page(library: Any) -> None:
    doc = copy.deepcopy(knee(library))
    doc["rows"][0]["point"] = "X" * 150
    doc["protocol"]["references"][0]["citation"] = "https://example.org/" + "y" * 200
    pdf = render_checklist_pdf(doc, meta(), timestamp=MADE)
    assert_nothing_cut_off(pdf)
    assert "X" * 150 in " ".join(pages_text(pdf)).replace(" ", "")


def test_the_layout_check_catches_text_off_the_page() -> None:
    source = (
        "#set page(width: 50mm, height: 30mm, margin: 5mm)\n#box(width: 200mm)["
        + "word " * 60
        + "]"
    )
    pdf = typst.compile(source.encode(), ignore_system_fonts=True)
    with pytest.raises(AssertionError, match="leaves the page"):
        assert_nothing_cut_off(pdf)


def test_the_layout_check_catches_overprinted_text() -> None:
    source = "#place(dx: 0mm)[overprinted]#place(dx: 2mm)[overprinted]"
    pdf = typst.compile(source.encode(), ignore_system_fonts=True)
    with pytest.raises(AssertionError, match="overprints"):
        assert_nothing_cut_off(pdf)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_paper_size_follows_meta(library: Any, paper: str) -> None:
    reader = PdfReader(io.BytesIO(render_checklist_pdf(knee(library), meta(paper), timestamp=MADE)))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            PAPER_PT[paper], abs=0.5
        )


def test_unknown_paper_is_refused(library: Any) -> None:
    with pytest.raises(ValueError, match="expected A4 or Letter"):
        render_checklist_pdf(knee(library), meta("A5"))


def test_title_metadata_and_embedded_fonts(library: Any) -> None:
    reader = PdfReader(io.BytesIO(render_checklist_pdf(knee(library), meta(), timestamp=MADE)))
    assert reader.metadata is not None
    assert reader.metadata.title == (
        "Checklist: Knee — infrapatellar branch of the saphenous "
        "nerve and the patellar plexus — left"
    )
    for page in reader.pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_same_input_gives_identical_bytes(library: Any) -> None:
    doc = knee(library)
    first = render_checklist_pdf(doc, meta(), timestamp=MADE)
    assert render_checklist_pdf(copy.deepcopy(doc), meta(), timestamp=MADE) == first
    later = render_checklist_pdf(doc, meta(), timestamp=MADE + dt.timedelta(days=1))
    assert later != first
    reader = PdfReader(io.BytesIO(first))
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"].startswith("D:20261125090000")


def test_session_packet(library: Any) -> None:
    doc = session(library)
    pages = pages_text(render_session_pdf(doc, meta(), timestamp=MADE))
    text = " ".join(pages)
    summary = pages[0]
    for region in doc["regions"]:
        assert (
            f"{region['protocol']} {region['side']} {region['points']} {region['volume_text']}"
            in summary
        )
    for solution in doc["solutions"]:
        assert f"prepare {solution['volumes_text']['prepare']}." in text
        assert solution["achieved_text"] in text
        label = solution["label"]
        # The label box is narrow: a line may break inside "w/v"; compare without spaces.
        assert f"Contents{label['contents']}".replace(" ", "") in text.replace(" ", "")
        assert f"Made from {label['ingredients_text']}" in text
        assert f"Use by {label['use_by']} ({label['rule']})" in text
    assert f"Prepared in all: {doc['loads_text']}" in text
    assert "Osmolarity 253 mOsmol/L (hypotonic)" in text
    assert "Dose: lidocaine 5 mg injected, within the maximum of 300 mg" in text
    assert text.count("Prepared by") == text.count("Checked by") == len(doc["solutions"])
    # Each checklist begins a page of its own, whose header names its protocol.
    starts = [i for i, t in enumerate(pages) if "Patient identifier" in t]
    assert len(starts) == len(doc["checklists"])
    for start, checklist in zip(starts, doc["checklists"], strict=True):
        protocol = checklist["protocol"]
        assert f"{protocol['id']} version {protocol['version']}" in pages[start]
        assert f"{protocol['title']} — {checklist['side']}" in pages[start]
        for row in checklist["rows"]:
            assert f"{row['point']} {row['volume_text']}" in text
    for number, page_text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page_text
    assert_nothing_cut_off(render_session_pdf(doc, meta("Letter"), timestamp=MADE))


def test_session_title_metadata(library: Any) -> None:
    reader = PdfReader(io.BytesIO(render_session_pdf(session(library), meta(), timestamp=MADE)))
    assert reader.metadata is not None
    assert (
        reader.metadata.title
        == "Session packet: knee (left), shoulder (right), ankle-achilles (bilateral)"
    )


def _shipped(library: Any) -> list[str]:
    """Name every shipped protocol."""
    return sorted(library.entries)


@pytest.mark.parametrize("protocol_id", _shipped(load_library()))
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_shipped_protocol_prints_whole_and_without_typst_warnings(
    library: Any, protocol_id: str, paper: str
) -> None:
    protocol = library.get(protocol_id)
    side = "bilateral" if "bilateral" in protocol.sides else protocol.sides[0]
    doc = checklist_data(build_checklist(protocol, side=side))
    data = json.dumps(
        {
            "doc": checklist_view(doc, meta(paper)),
            "meta": meta(paper),
            "paper": {"A4": "a4", "Letter": "us-letter"}[paper],
        }
    )
    pdf, warnings = typst.compile_with_warnings(
        str(TEMPLATES / "checklist.typ"), sys_inputs={"data": data}, ignore_system_fonts=True
    )
    # A warning would be a glyph missing from typst's fonts or a template mistake.
    assert warnings == []
    assert_nothing_cut_off(pdf)
    text = " ".join(pages_text(pdf))
    for row in doc["rows"]:
        assert row["point"] in text


def test_session_template_compiles_without_warnings(library: Any) -> None:
    data = json.dumps(
        {"doc": session_view(session(library), meta()), "meta": meta(), "paper": "a4"}
    )
    _, warnings = typst.compile_with_warnings(
        str(TEMPLATES / "session.typ"), sys_inputs={"data": data}, ignore_system_fonts=True
    )
    assert warnings == []


def test_the_render_benchmark_covers_every_shipped_protocol() -> None:
    """The benchmark times every protocol; its limit is checked by benchmarks/run_all.py."""
    spec = importlib.util.spec_from_file_location("bench_render_pdf", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.measure()
    assert result["protocols"] == len(load_library().entries)
    assert result["total_s"] > 0
    assert result["limit_s"] == 1.0
