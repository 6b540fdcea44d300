"""The documents every renderer reads, as typed dictionaries that mypy checks through them.

Each is exactly the JSON its command prints (less `document`, the meta added on output); the
JSON Schema files in npt_protocol/schemas/ describe the same shapes for other programs.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

JsonNumber = int | float
Sheet = Literal["trainer", "bedside"]


class DocumentMeta(TypedDict):
    """The document itself: tool version, time made, clinic and paper."""

    tool_version: str
    generated_at: str
    clinic: str
    paper: str


class ReferenceDoc(TypedDict):
    """A source, with what a reader needs to find it."""

    id: str
    citation: str
    doi: str | None
    pmid: str | None
    url: str | None
    unverified: str | None


class ProtocolMeta(TypedDict):
    """The protocol a sheet comes from."""

    id: str
    title: str
    region: str
    version: str
    status: str
    status_line: str
    is_template: bool
    content_hash: str
    origin: str
    references: list[ReferenceDoc]
    notes: str


class RowDoc(TypedDict):
    """One injection of a checklist."""

    number: int
    side: str
    nerve: str
    point: str
    landmark: str
    volume_mL: JsonNumber
    volume_text: str
    range_text: str
    practice_default: bool
    cautions: list[str]


class LimitsDoc(TypedDict):
    """A protocol's limits and their scope."""

    max_points: int
    max_volume_mL: JsonNumber
    per: str
    source: str


class WarningGroupDoc(TypedDict):
    """The warnings of one kind, under their heading."""

    kind: str
    heading: str
    items: list[str]


class PointCautionDoc(TypedDict):
    """A caution labelled for the points it belongs to."""

    label: str
    text: str
    points: list[str]


class CourseDoc(TypedDict):
    """The course a protocol plans."""

    single_session: bool
    interval_days: int | None
    typical_sessions_min: int
    typical_sessions_max: int
    reassess_after_sessions: int | None


class MeasureDoc(TypedDict):
    """An outcome measure to record, with its source."""

    id: str
    text: str
    score_min: JsonNumber
    score_max: JsonNumber
    better: str
    mic: JsonNumber | None
    mic_unit: str
    mic_note: str
    source: ReferenceDoc


class ChartDoc(TypedDict):
    """Where a region sits on the body chart, in chart units (None when the file does not say)."""

    view: str
    x: JsonNumber
    y: JsonNumber


class PatientDoc(TypedDict):
    """The patient: a pseudonymous id, and what the clinic enables beside it."""

    id: str
    name: str | None
    date_of_birth: str | None


class ChecklistDoc(TypedDict):
    """One region's checklist (npt.checklist/2)."""

    schema: str
    sheet: Sheet
    patient: PatientDoc | None
    batch: str | None
    protocol: ProtocolMeta
    chart: ChartDoc | None
    side: str | None
    solution: str
    rows: list[RowDoc]
    total_points: int
    total_points_text: str
    total_volume_mL: JsonNumber
    total_volume_text: str
    limits: LimitsDoc
    limits_text: str
    indications: list[str]
    warnings: list[WarningGroupDoc]
    pre_checks: list[str]
    site_cautions: list[str]
    point_cautions: list[PointCautionDoc]
    equipment: list[str]
    aftercare: list[str]
    course: CourseDoc
    next_session: str
    outcome_measures: list[MeasureDoc]
    practice_default_text: str


class SessionRegionDoc(TypedDict):
    """One region of a session."""

    protocol: str
    side: str
    points: int
    volume_mL: JsonNumber
    volume_text: str
    syringes: int
    dead_space_mL: JsonNumber
    chart: ChartDoc | None


class VolumesText(TypedDict):
    """A solution's volumes, printed."""

    injected: str
    dead_space: str
    margin: str
    required: str
    prepare: str


class BatchLabelDoc(TypedDict):
    """The label of the prepared batch, in the packet."""

    contents: str
    ingredients_text: str
    total_volume_text: str
    prepared_at: str
    use_by: str
    rule: str
    rule_version: str
    rule_description: str
    rule_source: str
    log_reference: str | None


class SolutionDoc(TypedDict):
    """One solution of a session: volumes, recipe and label."""

    composition: str
    title: str
    regions: list[str]
    injected_mL: JsonNumber
    dead_space_mL: JsonNumber
    margin_percent: JsonNumber
    margin_mL: JsonNumber
    required_mL: JsonNumber
    prepare_mL: JsonNumber
    volumes_text: VolumesText
    recipe: dict[str, Any]  # npt.recipe/2, as `npt prepare --json` prints it
    achieved_text: str
    label: BatchLabelDoc
    loads_injected_text: str | None
    doses_injected_text: list[str]


class LogDoc(TypedDict):
    """The preparation log named with --log, as the packet left it."""

    path: str
    records: int
    head: str


class CourseFlagDoc(TypedDict):
    """A flag on the patient's course: the rule, the numbers that met it, and its source."""

    rule: str
    text: str
    source: str
    line: str


class CourseSessionDoc(TypedDict):
    """One of the last sessions of the patient's course."""

    number: int
    date: str
    pain_before: int
    pain_after: int | None
    relief_minutes: int | None
    relief_text: str | None


class PatientCourseDoc(TypedDict):
    """The patient's course on the packet's summary page (`npt session --patient`)."""

    patient: str
    found: bool
    number: int | None
    open: bool | None
    session_number: int | None
    next_due: str | None
    state: str | None
    text: str
    status_text: str | None
    flags: list[CourseFlagDoc]
    sessions: list[CourseSessionDoc]


class SessionDoc(TypedDict):
    """A whole session packet (npt.session/2)."""

    schema: str
    patient: PatientDoc | None
    treatment_syringe_mL: JsonNumber
    weight_kg: JsonNumber | None
    regions: list[SessionRegionDoc]
    solutions: list[SolutionDoc]
    loads_text: str | None
    problems: list[str]
    checklists: list[ChecklistDoc]
    warnings: list[str]
    log: LogDoc | None
    log_text: str | None
    course: PatientCourseDoc | None


class SyringeLabelDoc(TypedDict):
    """The label of one treatment syringe."""

    patient: PatientDoc | None
    contents: str
    volume_mL: JsonNumber
    volume_text: str
    route: str
    protocol: str
    region: str
    side: str
    syringe: int
    of: int
    prepared_at: str
    use_by: str
    rule: str
    prepared_by: str | None
    checked_by: str | None
    log_reference: str | None
    code_text: str


class LabelStockDoc(TypedDict):
    """The label stock printed on: one label per page, or a sheet of several."""

    id: str
    width_mm: JsonNumber
    height_mm: JsonNumber
    paper: str | None
    columns: int
    rows: int


class LabelsDoc(TypedDict):
    """The syringe labels of a session (npt.labels/1)."""

    schema: str
    stock: LabelStockDoc
    labels: list[SyringeLabelDoc]
