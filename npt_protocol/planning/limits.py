"""A protocol's limits applied the way it states them: to each side treated, or to the session.

Yelland 2011's 5 mL is for the whole session, so a protocol that cites it says `per: session`
and both Achilles tendons together stay within 5 mL; a practice-default limit written `per:
side` allows that much on each side. The checklist applies the limits to one region, and the
session planner to every region of the same protocol together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from npt_protocol.errors import InputError
from npt_protocol.ismp import format_volume
from npt_protocol.protocol.model import Protocol


def scope_words(protocol: Protocol) -> str:
    """Say what the limits count: 'per side treated' or 'per session, all sides together'."""
    return "per session, all sides together" if protocol.limits.per == "session" else "per side"


def limit_problem(
    protocol: Protocol, points: Mapping[str, int], volumes: Mapping[str, Fraction]
) -> str | None:
    """Return why these points and volumes, by side, break the protocol's limits, or None."""
    limits = protocol.limits
    if limits.per == "session":
        groups = {"in the session": (sum(points.values()), sum(volumes.values(), Fraction(0)))}
    else:
        groups = {
            f"on the {side} side" if side else "on the side treated": (points[side], volumes[side])
            for side in points
        }
    for where, (count, volume) in groups.items():
        if count > limits.max_points:
            return (
                f"{count} points for {protocol.id} {where} exceed the protocol's maximum of "
                f"{limits.max_points} points {scope_words(protocol)}; give fewer points."
            )
        if volume > limits.max_volume_ml:
            return (
                f"{count} points for {protocol.id} {where} need {format_volume(volume)}, "
                f"more than the protocol's maximum of {format_volume(limits.max_volume_ml)} "
                f"{scope_words(protocol)}; give fewer points."
            )
    return None


def check_limits(
    protocol: Protocol, points: Mapping[str, int], volumes: Mapping[str, Fraction]
) -> None:
    """Refuse points and volumes, by side, that break the protocol's limits."""
    problem = limit_problem(protocol, points, volumes)
    if problem is not None:
        raise InputError(problem)


def check_session_limits(rows: Iterable[tuple[Protocol, str, Fraction]]) -> None:
    """Refuse a session whose injections, summed over every region of a protocol, break its
    limits; `rows` gives each injection's protocol, side and volume."""
    by_protocol: dict[str, tuple[Protocol, dict[str, int], dict[str, Fraction]]] = {}
    for protocol, side, volume in rows:
        _, points, volumes = by_protocol.setdefault(protocol.id, (protocol, {}, {}))
        points[side] = points.get(side, 0) + 1
        volumes[side] = volumes.get(side, Fraction(0)) + volume
    for protocol, points, volumes in by_protocol.values():
        check_limits(protocol, points, volumes)
