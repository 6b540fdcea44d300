"""Syringe labels: one per treatment syringe, on every shipped stock, with no text off the label,
ISMP doses, the intended strength with its basis, and a 2D code that scans to the log record.

Golden files hold each stock's text as pypdf extracts it; regenerate after an intended change
with NPT_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from npt_protocol.catalogue.products import shipped_catalogue
from npt_protocol.cli import cli
from npt_protocol.engine.use_by import use_by_rules
from npt_protocol.errors import InputError
from npt_protocol.planning.labels import route_of, syringe_labels
from npt_protocol.planning.patient import MAX_ID_CHARS, MAX_NAME_CHARS, Patient
from npt_protocol.planning.session import NEEDLE_DEAD_SPACE_ML, syringe_dead_space, syringe_shares
from npt_protocol.render.doctypes import LabelsDoc, SyringeLabelDoc
from npt_protocol.render.labels import (
    MAX_LABEL_NAME_CHARS,
    STOCKS,
    code_text,
    labels_data,
    labels_pdf,
)
from tests.sessions import META, PREPARED_AT, session, shipped

GOLDEN = Path(__file__).with_name("golden")
REFERENCE = "log 5eed0c1a record 3-3f9a2c7e1b5d0a4f"
MM = 72 / 25.4  # PDF points per millimetre


def _pdf_text(pdf: bytes) -> list[str]:
    """Return each page's text as pypdf extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _knee_labels(stock: str) -> LabelsDoc:
    """The labels of a bilateral knee session for a named patient, logged."""
    plan = session([("knee", "bilateral", None)])
    return labels_data(
        syringe_labels(plan, patient=Patient("PT-0042")),
        stock_name=stock,
        prepared_by="A. Lee",
        checked_by="B. Khan",
        references=[REFERENCE],
    )


@pytest.mark.parametrize("stock", sorted(STOCKS))
def test_labels_match_their_golden_text_on_every_stock(stock: str) -> None:
    doc = _knee_labels(stock)
    pdf = labels_pdf(doc, META, PREPARED_AT)
    pages = _pdf_text(pdf)
    per_page = STOCKS[stock].columns * STOCKS[stock].rows
    assert len(pages) == -(-len(doc["labels"]) // per_page)  # nothing ran onto another page
    produced = "\n\f\n".join(pages) + "\n"
    path = GOLDEN / f"labels-{stock}.txt"
    if os.environ.get("NPT_UPDATE_GOLDEN"):
        path.write_text(produced, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with NPT_UPDATE_GOLDEN=1 once"
    assert produced == path.read_text(encoding="utf-8")
    text = " ".join(produced.split())
    for label in doc["labels"]:
        assert f"Patient: {label['patient']['id']}" in text  # type: ignore[index]
        assert "dextrose monohydrate 5 % w/v" in text
        assert f"Use by {label['use_by']}" in text


def _longest(values: list[str]) -> str:
    """Return the longest text."""
    return max(values, key=len)


def _longest_label() -> SyringeLabelDoc:
    """A label carrying the longest names the shipped catalogue and protocols can put on it,
    the longest identifier a patient may have, and the longest names a label takes."""
    catalogue = shipped_catalogue()
    protocols = list(shipped().values())
    contents = _longest(
        [p.stated.describe(style="w/v") for p in catalogue.products]
        + [catalogue.stated(p.solution.composition_text).describe(style="w/v") for p in protocols]
        + [catalogue.stated("dextrose 20% + lidocaine 0.1%").describe(style="w/v")]
    )
    label: SyringeLabelDoc = {
        "patient": {
            "id": "W" * MAX_ID_CHARS,
            "name": "W" * MAX_NAME_CHARS,
            "date_of_birth": "1960-04-02",
        },
        "contents": contents,
        "volume_mL": 10,
        "volume_text": "10 mL",
        "route": _longest([route_of(p.technique.depth) for p in protocols]),
        "protocol": _longest([p.id for p in protocols]),
        "region": _longest([p.region for p in protocols]),
        "side": "midline",
        "syringe": 10,
        "of": 10,
        "prepared_at": "2026-11-25 09:00 +14:00",
        "use_by": "2026-11-26 09:00 +14:00",
        "rule": _longest([rule.name for rule in use_by_rules().values()]),
        "prepared_by": "W" * MAX_LABEL_NAME_CHARS,
        "checked_by": "W" * MAX_LABEL_NAME_CHARS,
        "log_reference": REFERENCE,
        "code_text": "",
    }
    label["code_text"] = code_text(label)
    return label


@pytest.mark.parametrize("stock", sorted(STOCKS))
def test_no_text_leaves_the_label_with_the_longest_names(stock: str) -> None:
    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber is a test dependency")
    shape = STOCKS[stock]
    count = shape.columns * shape.rows + 1  # a sheet and one more: the second page too
    labels = [_longest_label() for _ in range(count if shape.paper else 2)]
    doc: LabelsDoc = {
        "schema": "npt.labels/1",
        "stock": {
            "id": stock,
            "width_mm": shape.width_mm,
            "height_mm": shape.height_mm,
            "paper": shape.paper,
            "columns": shape.columns,
            "rows": shape.rows,
        },
        "labels": labels,
    }
    pdf = labels_pdf(doc, META, PREPARED_AT)
    per_page = shape.columns * shape.rows
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        assert len(opened.pages) == -(-len(labels) // per_page)
        for page in opened.pages:
            boxes = _label_boxes(shape, page.width, page.height)
            assert page.chars
            for char in page.chars:
                inside = [
                    box
                    for box in boxes
                    if box[0] - 0.01 <= char["x0"]
                    and char["x1"] <= box[2] + 0.01
                    and box[1] - 0.01 <= char["top"]
                    and char["bottom"] <= box[3] + 0.01
                ]
                assert inside, f"{stock}: {char['text']!r} at {char['x0']:.1f},{char['top']:.1f}"
                # Text never runs over the 2D code, which fills the label's left part.
                code_right = (
                    inside[0][0] + 1.5 * MM + min(shape.height_mm - 3, shape.width_mm * 0.36) * MM
                )
                assert char["x0"] >= code_right - 0.01, f"{stock}: {char['text']!r} on the code"
    # A word too long for the label is broken between its characters (zero-width spaces).
    text = "".join("".join(_pdf_text(pdf)).replace("\u200b", "").split())
    assert "".join(labels[0]["contents"].split()) in text
    assert "W" * MAX_ID_CHARS in text


def _label_boxes(shape: Any, width: float, height: float) -> list[tuple[float, ...]]:
    """Return each label's box on a page (x0, top, x1, bottom, in PDF points)."""
    if shape.paper is None:
        assert (width, height) == pytest.approx((shape.width_mm * MM, shape.height_mm * MM))
        return [(0.0, 0.0, width, height)]
    boxes = []
    for row in range(shape.rows):
        for column in range(shape.columns):
            x0 = (shape.left_mm + column * (shape.width_mm + shape.gap_x_mm)) * MM
            top = (shape.top_mm + row * (shape.height_mm + shape.gap_y_mm)) * MM
            boxes.append((x0, top, x0 + shape.width_mm * MM, top + shape.height_mm * MM))
    assert boxes[-1][2] <= width and boxes[-1][3] <= height  # the sheet's labels are on it
    return boxes


def test_a_name_too_long_for_a_label_is_refused() -> None:
    plan = session([("knee", "left", None)])
    with pytest.raises(InputError, match="at most 40 characters"):
        labels_data(
            syringe_labels(plan, patient=None),
            stock_name="51x25",
            prepared_by="W" * (MAX_LABEL_NAME_CHARS + 1),
        )


def test_an_unknown_stock_names_the_known_ones() -> None:
    plan = session([("knee", "left", None)])
    with pytest.raises(InputError, match="51x25, 57x32, 89x36, a4-sheet, letter-sheet"):
        labels_data(syringe_labels(plan, patient=None), stock_name="40x20")


@pytest.mark.parametrize("pid", sorted(shipped()))
def test_one_label_per_treatment_syringe_adding_up_to_the_injections(pid: str) -> None:
    sides = [s for s in shipped()[pid].sides if s != "midline"][-1:]
    for side in sides:
        plan = session([(pid, side, None)])
        labels = syringe_labels(plan, patient=None)
        assert len(labels) == sum(r.syringes for r in plan.regions)
        for region in plan.regions:
            for each in {row.side for row in region.checklist.rows}:
                mine = [lab for lab in labels if lab.side == each]
                assert sum(lab.volume_ml for lab in mine) == sum(
                    row.volume_ml for row in region.checklist.rows if row.side == each
                )
                assert [lab.number for lab in mine] == list(range(1, len(mine) + 1))
                assert all(lab.of == len(mine) for lab in mine)
                assert all(0 < lab.volume_ml <= plan.treatment_syringe_ml for lab in mine)


@settings(max_examples=60)
@given(
    st.fractions(min_value=Fraction(1, 100), max_value=100).map(lambda f: f.limit_denominator(100)),
    st.sampled_from([Fraction(1), Fraction(3), Fraction(5), Fraction(10), Fraction(20)]),
)
def test_syringe_shares_add_up_and_each_syringe_delivers_its_share(
    volume: Fraction, capacity: Fraction
) -> None:
    # A syringe and its needle keep back their dead space: a 10 mL syringe delivers 9.85 mL.
    deliverable = capacity - syringe_dead_space(capacity) - NEEDLE_DEAD_SPACE_ML
    shares = syringe_shares(volume, capacity)
    assert sum(shares) == volume
    assert all(0 < share <= deliverable for share in shares)
    assert len(shares) == max(1, -(-volume // deliverable))  # no more syringes than needed


def test_labels_print_the_intended_strength_with_its_basis_and_ismp_doses() -> None:
    plan = session(
        [("knee", "left", 3)],
        solution_override="dextrose 20% + lidocaine 0.1%",
    )
    doc = labels_data(syringe_labels(plan, patient=None), stock_name="89x36")
    label = doc["labels"][0]
    assert label["contents"] == "dextrose monohydrate 20 % w/v and lidocaine 0.1 % w/v"
    assert label["volume_text"] == "1.5 mL"
    assert label["route"] == "subcutaneous"
    lines = "\n".join(_pdf_text(labels_pdf(doc, META, PREPARED_AT)))
    assert not re.search(r"\d\.\d*0 mL|(?<!\d)\.\d+ mL|\bml\b", lines)


def test_a_perineural_protocol_labels_its_route() -> None:
    doc = labels_data(
        syringe_labels(session([("hydrodissection-carpal-tunnel", "right", None)]), patient=None),
        stock_name="57x32",
    )
    assert {label["route"] for label in doc["labels"]} == {"perineural"}


def _decode(pdf: bytes) -> list[str]:
    """Rasterise every page at 300 dpi, as a scanner sees a print, and decode its 2D codes."""
    zxingcpp = pytest.importorskip(
        "zxingcpp", reason="the zxing-cpp decoder is a test dependency (pip install zxing-cpp)"
    )
    pdfium = pytest.importorskip(
        "pypdfium2", reason="pypdfium2 (installed with pdfplumber) rasterises the PDF"
    )
    texts = []
    document = pdfium.PdfDocument(pdf)
    for index in range(len(document)):
        image = document[index].render(scale=300 / 72).to_pil()
        texts += [code.text for code in zxingcpp.read_barcodes(image)]
    return texts


@pytest.mark.parametrize("stock", ["51x25", "a4-sheet"])
def test_the_2d_code_scans_to_the_log_reference(tmp_path: Path, stock: str) -> None:
    log = tmp_path / "prep.log"
    out = tmp_path / "labels.pdf"
    args = ["label", "--region", "knee:left", "--patient", "PT-0042", "--log", str(log)]
    result = CliRunner().invoke(cli, [*args, "--by", "A. Lee", "--stock", stock, "-o", str(out)])
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(cli, [*args, "--stock", stock, "--format", "json"])
    assert listed.exit_code == 0
    decoded = _decode(out.read_bytes())
    assert len(decoded) == 1
    code = decoded[0]
    assert "patient PT-0042" in code and "dextrose monohydrate 5 % w/v" in code
    match = re.search(r"^log ([0-9a-f]{8}) record (\d+-[0-9a-f]{16})$", code, re.MULTILINE)
    assert match, code
    header = json.loads(log.read_bytes().splitlines()[0])
    assert header["log_id"].startswith(match.group(1))
    # The reference is a head the log holds: verification proves the record is there.
    verified = CliRunner().invoke(cli, ["log", "verify", str(log), "--head", match.group(2)])
    assert verified.exit_code == 0, verified.output
    assert "every result agrees" in verified.output


def test_without_a_log_the_code_says_not_logged(tmp_path: Path) -> None:
    out = tmp_path / "labels.pdf"
    result = CliRunner().invoke(
        cli, ["label", "--region", "knee:left", "--stock", "89x36", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    (code,) = _decode(out.read_bytes())
    assert code.splitlines()[-1] == "not logged"
    assert "patient not named" in code


def test_session_writes_labels_beside_the_packet(tmp_path: Path) -> None:
    log, packet, labels = tmp_path / "prep.log", tmp_path / "s.md", tmp_path / "l.json"
    result = CliRunner().invoke(
        cli,
        [
            "session",
            "--region",
            "knee:left",
            "--patient",
            "PT-7",
            "--log",
            str(log),
            "-o",
            str(packet),
            "--labels",
            str(labels),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(labels.read_text(encoding="utf-8"))
    reference = data["labels"][0]["log_reference"]
    assert reference and reference in packet.read_text(encoding="utf-8")
    assert "Patient: PT-7" in packet.read_text(encoding="utf-8")


def test_labels_and_packet_may_not_be_one_file(tmp_path: Path) -> None:
    out = tmp_path / "same.pdf"
    out.write_bytes(b"keep")
    result = CliRunner().invoke(
        cli,
        ["session", "--region", "knee:left", "-o", str(out), "--labels", str(out), "--force"],
    )
    assert result.exit_code == 2
    assert out.read_bytes() == b"keep"


def test_prepared_at_and_use_by_follow_the_rule() -> None:
    plan = session([("knee", "left", None)], use_by_rule="category-1-room")
    (label,) = syringe_labels(plan, patient=None)
    assert label.use_by - label.prepared_at == dt.timedelta(hours=12)
    assert label.rule.name == "USP 797 Category 1, room temperature"
