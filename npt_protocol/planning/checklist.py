"""A protocol and a clinician's choices (side, number of points) → a checklist: pure data."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from npt_protocol.errors import InputError
from npt_protocol.planning.limits import check_limits
from npt_protocol.planning.wording import (
    WarningGroup,
    course_text,
    equipment,
    pre_checks,
    statement,
    warning_groups,
)
from npt_protocol.protocol.measures import OutcomeMeasure, outcome_measures
from npt_protocol.protocol.model import PRACTICE_DEFAULT, Nerve, Point, Protocol

SIDE_CHOICES = ("left", "right", "bilateral", "midline")


@dataclass(frozen=True)
class ChecklistRow:
    """One injection to give and tick off."""

    number: int
    side: str  # empty on a sheet whose side is written in by hand
    nerve: str
    point: str
    landmark: str
    volume_ml: Fraction
    min_ml: Fraction
    max_ml: Fraction
    practice_default: bool
    cautions: tuple[str, ...] = ()  # labels of the point's cautions, such as "C1"


@dataclass(frozen=True)
class PointCaution:
    """A caution that belongs to particular points, labelled so each row can point to it."""

    label: str
    text: str  # with its source
    points: tuple[str, ...]


@dataclass(frozen=True)
class Checklist:
    """Everything one region's sheet shows, ready for any renderer."""

    protocol: Protocol
    side: str | None  # None: a sheet whose side is left blank to be written in
    solution: str
    rows: tuple[ChecklistRow, ...]
    pre_checks: tuple[str, ...]
    equipment: tuple[str, ...]
    next_session: str
    indications: tuple[str, ...] = ()
    warnings: tuple[WarningGroup, ...] = ()
    site_cautions: tuple[str, ...] = ()
    point_cautions: tuple[PointCaution, ...] = ()
    aftercare: tuple[str, ...] = ()
    measures: tuple[OutcomeMeasure, ...] = ()

    @property
    def total_points(self) -> int:
        """Return the number of injections on the sheet."""
        return len(self.rows)

    @property
    def total_volume_ml(self) -> Fraction:
        """Return the volume the injections on the sheet add up to."""
        return sum((row.volume_ml for row in self.rows), Fraction(0))

    @property
    def status_line(self) -> str:
        """Say what the sheet is: a template to confirm, a draft, or a reviewed protocol."""
        protocol = self.protocol
        if protocol.status == "reviewed":
            return (
                f"Reviewed protocol (reviewed by {protocol.reviewed_by} on {protocol.reviewed_on})"
            )
        if protocol.status == "draft":
            return "DRAFT — not for clinical use"
        return "Template — confirm against local policy"


def check_side(protocol: Protocol, side: str) -> str:
    """Accept a side the protocol allows, or say which it allows."""
    side = side.strip().lower()
    if side not in protocol.sides:
        raise InputError(
            f"side {side!r} is not allowed for {protocol.id}; expected one of "
            f"{', '.join(protocol.sides)}."
        )
    return side


def distribute(protocol: Protocol, total: int | None) -> list[tuple[Nerve, Point, int]]:
    """Share a number of points on one side among the protocol's points in proportion to their
    typical counts, never above any point's own maximum; None keeps the typical counts."""
    entries = list(protocol.points)
    if total is None:
        return [(n, p, p.count.typical) for n, p in entries]
    capacity = sum(p.count.max for _, p in entries)
    if total < 1:
        raise InputError(f"--points for {protocol.id} is {total}; expected at least 1.")
    if total > protocol.limits.max_points or total > capacity:
        limit = min(protocol.limits.max_points, capacity)
        raise InputError(
            f"{total} points for {protocol.id} exceeds the protocol's maximum of "
            f"{limit} on one side; give at most {limit}."
        )
    typical = sum(p.count.typical for _, p in entries) or 1
    shares = [Fraction(p.count.typical * total, typical) for _, p in entries]
    counts = [min(int(share), p.count.max) for share, (_, p) in zip(shares, entries, strict=True)]
    # Largest remainders first, then any point with room, until the total is reached.
    order = sorted(range(len(entries)), key=lambda i: (-(shares[i] - int(shares[i])), i))
    while sum(counts) < total:
        for i in order + list(range(len(entries))):
            if sum(counts) < total and counts[i] < entries[i][1].count.max:
                counts[i] += 1
                break
    return [(n, p, c) for (n, p), c in zip(entries, counts, strict=True)]


def solution_text(protocol: Protocol) -> str:
    """Spell the protocol's solution out with each basis: 'dextrose monohydrate 5 % w/v (5 g per
    100 mL)'."""
    return protocol.solution.stated.describe(style="spelled")


def chosen_side(protocol: Protocol, side: str | None) -> str | None:
    """Return the side to print: the one asked for, midline for a midline-only protocol, or
    None for a sheet whose side is written in by hand. Nothing is ever chosen silently."""
    if side is not None:
        return check_side(protocol, side)
    return None if protocol.sided else "midline"


def region_side(protocol: Protocol, region: str) -> str:
    """Return the side a region written 'protocol:side' names; a sided protocol must name one
    (a session never defaults to a side), and a midline-only protocol needs none."""
    _, separator, side = region.partition(":")
    if separator:
        return check_side(protocol, side)
    if not protocol.sided:
        return "midline"
    choices = [s for s in protocol.sides if s != "midline"]
    examples = ", ".join(f"{protocol.id}:{s}" for s in choices)
    raise InputError(
        f"region {region.strip()!r} names no side; expected one of {examples} "
        f"(sides: {', '.join(choices)})."
    )


def _point_cautions(
    protocol: Protocol,
) -> tuple[tuple[PointCaution, ...], dict[str, tuple[str, ...]]]:
    """Label each distinct point caution (C1, C2 ...) and say which labels each point carries."""
    notes: dict[str, PointCaution] = {}
    by_point: dict[str, tuple[str, ...]] = {}
    for _, point in protocol.points:
        labels = []
        for caution in point.cautions:
            text = statement(caution)
            note = notes.get(text)
            if note is None:
                note = PointCaution(label=f"C{len(notes) + 1}", text=text, points=())
            notes[text] = PointCaution(
                label=note.label, text=text, points=(*note.points, point.name)
            )
            labels.append(note.label)
        by_point[point.id] = tuple(labels)
    return tuple(notes.values()), by_point


def build_checklist(
    protocol: Protocol, *, side: str | None, points: int | None = None
) -> Checklist:
    """Build the checklist for one protocol, one side (or both, or none chosen) and a number of
    points on each side, refusing what the protocol's limits do not allow."""
    printed = chosen_side(protocol, side)
    sides = ("left", "right") if printed == "bilateral" else (printed or "",)
    shared = distribute(protocol, points)
    per_side_points = sum(c for _, _, c in shared)
    per_side_volume = sum((p.volume.default_ml * c for _, p, c in shared), Fraction(0))
    check_limits(
        protocol,
        {each: per_side_points for each in sides},
        {each: per_side_volume for each in sides},
    )
    notes, labels = _point_cautions(protocol)
    rows: list[ChecklistRow] = []
    for each_side in sides:
        for nerve, point, count in shared:
            for _ in range(count):
                rows.append(
                    ChecklistRow(
                        number=len(rows) + 1,
                        side=each_side,
                        nerve=nerve.name,
                        point=point.name,
                        landmark=point.landmark,
                        volume_ml=point.volume.default_ml,
                        min_ml=point.volume.min_ml,
                        max_ml=point.volume.max_ml,
                        practice_default=point.source == PRACTICE_DEFAULT,
                        cautions=labels[point.id],
                    )
                )
    known = outcome_measures()
    return Checklist(
        protocol=protocol,
        side=printed,
        solution=solution_text(protocol),
        rows=tuple(rows),
        pre_checks=pre_checks(protocol),
        equipment=equipment(protocol),
        next_session=course_text(protocol.course),
        indications=tuple(statement(item) for item in protocol.indications),
        warnings=warning_groups(protocol),
        site_cautions=tuple(statement(item) for item in protocol.cautions),
        point_cautions=notes,
        aftercare=tuple(statement(item) for item in protocol.aftercare),
        measures=tuple(known[m] for m in protocol.outcome_measures if m in known),
    )
