"""Each course's status kept beside its rows, and the optional patient details a clinic enables.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the status table (filled by the tool after upgrading) and two optional columns."""
    op.add_column("patients", sa.Column("display_name", sa.String(200)))
    op.add_column("patients", sa.Column("birth_date", sa.Date))
    op.create_table(
        "course_status",
        sa.Column(
            "course_id",
            sa.Integer,
            sa.ForeignKey("courses.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("rules_key", sa.Text, nullable=False),
        sa.Column("sessions", sa.Integer, nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("line", sa.Text, nullable=False),
        sa.Column("flags", sa.Text, nullable=False),
        sa.Column("flagged", sa.Boolean, nullable=False, index=True),
        sa.Column("last_date", sa.Date),
        sa.Column("next_due", sa.Date, index=True),
    )


def downgrade() -> None:
    """Go back to the first schema: drop the stored statuses and the optional patient details."""
    # The tool itself never downgrades (an older npt refuses a newer database); this is for a
    # clinic that must return to an older npt, with `alembic downgrade 0001` by hand.
    op.drop_table("course_status")
    with op.batch_alter_table("patients") as patients:  # SQLite rebuilds the table to drop
        patients.drop_column("birth_date")
        patients.drop_column("display_name")
