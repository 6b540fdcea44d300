"""The body chart: the shipped front and back outline, with each treated region and side marked.

One SVG serves both printed formats: HTML places it inline, typst draws it as an image (its
text stays text in the PDF). Protocol files give a region's place in chart units (model.py);
here they become points on the outline, mirrored for the side: on the front view the patient's
right is on the viewer's left, on the back view it is on the viewer's right.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from npt_protocol.render.doctypes import ChartDoc

OUTLINE = Path(__file__).parent / "templates" / "body-chart.svg"
# Where each view's midline is drawn in the outline (body-chart.svg says the same).
MIDLINES = {"front": 30.0, "back": 100.0}
WIDTH, TOP, HEIGHT = 130.0, -6.0, 106.0


@dataclass(frozen=True)
class Mark:
    """One treated place: what it is, which side, and where it is drawn."""

    region: str
    side: str  # left, right or midline; '' when the side is to be written in
    view: str
    x: float
    y: float

    @property
    def text(self) -> str:
        """Say what the mark is, as printed beside it and in the legend."""
        side = self.side or "side to be written in"
        return f"{self.region} ({side})"


def marks(region: str, side: str | None, chart: ChartDoc | None) -> list[Mark]:
    """Return the marks of one region: one per side treated, both sides (hollow, to be chosen)
    for a sheet whose side is written in by hand, none when the protocol gives no place."""
    if chart is None:
        return []
    view = chart["view"]
    across = float(chart["x"])
    sides = {"bilateral": ["left", "right"], None: ["", ""]}.get(side, [side or ""])
    found = []
    for index, each in enumerate(sides):
        # The patient's left is drawn to the viewer's right on the front view, left on the back.
        towards_left = each == "left" or (each == "" and index == 1)
        sign = 1.0 if towards_left == (view == "front") else -1.0
        offset = 0.0 if each == "midline" else sign * across
        found.append(Mark(region, each, view, MIDLINES[view] + offset, float(chart["y"])))
    return found


@functools.cache
def _outline() -> str:
    """Return the outline's SVG body (between its <svg> tags), read once."""
    text = OUTLINE.read_text(encoding="utf-8")
    return text[text.index(">", text.index("<svg")) + 1 : text.rindex("</svg>")]


def outline() -> str:
    """Return the shipped outline's SVG body, for a chart drawn elsewhere (the Session page's)."""
    return _outline()


def captions(*, hidden: bool = False) -> str:
    """Return the views' names and the patient's sides, as SVG text (hidden from screen readers
    where the chart says them otherwise)."""
    aria = ' aria-hidden="true"' if hidden else ""
    return (
        f'<g font-family="sans-serif" font-size="4.2" text-anchor="middle"{aria}>'
        '<text x="30" y="-2.5">Front</text><text x="100" y="-2.5">Back</text>'
        # The patient's sides, so a mark's side can be seen as well as read.
        '<text x="6" y="64" font-weight="bold">R</text>'
        '<text x="54" y="64" font-weight="bold">L</text>'
        '<text x="76" y="64" font-weight="bold">L</text>'
        '<text x="124" y="64" font-weight="bold">R</text>'
        "</g>"
    )


def chart_svg(found: Sequence[Mark], *, title: str = "Body chart") -> str:
    """Draw the outline with every mark, each labelled with its region and side."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="body-chart" '
        f'viewBox="0 {TOP:g} {WIDTH:g} {HEIGHT:g}" role="img">',
        f"<title>{escape(title)}</title>",
        _outline(),
        captions(),
    ]
    for number, mark in enumerate(found, 1):
        hollow = mark.side == ""
        parts.append(
            f'<circle class="mark" data-mark="{escape(mark.text)}" data-view="{mark.view}" '
            f'cx="{mark.x:g}" cy="{mark.y:g}" r="2.4" '
            f'fill="{"none" if hollow else "#c00000"}" stroke="#000" stroke-width="0.4">'
            f"<title>{escape(mark.text)}</title></circle>"
        )
        # The mark's number, outward from the midline; the legend says what each number is.
        outward = mark.x >= MIDLINES[mark.view]
        anchor = "start" if outward else "end"
        dx = 3 if outward else -3
        parts.append(
            f'<text class="mark-number" x="{mark.x + dx:g}" y="{mark.y + 1.4:g}" '
            f'font-family="sans-serif" font-size="4.2" font-weight="bold" '
            f'text-anchor="{anchor}">{number}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def legend(found: Sequence[Mark]) -> str:
    """Say in words what each numbered mark is: '1 knee (left), front view; ...'."""
    if not found:
        return "No place on the body chart is given for this protocol."
    return "; ".join(f"{n} {m.text}, {m.view} view" for n, m in enumerate(found, 1))
