"""The labels' QR code: segno's encoder loaded without its writers draws the same SVG, byte for
byte, as segno's own writer, and leaves the network and mail modules unloaded."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.render import qr

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)


@given(texts)
def test_the_svg_is_segnos_own(text: str) -> None:
    assert qr.qr_svg(text) == qr.segno_svg(text)


def test_a_label_code_is_the_same_as_before() -> None:
    text = "NPT1|ref=3f2a9c|dextrose 5%|6 mL|knee left|use by 2026-12-01 13:00"
    assert qr.qr_svg(text) == qr.segno_svg(text)
    assert qr.qr_svg(text).startswith('<svg xmlns="http://www.w3.org/2000/svg" width="')


def test_without_the_light_path_segno_itself_draws_it(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "PT-0042"
    light = qr.qr_svg(text)
    monkeypatch.setattr(qr, "_encoder", lambda: None)
    assert qr.qr_svg(text) == light


def test_drawing_a_code_loads_no_writer_and_no_network_module() -> None:
    code = (
        "import sys\n"
        "from npt_protocol.render.qr import qr_svg\n"
        "qr_svg('PT-0042')\n"
        "print(sorted(m for m in ('segno', 'segno.writers', 'urllib.request', 'ssl', "
        "'xml.sax.saxutils') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
