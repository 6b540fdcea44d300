"""A course's plan from its protocols: regions, sides, solution, sessions, interval, stop rule."""

from __future__ import annotations

from collections.abc import Sequence

from npt_protocol.course.model import CoursePlan, Region
from npt_protocol.errors import InputError
from npt_protocol.protocol.model import Protocol


def course_plan(
    choices: Sequence[tuple[Protocol, str | None]], *, solution: str | None = None
) -> CoursePlan:
    """Plan a course over one or more (protocol, side) choices; refuse a side the protocol does not
    allow, a region given twice, and protocols whose solutions differ unless one is named."""
    if not choices:
        raise InputError(
            "A course needs a region; give --protocol ID (with --side) or --region ID:SIDE."
        )
    regions: list[Region] = []
    for protocol, side in choices:
        chosen = side if side is not None else (None if protocol.sided else "midline")
        if chosen is None:
            raise InputError(
                f"Protocol {protocol.id} needs a side; add --side with one of "
                f"{', '.join(protocol.sides)}."
            )
        if chosen not in protocol.sides:
            raise InputError(
                f"Side {chosen!r} is not one protocol {protocol.id} allows; expected one of "
                f"{', '.join(protocol.sides)}."
            )
        region = Region(protocol=protocol.id, side=chosen, protocol_version=protocol.version)
        if any(r.label == region.label for r in regions):
            raise InputError(f"Region {region.label} is given twice; give each region once.")
        regions.append(region)
    protocols = [protocol for protocol, _ in choices]
    solutions = list(dict.fromkeys(p.solution.composition_text for p in protocols))
    if solution is None and len(solutions) > 1:
        raise InputError(
            f"The protocols use different solutions ({'; '.join(solutions)}); name the one this "
            "course uses with --solution."
        )
    intervals = [p.course.interval_days for p in protocols if p.course.interval_days is not None]
    reassess = [
        p.course.reassess.after_sessions
        for p in protocols
        if p.course.reassess.after_sessions is not None
    ]
    measures = dict.fromkeys(m for p in protocols for m in p.outcome_measures)
    return CoursePlan(
        regions=tuple(regions),
        solution=solution if solution is not None else solutions[0],
        planned_min=min(p.course.typical_sessions_min for p in protocols),
        planned_max=max(p.course.typical_sessions_max for p in protocols),
        interval_days=min(intervals) if intervals else None,
        reassess_after=min(reassess) if reassess else None,
        stop_rule=" ".join(
            f"{p.id}: {p.course.reassess.rule}" if len(protocols) > 1 else p.course.reassess.rule
            for p in protocols
        ),
        stop_rule_source=", ".join(dict.fromkeys(p.course.reassess.source for p in protocols)),
        measures=tuple(measures),
    )
