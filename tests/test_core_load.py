"""Plan items 71-73 scaled down: bounded overload, only new work shed, quiet repeats."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core_support import article_text, message, wired_core

from bot.settings import ChannelsSettings
from bot.testing import FixedClock, RecordingConversation

A = "https://news.example/a"
B = "https://news.example/b"


async def test_same_link_100_times_in_a_minute_is_one_card_and_no_noise(tmp_path: Path) -> None:
    """With the default rate limits, 100 people sharing one link within a minute get one card
    and one pointer; the rest is silence (no limit warnings, no second fetch)."""
    clock = FixedClock()
    async with wired_core(tmp_path, {A: article_text(1)}, delay_s=0.05, clock=clock) as (
        core,
        fetcher,
        _,
    ):
        conv = RecordingConversation()
        first = asyncio.create_task(core.handle_message(message(A, user="u0"), conv))
        await asyncio.sleep(0)
        kinds = []
        for n in range(1, 100):
            clock.advance(0.5)
            kinds += [o.kind for o in await core.handle_message(message(A, user=f"u{n}"), conv)]
        kinds += [o.kind for o in await first]
        assert kinds.count("card") == 1
        assert set(kinds) <= {"card", "pointer", "quiet"}
        assert conv.kinds == ["card", "pointer"]
        assert fetcher.calls == [A] and core.articles.analyzer.calls == 1  # type: ignore[attr-defined]
        clock.advance(61)
        await core.handle_message(message(A, user="late"), conv)
        assert conv.kinds == ["card", "pointer", "pointer"]


async def test_repeats_of_a_link_in_flight_are_not_shed_at_capacity(tmp_path: Path) -> None:
    """At max_events, a message whose link is already being read waits for it instead of being
    told the bot is busy; a message with a new link is still shed."""
    pages = {A: article_text(1), B: article_text(2)}
    async with wired_core(tmp_path, pages, delay_s=0.2) as (core, fetcher, _):
        core.max_events = 1
        c1, c2, c3 = (RecordingConversation(channel_id=f"C{n}") for n in range(3))
        first = asyncio.create_task(core.handle_message(message(A, channel="C1"), c1))
        await asyncio.sleep(0.05)
        repeat = asyncio.create_task(core.handle_message(message(A, channel="C2"), c2))
        new = await core.handle_message(message(B, channel="C3", user="bob"), c3)
        assert [o.kind for o in new] == ["busy"]
        assert [o.kind for o in await first] == ["card"]
        assert [o.kind for o in await repeat] == ["card"]
        assert fetcher.calls == [A]


async def test_overload_stays_bounded_tells_the_shed_and_recovers(tmp_path: Path) -> None:
    """Ten times the admission cap of new links at once: at most the cap in progress, every
    other message told the bot is busy, none left unanswered, and new links work again after."""
    urls = [f"https://news.example/{n}" for n in range(41)]
    limits = ChannelsSettings(user_per_minute=100, channel_per_minute=100)
    pages = {url: article_text(n) for n, url in enumerate(urls)}
    async with wired_core(tmp_path, pages, delay_s=0.05, channels=limits) as (core, fetcher, _):
        core.max_events = 4
        peak = 0

        async def watch() -> None:
            nonlocal peak
            while True:
                peak = max(peak, core._active)
                await asyncio.sleep(0)

        watcher = asyncio.create_task(watch())
        convs = [RecordingConversation(channel_id=f"C{n}") for n in range(40)]
        await asyncio.gather(
            *(
                core.handle_message(message(u, channel=f"C{n}"), c)
                for n, (u, c) in enumerate(zip(urls[:40], convs, strict=True))
            )
        )
        watcher.cancel()
        firsts = [c.kinds[0] if c.posted else "LOST" for c in convs]
        assert peak <= 4 and firsts.count("card") == 4 and firsts.count("say") == 36
        assert all("busy" in c.said[0] for c in convs if c.said)
        assert len(fetcher.calls) == 4
        after = RecordingConversation()
        await core.handle_message(message(urls[40]), after)
        assert after.kinds == ["card"]
