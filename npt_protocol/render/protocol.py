"""A protocol as readable terminal text (volumes printed the ISMP way) and as JSON-ready data."""

from __future__ import annotations

from typing import Any

from npt_protocol.ismp import format_volume
from npt_protocol.numbers import json_number
from npt_protocol.protocol.dump import nerve_data, protocol_to_data
from npt_protocol.protocol.model import (
    PRACTICE_DEFAULT,
    PRACTICE_DEFAULT_TEXT,
    SCHEMA_VERSION,
    WARNING_KEYS,
    WARNING_KINDS,
    Point,
    Protocol,
    Sourced,
)
from npt_protocol.render.fit import wrap


def protocol_text(protocol: Protocol) -> str:
    """Return the summary `npt protocols show` prints."""
    p = protocol
    lines = [
        f"{p.id} — {p.title}",
        f"version {p.version} · status {p.status} · region {p.region} · sides "
        f"{', '.join(p.sides)} · content {p.content_hash}",
        f"from {p.origin}" + (f" ({p.path})" if p.path else ""),
    ]
    if p.status == "reviewed":
        lines.append(f"reviewed by {p.reviewed_by} on {p.reviewed_on}")
    else:
        lines.append(f"This protocol is a {p.status}: confirm every value locally before use.")
    solution = p.solution
    spelled = solution.stated.describe(style="spelled")
    lines += ["", "Solution", f"  {spelled} {_src(solution.source)}"]
    if solution.buffer:
        buffer = solution.buffer
        lines.append(
            f"  buffered with {buffer.product}: {_count(buffer.parts, 'part')} per "
            f"{_count(buffer.per_parts, 'part')}"
        )
    needle = p.technique.needle
    lines += [
        "",
        "Technique",
        f"  depth {p.technique.depth}, guidance {p.technique.guidance}",
        f"  needle (a setting): {needle.gauge}, {needle.length} {_src(needle.source)}",
    ]
    lines += ["", "Nerves and points"]
    for nerve in p.nerves:
        lines.append(f"  {nerve.id}: {nerve.name} {_src(nerve.source)}")
        if nerve.course:
            lines += _wrap(nerve.course, "      ")
        for point in nerve.points:
            lines.append(f"    - {point.id}: {point.name}")
            lines.append(
                f"        {_volume(point)}; {point.count.typical} typical, at most "
                f"{point.count.max} {_src(point.source)}"
            )
            lines += _wrap(f"landmark: {point.landmark}", "        ")
            for caution in point.cautions:
                lines += _wrap(f"caution: {_item(caution)}", "        ")
    limits = p.limits
    scope = "per session, all sides together" if limits.per == "session" else "per side"
    lines += [
        "",
        "Session",
        f"  typical (one side): {_count(p.typical_points, 'point')}, "
        f"{format_volume(p.typical_volume_ml)}",
        f"  limits: at most {_count(limits.max_points, 'point')} and "
        f"{format_volume(limits.max_volume_ml)} {scope} {_src(limits.source)}",
    ]
    course = p.course
    sessions = _span(course.typical_sessions_min, course.typical_sessions_max, "session")
    lines += ["", "Course"]
    if course.interval_days is not None:
        lines.append(
            f"  every {_count(course.interval_days, 'day')} {_src(course.interval_source)}"
        )
    lines.append(f"  typically {sessions} {_src(course.sessions_source)}")
    reassess = course.reassess
    when = (
        f"after {_count(reassess.after_sessions, 'session')}: " if reassess.after_sessions else ""
    )
    lines += _wrap(f"reassess {when}{reassess.rule} {_src(reassess.source)}", "  ")
    if course.follow_up is not None:
        lines += _wrap(f"follow-up: {_item(course.follow_up)}", "  ")
    sections = [
        ("Cautions at this site", p.cautions),
        ("Indications", p.indications),
        *((_HEADINGS[kind], p.warnings.of_kind(kind)) for kind in WARNING_KINDS),
        ("Aftercare", p.aftercare),
    ]
    for heading, items in sections:
        if not items and heading not in ("Aftercare",):
            continue
        lines += ["", heading] + [line for item in items for line in _wrap(_item(item), "  - ")]
        if not items:
            lines.append("  (none listed)")
    if p.outcome_measures:
        lines += ["", "Outcome measures", *(f"  - {m}" for m in p.outcome_measures)]
    lines += ["", "References"]
    for ref in p.references:
        links = [
            f"doi:{ref.doi}" if ref.doi else "",
            f"PMID {ref.pmid}" if ref.pmid else "",
            ref.url or "",
        ]
        unverified = f" Unverified: {ref.unverified}" if ref.unverified else ""
        lines += _wrap(
            f"[{ref.id}] {ref.citation} {' '.join(x for x in links if x)}{unverified}", "  "
        )
    lines += ["", "Notes", *_wrap(p.notes, "  ")]
    return "\n".join(lines) + "\n"


def _volume(point: Point) -> str:
    """Print a point's volume as default and range."""
    volume = point.volume
    if volume.min_ml == volume.max_ml:
        return f"{format_volume(volume.default_ml)} per point (fixed)"
    return (
        f"{format_volume(volume.default_ml)} per point (range {format_volume(volume.min_ml)} "
        f"to {format_volume(volume.max_ml)})"
    )


def _count(number: int, noun: str) -> str:
    """Print a count with its noun in the right number: '1 point', '3 points'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _span(low: int, high: int, noun: str) -> str:
    """Print a range of counts: '4 to 6 sessions', or '1 session' when both ends agree."""
    return _count(low, noun) if low == high else f"{low} to {_count(high, noun)}"


def _src(source: str | None) -> str:
    """Print a value's source, spelling out practice-based defaults."""
    if source is None:
        return "[no source given]"
    return f"[{PRACTICE_DEFAULT_TEXT}]" if source == PRACTICE_DEFAULT else f"[source: {source}]"


def _item(item: Sourced) -> str:
    """Print a statement with its source."""
    return f"{item.text} {_src(item.source)}"


_HEADINGS = {
    "contraindication": "Contraindications",
    "precaution": "Precautions",
    "trial_exclusion": "Trial exclusion criteria (not proven contraindications)",
    "local_policy": "Local policy",
}


def _wrap(text: str, indent: str) -> list[str]:
    """Wrap text under an indent; the first line carries the indent's marker."""
    return wrap(text, indent)


PROTOCOL_SCHEMA = "npt.protocol/1"


def protocol_json(protocol: Protocol) -> dict[str, Any]:
    """Return the protocol as JSON-ready data (npt.protocol/1): volumes are numbers in mL under
    *_mL keys."""
    data: dict[str, Any] = {"schema": PROTOCOL_SCHEMA}
    data |= protocol_to_data(protocol, layout=SCHEMA_VERSION)
    data["reviewed_on"] = protocol.reviewed_on.isoformat() if protocol.reviewed_on else None
    # The file leaves out empty optional keys; a JSON schema keeps every key, null when empty.
    data["solution"].setdefault("buffer", None)
    for reference in data["references"]:
        for key in ("doi", "pmid", "url", "unverified"):
            reference.setdefault(key, None)
    stated = protocol.solution.stated
    data["solution"]["composition_mg_per_mL"] = {
        solute: json_number(value) for solute, value in stated.displayed(stated.composition).items()
    }
    data["solution"]["basis"] = {s: f.basis for s, f in stated.forms.items() if f.basis}
    data["nerves"] = [nerve_data(nerve, json_number) for nerve in protocol.nerves]
    for nerve in data["nerves"]:
        nerve.setdefault("course", "")
        for point in nerve["points"]:
            point["volume_mL"] = point.pop("volume")
    # Every key is present whatever the file left out, so one schema describes every protocol.
    for key in ("cautions", "indications", "outcome_measures"):
        data.setdefault(key, [])
    data["warnings"] = {key: data["warnings"].get(key, []) for key in WARNING_KEYS}
    data["course"].setdefault("interval", None)
    data["course"].setdefault("follow_up", None)
    data["course"]["reassess"].setdefault("after_sessions", None)
    chart = protocol.chart
    data["chart"] = (
        None
        if chart is None
        else {"view": chart.view, "x": json_number(chart.x), "y": json_number(chart.y)}
    )
    for nerve in data["nerves"]:
        for point in nerve["points"]:
            point.setdefault("cautions", [])
    del data["limits"]["max_volume"]
    data["limits"]["max_volume_mL"] = json_number(protocol.limits.max_volume_ml)
    data["schema_version"] = protocol.schema_version
    data["typical_points"] = protocol.typical_points
    data["typical_volume_mL"] = json_number(protocol.typical_volume_ml)
    data["source"] = protocol.origin
    data["path"] = str(protocol.path) if protocol.path else None
    data["content_hash"] = protocol.content_hash
    return data
