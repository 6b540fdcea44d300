"""The protocol model: what one region's treatment protocol says, as exact frozen values."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Literal

import attrs

Status = Literal["draft", "template", "reviewed"]

SCHEMA_VERSION = 1
STATUSES: tuple[Status, ...] = ("draft", "template", "reviewed")
SIDES = ("left", "right", "bilateral", "midline")
GUIDANCE = ("palpation", "landmark", "ultrasound")
PRACTICE_DEFAULT = "practice-default"
PRACTICE_DEFAULT_TEXT = "practice-based default — confirm locally"


@attrs.frozen(kw_only=True)
class Reference:
    """A published source that values in the protocol cite by id."""

    id: str
    citation: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None


@attrs.frozen(kw_only=True)
class VolumeRange:
    """The volume injected at one point: a default and the range it may be adjusted within."""

    default_ml: Fraction
    min_ml: Fraction
    max_ml: Fraction


@attrs.frozen(kw_only=True)
class PointCount:
    """How many points of one kind a session typically has, and at most."""

    typical: int
    max: int


@attrs.frozen(kw_only=True)
class Point:
    """A kind of injection point along a nerve."""

    id: str
    name: str
    landmark: str
    volume: VolumeRange
    count: PointCount
    source: str


@attrs.frozen(kw_only=True)
class Nerve:
    """A nerve treated in the region, with the points along it."""

    id: str
    name: str
    course: str
    source: str
    points: tuple[Point, ...]


@attrs.frozen(kw_only=True)
class Needle:
    """The needle, always a setting to confirm rather than a requirement."""

    gauge: str
    length: str
    source: str


@attrs.frozen(kw_only=True)
class Technique:
    """How the injections are given."""

    depth: str
    guidance: str
    needle: Needle


@attrs.frozen(kw_only=True)
class Buffer:
    """A buffering product added as a ratio: `parts` of it per `per_parts` of the solution."""

    product: str
    parts: int
    per_parts: int


@attrs.frozen(kw_only=True)
class Solution:
    """The injectate, stated by composition (solute -> mg/mL), never assumed."""

    composition_text: str
    # A dict is not hashable; leaving it out of the hash keeps Protocol usable as a dict key.
    composition: dict[str, Fraction] = attrs.field(hash=False)
    buffer: Buffer | None
    source: str


@attrs.frozen(kw_only=True)
class Limits:
    """The protocol's own per-session maximum, over all nerves."""

    max_points: int
    max_volume_ml: Fraction
    source: str


@attrs.frozen(kw_only=True)
class Course:
    """How sessions are spaced and how many are typical before reconsidering."""

    interval_days: int
    typical_sessions_min: int
    typical_sessions_max: int
    reconsider: str
    source: str


@attrs.frozen(kw_only=True)
class Protocol:
    """One region's protocol; equality compares content, not where the file was found."""

    schema_version: int
    id: str
    title: str
    region: str
    sides: tuple[str, ...]
    status: Status
    version: str
    reviewed_by: str | None
    reviewed_on: datetime.date | None
    solution: Solution
    technique: Technique
    nerves: tuple[Nerve, ...]
    limits: Limits
    precautions: tuple[str, ...]
    contraindications: tuple[str, ...]
    aftercare: tuple[str, ...]
    course: Course
    references: tuple[Reference, ...]
    notes: str
    origin: str = attrs.field(default="", eq=False)
    path: Path | None = attrs.field(default=None, eq=False)
    sha256: str = attrs.field(default="", eq=False, repr=False)

    @property
    def points(self) -> Iterator[tuple[Nerve, Point]]:
        """Yield every point with the nerve it belongs to, in file order."""
        for nerve in self.nerves:
            for point in nerve.points:
                yield nerve, point

    @property
    def typical_points(self) -> int:
        """Return the number of points in a typical session."""
        return sum(point.count.typical for _, point in self.points)

    @property
    def typical_volume_ml(self) -> Fraction:
        """Return the volume a typical session injects, in mL."""
        return sum(
            (point.count.typical * point.volume.default_ml for _, point in self.points), Fraction(0)
        )

    @property
    def content_hash(self) -> str:
        """Return the first 12 hex digits of the SHA-256 of the file's bytes."""
        return self.sha256[:12]

    @property
    def is_template(self) -> bool:
        """Return whether the protocol still needs local review before clinical use."""
        return self.status != "reviewed"

    def reference(self, reference_id: str) -> Reference | None:
        """Return the reference with this id, if the protocol has one."""
        return next((ref for ref in self.references if ref.id == reference_id), None)
