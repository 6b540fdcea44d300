"""The bedside checklist: one page per region and side at the protocol's typical point count,
with the patient, region, side, solution and batch at the top, the points grouped by nerve, and
the patient on every page of every checklist and packet."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from npt_protocol.cli import cli
from npt_protocol.planning.checklist import build_checklist
from npt_protocol.planning.patient import Patient
from npt_protocol.render.documents import checklist_data
from npt_protocol.render.registry import render
from tests.sessions import META, PREPARED_AT, packet, shipped

PATIENT = Patient("PT-0042")


def _pages(pdf: bytes) -> list[str]:
    """Return each page's text, whitespace collapsed."""
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _bedside(pid: str, side: str, batch: str | None = None) -> tuple[dict, list[str]]:
    doc = checklist_data(
        build_checklist(shipped()[pid], side=side), sheet="bedside", patient=PATIENT, batch=batch
    )
    pdf = render("checklist", doc, "pdf", meta=META, timestamp=PREPARED_AT)
    assert isinstance(pdf, bytes)
    return doc, _pages(pdf)  # type: ignore[return-value]


SIDES = [(pid, side) for pid in sorted(shipped()) for side in ("left", "right")]


@pytest.mark.parametrize(("pid", "side"), SIDES, ids=[f"{p}-{s}" for p, s in SIDES])
def test_the_bedside_sheet_fits_one_page_at_the_typical_point_count(pid: str, side: str) -> None:
    doc, pages = _bedside(pid, side, batch="log 5eed0c1a record 3-3f9a2c7e1b5d0a4f")
    assert len(pages) == 1, f"{pid} {side}: {len(pages)} pages"
    (page,) = pages
    assert "Patient PT-0042" in page  # in the header
    assert f"— {side}" in page
    assert "log 5eed0c1a record 3-3f9a2c7e1b5d0a4f" in page
    assert "Pain before (0 to 10)" in page and "Pain after (0 to 10)" in page
    assert "Adverse events" in page
    assert f"Total: {doc['total_points_text']}, {doc['total_volume_text']}." in page
    for row in doc["rows"]:
        assert row["point"] in page
    # References and evidence notes are for the trainer sheet.
    citations = [" ".join(r["citation"].split())[:40] for r in doc["protocol"]["references"]]
    assert not [c for c in citations if c in page]
    assert " ".join(doc["protocol"]["notes"].split())[:60] not in page


@pytest.mark.parametrize("pid", sorted(shipped()))
def test_a_bilateral_bedside_sheet_is_one_page_per_side(pid: str) -> None:
    _, pages = _bedside(pid, "bilateral")
    assert len(pages) == 2
    assert "— left" in pages[0] and "— right" in pages[1]
    assert all("Patient PT-0042" in page for page in pages)


def test_the_bedside_text_names_each_nerve_once_per_group() -> None:
    doc = checklist_data(build_checklist(shipped()["knee"], side="left"), sheet="bedside")
    text = render("checklist", doc, "text", meta=META)
    assert isinstance(text, str)
    for nerve in {row["nerve"] for row in doc["rows"]}:
        headings = [line for line in text.splitlines() if line == nerve]
        assert len(headings) == 1, nerve


def test_checklist_with_a_patient_defaults_to_the_bedside_sheet() -> None:
    bedside = CliRunner().invoke(cli, ["checklist", "knee", "--side", "left", "--patient", "P-1"])
    trainer = CliRunner().invoke(cli, ["checklist", "knee", "--side", "left"])
    chosen = CliRunner().invoke(
        cli, ["checklist", "knee", "--side", "left", "--patient", "P-1", "--sheet", "trainer"]
    )
    assert bedside.exit_code == trainer.exit_code == chosen.exit_code == 0
    assert "(BEDSIDE)" in bedside.stdout and "Patient: P-1" in bedside.stdout
    assert "References" in trainer.stdout and "(BEDSIDE)" not in trainer.stdout
    assert "References" in chosen.stdout and "Patient: P-1" in chosen.stdout


def test_the_patient_is_on_every_page_of_a_trainer_sheet_and_a_packet(tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = checklist_data(
        build_checklist(shipped()["knee"], side="left"), sheet="trainer", patient=PATIENT
    )
    pdf = render("checklist", doc, "pdf", meta=META, timestamp=PREPARED_AT)
    assert isinstance(pdf, bytes)
    pages = _pages(pdf)
    assert len(pages) > 1
    assert all("Patient PT-0042" in page for page in pages)
    out = tmp_path / "packet.pdf"
    result = CliRunner().invoke(
        cli,
        ["session", "--region", "knee:bilateral", "--patient", "PT-0042", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    packet_pages = _pages(out.read_bytes())
    assert all("Patient PT-0042" in page for page in packet_pages)


def test_no_page_of_a_bilateral_packet_is_nearly_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = packet()
    pdf = render("session", doc, "pdf", meta=META, timestamp=PREPARED_AT)  # type: ignore[arg-type]
    assert isinstance(pdf, bytes)
    for number, page in enumerate(_pages(pdf), 1):
        body = page.split("Page ")[0]
        assert len(body.split()) > 40, f"page {number} holds only: {page}"
