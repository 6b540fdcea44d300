"""The body chart as the Session page's picker: the shipped outline with a mark for each place
and side a protocol treats; tapping a mark adds or removes that region and side.

Each mark is a link, so the chart works without any script; its target is a circle about 48
pixels across on a tablet, larger than the mark drawn. Where several protocols treat one place
(knee, knee after replacement), the link asks which.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from npt_protocol.protocol.library import Library
from npt_protocol.render.bodychart import (
    HEIGHT,
    MIDLINES,
    TOP,
    WIDTH,
    Mark,
    captions,
    marks,
    outline,
)
from npt_protocol.render.documents import chart_data

HIT_RADIUS = 4.2  # chart units: about 48 CSS pixels across when the chart is 750 pixels wide
SAME_PLACE = 2 * HIT_RADIUS  # marks nearer than this would overlap: one place


@dataclass(frozen=True)
class Place:
    """A place and side on the chart, and the protocols that treat it there."""

    key: str
    mark: Mark
    regions: tuple[tuple[str, str], ...]  # (PROTOCOL:SIDE, protocol title)


def side_choices(sides: Sequence[str]) -> list[str]:
    """Return the sides to pick from: each side alone (both sides is left and right)."""
    return [side for side in sides if side != "bilateral"]


def places(library: Library) -> list[Place]:
    """Group every protocol's marks by place and side, in the library's order; marks closer
    than a finger can tell apart (the hand's, the elbow's) are one place that asks which."""
    found: list[tuple[Mark, list[tuple[str, str]]]] = []
    for entry in library.entries.values():
        protocol = entry.protocol
        for side in side_choices(protocol.sides):
            for mark in marks(protocol.id, side, chart_data(protocol)):
                near = next(
                    (
                        regions
                        for kept, regions in found
                        if (kept.view, kept.side) == (mark.view, mark.side)
                        and math.dist((kept.x, kept.y), (mark.x, mark.y)) < SAME_PLACE
                    ),
                    None,
                )
                if near is None:
                    found.append((mark, near := []))
                near.append((f"{protocol.id}:{side}", protocol.title))
    return [
        Place(f"{mark.view}:{mark.x:g}:{mark.y:g}:{mark.side}", mark, tuple(regions))
        for mark, regions in found
    ]


def picker_svg(
    found: Sequence[Place], *, chosen: Sequence[str], href: Callable[[Place], str]
) -> str:
    """Draw the outline with a link on every place; a chosen place is filled."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="body-map" '
        f'viewBox="0 {TOP:g} {WIDTH:g} {HEIGHT:g}" role="group" '
        'aria-label="Body chart: tap a region and side to add or remove it">',
        outline(),
        captions(hidden=True),
    ]
    for place in found:
        mark = place.mark
        on = any(region in chosen for region, _ in place.regions)
        names = ", ".join(region for region, _ in place.regions)
        label = f"{names}: {'chosen, tap to remove' if on else 'tap to add'}"
        if len(place.regions) > 1 and not on:
            label = f"{names}: tap to choose which"
        outward = mark.x >= MIDLINES[mark.view]
        parts.append(
            f'<a href="{escape(href(place))}" class="place{" on" if on else ""}" '
            f'data-place="{escape(place.key)}" data-keep-form="plan-form" '
            f'aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>"
            f'<circle class="hit" cx="{mark.x:g}" cy="{mark.y:g}" r="{HIT_RADIUS:g}"/>'
            f'<circle class="dot" cx="{mark.x:g}" cy="{mark.y:g}" r="2.2"/>'
            f'<text class="side" x="{mark.x + (3.2 if outward else -3.2):g}" '
            f'y="{mark.y - 2.6:g}" text-anchor="{"start" if outward else "end"}" '
            f'font-size="3">{escape(mark.side[:1].upper())}</text>'
            "</a>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
