"""The course chart drawn directly as SVG: every marker where its numbers put it, read back from
the chart's own axis; text escaped; the flag inside the frame; no plotting library loaded."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from npt_protocol.course.chart import AFTER, BEFORE, FLAG, LEFT, RIGHT, chart_svg

SVG = "{http://www.w3.org/2000/svg}"
# Text XML can carry: a stored identifier or region never holds control characters.
printable = st.characters(exclude_categories=["Cc", "Cs"])


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A report document: 0 to 20 sessions with pain before and maybe after, flags or none."""
    count = draw(st.integers(0, 20))
    pains = st.integers(0, 10)
    sessions = [
        {
            "index": n,
            "date": f"2026-{1 + (n - 1) // 28:02d}-{1 + (n - 1) % 28:02d}",
            "pain_before": draw(pains),
            "pain_after": draw(st.none() | pains),
        }
        for n in range(1, count + 1)
    ]
    baseline = sessions[0]["pain_before"] if sessions else None
    rules = st.sampled_from(["reconsider", "plateau"])
    return {
        "patient": draw(st.text(printable, min_size=1, max_size=20)),
        "course": draw(st.integers(1, 9)),
        "regions_text": draw(st.text(printable, max_size=40)),
        "sessions": sessions,
        "status": {
            "baseline": baseline,
            "responder_threshold": draw(st.none() | st.integers(0, 9)) if baseline else None,
        },
        "flags": [{"rule": r} for r in draw(st.lists(rules, max_size=2, unique=True))],
    }


def _axis(root: ET.Element) -> tuple[dict[float, int], dict[float, int]]:
    """Read the chart's own axes: the y of each pain tick label, the x of each session tick."""
    texts = [(t, (t.text or "").strip()) for t in root.iter(f"{SVG}text")]
    ys = {
        float(t.get("y", "0")) - 3: int(text)
        for t, text in texts
        if t.get("text-anchor") == "end" and text.isdigit()
    }
    xs = {
        float(t.get("x", "0")): int(text)
        for t, text in texts
        if t.get("text-anchor") == "middle" and text.isdigit()
    }
    return ys, xs


def _nearest(table: dict[float, int], value: float) -> int:
    """Return the tick whose position is nearest the value, refusing one that is not on a tick."""
    position = min(table, key=lambda p: abs(p - value))
    assert abs(position - value) < 0.02, (value, position)
    return table[position]


def _markers(root: ET.Element, ys: dict[float, int], xs: dict[float, int]) -> dict[str, Any]:
    """Read every marker back as (session, pain) through the axes."""
    circles = [
        (_nearest(xs, float(c.get("cx", "0"))), _nearest(ys, float(c.get("cy", "0"))))
        for c in root.iter(f"{SVG}circle")
        if c.get("fill") == BEFORE and float(c.get("cy", "0")) < ys_top(ys)  # not the legend's
    ]
    squares = [
        (
            _nearest(xs, float(r.get("x", "0")) + 3),
            _nearest(ys, float(r.get("y", "0")) + 3),
        )
        for r in root.iter(f"{SVG}rect")
        if r.get("fill") == AFTER and float(r.get("y", "0")) < ys_top(ys)
    ]
    return {"before": circles, "after": squares}


def ys_top(ys: dict[float, int]) -> float:
    """Return a line below the lowest pain tick: markers above it are inside the plot."""
    return max(ys) + 10


@given(documents())
def test_every_marker_is_where_its_numbers_put_it(doc: dict[str, Any]) -> None:
    svg = chart_svg(doc)
    root = ET.fromstring(svg.encode("utf-8"))  # well-formed whatever the text held
    ys, xs = _axis(root)
    assert sorted(ys.values()) == list(range(11))
    sessions = doc["sessions"]
    assert sorted(xs.values()) == ([s["index"] for s in sessions] or [1])
    markers = _markers(root, ys, xs)
    assert markers["before"] == [(s["index"], s["pain_before"]) for s in sessions]
    assert markers["after"] == [
        (s["index"], s["pain_after"]) for s in sessions if s["pain_after"] is not None
    ]
    title = next(t.text for t in root.iter(f"{SVG}text") if t.get("font-size") == "11")
    assert title == f"{doc['patient']}, course {doc['course']}: {doc['regions_text']}"
    flagged = [t for t in root.iter(f"{SVG}text") if t.get("fill") == FLAG]
    if doc["flags"] and sessions:
        (label,) = flagged
        assert label.text == "flag: " + ", ".join(f["rule"] for f in doc["flags"])
        x = float(label.get("x", "0"))
        # The words run away from the nearer edge, so they stay inside the frame.
        if label.get("text-anchor") == "end":
            assert x <= RIGHT and x > (LEFT + RIGHT) / 2
        else:
            assert label.get("text-anchor") == "start" and LEFT <= x <= (LEFT + RIGHT) / 2
    else:
        assert flagged == []
    assert chart_svg(doc) == svg  # the same bytes every time


def test_text_that_looks_like_markup_stays_text() -> None:
    doc = {
        "patient": 'PT-<script>"&',
        "course": 1,
        "regions_text": "</svg><svg onload=x>",
        "sessions": [],
        "status": {"baseline": None, "responder_threshold": None},
        "flags": [],
    }
    svg = chart_svg(doc)
    assert "<script" not in svg and "<svg onload" not in svg
    root = ET.fromstring(svg.encode("utf-8"))
    assert [e.tag for e in root.iter()].count(f"{SVG}svg") == 1


def test_the_chart_loads_no_plotting_library() -> None:
    doc = {
        "patient": "PT-1",
        "course": 1,
        "regions_text": "knee left",
        "sessions": [{"index": 1, "date": "2026-01-01", "pain_before": 7, "pain_after": 3}],
        "status": {"baseline": 7, "responder_threshold": 5},
        "flags": [],
    }
    code = (
        "import json, sys\n"
        "from npt_protocol.course.chart import chart_svg\n"
        f"chart_svg(json.loads({json.dumps(json.dumps(doc))}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'matplotlib', 'numpy', 'PIL'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
