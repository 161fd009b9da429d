"""Queries for link jobs and shares: claim an event with its job, finish it, find its answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.poll_queries import insert_into
from bot.storage.records import Share
from bot.storage.tables import processed_events, shares

JobClaim = Literal["new", "pending", "done"]


@dataclass(frozen=True, slots=True)
class PendingJob:
    """A link message claimed but not answered yet (the process stopped or crashed)."""

    platform: str
    key: str
    payload: dict[str, Any]
    seen_at: datetime


async def claim_job(
    conn: AsyncConnection, platform: str, key: str, payload: Mapping[str, Any], now: datetime
) -> JobClaim:
    """Claim an event and persist its job in one statement; say what an earlier claim left."""
    stmt = (
        insert_into(conn, processed_events)
        .values(platform=platform, key=key, seen_at=now, status="pending", payload=dict(payload))
        .on_conflict_do_nothing(index_elements=["platform", "key"])
        .returning(processed_events.c.key)
    )
    if (await conn.execute(stmt)).first() is not None:
        return "new"
    status = (
        await conn.execute(
            sa.select(processed_events.c.status).where(
                processed_events.c.platform == platform, processed_events.c.key == key
            )
        )
    ).scalar_one_or_none()
    return "pending" if status == "pending" else "done"


async def finish_job(conn: AsyncConnection, platform: str, key: str) -> None:
    """Mark a job answered; its message is no longer needed."""
    await conn.execute(
        sa.update(processed_events)
        .where(processed_events.c.platform == platform, processed_events.c.key == key)
        .values(status="done", payload=None)
    )


async def pending_jobs(conn: AsyncConnection) -> list[PendingJob]:
    """Every unanswered job, oldest first."""
    rows = await conn.execute(
        sa.select(processed_events)
        .where(processed_events.c.status == "pending")
        .order_by(processed_events.c.seen_at, processed_events.c.key)
    )
    return [PendingJob(r.platform, r.key, dict(r.payload or {}), r.seen_at) for r in rows]


async def insert_share(conn: AsyncConnection, share: Share, event_key: str | None) -> None:
    """Remember where a link was answered, and for which event."""
    await conn.execute(
        sa.insert(shares).values(
            platform=share.platform,
            channel_id=share.channel_id,
            url=share.url,
            message_id=share.message_id,
            thread_id=share.thread_id,
            user_id=share.user_id,
            shared_at=share.shared_at,
            event_key=event_key,
        )
    )


async def event_share(
    conn: AsyncConnection, platform: str, channel_id: str, url: str, event_key: str
) -> Share | None:
    """The answer an event already got for `url` in this channel, if any."""
    return await _first_share(conn, platform, channel_id, url, shares.c.event_key == event_key)


async def recent_share(
    conn: AsyncConnection, platform: str, channel_id: str, url: str, since: datetime
) -> Share | None:
    """The latest answer to `url` in this channel at or after `since`, if any."""
    return await _first_share(
        conn,
        platform,
        channel_id,
        url,
        shares.c.shared_at >= since,
        order=(shares.c.shared_at.desc(), shares.c.id.desc()),
    )


async def _first_share(
    conn: AsyncConnection,
    platform: str,
    channel_id: str,
    url: str,
    condition: sa.ColumnElement[bool],
    *,
    order: tuple[sa.ColumnElement[Any], ...] = (),
) -> Share | None:
    """The first share of `url` in a channel that also meets `condition`, in `order`."""
    query = (
        sa.select(shares)
        .where(
            shares.c.platform == platform,
            shares.c.channel_id == channel_id,
            shares.c.url == url,
            condition,
        )
        .order_by(*order)
        .limit(1)
    )
    row = (await conn.execute(query)).first()
    return share_from_row(row) if row is not None else None


def share_from_row(row: Row[Any]) -> Share:
    """A Share from a row of the shares table."""
    return Share(
        platform=row.platform,
        channel_id=row.channel_id,
        url=row.url,
        shared_at=row.shared_at,
        message_id=row.message_id,
        thread_id=row.thread_id,
        user_id=row.user_id,
    )
