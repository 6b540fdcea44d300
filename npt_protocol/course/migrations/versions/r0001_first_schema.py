"""The first schema: patients, courses, versioned sessions and follow-ups, deletions.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPLICATION = "npt_protocol course record"


def upgrade() -> None:
    """Create the first schema and mark the database as this tool's."""
    info = op.create_table(
        "npt_database",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(info, [{"key": "application", "value": APPLICATION}])
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
    )
    op.create_table(
        "courses",
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
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.UniqueConstraint("patient_id", "number"),
    )
    op.create_table(
        "course_regions",
        sa.Column(
            "course_id",
            sa.Integer,
            sa.ForeignKey("courses.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("protocol_id", sa.String(64), nullable=False),
        sa.Column("protocol_version", sa.String(64), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
    )
    op.create_table(
        "course_closures",
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
    op.create_table(
        "session_versions",
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
        sa.Column("sites", sa.Text, nullable=False),
        sa.Column("volume_ml", sa.String(48)),
        sa.Column("solution", sa.Text, nullable=False),
        sa.Column("batch", sa.String(128)),
        sa.Column("log_ref", sa.String(128)),
        sa.Column("adverse", sa.Text, nullable=False),
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
    op.create_table(
        "follow_up_versions",
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
    op.create_table(
        "deletions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_code", sa.String(64), nullable=False),
        sa.Column("deleted_at", sa.String(32), nullable=False),
        sa.Column("deleted_by", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("courses", sa.Integer, nullable=False),
        sa.Column("sessions", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    """Drop the first schema, the tables that refer to others first."""
    for table in (
        "deletions",
        "follow_up_versions",
        "session_versions",
        "course_closures",
        "course_regions",
        "courses",
        "patients",
        "npt_database",
    ):
        op.drop_table(table)
