"""Covering indexes for the lägesbild: each dimension counted from an index alone.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incident_year_area", "incident", ["received_year", "area"])
    op.create_index("ix_incident_year_unit", "incident", ["received_year", "reporting_unit"])
    op.create_index("ix_incident_year_day", "incident", ["received_year", "received_on"])


def downgrade() -> None:
    op.drop_index("ix_incident_year_day", table_name="incident")
    op.drop_index("ix_incident_year_unit", table_name="incident")
    op.drop_index("ix_incident_year_area", table_name="incident")
