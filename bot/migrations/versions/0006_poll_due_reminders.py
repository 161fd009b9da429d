"""Polls keep the day their forecast comes due and who made it, and claim one due reminder.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the due date, the forecaster and the reminder claim (empty for earlier polls).

    Polls started before have no due date, so no reminder is ever owed for them.
    """
    op.add_column("polls", sa.Column("resolve_by", sa.Date))
    op.add_column("polls", sa.Column("predicted_by", sa.String(200)))
    op.add_column("polls", sa.Column("reminded_at", sa.DateTime(timezone=True)))
    op.create_index("ix_polls_reminded_at_resolve_by", "polls", ["reminded_at", "resolve_by"])


def downgrade() -> None:
    """Drop the reminder columns and their index."""
    op.drop_index("ix_polls_reminded_at_resolve_by", table_name="polls")
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("reminded_at")
        batch.drop_column("predicted_by")
        batch.drop_column("resolve_by")
