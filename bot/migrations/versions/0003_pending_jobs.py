"""Link jobs survive restarts: a claimed event keeps its message until answered; shares name it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the job status and message to processed events, and the answering event to shares."""
    op.add_column("processed_events", sa.Column("status", sa.String(8)))
    op.add_column("processed_events", sa.Column("payload", sa.JSON))
    op.create_index("ix_processed_events_status", "processed_events", ["status"])
    op.add_column("shares", sa.Column("event_key", sa.String(255)))


def downgrade() -> None:
    """Drop the job columns (pending jobs are forgotten)."""
    with op.batch_alter_table("shares") as batch:
        batch.drop_column("event_key")
    op.drop_index("ix_processed_events_status", table_name="processed_events")
    with op.batch_alter_table("processed_events") as batch:
        batch.drop_column("payload")
        batch.drop_column("status")
