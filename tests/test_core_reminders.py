"""The due-reminder sweep: one reminder per polled forecast when its day comes, and only one."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from core_support import PG_ENV, action, message
from reminder_support import DUE, DUE_DAY, PAGES, A, DatedAnalyzer, dated_core, new_core

from bot.core import Core
from bot.models import MessageRef, PollBlock, PredictionBlock, Reply
from bot.storage_settings import PollSettings
from bot.store import SqlStore
from bot.testing import RecordingConversation


class NoticeConversation(RecordingConversation):
    """A recording conversation that also signals when a notice (a reminder) is posted."""

    def __init__(self) -> None:
        super().__init__()
        self.noticed = asyncio.Event()

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        ref = await super().reply(reply, in_thread=in_thread)
        if reply.kind == "notice":
            self.noticed.set()
        return ref


class Outbox:
    """An adapter's outbox that records where it was asked to post, and can fail every post."""

    def __init__(self, *, settled: bool = True, failing: bool = False) -> None:
        self.polls_settled = settled
        self.failing = failing
        self.asked: list[tuple[str, str | None]] = []
        self.conv = NoticeConversation()

    def conversation(self, channel_id: str, thread_id: str | None = None) -> RecordingConversation:
        self.asked.append((channel_id, thread_id))
        if self.failing:
            raise ConnectionError("the platform is down")
        return self.conv

    @property
    def reminders(self) -> list[Reply]:
        """The reminders posted so far."""
        return [p.reply for p in self.conv.posted if p.reply.kind == "notice"]


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database engine a test runs on (PostgreSQL only when UNSPIN_TEST_POSTGRES_URL)."""
    if request.param == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set")
    return str(request.param)


async def _start_poll(core: Core, *, votes: int = 2, url: str = A) -> int:
    conv = RecordingConversation(thread_id="T9")
    await core.handle_message(message(url), conv)
    pred = next(b for b in conv.posted[0].reply.blocks if isinstance(b, PredictionBlock))
    await core.handle_action(action("start_poll", pred.action.ref), conv)
    block = conv.posted[-1].reply.blocks[0]
    assert isinstance(block, PollBlock)
    for n in range(votes):
        await core.handle_action(action("vote", f"{block.poll_id}:{n % 2}", user=f"u{n}"), conv)
    return block.poll_id


async def test_reminder_is_posted_once_in_the_polls_thread(tmp_path: Path, backend: str) -> None:
    """On the due day the sweep posts one reminder in the poll's thread; a second sweep none."""
    async with dated_core(tmp_path, backend=backend) as (core, store, clock, _, _):
        poll_id = await _start_poll(core)
        outbox = Outbox()
        outboxes = {"test": outbox}
        clock.now = DUE_DAY
        assert await core.polls.close_due(outboxes) == 1
        assert await core.polls.remind_due(outboxes) == 1
        assert await core.polls.remind_due(outboxes) == 0
        (reminder,) = outbox.reminders
        assert outbox.asked[-1] == ("C1", "T9")
        assert reminder.blocks[0].text == (  # type: ignore[union-attr]
            "This forecast was due on 20 January 2026: did it come true?"
        )
        detail = reminder.blocks[1].text  # type: ignore[union-attr]
        assert "predicted by the author" in detail
        assert f"Poll #{poll_id} closed; 2 people voted: Will happen 1, Won't happen 1" in detail
        assert (await store.get_poll(poll_id)).reminded_at == DUE_DAY


async def test_not_before_the_due_day(tmp_path: Path) -> None:
    """A second before the due day nothing is posted and nothing is claimed."""
    async with dated_core(tmp_path) as (core, store, clock, _, _):
        poll_id = await _start_poll(core)
        outbox = Outbox()
        clock.now = DUE_DAY.replace(day=19, hour=23, minute=59, second=59)
        assert await core.polls.remind_due({"test": outbox}) == 0
        assert outbox.reminders == [] and (await store.get_poll(poll_id)).reminded_at is None
        clock.advance(1)
        assert await core.polls.remind_due({"test": outbox}) == 1


async def test_the_configured_hour_delays_the_reminder(tmp_path: Path) -> None:
    """With remind_hour_utc = 9 the reminder waits until 09:00 UTC of the due day."""
    settings = PollSettings(remind_hour_utc=9)
    async with dated_core(tmp_path, polls=settings) as (core, _, clock, _, _):
        await _start_poll(core)
        outbox = Outbox()
        clock.now = DUE_DAY.replace(hour=8, minute=59)
        assert await core.polls.remind_due({"test": outbox}) == 0
        clock.advance(60)
        assert await core.polls.remind_due({"test": outbox}) == 1


async def test_not_when_disabled(tmp_path: Path) -> None:
    """With polls.remind_due off no reminder is posted or claimed, even long after the day."""
    settings = PollSettings(remind_due=False)
    async with dated_core(tmp_path, polls=settings) as (core, store, clock, _, _):
        poll_id = await _start_poll(core)
        outbox = Outbox()
        clock.now = DUE_DAY.replace(year=2027)
        assert await core.polls.remind_due({"test": outbox}) == 0
        assert outbox.reminders == [] and (await store.get_poll(poll_id)).reminded_at is None


async def test_not_for_polls_without_a_due_date(tmp_path: Path) -> None:
    """A prediction the article gives no date (or only a phrase) never gets a reminder."""
    for due in (None, "in the coming years"):
        async with dated_core(tmp_path / str(due), due=due) as (core, store, clock, _, _):
            poll_id = await _start_poll(core)
            assert (await store.get_poll(poll_id)).resolve_by is None
            outbox = Outbox()
            clock.now = datetime(2040, 1, 1, tzinfo=UTC)
            assert await core.polls.remind_due({"test": outbox}) == 0
            assert outbox.reminders == []


async def test_an_open_poll_gets_the_tally_so_far(tmp_path: Path) -> None:
    """A poll still open on the due day is reminded with its count so far, stated as such."""
    settings = PollSettings(duration_h=24 * 30, hide_results_until_close=False)
    async with dated_core(tmp_path, polls=settings) as (core, store, clock, _, _):
        poll_id = await _start_poll(core, votes=3)
        outbox = Outbox()
        clock.now = DUE_DAY
        assert await core.polls.close_due({"test": outbox}) == 0
        assert await core.polls.remind_due({"test": outbox}) == 1
        detail = outbox.reminders[0].blocks[1].text  # type: ignore[union-attr]
        assert f"Poll #{poll_id} is still open; so far 3 people voted: Will happen 2" in detail
        assert (await store.get_poll(poll_id)).is_open


async def test_waits_for_the_adapter_to_settle(tmp_path: Path) -> None:
    """No reminder while the platform's adapter is unsettled or not running; then exactly one."""
    async with dated_core(tmp_path) as (core, store, clock, _, _):
        poll_id = await _start_poll(core)
        clock.now = DUE_DAY
        unsettled = Outbox(settled=False)
        assert await core.polls.remind_due({}) == 0
        assert await core.polls.remind_due({"test": unsettled}) == 0
        assert unsettled.asked == [] and (await store.get_poll(poll_id)).reminded_at is None
        unsettled.polls_settled = True
        assert await core.polls.remind_due({"test": unsettled}) == 1


async def test_a_failed_post_is_logged_and_not_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A reminder whose post fails is logged once and stays claimed, so it is not retried."""
    async with dated_core(tmp_path) as (core, store, clock, _, _):
        poll_id = await _start_poll(core)
        clock.now = DUE_DAY
        broken = Outbox(failing=True)
        with caplog.at_level(logging.ERROR, logger="bot.core_polls"):
            assert await core.polls.remind_due({"test": broken}) == 0
            assert await core.polls.remind_due({"test": broken}) == 0
        assert len(broken.asked) == 1
        assert [r.message for r in caplog.records] == [
            f"could not post the due reminder of poll {poll_id}"
        ]
        assert (await store.get_poll(poll_id)).reminded_at is not None


async def test_a_forecast_already_due_when_polled_gets_no_reminder(tmp_path: Path) -> None:
    """A poll started after its forecast's date asks about the past: no reminder, ever."""
    async with dated_core(tmp_path, due="2025-06-30") as (core, store, clock, _, _):
        poll_id = await _start_poll(core)
        outbox = Outbox()
        assert await core.polls.remind_due({"test": outbox}) == 0
        clock.now = datetime(2027, 1, 1, tzinfo=UTC)
        assert await core.polls.remind_due({"test": outbox}) == 0
        assert outbox.reminders == [] and outbox.asked == []
        assert (await store.get_poll(poll_id)).reminded_at is not None


async def test_mentions_in_the_forecaster_are_defused(tmp_path: Path) -> None:
    """A source named like a mass mention cannot ping the channel through the reminder."""
    async with dated_core(tmp_path, by="@everyone") as (core, _, clock, _, _):
        await _start_poll(core)
        outbox = Outbox()
        clock.now = DUE_DAY
        assert await core.polls.remind_due({"test": outbox}) == 1
        detail = outbox.reminders[0].blocks[1].text  # type: ignore[union-attr]
        assert "predicted by @\u200beveryone" in detail and "@everyone" not in detail


async def test_two_cores_on_one_database_post_it_once(tmp_path: Path, backend: str) -> None:
    """Two bot processes (two stores and cores on one database) sweeping at once post it once."""
    async with dated_core(tmp_path, backend=backend) as (core, _, clock, url, schema):
        for page in PAGES:
            await _start_poll(core, url=page)
        other_store = await SqlStore.open(url, clock=clock, schema=schema)
        try:
            other = new_core(other_store, clock, DatedAnalyzer(DUE), PollSettings())
            mine, theirs = Outbox(), Outbox()
            clock.now = DUE_DAY
            counts = await asyncio.gather(
                core.polls.remind_due({"test": mine}),
                other.polls.remind_due({"test": theirs}),
            )
            assert sum(counts) == 3
            assert len(mine.reminders) + len(theirs.reminders) == 3
        finally:
            await other_store.close()


async def test_a_restarted_core_does_not_remind_again(tmp_path: Path, backend: str) -> None:
    """After a restart (a new store and core on the same database) the reminder is not repeated."""
    async with dated_core(tmp_path, backend=backend) as (core, _, clock, url, schema):
        await _start_poll(core)
        clock.now = DUE_DAY
        assert await core.polls.remind_due({"test": Outbox()}) == 1
        reopened = await SqlStore.open(url, clock=clock, schema=schema)
        try:
            restarted = new_core(reopened, clock, DatedAnalyzer(DUE), PollSettings())
            outbox = Outbox()
            clock.advance(3600)
            assert await restarted.polls.remind_due({"test": outbox}) == 0
            assert outbox.reminders == []
        finally:
            await reopened.close()


async def test_the_timer_loop_posts_the_reminder(tmp_path: Path) -> None:
    """run_timers, the service's loop, closes the poll and then posts its reminder."""
    async with dated_core(tmp_path) as (core, _, clock, _, _):
        await _start_poll(core)
        outbox = Outbox()
        clock.now = DUE_DAY
        stop = asyncio.Event()
        timers = asyncio.create_task(core.polls.run_timers({"test": outbox}, stop))
        try:
            await asyncio.wait_for(outbox.conv.noticed.wait(), timeout=10)
        finally:
            stop.set()
            await timers
        kinds = [p.reply.kind for p in outbox.conv.posted]
        assert kinds == ["poll", "notice"]  # the close's tally first, then the reminder
