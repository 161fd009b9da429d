"""Votes as one set-based write: judge each in order, then upsert them together; or sync them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot import polls as rules
from bot.poll_errors import InvalidOption, PollClosed, PollError, PollNotFound
from bot.storage import poll_queries as pq
from bot.storage.tables import poll_options, polls, processed_events, votes


class VoteRequest(Protocol):
    """One click: who chose which answer of which poll, when, and the platform's event id."""

    @property
    def poll_id(self) -> int: ...
    @property
    def user_id(self) -> str: ...
    @property
    def option(self) -> int: ...
    @property
    def event_key(self) -> str | None: ...
    @property
    def now(self) -> datetime: ...


async def cast_votes(conn: AsyncConnection, batch: Sequence[VoteRequest]) -> list[int | PollError]:
    """Apply votes in order within the open transaction; per vote, the voters or its refusal.

    A vote is refused when its poll is missing (PollNotFound), closed or past its closing time
    (PollClosed), or the answer is not the poll's (InvalidOption); refused votes change
    nothing, not even their event key. A vote whose event key was seen before is a platform
    redelivery and changes nothing either. Later clicks by one person replace earlier ones:
    one row per person per poll, written as an upsert.
    """
    poll_ids = {vote.poll_id for vote in batch}
    await pq.lock_polls(conn, poll_ids)
    n_options = (
        sa.select(sa.func.count())
        .select_from(poll_options)
        .where(poll_options.c.poll_id == polls.c.id)
        .scalar_subquery()
    )
    gates = {
        row.id: row
        for row in await conn.execute(
            sa.select(
                polls.c.id, polls.c.platform, polls.c.status, polls.c.closes_at, n_options
            ).where(polls.c.id.in_(poll_ids))
        )
    }
    keys = {vote.event_key for vote in batch if vote.event_key is not None}
    seen: set[tuple[str, str]] = set()
    if keys:
        seen = {
            (row.platform, row.key)
            for row in await conn.execute(
                sa.select(processed_events.c.platform, processed_events.c.key).where(
                    processed_events.c.key.in_(keys)
                )
            )
        }
    errors: dict[int, PollError] = {}
    claimed: list[dict[str, object]] = []
    final: dict[tuple[int, str], dict[str, object]] = {}
    for n, vote in enumerate(batch):
        gate = gates.get(vote.poll_id)
        if gate is None:
            errors[n] = PollNotFound()
            continue
        event = (gate.platform, vote.event_key) if vote.event_key is not None else None
        if event is not None and event in seen:
            continue  # a redelivered event: changes nothing, answers with the count
        if gate.status != "open" or vote.now >= gate.closes_at:
            errors[n] = PollClosed()
            continue
        if not 0 <= vote.option < gate[4]:
            errors[n] = InvalidOption()
            continue
        if event is not None:
            seen.add(event)
            claimed.append({"platform": event[0], "key": event[1], "seen_at": vote.now})
        previous = final.get((vote.poll_id, vote.user_id))
        final[(vote.poll_id, vote.user_id)] = {
            "poll_id": vote.poll_id,
            "user_id": vote.user_id,
            "option": vote.option,
            "cast_at": previous["cast_at"] if previous else vote.now,
            "updated_at": vote.now,
        }
    if claimed:
        # The poll locks (or SQLite's single writer) make the check above authoritative for
        # votes; DO NOTHING only guards against a foreign writer reusing a key, which must not
        # fail the other votes of the batch.
        await conn.execute(
            pq.insert_into(conn, processed_events).on_conflict_do_nothing(
                index_elements=["platform", "key"]
            ),
            claimed,
        )
    if final:
        stmt = pq.insert_into(conn, votes)
        stmt = stmt.on_conflict_do_update(
            index_elements=["poll_id", "user_id"],
            set_={"option": stmt.excluded.option, "updated_at": stmt.excluded.updated_at},
        )
        await conn.execute(stmt, list(final.values()))
    counted = await conn.execute(
        sa.select(votes.c.poll_id, sa.func.count())
        .where(votes.c.poll_id.in_(poll_ids))
        .group_by(votes.c.poll_id)
    )
    counts: dict[int, int] = {poll_id: int(n) for poll_id, n in counted}
    return [errors.get(n) or counts.get(vote.poll_id, 0) for n, vote in enumerate(batch)]


async def sync_votes(
    conn: AsyncConnection,
    poll_id: int,
    voters_by_option: Mapping[int, Iterable[str]],
    now: datetime,
) -> rules.VoteChanges:
    """Make an open poll's votes equal a platform's full voter lists, in this transaction.

    The platform is the authority on its own poll, so its closing time is not checked here:
    lists read after it expired are the final votes. A poll closed in the store is final
    (PollClosed), one that does not exist is PollNotFound, an unknown answer InvalidOption.
    """
    await pq.lock_polls(conn, [poll_id])
    gate = (await conn.execute(sa.select(polls.c.status).where(polls.c.id == poll_id))).first()
    if gate is None:
        raise PollNotFound()
    if gate.status != "open":
        raise PollClosed()
    n_options = await conn.scalar(
        sa.select(sa.func.count())
        .select_from(poll_options)
        .where(poll_options.c.poll_id == poll_id)
    )
    stored = {
        row.user_id: row.option
        for row in await conn.execute(
            sa.select(votes.c.user_id, votes.c.option).where(votes.c.poll_id == poll_id)
        )
    }
    changes = rules.reconcile_votes(stored, voters_by_option, int(n_options or 0))
    if changes.cast:
        stmt = pq.insert_into(conn, votes)
        stmt = stmt.on_conflict_do_update(
            index_elements=["poll_id", "user_id"],
            set_={"option": stmt.excluded.option, "updated_at": stmt.excluded.updated_at},
        )
        rows = [
            {"poll_id": poll_id, "user_id": person, "option": option,
             "cast_at": now, "updated_at": now}
            for person, option in changes.cast.items()
        ]  # fmt: skip
        await conn.execute(stmt, rows)
    if changes.withdrawn:
        # Only the answer read above: a vote that changed meanwhile is not taken back.
        mine = sa.delete(votes).where(
            (votes.c.poll_id == sa.bindparam("p"))
            & (votes.c.user_id == sa.bindparam("u"))
            & (votes.c.option == sa.bindparam("o"))
        )
        await conn.execute(
            mine, [{"p": poll_id, "u": u, "o": o} for u, o in changes.withdrawn.items()]
        )
    return changes
