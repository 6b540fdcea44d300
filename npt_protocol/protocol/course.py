"""Readers for the course section: schema 2 keeps each figure with its own source.

Schema 1 gave one source for the interval and the typical count together and a free-text
`reconsider`; it is read into the same model, the one source standing for both figures.
"""

from __future__ import annotations

from npt_protocol.protocol.model import Course, Reassessment
from npt_protocol.protocol.statements import read_statement
from npt_protocol.reading.fields import FieldReader
from npt_protocol.reading.yaml_tree import Node


def read_course(check: FieldReader, node: Node | None, *, version: int) -> Course | None:
    """Read the course section of a schema 1 or schema 2 file."""
    return _course_v1(check, node) if version == 1 else _course_v2(check, node)


def _sessions(
    check: FieldReader, node: Node | None, *, sourced: bool
) -> tuple[int, int, str | None] | None:
    """Read typical_sessions: min and max (min <= max), and in schema 2 their source."""
    keys = ("min", "max", "source") if sourced else ("min", "max")
    s = check.fields(node, "course typical_sessions", required=keys)
    if s is None:
        return None
    low = check.integer(s.get("min"), "typical_sessions min", minimum=1)
    high = check.integer(s.get("max"), "typical_sessions max", minimum=1)
    source = check.source(s.get("source"), "typical_sessions source") if sourced else None
    if low is not None and high is not None and low > high:
        check.add(
            s["min"], f"typical_sessions min {low} is more than max {high}; expected min <= max"
        )
        return None
    if low is None or high is None or (sourced and source is None):
        return None
    return low, high, source


def _course_v1(check: FieldReader, node: Node | None) -> Course | None:
    """Read a schema 1 course: interval_days, typical_sessions, reconsider and one source."""
    f = check.fields(
        node, "course", required=("interval_days", "typical_sessions", "reconsider", "source")
    )
    if f is None:
        return None
    interval = check.integer(f.get("interval_days"), "course interval_days", minimum=1)
    sessions = _sessions(check, f.get("typical_sessions"), sourced=False)
    reconsider = check.text(f.get("reconsider"), "course reconsider")
    source = check.source(f.get("source"), "course source")
    if interval is None or sessions is None or reconsider is None or source is None:
        return None
    low, high, _ = sessions
    return Course(
        typical_sessions_min=low,
        typical_sessions_max=high,
        sessions_source=source,
        interval_days=interval,
        interval_source=source,
        reassess=Reassessment(after_sessions=None, rule=reconsider, source=source),
    )


def _course_v2(check: FieldReader, node: Node | None) -> Course | None:
    """Read a schema 2 course: sessions, interval (none for one session), reassessment and
    follow-up."""
    f = check.fields(
        node,
        "course",
        required=("typical_sessions", "reassess"),
        optional=("interval", "follow_up"),
    )
    if f is None:
        return None
    sessions = _sessions(check, f.get("typical_sessions"), sourced=True)
    interval_ok, interval = _interval(check, f.get("interval"))
    reassess = _reassess(check, f.get("reassess"))
    follow_up = read_statement(check, f.get("follow_up"), "course follow_up")
    if sessions is None or not interval_ok or reassess is None:
        return None
    if "follow_up" in f and follow_up is None:
        return None
    low, high, source = sessions
    if source is None:
        return None
    if high == 1 and interval is not None:
        check.add(
            f["interval"],
            "course interval is given for a single-session course; expected no interval "
            "and a follow_up instead",
        )
        return None
    if high == 1 and follow_up is None:
        check.add(
            f["typical_sessions"],
            "course of one session has no follow_up; expected follow_up: {text: ..., "
            "source: ...} saying when to review",
        )
        return None
    if high > 1 and interval is None:
        check.add(
            f["typical_sessions"],
            f"course of up to {high} sessions has no interval; expected interval: "
            "{days: 7, source: ...}",
        )
        return None
    days, interval_source = interval if interval is not None else (None, None)
    return Course(
        typical_sessions_min=low,
        typical_sessions_max=high,
        sessions_source=source,
        interval_days=days,
        interval_source=interval_source,
        reassess=reassess,
        follow_up=follow_up,
    )


def _interval(check: FieldReader, node: Node | None) -> tuple[bool, tuple[int, str] | None]:
    """Read the interval between sessions with its source: (readable, (days, source) or None
    when the course gives no interval)."""
    if node is None:
        return True, None
    f = check.fields(node, "course interval", required=("days", "source"))
    if f is None:
        return False, None
    days = check.integer(f.get("days"), "course interval days", minimum=1)
    source = check.source(f.get("source"), "course interval source")
    return (False, None) if days is None or source is None else (True, (days, source))


def _reassess(check: FieldReader, node: Node | None) -> Reassessment | None:
    """Read when and by which rule to reassess the course, with the rule's source."""
    f = check.fields(
        node, "course reassess", required=("rule", "source"), optional=("after_sessions",)
    )
    if f is None:
        return None
    after = f.get("after_sessions")
    sessions = (
        None
        if after is None or after.tag == "null"
        else check.integer(after, "reassess after_sessions", minimum=1)
    )
    rule = check.text(f.get("rule"), "course reassess rule")
    source = check.source(f.get("source"), "course reassess source")
    if (
        rule is None
        or source is None
        or (after is not None and after.tag != "null" and sessions is None)
    ):
        return None
    return Reassessment(after_sessions=sessions, rule=rule, source=source)
