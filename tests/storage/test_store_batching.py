"""Group commit of votes and small writes: each keeps its own outcome, none is lost or stranded."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from store_support import FakeClock, Target

from bot.poll_errors import InvalidOption, PollClosed, PollNotFound
from bot.poll_models import PollSpec
from bot.storage.records import Share
from bot.store import SqlStore

SPEC = PollSpec("Q?", ("yes", "no"), timedelta(hours=1))


async def _poll(store: SqlStore) -> int:
    state = await store.create_poll(SPEC, platform="console", channel_id="c", starter_id="s")
    return state.id


async def test_refusals_in_a_batch_do_not_affect_the_other_votes(store: SqlStore) -> None:
    """Concurrent votes on open, closed and missing polls each get their own answer."""
    open_id, closed_id = await _poll(store), await _poll(store)
    await store.close_poll(closed_id)
    results = await asyncio.gather(
        store.cast_vote(open_id, "a", 0),
        store.cast_vote(closed_id, "b", 0),
        store.cast_vote(open_id, "c", 5),
        store.cast_vote(closed_id + 99, "d", 0),
        store.cast_vote(open_id, "e", 1, event_key="k1"),
        store.cast_vote(open_id, "e", 0, event_key="k1"),
        return_exceptions=True,
    )
    assert results[0] == 2 and results[4] == 2 and results[5] == 2
    assert isinstance(results[1], PollClosed)
    assert isinstance(results[2], InvalidOption)
    assert isinstance(results[3], PollNotFound)
    state = await store.get_poll(open_id)
    # The second "e" click repeated event k1, so the first one's answer stands.
    assert state.tally.counts == (1, 1)
    assert (await store.get_poll(closed_id)).voters == 0


async def test_closing_the_store_commits_queued_votes(target: Target, clock: FakeClock) -> None:
    """Votes queued when the store closes are committed before the connections go."""
    store = await SqlStore.open(target.url, schema=target.schema, clock=clock)
    poll_id = await _poll(store)
    tasks = [asyncio.create_task(store.cast_vote(poll_id, f"u{n}", n % 2)) for n in range(50)]
    await asyncio.sleep(0)
    await store.close()
    assert all(isinstance(r, int) for r in await asyncio.gather(*tasks))
    reopened = await SqlStore.open(target.url, schema=target.schema, clock=clock)
    try:
        assert (await reopened.get_poll(poll_id)).voters == 50
    finally:
        await reopened.close()


async def test_a_cancelled_voter_does_not_strand_the_others(store: SqlStore) -> None:
    """Cancelling one waiting vote leaves the rest of its batch to complete normally."""
    poll_id = await _poll(store)
    tasks = [asyncio.create_task(store.cast_vote(poll_id, f"u{n}", 0)) for n in range(20)]
    await asyncio.sleep(0)
    tasks[3].cancel()
    done = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(done[3], asyncio.CancelledError)
    assert all(isinstance(r, int) for n, r in enumerate(done) if n != 3)
    # A cancelled wait does not undo a vote that was already queued: it may still count.
    assert (await store.get_poll(poll_id)).voters in (19, 20)


async def test_vote_time_is_the_click_time(store: SqlStore, clock: FakeClock) -> None:
    """A vote clicked before the closing time counts even if it is written just after."""
    poll_id = await _poll(store)
    clock.advance(minutes=59, seconds=59)
    vote = asyncio.create_task(store.cast_vote(poll_id, "late-but-valid", 1))
    await asyncio.sleep(0)
    clock.advance(seconds=2)
    assert await vote == 1
    with pytest.raises(PollClosed):
        await store.cast_vote(poll_id, "too-late", 1)


async def test_event_claims_and_shares_share_commits(store: SqlStore, clock: FakeClock) -> None:
    """300 concurrent event claims and shares take a handful of commits, each write keeps its
    own answer (a duplicate claim in the same batch is refused), and all are stored."""
    before = store.write_commits
    claims = [store.mark_event_processed("slack", f"e{n % 150}") for n in range(300)]
    shares = [
        store.record_share(Share("slack", "c", f"https://x.org/{n}", clock.now), event_key=f"e{n}")
        for n in range(100)
    ]
    results = await asyncio.gather(*claims, *shares)
    assert results[:150] == [True] * 150 and results[150:300] == [False] * 150
    assert store.write_commits - before <= 10
    found = await store.find_event_share("slack", "c", "https://x.org/7", "e7")
    assert found is not None and found.url == "https://x.org/7"


async def test_a_failing_write_does_not_fail_its_batch(store: SqlStore, clock: FakeClock) -> None:
    """A write that fails inside a batch fails alone; the writes batched with it commit."""

    async def broken(conn: object) -> None:
        raise RuntimeError("bad write")

    results = await asyncio.gather(
        store.mark_event_processed("slack", "ok-1"),
        store._writes.submit(broken),
        store.record_share(Share("slack", "c", "https://x.org/z", clock.now), event_key="ok-2"),
        return_exceptions=True,
    )
    assert results[0] is True and isinstance(results[1], RuntimeError) and results[2] is None
    assert await store.mark_event_processed("slack", "ok-1") is False
    assert await store.find_event_share("slack", "c", "https://x.org/z", "ok-2") is not None
