"""Native Discord polls: votes added, taken back, changed and re-added reach the stored tally."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fakes.discord_fake import FakeDiscord

from adapters.discord.adapter import DiscordAdapter
from bot.poll_errors import PollClosed
from bot.poll_models import PollState
from bot.store import SqlStore

URL = "https://news.example.com/2026/rates"
CAROL = "1100000000000000042"
DAVE = "1100000000000000043"
StartAdapter = Callable[..., Awaitable[DiscordAdapter]]


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


async def native_poll(fake: FakeDiscord) -> dict[str, Any]:
    """/summarize, then "Start a poll": the native poll message the bot posted."""
    await fake.slash("summarize", url=URL)
    await fake.wait_call("POST", "/webhooks/")
    card = next(m for m in fake.messages.values() if m.get("embeds"))
    await fake.click("unspin:p:k1:3", card)
    await fake.wait_until(lambda: any(m.get("poll") for m in fake.messages.values()))
    return next(m for m in fake.messages.values() if m.get("poll"))


async def test_removed_native_vote_leaves_the_tally(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """MESSAGE_POLL_VOTE_REMOVE takes the vote back; the same answer chosen again counts again."""
    await start_adapter(native_polls=True)
    mid = (await native_poll(fake))["id"]
    await stored_when(store, mid, lambda s: True)
    await fake.vote_native(mid, answer_id=2, user_id=CAROL)
    await stored_when(store, mid, lambda s: s.tally.counts[:2] == (0, 1))
    await fake.vote_native(mid, answer_id=2, user_id=CAROL, remove=True)
    state = await stored_when(store, mid, lambda s: s.voters == 0)
    assert state.tally.counts[:2] == (0, 0)
    await fake.vote_native(mid, answer_id=2, user_id=CAROL)  # not mistaken for a redelivery
    state = await stored_when(store, mid, lambda s: s.tally.counts[:2] == (0, 1))
    await store.close_poll(state.id)
    with pytest.raises(PollClosed):  # a closed poll's tally is final
        await store.remove_vote(state.id, CAROL, 1)
    assert (await store.get_poll(state.id)).voters == 1


async def test_changed_native_vote_moves_it(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """Changing an answer (remove old, add new) moves the vote; a stray remove changes nothing."""
    await start_adapter(native_polls=True)
    mid = (await native_poll(fake))["id"]
    await stored_when(store, mid, lambda s: True)
    await fake.vote_native(mid, answer_id=1, user_id=CAROL)
    await stored_when(store, mid, lambda s: s.voters == 1)
    await fake.vote_native(mid, answer_id=2, user_id=CAROL, remove=True)  # not her answer
    await fake.vote_native(mid, answer_id=1, user_id=DAVE)
    await stored_when(store, mid, lambda s: s.tally.counts[:2] == (2, 0))
    await asyncio.sleep(0.1)
    assert (await stored_when(store, mid, lambda s: True)).tally.counts[:2] == (2, 0)
    await fake.vote_native(mid, answer_id=1, user_id=CAROL, remove=True)
    await fake.vote_native(mid, answer_id=2, user_id=CAROL)
    state = await stored_when(store, mid, lambda s: s.tally.counts[:2] == (1, 1))
    assert state.voters == 2
