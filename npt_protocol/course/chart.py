"""The course chart: pain before and right after each session, the baseline and the responder
threshold drawn in, flags marked. SVG written directly from the report's numbers.

The chart is a few lines on a 0-10 scale, so it is drawn here rather than by a plotting library,
whose import took most of a report's time. Text is SVG text in the report's serif face (typst
sets it in its own Libertinus Serif inside the PDF; a browser uses the nearest serif face), every
text escaped; the output has no date or random id, so the same document gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

Marker = Callable[[float, float, str], str]

BEFORE = "#1f4e9c"
AFTER = "#2a9d5b"
FLAG = "#c0392b"
BASELINE = "#555555"
GRID = "#d0d0d0"
INK = "#222222"
FONT = "Libertinus Serif, Georgia, 'Times New Roman', serif"

WIDTH, HEIGHT = 504.0, 259.2  # points: 7 x 3.6 inches
LEFT, RIGHT, TOP, BOTTOM = 40.0, 494.0, 28.0, 172.0  # the plotting area
Y_LOW, Y_HIGH = -0.3, 10.9  # pain 0-10 with room for the markers


def chart_svg(doc: dict[str, Any]) -> str:
    """Draw the course report document's sessions as an SVG chart."""
    sessions = doc["sessions"]
    status = doc["status"]
    scale = _Scale(x_high=max(len(sessions), 3) + 0.5)
    parts = [_frame(doc, scale, sessions)]
    if status["baseline"] is not None:
        parts.append(_level(scale, status["baseline"], BASELINE, "7 3 1.5 3", 1.3))
    if status["responder_threshold"] is not None:
        parts.append(_level(scale, status["responder_threshold"], BEFORE, "1.2 2.4", 1.0))
    before = [(s["index"], s["pain_before"]) for s in sessions]
    parts.append(_series(scale, before, BEFORE, dashes=None, marker=_circle))
    after = [(s["index"], s["pain_after"]) for s in sessions if s["pain_after"] is not None]
    parts.append(_series(scale, after, AFTER, dashes="5 2.5", marker=_square))
    if doc["flags"] and sessions:
        parts.append(_flag(scale, sessions[-1], ", ".join(f["rule"] for f in doc["flags"])))
    parts.append(_legend())
    body = "\n".join(part for part in parts if part)
    return (
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:g}pt" height="{HEIGHT:g}pt" '
        f'viewBox="0 0 {WIDTH:g} {HEIGHT:g}" font-family="{FONT}" font-size="9" fill="{INK}">\n'
        f'<rect width="{WIDTH:g}" height="{HEIGHT:g}" fill="#ffffff"/>\n{body}\n</svg>\n'
    )


class _Scale:
    """Turn session numbers and pain scores into positions on the chart."""

    def __init__(self, *, x_high: float) -> None:
        self.x_low, self.x_high = 0.5, x_high

    def x(self, session: float) -> float:
        """Return the horizontal position of a session number."""
        return LEFT + (session - self.x_low) / (self.x_high - self.x_low) * (RIGHT - LEFT)

    def y(self, pain: float) -> float:
        """Return the vertical position of a pain score."""
        return BOTTOM - (pain - Y_LOW) / (Y_HIGH - Y_LOW) * (BOTTOM - TOP)


def _n(value: float) -> str:
    """Write a coordinate with two decimals at most, so the output is short and stable."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, **attributes: str) -> str:
    """Write escaped text at a position, with SVG attributes (underscores become dashes)."""
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="{_n(x)}" y="{_n(y)}"{extra}>{escape(text)}</text>'


def _frame(doc: dict[str, Any], scale: _Scale, sessions: list[dict[str, Any]]) -> str:
    """Draw the title, the grid, both axes with their ticks and labels, and the frame."""
    lines = [
        _text(
            (LEFT + RIGHT) / 2,
            16,
            f"{doc['patient']}, course {doc['course']}: {doc['regions_text']}",
            text_anchor="middle",
            font_size="11",
        )
    ]
    for pain in range(11):
        y = scale.y(pain)
        lines.append(
            f'<line x1="{_n(LEFT)}" y1="{_n(y)}" x2="{_n(RIGHT)}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="0.4"/>'
        )
        lines.append(
            f'<line x1="{_n(LEFT - 3.5)}" y1="{_n(y)}" x2="{_n(LEFT)}" y2="{_n(y)}" '
            f'stroke="{INK}" stroke-width="0.8"/>'
        )
        lines.append(_text(LEFT - 6, y + 3, str(pain), text_anchor="end"))
    ticks = [(s["index"], str(s["index"]), s["date"][5:]) for s in sessions] or [(1, "1", "")]
    for index, number, date in ticks:
        x = scale.x(index)
        lines.append(
            f'<line x1="{_n(x)}" y1="{_n(BOTTOM)}" x2="{_n(x)}" y2="{_n(BOTTOM + 3.5)}" '
            f'stroke="{INK}" stroke-width="0.8"/>'
        )
        lines.append(_text(x, BOTTOM + 13, number, text_anchor="middle"))
        if date:
            lines.append(_text(x, BOTTOM + 23, date, text_anchor="middle"))
    lines.append(_text((LEFT + RIGHT) / 2, BOTTOM + 37, "session", text_anchor="middle"))
    middle = (TOP + BOTTOM) / 2
    lines.append(
        _text(
            12,
            middle,
            "pain (0-10)",
            text_anchor="middle",
            transform=f"rotate(-90 12 {_n(middle)})",
        )
    )
    lines.append(
        f'<rect x="{_n(LEFT)}" y="{_n(TOP)}" width="{_n(RIGHT - LEFT)}" '
        f'height="{_n(BOTTOM - TOP)}" fill="none" stroke="{INK}" stroke-width="0.8"/>'
    )
    return "\n".join(lines)


def _level(scale: _Scale, pain: float, colour: str, dashes: str, width: float) -> str:
    """Draw a horizontal line across the plot at a pain score."""
    y = _n(scale.y(pain))
    return (
        f'<line x1="{_n(LEFT)}" y1="{y}" x2="{_n(RIGHT)}" y2="{y}" stroke="{colour}" '
        f'stroke-width="{width:g}" stroke-dasharray="{dashes}"/>'
    )


def _circle(x: float, y: float, colour: str) -> str:
    """Draw a round marker."""
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.3" fill="{colour}"/>'


def _square(x: float, y: float, colour: str) -> str:
    """Draw a square marker."""
    return f'<rect x="{_n(x - 3)}" y="{_n(y - 3)}" width="6" height="6" fill="{colour}"/>'


def _series(
    scale: _Scale,
    points: list[tuple[int, int]],
    colour: str,
    *,
    dashes: str | None,
    marker: Marker,
) -> str:
    """Draw a line through the points with a marker on each."""
    if not points:
        return ""
    where = [(scale.x(index), scale.y(pain)) for index, pain in points]
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    path = " ".join(f"{_n(x)},{_n(y)}" for x, y in where)
    lines = [
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"'
        f' stroke-linejoin="round"{dash}/>'
    ]
    lines += [marker(x, y, colour) for x, y in where]
    return "\n".join(lines)


def _flag(scale: _Scale, last: dict[str, Any], rules: str) -> str:
    """Mark the last session with a cross and the flags' names above it, inside the plot."""
    x, y = scale.x(last["index"]), scale.y(last["pain_before"])
    cross = (
        f'<path d="M{_n(x - 4.5)},{_n(y - 4.5)} L{_n(x + 4.5)},{_n(y + 4.5)} '
        f'M{_n(x - 4.5)},{_n(y + 4.5)} L{_n(x + 4.5)},{_n(y - 4.5)}" stroke="{FLAG}" '
        'stroke-width="2.6" stroke-linecap="round"/>'
    )
    # Ending at the point in the right half (starting at it in the left), the words stay inside
    # the frame however long they are; above the point unless it is near the top.
    right_half = x > (LEFT + RIGHT) / 2
    label = _text(
        min(x + 5, RIGHT - 3) if right_half else x - 5,
        y - 10 if y - 10 > TOP + 10 else y + 17,
        f"flag: {rules}",
        text_anchor="end" if right_half else "start",
        fill=FLAG,
        font_weight="bold",
        # A white edge keeps the words readable where they cross a line.
        stroke="#ffffff",
        stroke_width="3",
        stroke_linejoin="round",
        paint_order="stroke",
    )
    return f"{cross}\n{label}"


def _legend() -> str:
    """Draw the legend in one row below the plot, where it never hides a point."""
    entries: list[tuple[str, str, str | None, Marker | None]] = [
        ("pain before", BEFORE, None, _circle),
        ("pain right after", AFTER, "5 2.5", _square),
        ("baseline", BASELINE, "7 3 1.5 3", None),
        ("responder threshold", BEFORE, "1.2 2.4", None),
    ]
    y = BOTTOM + 56
    widths = [27 + len(name) * 3.6 + 18 for name, *_ in entries]  # 7.5 pt text, roughly
    x = (WIDTH - sum(widths) + 18) / 2
    lines = []
    for (name, colour, dashes, marker), width in zip(entries, widths, strict=True):
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        lines.append(
            f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 22)}" y2="{_n(y)}" stroke="{colour}"'
            f' stroke-width="1.5"{dash}/>'
        )
        if marker is not None:
            lines.append(marker(x + 11, y, colour))
        lines.append(_text(x + 27, y + 3, name, font_size="7.5"))
        x += width
    return "\n".join(lines)
