"""Outbound behaviour of the real discord.py client against the fake: pacing, 403 rest, nonces."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable

import discord
from fakes.discord_fake import Call, FakeDiscord
from fakes.stub_core import StubCore

from adapters.discord.adapter import DiscordAdapter
from bot.models import Reply, TextBlock

URL = "https://news.example.com/2026/rates"
StartAdapter = Callable[..., Awaitable[DiscordAdapter]]


def channel_posts(fake: FakeDiscord) -> list[Call]:
    """Every POST the bot made to the test channel's messages, in arrival order."""
    return [c for c in fake.calls if c.method == "POST" and c.path.endswith(
        f"/channels/{fake.channel_id}/messages")]  # fmt: skip


async def mention_burst(fake: FakeDiscord, n: int) -> None:
    """`n` people mention the bot with a link in the test channel, all at once."""
    for i in range(n):
        await fake.post_message(f"<@{fake.app_id}> {URL}/{i}")


async def test_burst_of_twenty_is_paced_without_429(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    """G50: 20 answers to one channel leave one per interval; the fake's limit is never hit."""
    fake.channel_post_interval_s = 0.03
    await start_adapter(post_interval_s=0.05)
    await mention_burst(fake, 20)
    await fake.wait_until(lambda: len(fake.bot_posts(fake.channel_id)) == 20, within=10)
    posts = channel_posts(fake)
    assert [c.status for c in posts] == [200] * 20
    gaps = [b.at - a.at for a, b in itertools.pairwise(posts)]
    assert min(gaps) >= 0.049  # each post reaches the fake a full interval after the last


async def test_unpaced_burst_meets_the_fakes_limit(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    """Without pacing the same burst draws 429s (so the paced test above can fail)."""
    fake.channel_post_interval_s = 0.03
    await start_adapter(post_interval_s=0)
    await mention_burst(fake, 20)
    await fake.wait_until(lambda: len(fake.bot_posts(fake.channel_id)) == 20, within=15)
    assert any(c.status == 429 for c in channel_posts(fake))


async def test_repeated_403_one_attempt_per_rest(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """H56: five answers into a channel that refuses: one request, then one more after the rest."""
    fake.forbidden_channels.add(fake.channel_id)
    await start_adapter(refused_rest_s=0.6)
    await mention_burst(fake, 5)
    await fake.wait_until(lambda: len(core.messages) == 5)
    await asyncio.sleep(0.2)
    assert [c.status for c in channel_posts(fake)] == [403]
    await asyncio.sleep(0.5)
    await mention_burst(fake, 1)
    await fake.wait_until(lambda: len(channel_posts(fake)) == 2)
    await asyncio.sleep(0.1)
    assert [c.status for c in channel_posts(fake)] == [403, 403]


async def test_retried_post_with_same_nonce_is_one_message(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    """H58: no pings, a nonce with enforce_nonce; a response lost and retried makes one message."""
    fake.lose_responses = 1
    await start_adapter()
    await mention_burst(fake, 1)
    await fake.wait_until(lambda: len(channel_posts(fake)) == 2, within=6)
    first, retry = channel_posts(fake)
    assert (first.status, retry.status) == (502, 200)
    for call in (first, retry):
        assert call.body["allowed_mentions"] == {"parse": []}
        assert call.body["enforce_nonce"] is True
    assert first.body["nonce"] == retry.body["nonce"] and 0 < len(first.body["nonce"]) <= 25
    assert len(fake.bot_posts(fake.channel_id)) == 1


async def test_same_event_posted_twice_is_one_message(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    """The nonce comes from the event: answering one event twice (a replay) posts once."""
    adapter = await start_adapter()
    assert adapter.client is not None
    channel = adapter.client.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    note = Reply("notice", (TextBlock("hello"),), "hello")
    for _ in range(2):
        conv = adapter.client._conversation(channel, event_key="message:42")
        await conv.reply(note)
    other = adapter.client._conversation(channel, event_key="message:43")
    await other.reply(note)
    nonces = [c.body["nonce"] for c in channel_posts(fake)]
    assert len(nonces) == 3 and nonces[0] == nonces[1] != nonces[2]
    suppress_embeds = 1 << 2  # F40: no link previews on plain posts
    assert all(c.body["flags"] & suppress_embeds for c in channel_posts(fake))
    assert len(fake.bot_posts(fake.channel_id)) == 2
