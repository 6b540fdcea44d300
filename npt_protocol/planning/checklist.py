"""A protocol and a clinician's choices (side, number of points) → a checklist: pure data."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from npt_protocol.errors import InputError
from npt_protocol.ismp import format_composition, format_volume
from npt_protocol.protocol.model import PRACTICE_DEFAULT, Nerve, Point, Protocol

SIDE_CHOICES = ("left", "right", "bilateral", "midline")


@dataclass(frozen=True)
class ChecklistRow:
    """One injection to give and tick off."""

    number: int
    side: str
    nerve: str
    point: str
    landmark: str
    volume_ml: Fraction
    min_ml: Fraction
    max_ml: Fraction
    practice_default: bool


@dataclass(frozen=True)
class Checklist:
    """Everything one region's sheet shows, ready for any renderer."""

    protocol: Protocol
    side: str
    solution: str
    rows: tuple[ChecklistRow, ...]
    pre_checks: tuple[str, ...]
    equipment: tuple[str, ...]
    next_session: str

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
    """Share a number of points among the protocol's points in proportion to their typical
    counts, never above any point's own maximum; None keeps the typical counts."""
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
            f"{limit} per session; give at most {limit}."
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
    """Spell the protocol's solution out: 'dextrose 5 % w/v (5 g per 100 mL)'."""
    return format_composition(protocol.solution.composition, style="spelled")


def pre_checks(protocol: Protocol) -> tuple[str, ...]:
    """List what to confirm before the first injection."""
    stated = " ".join(protocol.contraindications + protocol.precautions).lower()
    corn = "dextrose" in protocol.solution.composition and "corn" not in stated
    checks = [
        "Consent discussed and recorded",
        *[f"Contraindication absent: {c}" for c in protocol.contraindications],
        *[f"Precaution considered: {p}" for p in protocol.precautions],
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
    note = (
        " (practice-based default — confirm locally)" if needle.source == PRACTICE_DEFAULT else ""
    )
    composition = format_composition(protocol.solution.composition)
    return (
        f"Prepared solution: {composition}, labelled, within its use-by time",
        f"Needle {needle.gauge}, {needle.length}{note}",
        f"Guidance: {protocol.technique.guidance}; depth: {protocol.technique.depth}",
        "Skin antiseptic, gauze, gloves, sharps bin",
    )


def next_session(protocol: Protocol) -> str:
    """Say when the next session falls and when to reconsider, from the protocol's course."""
    course = protocol.course
    sessions = (
        f"{course.typical_sessions_min}"
        if course.typical_sessions_min == course.typical_sessions_max
        else f"{course.typical_sessions_min} to {course.typical_sessions_max}"
    )
    return (
        f"Next session in {course.interval_days} days; a typical course is {sessions} "
        f"sessions. {course.reconsider}"
    ).strip()


def build_checklist(protocol: Protocol, *, side: str, points: int | None = None) -> Checklist:
    """Build the checklist for one protocol, one side and a number of points."""
    chosen_side = check_side(protocol, side)
    # Bilateral treats both sides; the protocol's limits apply to each side treated.
    sides = ("left", "right") if chosen_side == "bilateral" else (chosen_side,)
    shared = distribute(protocol, points)
    per_side = sum((p.volume.default_ml * c for _, p, c in shared), Fraction(0))
    if per_side > protocol.limits.max_volume_ml:
        raise InputError(
            f"{sum(c for _, _, c in shared)} points for {protocol.id} need "
            f"{format_volume(per_side)}, more than the protocol's maximum of "
            f"{format_volume(protocol.limits.max_volume_ml)} per session; give "
            "fewer points."
        )
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
                    )
                )
    return Checklist(
        protocol=protocol,
        side=chosen_side,
        solution=solution_text(protocol),
        rows=tuple(rows),
        pre_checks=pre_checks(protocol),
        equipment=equipment(protocol),
        next_session=next_session(protocol),
    )
