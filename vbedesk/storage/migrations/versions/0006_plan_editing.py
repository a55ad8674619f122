"""Plan editing: the plan's state and decision, retired activities, units and courses.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "action_plan",
        sa.Column("state", sa.Text(), nullable=False, server_default="UTKAST"),
    )
    op.add_column("action_plan", sa.Column("decided_on", sa.Date(), nullable=True))
    op.add_column(
        "action_plan",
        sa.Column("diarienummer", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column("activity", sa.Column("retired_on", sa.Date(), nullable=True))
    op.add_column("unit", sa.Column("valid_from", sa.Date(), nullable=True))
    op.add_column("unit", sa.Column("valid_to", sa.Date(), nullable=True))
    op.add_column("course", sa.Column("retired_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), not batch mode: batch mode drops and
    # rebuilds the table, and dropping action_plan would cascade to its sections.
    for table, column in (
        ("course", "retired_on"),
        ("unit", "valid_to"),
        ("unit", "valid_from"),
        ("activity", "retired_on"),
        ("action_plan", "diarienummer"),
        ("action_plan", "decided_on"),
        ("action_plan", "state"),
    ):
        op.drop_column(table, column)
