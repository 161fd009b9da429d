"""Polls remember the thread their message sits in, so a restarted bot can still edit it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the poll message's thread (empty for polls posted before: they stay in channel)."""
    op.add_column("polls", sa.Column("message_thread", sa.String(128)))


def downgrade() -> None:
    """Drop the poll message's thread."""
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("message_thread")
