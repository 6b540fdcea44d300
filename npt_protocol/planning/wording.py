"""The words a sheet uses for what a protocol states: sources, warnings by kind, the course."""

from __future__ import annotations

from dataclasses import dataclass

from npt_protocol.ismp import format_count
from npt_protocol.protocol.model import (
    PRACTICE_DEFAULT,
    PRACTICE_DEFAULT_TEXT,
    WARNING_KINDS,
    Course,
    Protocol,
    Sourced,
)

# Each kind of warning under its own heading: a trial's exclusion is not a contraindication,
# and a clinic's own rule is neither.
WARNING_HEADINGS = {
    "contraindication": "Contraindications: do not treat",
    "precaution": "Precautions: consider before treating",
    "trial_exclusion": (
        "Trial exclusion criteria: patients the trials did not include (not proven "
        "contraindications; decide locally)"
    ),
    "local_policy": "Local policy",
}


@dataclass(frozen=True)
class WarningGroup:
    """One kind of warning under its own heading, each item to tick."""

    kind: str
    heading: str
    items: tuple[str, ...]


def cite(source: str | None) -> str:
    """Print a source after a statement: '[yelland-2011]', the practice-default mark, or
    nothing for a schema 1 statement whose file gave no source."""
    if source is None:
        return ""
    if source == PRACTICE_DEFAULT:
        return f"({PRACTICE_DEFAULT_TEXT})"
    return f"[{source}]"


def statement(item: Sourced) -> str:
    """Print a statement followed by its source."""
    mark = cite(item.source)
    return f"{item.text} {mark}" if mark else item.text


def warning_groups(protocol: Protocol) -> tuple[WarningGroup, ...]:
    """Group the protocol's warnings by kind, leaving out kinds it has none of."""
    return tuple(
        WarningGroup(
            kind=kind,
            heading=WARNING_HEADINGS[kind],
            items=tuple(statement(item) for item in protocol.warnings.of_kind(kind)),
        )
        for kind in WARNING_KINDS
        if protocol.warnings.of_kind(kind)
    )


def pre_checks(protocol: Protocol) -> tuple[str, ...]:
    """List what to confirm before the first injection, beyond the protocol's own warnings."""
    warnings = protocol.warnings
    stated = " ".join(
        item.text for kind in WARNING_KINDS for item in warnings.of_kind(kind)
    ).lower()
    corn = "dextrose" in protocol.solution.composition and "corn" not in stated
    consent = "Consent discussed and recorded"
    if protocol.cautions or any(point.cautions for _, point in protocol.points):
        consent += ", including the risks named in the cautions at this site"
    checks = [
        consent,
        "Allergies asked about" + (" (including corn: dextrose is corn-derived)" if corn else ""),
    ]
    if "anticoagul" not in stated:
        checks.append("Anticoagulants reviewed (do not stop them without the prescriber)")
    if "lidocaine" in protocol.solution.composition:
        checks.append("Local anaesthetic allergy asked about; weight recorded for the dose check")
    return tuple(dict.fromkeys(checks))


def equipment(protocol: Protocol) -> tuple[str, ...]:
    """List what to have ready."""
    needle = protocol.technique.needle
    note = f" ({PRACTICE_DEFAULT_TEXT})" if needle.source == PRACTICE_DEFAULT else ""
    composition = protocol.solution.stated.describe()
    return (
        f"Prepared solution: {composition}, labelled, within its use-by time",
        f"Needle {needle.gauge}, {needle.length}{note}",
        f"Guidance: {protocol.technique.guidance}; depth: {protocol.technique.depth}",
        "Skin antiseptic, gauze, gloves, sharps bin",
    )


def _sessions(low: int, high: int) -> str:
    """Print a range of sessions: '4 to 12 sessions', '2 sessions', '1 session'."""
    if low == high:
        return format_count(low, "session")
    return f"{low} to {high} sessions"


def course_text(course: Course) -> str:
    """Say what follows this session: the next one and the course, or the follow-up of a single
    session; with the reassessment rule and each figure's source."""
    if course.single_session:
        text = "Follow-up: this is a single session; no repeat session is planned."
        if course.follow_up is None:
            return f"{text} The protocol names no follow-up: agree one locally."
        return f"{text} {statement(course.follow_up)}"
    interval = f"Next session in {course.interval_days} days"
    if course.interval_source != course.sessions_source:
        interval += f" {cite(course.interval_source)}"
    sessions = (
        f"a typical course is "
        f"{_sessions(course.typical_sessions_min, course.typical_sessions_max)} "
        f"{cite(course.sessions_source)}"
    ).rstrip()
    reassess = course.reassess
    when = (
        f"Reassess after {_sessions(reassess.after_sessions, reassess.after_sessions)}"
        if reassess.after_sessions
        else "Reassess"
    )
    rule = statement(Sourced(text=reassess.rule, source=reassess.source))
    if reassess.source == course.sessions_source == course.interval_source:
        rule = reassess.rule  # one source for the whole course (schema 1) is cited once
    text = f"{interval}; {sessions}. {when}: {rule}"
    if course.follow_up is not None:
        text += f" Follow-up: {statement(course.follow_up)}"
    return text
