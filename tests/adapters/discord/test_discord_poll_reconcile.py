"""Native polls lose no votes over a restart or a gateway gap: READY reads Discord's voters back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import discord
import pytest
import sqlalchemy as sa
from fakes.discord_fake import FakeDiscord

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.app import UnspinClient
from bot.core import Core
from bot.poll_models import PollSpec, PollState
from bot.render import poll_card
from bot.storage.tables import votes
from bot.store import SqlStore
from bot.tasks import Supervisor
from bot.testing import CueAnalyzer, StaticFetcher, extract_plain

StartAdapter = Callable[..., Awaitable[DiscordAdapter]]
SPEC = PollSpec("Will the harbour reopen by May?", ("Yes", "No", "Too early"), timedelta(hours=24))
CAROL = "1100000000000000042"
DAVE = "1100000000000000043"
ERIN = "1100000000000000044"


@pytest.fixture
async def core(store: SqlStore) -> AsyncIterator[Core]:
    """The real Core (its poll flow does the reconciling) on the adapter tests' store."""
    supervisor = Supervisor()
    yield Core(store=store, fetcher=StaticFetcher({}), analyzer=CueAnalyzer(),
               extract=extract_plain, supervisor=supervisor)  # fmt: skip
    await supervisor.drain(1.0)


async def post_poll(adapter: DiscordAdapter, fake: FakeDiscord, store: SqlStore) -> str:
    """Store a poll and post it through the adapter, as the core does; return its message id."""
    state = await store.create_poll(
        SPEC, platform="discord", channel_id=fake.channel_id, starter_id="1100000000000000010"
    )
    conversation = adapter.conversation(fake.channel_id)
    ref = await conversation.post_poll(state, poll_card(state, conversation.capabilities))
    await store.set_poll_message(state.id, ref.message_id, thread_id=ref.thread_id)
    return ref.message_id


async def stored_when(
    store: SqlStore, message_id: str, ready: Callable[[PollState], bool]
) -> PollState:
    """The stored poll shown by a message, once `ready` holds (fails after 5 s)."""
    deadline = time.monotonic() + 5
    state = None
    while time.monotonic() < deadline:
        state = await store.find_poll_by_message("discord", message_id)
        if state is not None and ready(state):
            return state
        await asyncio.sleep(0.02)
    raise AssertionError(f"poll for {message_id} never matched; last seen {state}")


async def rounds_done(adapter: DiscordAdapter, n: int = 1) -> None:
    """Wait until the adapter's reconciler has finished `n` rounds."""
    assert adapter.client is not None
    deadline = time.monotonic() + 5
    while adapter.client.reconciler.rounds < n:
        assert time.monotonic() < deadline, "the reconcile round never finished"
        await asyncio.sleep(0.02)


async def vote_rows(store: SqlStore) -> set[tuple[str, int, object]]:
    """Every stored vote with its last write time."""
    async with store.engine.connect() as conn:
        rows = await conn.execute(sa.select(votes.c.user_id, votes.c.option, votes.c.updated_at))
        return {(user, option, updated) for user, option, updated in rows}


async def test_votes_cast_and_removed_while_down_are_reconciled_after_start(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """A restart mid-poll loses nothing: votes cast while down count, ones taken back go."""
    first = await start_adapter(native_polls=True)
    mid = await post_poll(first, fake, store)
    await fake.vote_native(mid, answer_id=1, user_id=CAROL)
    await fake.vote_native(mid, answer_id=1, user_id=DAVE)
    await stored_when(store, mid, lambda s: s.tally.counts == (2, 0, 0))
    await first.stop()
    await fake.vote_native(mid, answer_id=1, user_id=CAROL, remove=True)  # withdrawn
    await fake.vote_native(mid, answer_id=1, user_id=DAVE, remove=True)  # changed ...
    await fake.vote_native(mid, answer_id=3, user_id=DAVE)  # ... to "Too early"
    await fake.vote_native(mid, answer_id=2, user_id=ERIN)  # new
    assert (await stored_when(store, mid, lambda s: True)).tally.counts == (2, 0, 0)
    second = await start_adapter(native_polls=True)
    state = await stored_when(store, mid, lambda s: s.tally.counts == (0, 1, 1))
    assert state.voters == 2
    await rounds_done(second)
    # Live votes keep working after the reconcile.
    await fake.vote_native(mid, answer_id=2, user_id=CAROL)
    await stored_when(store, mid, lambda s: s.tally.counts == (0, 2, 1))


async def test_reconciling_twice_changes_nothing(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """A second reconcile with nothing new writes nothing: every vote row stays as it was."""
    adapter = await start_adapter(native_polls=True)
    mid = await post_poll(adapter, fake, store)
    for n, user in enumerate((CAROL, DAVE, ERIN)):
        fake.polls.record(mid, n % 2 + 1, user, remove=False)  # cast while nobody listened
    await rounds_done(adapter)
    assert adapter.client is not None
    assert await adapter.client.reconciler.reconcile_all() == 1
    before = await vote_rows(store)
    assert {(u, o) for u, o, _ in before} == {(CAROL, 0), (DAVE, 1), (ERIN, 0)}
    assert await adapter.client.reconciler.reconcile_all() == 1
    assert await vote_rows(store) == before


async def test_two_hundred_voters_over_pagination_and_a_429(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """200 voters on one answer are read 100 a page (after the last id), a 429 waited out."""
    adapter = await start_adapter(native_polls=True)
    mid = await post_poll(adapter, fake, store)
    await rounds_done(adapter)
    voters = [str(1200000000000000000 + n) for n in range(200)]
    for user in voters:
        fake.polls.record(mid, 2, user, remove=False)
    # Answer 1 (nobody) takes one request; answer 2's second page is then refused once.
    fake.polls.throttled = {fake.polls.requests + 2}
    assert adapter.client is not None
    assert await adapter.client.reconciler.reconcile_all() == 1
    state = await stored_when(store, mid, lambda s: True)
    assert state.tally.counts == (0, 200, 0)
    pages = [c for c in fake.find("GET", f"/polls/{mid}/answers/2") if c.status == 200]
    assert all(int(c.query["limit"]) <= 100 for c in fake.find("GET", f"/polls/{mid}/answers/"))
    assert [c.query.get("after") for c in pages[:2]] == [None, voters[99]]
    statuses = [c.status for c in fake.find("GET", f"/polls/{mid}/answers/2")]
    assert statuses == [200, 429, 200, 200]  # the last page is empty: the end of the list


async def test_a_gateway_gap_without_resume_is_reconciled(
    fake: FakeDiscord,
    start_adapter: StartAdapter,
    store: SqlStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Votes during a session that could not resume (4009) are read back after the new READY."""
    release = asyncio.Event()

    async def held(self: object, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:  # the re-identify waits until the test has voted in the gap
            await release.wait()

    monkeypatch.setattr(UnspinClient, "before_identify_hook", held)
    adapter = await start_adapter(native_polls=True)
    mid = await post_poll(adapter, fake, store)
    await rounds_done(adapter)
    await fake.drop(4009)
    await fake.vote_native(mid, answer_id=3, user_id=CAROL)  # nobody is connected to hear it
    release.set()
    await fake.wait_until(lambda: len(fake.identifies) == 2, within=10)
    state = await stored_when(store, mid, lambda s: s.tally.counts == (0, 0, 1))
    assert fake.resumes == [] and state.voters == 1


async def test_a_live_vote_during_the_read_is_not_undone(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """A vote arriving while its poll is read back waits, then counts (the list predates it)."""
    adapter = await start_adapter(native_polls=True)
    mid = await post_poll(adapter, fake, store)
    await fake.vote_native(mid, answer_id=1, user_id=CAROL)
    await stored_when(store, mid, lambda s: s.voters == 1)
    await rounds_done(adapter)
    # Answer 1 takes two pages (CAROL, then none); answer 2's page is then held up by a 429.
    fake.polls.retry_after_s = 0.5
    fake.polls.throttled = {fake.polls.requests + 2}
    assert adapter.client is not None
    reading = asyncio.create_task(adapter.client.reconciler.reconcile_all())
    await fake.wait_until(lambda: any(c.status == 429 for c in fake.find("GET", "/answers/")))
    await fake.vote_native(mid, answer_id=1, user_id=DAVE)  # answer 1 was already read
    assert await reading == 1
    await stored_when(store, mid, lambda s: s.tally.counts == (2, 0, 0))
    await asyncio.sleep(0.1)
    assert (await stored_when(store, mid, lambda s: True)).tally.counts == (2, 0, 0)


async def test_an_ended_poll_keeps_its_final_voters_until_the_store_closes_it(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """A poll that ended while the bot was down gets Discord's final voters; closing keeps them."""
    first = await start_adapter(native_polls=True)
    mid = await post_poll(first, fake, store)
    await first.stop()
    await fake.vote_native(mid, answer_id=2, user_id=CAROL)
    await fake.vote_native(mid, answer_id=2, user_id=DAVE)
    fake.end_poll(mid)
    second = await start_adapter(native_polls=True)
    await stored_when(store, mid, lambda s: s.tally.counts == (0, 2, 0))
    await rounds_done(second)
    state = await stored_when(store, mid, lambda s: True)
    closed = await store.close_poll(state.id)
    assert closed.tally.counts == (0, 2, 0)
    # Closed here, the tally is final: later reads change nothing.
    await fake.vote_native(mid, answer_id=1, user_id=ERIN)
    assert second.client is not None
    assert await second.client.reconciler.reconcile_all() == 0
    assert (await store.get_poll(state.id)).tally.counts == (0, 2, 0)


async def test_button_polls_and_deleted_messages_are_skipped(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """A poll with buttons needs no voter reads; a deleted poll message does not stop the rest."""
    adapter = await start_adapter(native_polls=False)
    buttons = await post_poll(adapter, fake, store)
    await adapter.stop()
    native = await start_adapter(native_polls=True)
    gone = await post_poll(native, fake, store)
    kept = await post_poll(native, fake, store)
    await rounds_done(native)
    del fake.messages[gone]
    fake.polls.record(kept, 1, CAROL, remove=False)
    assert native.client is not None
    assert await native.client.reconciler.reconcile_all() == 1
    await stored_when(store, kept, lambda s: s.tally.counts == (1, 0, 0))
    assert not fake.find("GET", f"/polls/{buttons}/answers/")
    assert not fake.find("GET", f"/polls/{gone}/answers/")


async def test_get_answer_voters_on_the_fake_follows_the_docs(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """The fake's endpoint: sorted ids after `after`, at most `limit`, 404 for unknown messages."""
    adapter = await start_adapter(native_polls=True)
    mid = await post_poll(adapter, fake, store)
    for user in (ERIN, CAROL, DAVE):
        fake.polls.record(mid, 1, user, remove=False)
    assert adapter.client is not None
    http = adapter.client.http
    page = await http.get_poll_answer_voters(int(fake.channel_id), int(mid), 1, limit=2)
    assert [u["id"] for u in page["users"]] == [CAROL, DAVE]
    page = await http.get_poll_answer_voters(
        int(fake.channel_id), int(mid), 1, after=int(DAVE), limit=2
    )
    assert [u["id"] for u in page["users"]] == [ERIN]
    with pytest.raises(discord.NotFound):
        await http.get_poll_answer_voters(int(fake.channel_id), 1, 1)
    with pytest.raises(discord.HTTPException) as bad:
        await http.get_poll_answer_voters(int(fake.channel_id), int(mid), 1, limit=101)
    assert bad.value.status == 400
