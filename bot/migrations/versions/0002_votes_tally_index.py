"""Index votes by (poll_id, option) so tallies are counted from the index alone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the tally index."""
    op.create_index("ix_votes_poll_id_option", "votes", ["poll_id", "option"])


def downgrade() -> None:
    """Drop the tally index."""
    op.drop_index("ix_votes_poll_id_option", table_name="votes")
