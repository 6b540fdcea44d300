"""The body chart: every shipped template says where its region sits, marks go on the side
treated (mirrored between the front and back views), and files before schema 3 still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from npt_protocol.protocol.loader import load_file
from npt_protocol.render.bodychart import MIDLINES, chart_svg, legend, marks
from npt_protocol.render.documents import chart_data
from tests.sessions import shipped

FIXTURES = Path(__file__).with_name("protocol_fixtures")


@pytest.mark.parametrize("pid", sorted(shipped()))
def test_every_shipped_template_has_its_place_on_the_chart(pid: str) -> None:
    protocol = shipped()[pid]
    assert protocol.schema_version == 3
    assert protocol.chart is not None
    assert 0 <= protocol.chart.y <= 100


def test_the_patients_left_is_drawn_on_the_viewers_right_on_the_front_only() -> None:
    front = {"view": "front", "x": 5, "y": 72}
    back = {"view": "back", "x": 5, "y": 90}
    (left,) = marks("knee", "left", front)  # type: ignore[arg-type]
    (right,) = marks("knee", "right", front)  # type: ignore[arg-type]
    assert left.x == MIDLINES["front"] + 5 and right.x == MIDLINES["front"] - 5
    both = marks("ankle-achilles", "bilateral", back)  # type: ignore[arg-type]
    assert [(m.side, m.x) for m in both] == [
        ("left", MIDLINES["back"] - 5),
        ("right", MIDLINES["back"] + 5),
    ]
    (middle,) = marks("neck-posterior", "midline", back)  # type: ignore[arg-type]
    assert middle.x == MIDLINES["back"]


def test_a_sheet_whose_side_is_written_in_shows_both_places_hollow() -> None:
    found = marks("knee", None, {"view": "front", "x": 5, "y": 72})  # type: ignore[arg-type]
    assert len(found) == 2 and {m.side for m in found} == {""}
    svg = chart_svg(found)
    assert svg.count('fill="none" stroke="#000" stroke-width="0.4"') == 2
    assert "side to be written in" in legend(found)


def test_a_protocol_file_before_schema_3_loads_with_no_place() -> None:
    protocol = load_file(FIXTURES / "fixture-knee.yaml")
    assert protocol.schema_version < 3 and protocol.chart is None
    assert chart_data(protocol) is None
    assert marks(protocol.id, "left", None) == []
    assert legend([]) == "No place on the body chart is given for this protocol."


def test_the_chart_escapes_what_it_prints() -> None:
    found = marks('knee<script>"', "left", {"view": "front", "x": 5, "y": 72})  # type: ignore[arg-type]
    svg = chart_svg(found, title="<b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    assert 'data-mark="knee&lt;script&gt;&quot; (left)"' in svg
