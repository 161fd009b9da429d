"""Queries for channel settings and per-user opt-outs."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.poll_queries import insert_into
from bot.storage.records import ChannelConfig
from bot.storage.tables import channel_settings, user_optouts


async def channel_config(
    conn: AsyncConnection, platform: str, channel_id: str
) -> ChannelConfig | None:
    """The channel's stored settings, or None when it has none."""
    row = (
        await conn.execute(
            sa.select(channel_settings).where(
                channel_settings.c.platform == platform,
                channel_settings.c.channel_id == channel_id,
            )
        )
    ).first()
    if row is None:
        return None
    return ChannelConfig(
        platform=row.platform,
        channel_id=row.channel_id,
        mode=row.mode,
        reply=row.reply,
        languages=tuple(row.languages),
        allow_domains=tuple(row.allow_domains),
        deny_domains=tuple(row.deny_domains),
        poll_duration_h=row.poll_duration_h,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


async def upsert_channel_config(
    conn: AsyncConnection, config: ChannelConfig, now: datetime
) -> None:
    """Store a channel's settings stamped `now`, replacing the previous ones."""
    values = {
        "platform": config.platform,
        "channel_id": config.channel_id,
        "mode": config.mode,
        "reply": config.reply,
        "languages": list(config.languages),
        "allow_domains": list(config.allow_domains),
        "deny_domains": list(config.deny_domains),
        "poll_duration_h": config.poll_duration_h,
        "updated_at": now,
        "updated_by": config.updated_by,
    }
    stmt = insert_into(conn, channel_settings).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "channel_id"],
        set_={k: v for k, v in values.items() if k not in ("platform", "channel_id")},
    )
    await conn.execute(stmt)


async def set_opt_out(
    conn: AsyncConnection, platform: str, user_id: str, opted_out: bool, now: datetime
) -> None:
    """Add (or remove) a person's opt-out from automatic answers."""
    if opted_out:
        stmt = insert_into(conn, user_optouts).values(
            platform=platform, user_id=user_id, created_at=now
        )
        await conn.execute(stmt.on_conflict_do_nothing())
    else:
        await conn.execute(
            sa.delete(user_optouts).where(
                user_optouts.c.platform == platform, user_optouts.c.user_id == user_id
            )
        )


async def opted_out_users(conn: AsyncConnection) -> set[tuple[str, str]]:
    """Every (platform, user id) that opted out of automatic answers."""
    rows = await conn.execute(sa.select(user_optouts.c.platform, user_optouts.c.user_id))
    return {(r.platform, r.user_id) for r in rows}
