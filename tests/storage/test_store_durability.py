"""Reliability plan section I: concurrent votes, close races, SQLite locking and idempotency."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from store_support import FakeClock, Target

from bot import polls as rules
from bot.poll_errors import PollClosed
from bot.poll_models import PollSpec
from bot.storage.engine import READ_ONLY
from bot.storage.tables import votes
from bot.store import SqlStore

OPTIONS = ("Will happen", "Won't happen", "Too early to tell")


async def _poll(store: SqlStore) -> int:
    spec = PollSpec("Will it happen?", OPTIONS, timedelta(days=1))
    return (await store.create_poll(spec, platform="console", channel_id="c", starter_id="s")).id


async def _rows(store: SqlStore, poll_id: int) -> list[tuple[str, int]]:
    async with store.engine.connect() as conn:
        await conn.execution_options(**{READ_ONLY: True})
        result = await conn.execute(
            sa.select(votes.c.user_id, votes.c.option).where(votes.c.poll_id == poll_id)
        )
        return [(user, option) for user, option in result]


async def test_a_thousand_users_voting_at_once_make_a_thousand_rows(store: SqlStore) -> None:
    """1,000 distinct users voting concurrently leave exactly 1,000 rows and a tally of 1,000."""
    poll_id = await _poll(store)
    choices = {f"user-{n}": n % 3 for n in range(1000)}
    await asyncio.gather(*(store.cast_vote(poll_id, u, o) for u, o in choices.items()))
    rows = await _rows(store, poll_id)
    assert len(rows) == 1000
    assert dict(rows) == choices
    state = await store.get_poll(poll_id)
    assert state.voters == 1000
    assert state.tally == rules.tally(choices.values(), len(OPTIONS))


async def test_one_user_clicking_a_hundred_times_has_one_vote(store: SqlStore) -> None:
    """100 concurrent clicks by one user on mixed answers leave one row holding one of them."""
    poll_id = await _poll(store)
    clicks = [n % 2 * 2 for n in range(100)]  # answers 0 and 2, never 1
    counts = await asyncio.gather(*(store.cast_vote(poll_id, "eve", o) for o in clicks))
    assert set(counts) == {1}
    rows = await _rows(store, poll_id)
    assert len(rows) == 1 and rows[0][0] == "eve" and rows[0][1] in {0, 2}
    state = await store.get_poll(poll_id)
    assert state.voters == 1 and state.tally.counts[rows[0][1]] == 1


async def test_close_racing_votes_announces_exactly_the_committed_votes(store: SqlStore) -> None:
    """200 votes racing a close are each counted or refused; the announced tally is a recount."""
    poll_id = await _poll(store)
    confirmed: list[str] = []
    refused: list[str] = []
    some_counted = asyncio.Event()

    async def vote(user: str, option: int) -> None:
        try:
            await store.cast_vote(poll_id, user, option)
        except PollClosed as error:
            assert str(error) == "This poll is closed."
            refused.append(user)
            return
        confirmed.append(user)
        if len(confirmed) >= 50:
            some_counted.set()

    async def close() -> rules.Tally:
        await some_counted.wait()
        return (await store.close_poll(poll_id, closed_by="s")).tally

    # Clicks keep arriving while the close runs: at most 20 in flight, like people clicking.
    in_flight = asyncio.Semaphore(20)

    async def click(n: int) -> None:
        async with in_flight:
            await vote(f"u{n}", n % 3)

    *_, announced = await asyncio.gather(*(click(n) for n in range(200)), close())
    assert len(confirmed) + len(refused) == 200
    assert refused, "the close should have overtaken part of the storm"
    recount = await _rows(store, poll_id)
    assert sorted(u for u, _ in recount) == sorted(confirmed)
    assert announced == rules.tally((o for _, o in recount), len(OPTIONS))
    assert announced == (await store.get_poll(poll_id)).tally


async def test_sqlite_pragmas_are_set_on_every_connection(store: SqlStore, target: Target) -> None:
    """SQLite runs in WAL mode with synchronous=FULL, foreign keys on and a busy timeout >= 5 s."""
    if target.backend != "sqlite":
        pytest.skip("SQLite PRAGMAs")
    async with store.engine.connect() as a, store.engine.connect() as b:
        for conn in (a, b):
            await conn.execution_options(**{READ_ONLY: True})
            read = {
                name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
            assert read["journal_mode"] == "wal"
            assert read["synchronous"] == 2
            assert read["foreign_keys"] == 1
            assert isinstance(read["busy_timeout"], int) and read["busy_timeout"] >= 5000


async def test_two_sqlite_writers_reading_then_writing_never_see_locked(
    target: Target, clock: FakeClock
) -> None:
    """Two stores (two writers) doing read-then-write votes on one file never fail with 'locked'."""
    if target.backend != "sqlite":
        pytest.skip("SQLite locking")
    one = await SqlStore.open(target.url, clock=clock)
    two = await SqlStore.open(target.url, clock=clock)
    try:
        poll_id = await _poll(one)

        # Each vote batch reads the poll row, then writes: with a deferred BEGIN the second
        # writer's stale snapshot makes SQLite fail at once with SQLITE_BUSY instead of waiting.
        # Sequential clickers give many small, overlapping transactions from both stores.
        async def clicker(s: SqlStore, name: str) -> None:
            for n in range(15):
                await s.cast_vote(poll_id, f"{name}-{n}", n % 3)

        await asyncio.gather(
            *(clicker(s, f"{i}{k}") for i, s in enumerate((one, two)) for k in range(4))
        )
        assert len(await _rows(one, poll_id)) == 120
    finally:
        await one.close()
        await two.close()


async def test_replaying_the_event_log_twice_equals_replaying_it_once(store: SqlStore) -> None:
    """Redelivering a whole recorded log of vote events yields the same votes as one delivery."""
    rng = random.Random(66)
    log = [(f"evt-{n}", f"user-{rng.randrange(15)}", rng.randrange(3)) for n in range(150)]
    once, twice = await _poll(store), await _poll(store)

    async def replay(poll_id: int, prefix: str) -> None:
        # Each user's events arrive in order; different users' events interleave freely.
        async def user_events(user: str) -> None:
            for key, who, option in log:
                if who == user:
                    await store.cast_vote(poll_id, who, option, event_key=f"{prefix}:{key}")

        await asyncio.gather(*(user_events(u) for u in {who for _, who, _ in log}))

    await replay(once, "once")
    await replay(twice, "twice")
    await replay(twice, "twice")
    expected: dict[str, int] = {}
    for _, user, option in log:
        expected = rules.apply_vote(expected, user, option)
    assert dict(await _rows(store, once)) == expected
    assert dict(await _rows(store, twice)) == expected
    assert (await store.get_poll(once)).tally == (await store.get_poll(twice)).tally
