"""The database schema as SQLAlchemy Core tables (migrations in bot/migrations must match)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

# Stable constraint names, so migrations and both engines agree on what to alter or drop.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PLATFORM = sa.String(32)
REF = sa.String(128)
URL = sa.String(2048)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both engines (SQLite itself stores naive text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


analyses = sa.Table(
    "analyses",
    metadata,
    sa.Column("url", URL, primary_key=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
)

shares = sa.Table(
    "shares",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("platform", PLATFORM, nullable=False),
    sa.Column("channel_id", REF, nullable=False),
    sa.Column("url", URL, nullable=False),
    sa.Column("message_id", REF),
    sa.Column("thread_id", REF),
    sa.Column("user_id", REF),
    sa.Column("shared_at", UtcDateTime, nullable=False),
    # The event whose answer this was: a job resumed after a restart does not post it twice.
    sa.Column("event_key", sa.String(255)),
    sa.Index(None, "platform", "channel_id", "url", "shared_at"),
)

channel_settings = sa.Table(
    "channel_settings",
    metadata,
    sa.Column("platform", PLATFORM, primary_key=True),
    sa.Column("channel_id", REF, primary_key=True),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("reply", sa.String(16), nullable=False),
    sa.Column("languages", sa.JSON, nullable=False),
    sa.Column("allow_domains", sa.JSON, nullable=False),
    sa.Column("deny_domains", sa.JSON, nullable=False),
    sa.Column("poll_duration_h", sa.Float),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", REF),
)

polls = sa.Table(
    "polls",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("platform", PLATFORM, nullable=False),
    sa.Column("channel_id", REF, nullable=False),
    sa.Column("message_ref", REF),
    # The thread the poll message sits in, when not the channel itself (edits need it).
    sa.Column("message_thread", REF),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("prediction_i", sa.Integer),
    sa.Column("source_url", URL),
    sa.Column("starter_id", REF, nullable=False),
    sa.Column("hide_results", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("closes_at", UtcDateTime, nullable=False),
    sa.Column("closed_at", UtcDateTime),
    sa.Column("closed_by", REF),
    sa.Column("status", sa.String(8), nullable=False),
    # The day the polled forecast comes due (when the article names one), who made it, and
    # when its one due reminder was claimed: set before posting, so it is posted at most once.
    sa.Column("resolve_by", sa.Date),
    sa.Column("predicted_by", sa.String(200)),
    sa.Column("reminded_at", UtcDateTime),
    sa.CheckConstraint("status IN ('open', 'closed')", name="status"),
    sa.Index(None, "status", "closes_at"),
    sa.Index(None, "platform", "message_ref"),
    sa.Index(None, "reminded_at", "resolve_by"),
)

poll_options = sa.Table(
    "poll_options",
    metadata,
    sa.Column("poll_id", ID, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("text", sa.String(300), nullable=False),
)

votes = sa.Table(
    "votes",
    metadata,
    # The primary key is the one-row-per-person-per-poll rule and the upsert's conflict target.
    sa.Column("poll_id", ID, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", REF, primary_key=True),
    sa.Column("option", sa.Integer, nullable=False),
    sa.Column("cast_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.ForeignKeyConstraint(
        ["poll_id", "option"], ["poll_options.poll_id", "poll_options.idx"], ondelete="CASCADE"
    ),
    sa.Index(None, "poll_id", "option"),
)

processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("platform", PLATFORM, primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("seen_at", UtcDateTime, nullable=False, index=True),
    # A link message's job: "pending" with its message until answered, then "done" (plain
    # event keys of clicks and votes leave both NULL).
    sa.Column("status", sa.String(8), index=True),
    sa.Column("payload", sa.JSON),
)

user_optouts = sa.Table(
    "user_optouts",
    metadata,
    sa.Column("platform", PLATFORM, primary_key=True),
    sa.Column("user_id", REF, primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
