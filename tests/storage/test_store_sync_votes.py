"""SqlStore.sync_votes: a native poll's votes made equal to the platform's lists, both engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa
from store_support import FakeClock

from bot.poll_errors import InvalidOption, PollClosed, PollNotFound
from bot.poll_models import PollSpec
from bot.storage.tables import votes
from bot.store import SqlStore

SPEC = PollSpec("Will the bridge open by May?", ("Yes", "No", "Too early"), timedelta(hours=24))


async def _poll(store: SqlStore) -> int:
    state = await store.create_poll(SPEC, platform="discord", channel_id="c1", starter_id="s")
    return state.id


async def _rows(store: SqlStore, poll_id: int) -> dict[str, int]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(votes.c.user_id, votes.c.option).where(votes.c.poll_id == poll_id)
        )
        return {user: option for user, option in rows}


async def test_sync_adds_moves_and_withdraws_then_is_idempotent(store: SqlStore) -> None:
    """Missing votes added, changed ones moved, unlisted ones withdrawn; a rerun changes nothing."""
    poll_id = await _poll(store)
    for user, option in (("kept", 0), ("moved", 0), ("gone", 2)):
        await store.cast_vote(poll_id, user, option)
    lists = {0: ["kept", "new"], 1: ["moved"], 2: []}
    changes = await store.sync_votes(poll_id, lists)
    assert changes.cast == {"new": 0, "moved": 1}
    assert changes.withdrawn == {"gone": 2}
    assert await _rows(store, poll_id) == {"kept": 0, "new": 0, "moved": 1}
    assert (await store.get_poll(poll_id)).tally.counts == (2, 1, 0)
    assert not await store.sync_votes(poll_id, lists)
    assert await _rows(store, poll_id) == {"kept": 0, "new": 0, "moved": 1}


async def test_sync_counts_an_expired_poll_not_yet_closed(
    store: SqlStore, clock: FakeClock
) -> None:
    """Past its closing time but not yet closed, the platform's final lists still land."""
    poll_id = await _poll(store)
    clock.advance(hours=25)
    with pytest.raises(PollClosed):
        await store.cast_vote(poll_id, "late", 0)
    changes = await store.sync_votes(poll_id, {0: ["a"], 1: ["b", "c"]})
    assert len(changes.cast) == 3
    closed = await store.close_poll(poll_id)
    assert closed.tally.counts == (1, 2, 0)


async def test_sync_leaves_a_closed_poll_final(store: SqlStore) -> None:
    """A poll closed in the store keeps its announced tally: PollClosed, nothing written."""
    poll_id = await _poll(store)
    await store.cast_vote(poll_id, "a", 0)
    await store.close_poll(poll_id)
    with pytest.raises(PollClosed):
        await store.sync_votes(poll_id, {1: ["a", "b"]})
    assert await _rows(store, poll_id) == {"a": 0}


async def test_sync_refuses_unknown_polls_and_answers(store: SqlStore) -> None:
    """A missing poll is PollNotFound; an answer the poll lacks InvalidOption; nothing written."""
    poll_id = await _poll(store)
    await store.cast_vote(poll_id, "a", 0)
    with pytest.raises(PollNotFound):
        await store.sync_votes(poll_id + 100, {0: ["a"]})
    with pytest.raises(InvalidOption):
        await store.sync_votes(poll_id, {0: [], 5: ["b"]})
    assert await _rows(store, poll_id) == {"a": 0}


async def test_sync_follows_votes_queued_before_it(store: SqlStore) -> None:
    """Votes queued before a sync commit first, so the sync sees (and corrects) them."""
    poll_id = await _poll(store)
    queued = [asyncio.create_task(store.cast_vote(poll_id, f"u{i}", 0)) for i in range(20)]
    await asyncio.sleep(0)
    changes = await store.sync_votes(poll_id, {1: [f"u{i}" for i in range(10)]})
    await asyncio.gather(*queued)
    assert await _rows(store, poll_id) == {f"u{i}": 1 for i in range(10)}
    assert len(changes.withdrawn) == 10 and len(changes.cast) == 10


async def test_sync_of_a_thousand_voters(store: SqlStore) -> None:
    """A thousand listed voters are written in one sync and counted once each."""
    poll_id = await _poll(store)
    lists = {i % 3: [f"p{j}" for j in range(1000) if j % 3 == i % 3] for i in range(3)}
    changes = await store.sync_votes(poll_id, lists)
    assert len(changes.cast) == 1000
    state = await store.get_poll(poll_id)
    assert state.voters == 1000 and state.tally.counts == (334, 333, 333)
