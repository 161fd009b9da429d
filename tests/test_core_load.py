"""Plan items 71-73 scaled down: only new work is shed, repeats stay quiet."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core_support import article_text, message, wired_core

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
