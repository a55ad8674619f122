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
    # SQLite adds a column in place; batch mode is needed only to drop one (downgrade).
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
    with op.batch_alter_table("course") as batch:
        batch.drop_column("retired_on")
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("valid_to")
        batch.drop_column("valid_from")
    with op.batch_alter_table("activity") as batch:
        batch.drop_column("retired_on")
    with op.batch_alter_table("action_plan") as batch:
        batch.drop_column("diarienummer")
        batch.drop_column("decided_on")
        batch.drop_column("state")
