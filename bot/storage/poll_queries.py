"""Poll statements run inside the store's transactions: create, vote (upsert), close, load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot import polls as rules
from bot.poll_errors import PollClosed, PollNotFound
from bot.poll_models import PollOption, PollSpec, PollState, Tally
from bot.storage.tables import poll_options, polls, processed_events, votes

_POLL_LOCKS = 0x706F6C6C  # "poll": the advisory lock space for poll ids


def insert_into(conn: AsyncConnection, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both spell it the same way)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def claim_event(conn: AsyncConnection, platform: str, key: str, now: datetime) -> bool:
    """Record an event key if it is new; False means the event was already handled."""
    stmt = (
        insert_into(conn, processed_events)
        .values(platform=platform, key=key, seen_at=now)
        .on_conflict_do_nothing(index_elements=["platform", "key"])
        .returning(processed_events.c.key)
    )
    return (await conn.execute(stmt)).first() is not None


async def insert_poll(
    conn: AsyncConnection,
    spec: PollSpec,
    *,
    platform: str,
    channel_id: str,
    starter_id: str,
    message_ref: str | None,
    now: datetime,
) -> int:
    """Insert a poll and its answers; return the new poll id."""
    stmt = (
        sa.insert(polls)
        .values(
            platform=platform,
            channel_id=channel_id,
            message_ref=message_ref,
            question=spec.question,
            prediction_i=spec.prediction_i,
            source_url=spec.source_url,
            starter_id=starter_id,
            hide_results=spec.hide_results,
            resolve_by=spec.resolve_by,
            predicted_by=spec.predicted_by,
            created_at=now,
            closes_at=rules.closes_at(now, spec.duration),
            status="open",
        )
        .returning(polls.c.id)
    )
    poll_id = int((await conn.execute(stmt)).scalar_one())
    await conn.execute(
        sa.insert(poll_options),
        [{"poll_id": poll_id, "idx": i, "text": text} for i, text in enumerate(spec.options)],
    )
    return poll_id


async def lock_polls(conn: AsyncConnection, poll_ids: Iterable[int]) -> None:
    """Serialise writers of these polls until the transaction ends (PostgreSQL only).

    Vote batches and the close take a transaction-scoped advisory lock per poll, so a vote
    either commits before the close counts or waits and then reads status 'closed'. The lock
    manager queues waiters fairly, so a storm of votes cannot starve the close. Sorted ids
    keep two processes from deadlocking; SQLite gets the same order from BEGIN IMMEDIATE.
    """
    if conn.dialect.name != "postgresql":
        return
    for poll_id in sorted(set(poll_ids)):
        # The two-key form lives apart from the one-key migration lock; ids wrap into int4.
        await conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": _POLL_LOCKS, "key": _int4(poll_id)},
        )


def _int4(value: int) -> int:
    return (value + 2**31) % 2**32 - 2**31


async def close_poll(
    conn: AsyncConnection, poll_id: int, *, closed_by: str | None, now: datetime
) -> PollState:
    """Mark the poll closed and count its votes in the same transaction; PollClosed if it was."""
    await lock_polls(conn, [poll_id])
    row = (await conn.execute(sa.select(polls.c.status).where(polls.c.id == poll_id))).first()
    if row is None:
        raise PollNotFound()
    if row.status != "open":
        raise PollClosed()
    await conn.execute(
        sa.update(polls)
        .where(polls.c.id == poll_id)
        .values(status="closed", closed_at=now, closed_by=closed_by)
    )
    return await load_state(conn, poll_id)


async def claim_reminder(conn: AsyncConnection, poll_id: int, now: datetime) -> PollState | None:
    """Mark the poll's due reminder taken and return the poll; None if someone took it first.

    One conditional UPDATE: of two processes racing, the second finds the row changed (SQLite
    serialises writers, PostgreSQL re-reads the locked row) and gets nothing back.
    """
    claimed = (
        await conn.execute(
            sa.update(polls)
            .where(polls.c.id == poll_id, polls.c.reminded_at.is_(None))
            .values(reminded_at=now)
            .returning(polls.c.id)
        )
    ).first()
    return await load_state(conn, poll_id) if claimed is not None else None


async def load_state(conn: AsyncConnection, poll_id: int) -> PollState:
    """The poll with its answers and a tally recounted from the votes."""
    states = await load_states(conn, polls.c.id == poll_id)
    if not states:
        raise PollNotFound()
    return states[0]


async def load_states(conn: AsyncConnection, where: sa.ColumnElement[bool]) -> list[PollState]:
    """Every poll matching `where`, soonest closing first, with answers and recounted tallies."""
    rows = (
        await conn.execute(sa.select(polls).where(where).order_by(polls.c.closes_at, polls.c.id))
    ).all()
    if not rows:
        return []
    ids = sa.select(polls.c.id).where(where).scalar_subquery()
    options: dict[int, list[PollOption]] = defaultdict(list)
    for opt in await conn.execute(
        sa.select(poll_options)
        .where(poll_options.c.poll_id.in_(ids))
        .order_by(poll_options.c.poll_id, poll_options.c.idx)
    ):
        options[opt.poll_id].append(PollOption(opt.idx, opt.text))
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for poll_id, option, n in await conn.execute(
        sa.select(votes.c.poll_id, votes.c.option, sa.func.count())
        .where(votes.c.poll_id.in_(ids))
        .group_by(votes.c.poll_id, votes.c.option)
    ):
        counts[poll_id][option] = int(n)
    return [_state(row, options[row.id], counts[row.id]) for row in rows]


def _state(row: sa.Row[Any], options: Sequence[PollOption], counts: dict[int, int]) -> PollState:
    tally = Tally(tuple(counts.get(opt.index, 0) for opt in options))
    return PollState(
        id=int(row.id),
        platform=row.platform,
        channel_id=row.channel_id,
        starter_id=row.starter_id,
        question=row.question,
        options=tuple(options),
        created_at=row.created_at,
        closes_at=row.closes_at,
        tally=tally,
        status="closed" if row.status == "closed" else "open",
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        message_ref=row.message_ref,
        message_thread=row.message_thread,
        prediction_i=row.prediction_i,
        source_url=row.source_url,
        hide_results=bool(row.hide_results),
        resolve_by=row.resolve_by,
        predicted_by=row.predicted_by,
        reminded_at=row.reminded_at,
    )
