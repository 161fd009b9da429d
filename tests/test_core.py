"""Tests for the core use cases with a real store and core, fakes for the network only."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from core_support import PG_ENV, action, article_text, message, wired_core

from bot.core import Core
from bot.core_polls import UNSETTLED_RECHECK_S
from bot.errors import Timeout
from bot.models import PollBlock, PredictionBlock, TitleBlock
from bot.settings import ChannelsSettings
from bot.tasks import Supervisor
from bot.testing import CueAnalyzer, FixedClock, RecordingConversation, extract_plain

A = "https://news.example/a"
B = "https://news.example/b"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database engine a test runs on (PostgreSQL only when UNSPIN_TEST_POSTGRES_URL)."""
    if request.param == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set")
    return str(request.param)


async def test_shared_link_gets_one_card_in_a_thread(tmp_path: Path) -> None:
    """A pasted article link is fetched once and answered with a card in a thread."""
    async with wired_core(tmp_path, {A: article_text(1, "Harbour budget")}) as (core, fetcher, _):
        conv = RecordingConversation()
        outcomes = await core.handle_message(message(f"look {A}?utm_source=x"), conv)
        assert [o.kind for o in outcomes] == ["card"]
        assert fetcher.calls == [A]
        (posted,) = conv.posted
        assert posted.in_thread and posted.reply.kind == "card"
        assert posted.reply.blocks[0] == TitleBlock("Harbour budget", A)


async def test_bots_and_non_articles_get_no_answer(tmp_path: Path) -> None:
    """Messages from bots and links to images or videos are ignored silently in auto mode."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, fetcher, _):
        conv = RecordingConversation()
        await core.handle_message(message(A, bot=True), conv)
        await core.handle_message(message("https://youtu.be/xyz https://i.example/p.png"), conv)
        await core.handle_message(message("no link at all"), conv)
        assert conv.posted == [] and fetcher.calls == []


async def test_explicit_request_for_a_non_article_is_answered_in_one_sentence(
    tmp_path: Path,
) -> None:
    """/summarize on a video or on text without links says why, in one sentence."""
    async with wired_core(tmp_path, {}) as (core, _, _):
        conv = RecordingConversation()
        await core.summarize(message("https://youtu.be/xyz", trigger="command"), conv)
        await core.summarize(message("what is this", trigger="command"), conv)
        assert conv.kinds == ["say", "say"]
        assert "does not look like an article" in conv.said[0]
        assert "no link" in conv.said[1]


async def test_repeated_link_points_to_the_earlier_card_without_refetching(
    tmp_path: Path,
) -> None:
    """The same article again (another spelling) within the window gets a pointer, no fetch."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, fetcher, _):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        outcomes = await core.handle_message(message("HTTPS://NEWS.example/a#comments"), conv)
        assert [o.kind for o in outcomes] == ["pointer"]
        assert fetcher.calls == [A]
        assert conv.kinds == ["card", "pointer"]
        assert "Already summarised in this channel" in conv.posted[1].text


async def test_hundred_shares_at_once_fetch_once_and_answer_once(
    tmp_path: Path, backend: str
) -> None:
    """100 concurrent messages with one link: one fetch, one analysis, one card, one pointer,
    then silence (plan item 73)."""
    async with wired_core(
        tmp_path,
        {A: article_text(1)},
        backend=backend,
        delay_s=0.05,
        channels=ChannelsSettings(user_per_minute=1000, channel_per_minute=1000),
    ) as (core, fetcher, _):
        conv = RecordingConversation()
        results = await asyncio.gather(
            *(core.handle_message(message(A, user=f"u{n}"), conv) for n in range(100))
        )
        kinds = [o.kind for r in results for o in r]
        assert kinds.count("card") == 1 and kinds.count("pointer") + kinds.count("quiet") == 99
        assert conv.kinds == ["card", "pointer"]
        assert fetcher.calls == [A]
        assert core.articles.analyzer.calls == 1  # type: ignore[attr-defined]


async def test_same_link_in_two_channels_is_fetched_once(tmp_path: Path) -> None:
    """A second channel gets its own card from the cached analysis."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, fetcher, _):
        c1, c2 = RecordingConversation(channel_id="C1"), RecordingConversation(channel_id="C2")
        await core.handle_message(message(A, channel="C1"), c1)
        await core.handle_message(message(A, channel="C2"), c2)
        assert c1.kinds == ["card"] and c2.kinds == ["card"]
        assert fetcher.calls == [A]
        assert core.metrics.cache_hits._value.get() == 1


async def test_fetch_failures_are_one_plain_sentence(tmp_path: Path) -> None:
    """A timeout is said in one sentence; a non-HTML link stays quiet unless asked for."""
    pages = {A: Timeout("The site took too long to answer.")}
    async with wired_core(tmp_path, pages) as (core, _, _):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        await core.handle_message(message(B), conv)
        await core.summarize(message(B, trigger="command"), conv)
        assert conv.said == [
            "The site took too long to answer.",
            "This link does not lead to an article.",
        ]
        assert all("Traceback" not in s for s in conv.said)


async def test_unexpected_errors_become_a_sentence_not_a_stack_trace(tmp_path: Path) -> None:
    """A crash inside the analysis is logged and answered with one plain sentence."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, _, _):

        def broken(article: object) -> object:
            raise RuntimeError("secret internals")

        core.articles.analyzer.analyze = broken  # type: ignore[method-assign,assignment]
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        assert conv.kinds == ["say"]
        assert "went wrong" in conv.said[0] and "secret" not in conv.said[0]


async def test_channel_modes_gate_automatic_answers(tmp_path: Path) -> None:
    """In reaction mode pasted links are ignored but a 📰 reaction is answered; off is silent."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, fetcher, _):
        conv = RecordingConversation()
        admin = message("", admin=True)
        await core.configure(admin, "mode reaction", conv)
        await core.handle_message(message(A), conv)
        assert fetcher.calls == []
        await core.handle_message(message(A, trigger="reaction"), conv)
        assert conv.kinds == ["say", "card"]
        await core.configure(admin, "mode off", conv)
        await core.handle_message(message(B, trigger="reaction"), conv)
        await core.summarize(message(B, trigger="command"), conv)
        assert "switched off" in conv.said[-1]


async def test_only_admins_change_channel_settings(tmp_path: Path) -> None:
    """A non-admin's settings change is refused; anyone may see the settings."""
    async with wired_core(tmp_path, {}) as (core, _, store):
        conv = RecordingConversation()
        await core.configure(message("", user="bob"), "mode off", conv)
        assert conv.said == ["Only channel admins can change my settings here."]
        assert await store.get_channel_settings("test", "C1") is None
        await core.configure(message("", user="bob"), "show", conv)
        assert "Mode auto" in conv.posted[-1].text
        await core.configure(message("", admin=True), "deny news.example", conv)
        saved = await store.get_channel_settings("test", "C1")
        assert saved is not None and saved.deny_domains == ("news.example",)


async def test_denied_domains_are_not_fetched(tmp_path: Path) -> None:
    """A globally denied site is skipped quietly, and explained when asked for explicitly."""
    channels = ChannelsSettings(deny_domains=["example"])
    async with wired_core(tmp_path, {A: article_text(1)}, channels=channels) as (core, f, _):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        await core.summarize(message(A, trigger="command"), conv)
        assert f.calls == [] and conv.said == [
            "Summaries of news.example are turned off in this channel."
        ]


async def test_user_rate_limit_answers_politely_once(tmp_path: Path) -> None:
    """Past the per-user limit the bot says so once instead of answering every link."""
    pages = {f"https://news.example/{n}": article_text(n) for n in range(5)}
    channels = ChannelsSettings(user_per_minute=2)
    async with wired_core(tmp_path, pages, channels=channels) as (core, _, _):
        conv = RecordingConversation()
        for n in range(5):
            await core.handle_message(message(f"https://news.example/{n}"), conv)
        assert conv.kinds == ["card", "card", "say"]
        assert "faster than I can read" in conv.said[0]


async def test_redelivered_event_is_answered_once(tmp_path: Path) -> None:
    """A platform retry with the same event id does nothing the second time."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, fetcher, _):
        conv = RecordingConversation()
        await core.handle_message(message(A, event_id="same"), conv)
        assert fetcher.calls == [A]
        await core.handle_message(message(A, event_id="same"), conv)
        assert conv.kinds == ["card"]


async def test_more_links_than_the_cap_are_mentioned_as_skipped(tmp_path: Path) -> None:
    """Only the first three article links are answered; the rest are reported as skipped."""
    urls = [f"https://news.example/{n}" for n in range(5)]
    async with wired_core(tmp_path, {u: article_text(n) for n, u in enumerate(urls)}) as (c, f, _):
        conv = RecordingConversation()
        await c.handle_message(message(" ".join(urls)), conv)
        assert conv.kinds == ["card", "card", "card", "say"]
        assert "skipped 2 more links" in conv.said[0]
        assert f.calls == urls[:3]


async def test_busy_supervisor_sheds_with_a_busy_notice(tmp_path: Path) -> None:
    """When the work queue is full a new link is answered with a busy notice, not dropped."""
    sup = Supervisor(max_pending=1)
    pages = {A: article_text(1), B: article_text(2)}
    async with wired_core(tmp_path, pages, supervisor=sup, delay_s=0.2) as (core, fetcher, _):
        conv = RecordingConversation()
        first = asyncio.create_task(core.handle_message(message(A), conv))
        await asyncio.sleep(0.05)
        second = await core.handle_message(message(B, user="bob"), conv)
        assert [o.kind for o in second] == ["busy"]
        assert [o.kind for o in await first] == ["card"]
        assert "busy" in conv.said[0] and fetcher.calls == [A]


def _poll_id(conv: RecordingConversation) -> int:
    block = conv.posted[-1].reply.blocks[0]
    assert isinstance(block, PollBlock)
    return block.poll_id


async def test_poll_from_a_prediction_counts_one_vote_per_person(
    tmp_path: Path, backend: str
) -> None:
    """Start a poll from the card, vote as three people (with changes), close: tally revealed."""
    async with wired_core(tmp_path, {A: article_text(1)}, backend=backend) as (core, _, store):
        conv = RecordingConversation()
        await core.handle_message(message(A, user="alice"), conv)
        preds = [b for b in conv.posted[0].reply.blocks if isinstance(b, PredictionBlock)]
        assert preds, "the card offers polls on predictions"
        await core.handle_action(action("start_poll", preds[0].action.ref), conv)
        poll_id = _poll_id(conv)
        for user, option in [("alice", 0), ("bob", 1), ("carol", 0), ("bob", 0), ("bob", 0)]:
            await core.handle_action(action("vote", f"{poll_id}:{option}", user=user), conv)
        state = await store.get_poll(poll_id)
        assert state.tally.counts == (3, 0, 0)
        edited = conv.edits[-1][1].blocks[0]
        assert isinstance(edited, PollBlock) and edited.voters == 3
        assert all(c.votes is None for c in edited.choices)
        await core.handle_action(action("close_poll", str(poll_id), user="bob"), conv)
        assert "Only the person who started this poll" in conv.posted[-1].text
        await core.handle_action(action("close_poll", str(poll_id), user="alice"), conv)
        final = conv.posted[-1].reply.blocks[0]
        assert isinstance(final, PollBlock) and not final.is_open
        assert [c.votes for c in final.choices] == [3, 0, 0]
        await core.handle_action(action("vote", f"{poll_id}:1", user="dave"), conv)
        assert "closed" in conv.posted[-1].text
        assert (await store.get_poll(poll_id)).tally.voters == 3


async def test_double_click_on_start_poll_makes_one_poll(tmp_path: Path) -> None:
    """A second Start-a-poll click on the same prediction points to the open poll."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, _, store):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        ref = next(b for b in conv.posted[0].reply.blocks if isinstance(b, PredictionBlock))
        await core.handle_action(action("start_poll", ref.action.ref), conv)
        await core.handle_action(action("start_poll", ref.action.ref, user="bob"), conv)
        assert len(await store.list_open_polls()) == 1
        assert "already open" in conv.said[-1]


async def test_due_polls_close_and_announce_through_the_outbox(tmp_path: Path) -> None:
    """A poll past its duration is closed by the timer sweep and its tally announced, but only
    once its platform's adapter is settled (connected, missed votes read back)."""
    clock = FixedClock()
    async with wired_core(tmp_path, {A: article_text(1)}, clock=clock) as (core, _, store):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        ref = next(b for b in conv.posted[0].reply.blocks if isinstance(b, PredictionBlock))
        await core.handle_action(action("start_poll", ref.action.ref), conv)
        poll_id = _poll_id(conv)
        await core.handle_action(action("vote", f"{poll_id}:2", user="bob"), conv)
        later = RecordingConversation()

        class Outbox:
            polls_settled = True

            def conversation(self, channel_id: str, thread_id: str | None = None) -> object:
                return later

        outbox = Outbox()
        assert await core.polls.close_due({"test": outbox}) == 0  # type: ignore[dict-item]
        clock.advance(25 * 3600)
        outbox.polls_settled = False  # the adapter is not back, or has not read missed votes
        assert await core.polls.close_due({"test": outbox}) == 0  # type: ignore[dict-item]
        assert (await store.get_poll(poll_id)).status == "open" and later.posted == []
        outbox.polls_settled = True
        assert await core.polls.close_due({"test": outbox}) == 1  # type: ignore[dict-item]
        final = later.posted[-1].reply.blocks[0]
        assert isinstance(final, PollBlock) and [c.votes for c in final.choices] == [0, 0, 1]
        assert (await store.get_poll(poll_id)).status == "closed"


async def test_details_are_sent_privately_with_every_sentence(tmp_path: Path) -> None:
    """The Details button sends each sentence with its label, privately where possible."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, _, _):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        key = conv.posted[0].reply.blocks[-1].actions[0].ref  # type: ignore[union-attr]
        await core.handle_action(action("details", key), conv)
        private = [p for p in conv.posted if p.method == "private"]
        text = "\n".join(p.text for p in private)
        analysis = await core.analysis_for_key(key)
        assert analysis is not None
        assert all(f"[{s.sentence.i}] {s.label.upper()}" in text for s in analysis.sentences)


async def test_pointers_and_card_buttons_survive_a_restart(tmp_path: Path, backend: str) -> None:
    """A new Core on the same database still points to the old card and its buttons still work."""
    pages = {A: article_text(1)}
    async with wired_core(tmp_path, pages, backend=backend) as (core, fetcher, store):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        pred = next(b for b in conv.posted[0].reply.blocks if isinstance(b, PredictionBlock))
        restarted = Core(
            store=store,
            fetcher=fetcher,
            analyzer=CueAnalyzer(),
            extract=extract_plain,
            supervisor=Supervisor(),
        )
        later = RecordingConversation()
        outcomes = await restarted.handle_message(message(A), later)
        assert [o.kind for o in outcomes] == ["pointer"]
        await restarted.handle_action(action("start_poll", pred.action.ref), later)
        assert later.kinds == ["pointer", "poll"]
        assert fetcher.calls == [A]
        await restarted.supervisor.drain(1)


async def test_too_many_messages_at_once_get_a_quick_busy_notice(tmp_path: Path) -> None:
    """Past max_events link messages in progress, new ones are told to retry, not queued."""
    pages = {A: article_text(1), B: article_text(2)}
    async with wired_core(tmp_path, pages, delay_s=0.2) as (core, fetcher, _):
        core.max_events = 1
        conv = RecordingConversation()
        first = asyncio.create_task(core.handle_message(message(A), conv))
        await asyncio.sleep(0.05)
        second = await core.handle_message(message(B, user="bob"), conv)
        assert [o.kind for o in second] == ["busy"]
        assert conv.said == ["I'm busy right now; please try again shortly."]
        assert [o.kind for o in await first] == ["card"]
        assert fetcher.calls == [A]


async def test_explicit_request_for_a_shared_link_gets_the_card_again(tmp_path: Path) -> None:
    """/summarize on a link already answered here re-posts the card from the cache, no fetch."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, fetcher, _):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        await core.summarize(message(A, trigger="command"), conv)
        assert conv.kinds == ["card", "card"] and fetcher.calls == [A]


async def test_cards_carry_no_pings_and_no_links_the_article_lacks(tmp_path: Path) -> None:
    """An article whose text says @everyone and <!channel> yields a card that pings nobody."""
    text = article_text(1, "Read this @everyone <!channel>").replace(
        "Officials said", "Officials (<@U123>) said", 1
    )
    async with wired_core(tmp_path, {A: text}) as (core, _, _):
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        posted = conv.posted[0].text + conv.posted[0].reply.fallback
        for ping in ("@everyone", "<!channel>", "<@U123>"):
            assert ping not in posted
        assert "http" not in posted.replace(A, "")


async def test_timer_waits_for_closable_polls_and_rechecks_unsettled_adapters(
    tmp_path: Path,
) -> None:
    """The timer sleeps until the next poll that can close; a due poll whose adapter is not
    settled is looked at again every few seconds, not twice a second."""
    clock = FixedClock()
    async with wired_core(tmp_path, {A: article_text(1)}, clock=clock) as (core, _, _):
        now = core.polls.store_now()
        due = SimpleNamespace(platform="down", closes_at=now - timedelta(seconds=5))
        later = SimpleNamespace(platform="up", closes_at=now + timedelta(seconds=20))
        outboxes = {
            "down": SimpleNamespace(polls_settled=False),
            "up": SimpleNamespace(polls_settled=True),
        }
        wait = core.polls._next_wait([due, later], outboxes)  # type: ignore[arg-type]
        assert wait == UNSETTLED_RECHECK_S
        assert core.polls._next_wait([later], outboxes) == pytest.approx(20, abs=1)  # type: ignore[arg-type]
        outboxes["down"].polls_settled = True
        assert core.polls._next_wait([due, later], outboxes) == 0.5  # type: ignore[arg-type]
