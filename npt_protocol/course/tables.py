"""The course database's tables as the code reads and writes them (the schema at its head).

The migrations in migrations/versions build this schema step by step; a test checks that a
database upgraded to the head has exactly these tables and columns. Times are UTC ISO 8601 text
and exact numbers are decimal text, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# What marks a database as this tool's: without this row, a database is someone else's.
database_info = sa.Table(
    "npt_database",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

patients = sa.Table(
    "patients",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("created_by", sa.String(128), nullable=False),
    # Schema 0002: kept only when the clinic's settings enable them.
    sa.Column("display_name", sa.String(200)),
    sa.Column("birth_date", sa.Date),
)

courses = sa.Table(
    "courses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "patient_id",
        sa.Integer,
        sa.ForeignKey("patients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("solution", sa.Text, nullable=False),
    sa.Column("planned_min", sa.Integer, nullable=False),
    sa.Column("planned_max", sa.Integer, nullable=False),
    sa.Column("interval_days", sa.Integer),
    sa.Column("reassess_after", sa.Integer),
    sa.Column("stop_rule", sa.Text, nullable=False),
    sa.Column("stop_rule_source", sa.Text, nullable=False),
    sa.Column("measures", sa.Text, nullable=False),  # JSON list of outcome measure ids
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("created_by", sa.String(128), nullable=False),
    sa.UniqueConstraint("patient_id", "number"),
)

course_regions = sa.Table(
    "course_regions",
    metadata,
    sa.Column(
        "course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("protocol_id", sa.String(64), nullable=False),
    sa.Column("protocol_version", sa.String(64), nullable=False),
    sa.Column("side", sa.String(16), nullable=False),
)

course_closures = sa.Table(
    "course_closures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "course_id",
        sa.Integer,
        sa.ForeignKey("courses.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("closed_on", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("recorded_by", sa.String(128), nullable=False),
)

# Every version of every session is a row; a correction adds a version, never changes one.
session_versions = sa.Table(
    "session_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "course_id",
        sa.Integer,
        sa.ForeignKey("courses.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("session_date", sa.Date, nullable=False),
    sa.Column("pain_before", sa.Integer, nullable=False),
    sa.Column("pain_after", sa.Integer),
    sa.Column("relief_minutes", sa.Integer),
    sa.Column("sites", sa.Text, nullable=False),  # JSON [{protocol, side, points}]
    sa.Column("volume_ml", sa.String(48)),
    sa.Column("solution", sa.Text, nullable=False),
    sa.Column("batch", sa.String(128)),
    sa.Column("log_ref", sa.String(128)),
    sa.Column("adverse", sa.Text, nullable=False),  # JSON list of codes
    sa.Column("adverse_note", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("voided", sa.Boolean, nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.Column("reason", sa.Text),
    sa.UniqueConstraint("course_id", "number", "version"),
    sa.CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before_0_10"),
    sa.CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_0_10"),
)

follow_up_versions = sa.Table(
    "follow_up_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "course_id",
        sa.Integer,
        sa.ForeignKey("courses.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("assessed_on", sa.Date, nullable=False),
    sa.Column("measure", sa.String(64), nullable=False),
    sa.Column("score", sa.String(48), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("voided", sa.Boolean, nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.Column("reason", sa.Text),
    sa.UniqueConstraint("course_id", "number", "version"),
)

# Deleting a patient removes their rows and leaves this line: who, when, why, how much.
deletions = sa.Table(
    "deletions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_code", sa.String(64), nullable=False),
    sa.Column("deleted_at", sa.String(32), nullable=False),
    sa.Column("deleted_by", sa.String(128), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("courses", sa.Integer, nullable=False),
    sa.Column("sessions", sa.Integer, nullable=False),
)

# Schema 0002: each course's status as last computed, so listing thousands of courses reads one
# row each. Derived data: recomputed from the rows whenever it is missing or the rules changed.
course_status = sa.Table(
    "course_status",
    metadata,
    sa.Column(
        "course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("rules_key", sa.Text, nullable=False),
    sa.Column("sessions", sa.Integer, nullable=False),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("line", sa.Text, nullable=False),
    sa.Column("flags", sa.Text, nullable=False),  # one flag per line, as Flag.line() says it
    sa.Column("flagged", sa.Boolean, nullable=False, index=True),
    sa.Column("last_date", sa.Date),
    sa.Column("next_due", sa.Date, index=True),
)
