"""The protocol model: what one region's treatment protocol says, as exact frozen values."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Literal

import attrs

from npt_protocol.catalogue.products import Stated

Status = Literal["draft", "template", "reviewed"]
LimitScope = Literal["side", "session"]
WarningKind = Literal["contraindication", "precaution", "trial_exclusion", "local_policy"]
ChartView = Literal["front", "back"]

SCHEMA_VERSION = 3
SCHEMA_VERSIONS = (1, 2, 3)  # every version this code reads; files are written in their own
CHART_VIEWS: tuple[ChartView, ...] = ("front", "back")
# The body chart's figure is 100 units tall (crown to soles) and 60 wide, midline at 30.
CHART_HEIGHT = 100
CHART_HALF_WIDTH = 30
STATUSES: tuple[Status, ...] = ("draft", "template", "reviewed")
SIDES = ("left", "right", "bilateral", "midline")
GUIDANCE = ("palpation", "landmark", "ultrasound")
LIMIT_SCOPES: tuple[LimitScope, ...] = ("side", "session")
WARNING_KINDS: tuple[WarningKind, ...] = (
    "contraindication",
    "precaution",
    "trial_exclusion",
    "local_policy",
)
# The keys of a file's warnings section, one per kind, in the order the sheet prints them.
WARNING_KEYS = ("contraindications", "precautions", "trial_exclusions", "local_policy")
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
    unverified: str | None = None  # why the citation could not be confirmed, when it could not

    @property
    def findable(self) -> bool:
        """Return whether a reader can find the source: it has a DOI, PMID or address."""
        return bool(self.doi or self.pmid or self.url)


@attrs.frozen(kw_only=True)
class Sourced:
    """A statement with its source: a reference id, practice-default, or None (schema 1)."""

    text: str
    source: str | None


@attrs.frozen(kw_only=True)
class Warnings:
    """The kinds of warning kept apart: what they rest on differs, so the sheet says which."""

    contraindications: tuple[Sourced, ...] = ()
    precautions: tuple[Sourced, ...] = ()
    trial_exclusions: tuple[Sourced, ...] = ()  # patients the trials left out, not proof of harm
    local_policy: tuple[Sourced, ...] = ()  # a clinic's own rule

    def of_kind(self, kind: WarningKind) -> tuple[Sourced, ...]:
        """Return the warnings of one kind."""
        return {
            "contraindication": self.contraindications,
            "precaution": self.precautions,
            "trial_exclusion": self.trial_exclusions,
            "local_policy": self.local_policy,
        }[kind]


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
    """A kind of injection point along a nerve, with the cautions that belong to it."""

    id: str
    name: str
    landmark: str
    volume: VolumeRange
    count: PointCount
    source: str
    cautions: tuple[Sourced, ...] = ()


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
    # The composition as written, with each solute's basis ('glucose 20%' is anhydrous glucose):
    # what every sheet prints. `composition` holds the same strengths in the catalogue's form.
    stated: Stated = attrs.field(hash=False, eq=False)


@attrs.frozen(kw_only=True)
class Limits:
    """The protocol's own maximum points and volume, for each side treated or for the session."""

    max_points: int
    max_volume_ml: Fraction
    per: LimitScope
    source: str


@attrs.frozen(kw_only=True)
class Reassessment:
    """When to stop and reconsider: after how many sessions, by which rule, from which source."""

    after_sessions: int | None
    rule: str
    source: str


@attrs.frozen(kw_only=True)
class Course:
    """How many sessions, how far apart, when to reassess, and the follow-up after a course."""

    typical_sessions_min: int
    typical_sessions_max: int
    sessions_source: str
    interval_days: int | None  # None for a single-session protocol
    interval_source: str | None
    reassess: Reassessment
    follow_up: Sourced | None = None

    @property
    def single_session(self) -> bool:
        """Return whether the protocol is one session, with no repeat planned."""
        return self.typical_sessions_max == 1


@attrs.frozen(kw_only=True)
class ChartPosition:
    """Where a region sits on the body chart: the view that shows it, its distance from the
    midline towards the treated side (x) and from the crown down (y), in chart units."""

    view: ChartView
    x: Fraction
    y: Fraction


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
    warnings: Warnings
    aftercare: tuple[Sourced, ...]
    course: Course
    references: tuple[Reference, ...]
    notes: str
    cautions: tuple[Sourced, ...] = ()  # safety text for the whole region
    indications: tuple[Sourced, ...] = ()
    outcome_measures: tuple[str, ...] = ()  # ids in the package's outcome measure file
    chart: ChartPosition | None = None  # schema 3; None: the file does not say
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
        """Return the number of points in a typical session on one side."""
        return sum(point.count.typical for _, point in self.points)

    @property
    def typical_volume_ml(self) -> Fraction:
        """Return the volume a typical session injects on one side, in mL."""
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

    @property
    def sided(self) -> bool:
        """Return whether a side must be chosen (a midline-only protocol needs none)."""
        return self.sides != ("midline",)

    def reference(self, reference_id: str) -> Reference | None:
        """Return the reference with this id, if the protocol has one."""
        return next((ref for ref in self.references if ref.id == reference_id), None)
