"""Reliability plan items 46 and 67 in the core: link jobs claimed, retried, resumed, once."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from core_support import PG_ENV, article_text, message, wired_core

from bot.core import Core
from bot.store import SqlStore
from bot.tasks import Supervisor
from bot.testing import (
    CueAnalyzer,
    RecordingConversation,
    StaticFetcher,
    StaticPage,
    extract_plain,
)

A = "https://news.example/a"
B = "https://news.example/b"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database engine a test runs on (PostgreSQL only when UNSPIN_TEST_POSTGRES_URL)."""
    if request.param == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set")
    return str(request.param)


class Outbox:
    """The adapter's way to post outside an event: one recording conversation per channel."""

    connected = True
    polls_settled = True

    def __init__(self) -> None:
        self.convs: dict[str, RecordingConversation] = {}

    def conversation(self, channel_id: str, thread_id: str | None = None) -> RecordingConversation:
        return self.convs.setdefault(channel_id, RecordingConversation(channel_id=channel_id))


def _restarted(store: SqlStore, fetcher: StaticFetcher) -> Core:
    """A new Core on the same database, as after a crash and a restart."""
    return Core(
        store=store,
        fetcher=fetcher,
        analyzer=CueAnalyzer(),
        extract=extract_plain,
        supervisor=Supervisor(),
    )


async def _posted(outbox: Outbox, channel: str) -> None:
    """Wait until something was posted in the channel."""
    async with asyncio.timeout(5):
        while not outbox.convs.get(channel, RecordingConversation()).posted:  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def _stopped_mid_fetch(core: Core, fetcher: StaticFetcher, event_id: str) -> None:
    """Deliver a link whose fetch hangs, then cancel the handler as a shutdown would."""
    fetcher.delay_s = 60.0
    conv = RecordingConversation()
    task = asyncio.create_task(core.handle_message(message(A, event_id=event_id), conv))
    while not fetcher.calls:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await core.supervisor.drain(0.1)
    fetcher.delay_s = 0.0
    assert conv.posted == []


async def test_retry_of_a_job_left_unfinished_runs_it_once(tmp_path: Path, backend: str) -> None:
    """A job claimed by a process that stopped mid-work is run by the platform's retry, and
    three concurrent retries post one card."""
    async with wired_core(tmp_path, {A: article_text(1)}, backend=backend) as (core, f, store):
        await _stopped_mid_fetch(core, f, "e1")
        assert [(j.key, j.payload["text"]) for j in await store.pending_jobs()] == [("msg:e1", A)]
        later = _restarted(store, f)
        convs = [RecordingConversation() for _ in range(3)]
        await asyncio.gather(*(later.handle_message(message(A, event_id="e1"), c) for c in convs))
        assert sorted(k for c in convs for k in c.kinds) == ["card"]
        assert await store.pending_jobs() == []
        again = RecordingConversation()
        assert await later.handle_message(message(A, event_id="e1"), again) == []
        assert again.posted == []
        await later.supervisor.drain(1)


async def test_retry_after_a_crash_before_the_claim_is_answered(tmp_path: Path) -> None:
    """A delivery that died before its job was stored leaves no claim: the retry is answered."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, _, store):
        conv = RecordingConversation()
        task = asyncio.create_task(core.handle_message(message(A, event_id="e2"), conv))
        await asyncio.sleep(0)  # still reading the channel settings: nothing claimed yet
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await store.pending_jobs() == []
        await core.handle_message(message(A, event_id="e2"), conv)
        assert conv.kinds == ["card"]


async def test_restart_resumes_pending_jobs_through_the_outbox(
    tmp_path: Path, backend: str
) -> None:
    """At start-up every unfinished job is answered in its own channel, once."""
    async with wired_core(tmp_path, {A: article_text(1)}, backend=backend) as (core, f, store):
        await _stopped_mid_fetch(core, f, "e3")
        later = _restarted(store, f)
        outbox = Outbox()
        assert await later.resume_jobs({"test": outbox, "other": Outbox()}) == 1
        await _posted(outbox, "C1")
        await later.supervisor.drain(5)
        assert outbox.convs["C1"].kinds == ["card"], outbox.convs["C1"].said
        assert await store.pending_jobs() == []


class HangOn(StaticFetcher):
    """Serves pages at once, except the links in `hang`, which never arrive."""

    def __init__(self, pages: dict[str, str], hang: set[str]) -> None:
        super().__init__(pages)
        self.hang = hang

    async def fetch(self, url: str) -> StaticPage:
        if url in self.hang:
            self.calls.append(url)
            await asyncio.sleep(60)
        return await super().fetch(url)


async def test_resumed_job_does_not_post_a_card_it_already_posted(
    tmp_path: Path, backend: str
) -> None:
    """A message with two links stopped after the first card: the resumed job posts only the
    second card."""
    pages = {A: article_text(1), B: article_text(2)}
    async with wired_core(tmp_path, pages, backend=backend) as (core, _, store):
        hanging = HangOn(pages, {B})
        core.articles.fetcher = hanging
        first = RecordingConversation()
        task = asyncio.create_task(core.handle_message(message(f"{A} {B}", event_id="e4"), first))
        while B not in hanging.calls:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await core.supervisor.drain(0.1)
        assert first.kinds == ["card"] and "Story 1" in first.posted[0].text
        later = _restarted(store, StaticFetcher(pages))
        outbox = Outbox()
        await later.resume_jobs({"test": outbox})
        await _posted(outbox, "C1")
        await later.supervisor.drain(5)
        resumed = outbox.convs["C1"]
        assert resumed.kinds == ["card"] and "Story 2" in resumed.posted[0].text
        assert await store.pending_jobs() == []
