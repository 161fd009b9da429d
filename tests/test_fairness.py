"""Fair slots between channels (plan item 72): a flooding channel waits its turn."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from core_support import article_text, message, wired_core
from fakes.waiting import wait_until

from bot.fairness import FairSlots
from bot.models import Analysis, Article
from bot.settings import ChannelsSettings
from bot.tasks import Supervisor
from bot.testing import CueAnalyzer, RecordingConversation


async def test_waiters_are_served_round_robin_between_owners() -> None:
    """With one slot, a quiet owner queued behind ten hot waiters is served second."""
    slots = FairSlots(1)
    await slots.acquire("hot")
    served: list[str] = []

    async def wait(owner: str) -> None:
        await slots.acquire(owner)
        served.append(owner)
        slots.release()

    tasks = [asyncio.create_task(wait("hot")) for _ in range(10)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(wait("quiet")))
    await asyncio.sleep(0)
    slots.release()
    await asyncio.gather(*tasks)
    assert served.index("quiet") <= 1 and served.count("hot") == 10


async def test_a_cancelled_waiter_does_not_leak_a_slot() -> None:
    """Waiters cancelled before or just after being handed a slot leave it free for others."""
    slots = FairSlots(1)
    await slots.acquire("a")
    early = asyncio.create_task(slots.acquire("b"))
    late = asyncio.create_task(slots.acquire("c"))
    await asyncio.sleep(0)
    early.cancel()
    slots.release()  # handed to "c", which is cancelled before it runs
    late.cancel()
    for task in (early, late):
        with pytest.raises(asyncio.CancelledError):
            await task
    async with asyncio.timeout(1):
        await slots.acquire("d")
    assert slots.waiting == 0


class SlowAnalyzer(CueAnalyzer):
    """Takes 100 ms of (thread) time per article."""

    def analyze(self, article: Article) -> Analysis:
        time.sleep(0.1)
        return super().analyze(article)


async def test_a_quiet_channel_is_not_stuck_behind_a_flooding_one(tmp_path: Path) -> None:
    """Eight links from a hot channel queued for one analysis slot, then one quiet link: the
    quiet channel's card comes long before the hot channel's queue is done."""
    pages = {f"https://news.example/{n}": article_text(n) for n in range(9)}
    limits = ChannelsSettings(user_per_minute=100, channel_per_minute=100)
    sup = Supervisor(max_analyses=1)
    async with wired_core(tmp_path, pages, supervisor=sup, channels=limits) as (core, _, _):
        core.articles.analyzer = SlowAnalyzer()
        finished: list[str] = []

        async def share(n: int, channel: str) -> None:
            conv = RecordingConversation(channel_id=channel)
            await core.handle_message(message(f"https://news.example/{n}", channel=channel), conv)
            finished.append(channel)

        hot = [asyncio.create_task(share(n, "hot")) for n in range(8)]
        # The hot channel's queue is full before the quiet link arrives.
        await wait_until(asyncio.Condition(), lambda: sup.waiting_for_cpu >= 7, within=10)
        await asyncio.gather(share(8, "quiet"), *hot)
        assert finished.index("quiet") <= 2
