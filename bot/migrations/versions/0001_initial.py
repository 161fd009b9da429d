"""Initial schema: analyses, shares, channel settings, polls, options, votes, processed events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "analyses",
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("url", name="pk_analyses"),
    )
    op.create_index("ix_analyses_expires_at", "analyses", ["expires_at"])
    op.create_table(
        "shares",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("message_id", sa.String(128)),
        sa.Column("thread_id", sa.String(128)),
        sa.Column("user_id", sa.String(128)),
        sa.Column("shared_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shares"),
    )
    op.create_index(
        "ix_shares_platform_channel_id_url_shared_at",
        "shares",
        ["platform", "channel_id", "url", "shared_at"],
    )
    op.create_table(
        "channel_settings",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("reply", sa.String(16), nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("allow_domains", sa.JSON, nullable=False),
        sa.Column("deny_domains", sa.JSON, nullable=False),
        sa.Column("poll_duration_h", sa.Float),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", sa.String(128)),
        sa.PrimaryKeyConstraint("platform", "channel_id", name="pk_channel_settings"),
    )
    op.create_table(
        "polls",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("message_ref", sa.String(128)),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("prediction_i", sa.Integer),
        sa.Column("source_url", sa.String(2048)),
        sa.Column("starter_id", sa.String(128), nullable=False),
        sa.Column("hide_results", sa.Boolean, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("closes_at", WHEN, nullable=False),
        sa.Column("closed_at", WHEN),
        sa.Column("closed_by", sa.String(128)),
        sa.Column("status", sa.String(8), nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_polls_status"),
        sa.PrimaryKeyConstraint("id", name="pk_polls"),
    )
    op.create_index("ix_polls_status_closes_at", "polls", ["status", "closes_at"])
    op.create_index("ix_polls_platform_message_ref", "polls", ["platform", "message_ref"])
    op.create_table(
        "poll_options",
        sa.Column("poll_id", ID, nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name="fk_poll_options_poll_id_polls", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "idx", name="pk_poll_options"),
    )
    op.create_table(
        "votes",
        sa.Column("poll_id", ID, nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("option", sa.Integer, nullable=False),
        sa.Column("cast_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name="fk_votes_poll_id_polls", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["poll_id", "option"],
            ["poll_options.poll_id", "poll_options.idx"],
            name="fk_votes_poll_id_option_poll_options",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", "user_id", name="pk_votes"),
    )
    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("seen_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("platform", "key", name="pk_processed_events"),
    )
    op.create_index("ix_processed_events_seen_at", "processed_events", ["seen_at"])


def downgrade() -> None:
    """Drop every table (all data is lost)."""
    for table in (
        "processed_events",
        "votes",
        "poll_options",
        "polls",
        "channel_settings",
        "shares",
        "analyses",
    ):
        op.drop_table(table)
