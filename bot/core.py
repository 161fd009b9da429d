"""The use cases adapters call with neutral values: links, summaries, settings, actions."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from functools import partial

from bot import links
from bot.articles import ArticleService, RemoteAnalysis
from bot.bounded import BoundedMap
from bot.core_answers import OOPS, LinkAnswers, Outcome
from bot.core_channels import ChannelDirectory, OptOuts
from bot.core_jobs import Job, JobBook
from bot.core_polls import PollFlow
from bot.errors import UnspinError
from bot.fairness import current_owner
from bot.metrics import Metrics
from bot.models import (
    ActionEvent,
    Analysis,
    Article,
    IncomingMessage,
    MessageRef,
    Reply,
    User,
)
from bot.ports import ArticleAnalyzer, BotStore, Conversation, FetchedPageLike, Fetcher, Outbox
from bot.ratelimit import RateLimiter
from bot.render import details, notice
from bot.sanitize import allowed_links, defuse_mentions, links_in, sanitize_reply
from bot.settings import ChannelsSettings
from bot.storage.records import ChannelConfig
from bot.storage_settings import PollSettings
from bot.store import utcnow
from bot.tasks import Busy, Supervisor

log = logging.getLogger(__name__)

# Users and channels whose limit warning is remembered (a forgotten one may be warned again).
WARNED_KEPT = 10_000

_KEY_PREFIX = "key:"


class Core:
    """The platform-neutral bot; one instance serves every adapter of the service."""

    def __init__(
        self,
        *,
        store: BotStore,
        fetcher: Fetcher,
        analyzer: ArticleAnalyzer,
        extract: Callable[[FetchedPageLike], Article],
        supervisor: Supervisor,
        channels: ChannelsSettings | None = None,
        polls: PollSettings | None = None,
        metrics: Metrics | None = None,
        clock: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        vote_edit_delay_s: float = 0.0,
        max_events: int = 128,
        remote: RemoteAnalysis | None = None,
    ) -> None:
        self.store = store
        self.supervisor = supervisor
        self.channels = channels or ChannelsSettings()
        self.metrics = metrics or Metrics()
        self.clock = clock
        self._monotonic = monotonic
        self._user_limit = RateLimiter(self.channels.user_per_minute, clock=monotonic)
        self._channel_limit = RateLimiter(self.channels.channel_per_minute, clock=monotonic)
        # Per user/channel throttle of limit warnings; forgetting one only allows a repeat.
        self._warned: BoundedMap[str, float] = BoundedMap(WARNED_KEPT)
        self.max_events = max_events
        self._active = 0
        self.jobs = JobBook(store)
        self.opt_outs = OptOuts(store)
        self.channel_directory = ChannelDirectory(store, self.channels, monotonic=monotonic)
        self.articles = ArticleService(
            store=store,
            fetcher=fetcher,
            analyzer=analyzer,
            extract=extract,
            supervisor=supervisor,
            metrics=self.metrics,
            monotonic=monotonic,
            remote=remote,
        )
        self.answers = LinkAnswers(
            store=store,
            articles=self.articles,
            metrics=self.metrics,
            repeat_window_s=self.channels.repeat_window_s,
            clock=clock,
        )
        self.polls = PollFlow(
            store=store,
            settings=polls or PollSettings(),
            metrics=self.metrics,
            supervisor=supervisor,
            analysis_for_key=self.analysis_for_key,
            channel_config=self.channel_config,
            edit_delay_s=vote_edit_delay_s,
        )

    # Channel settings ------------------------------------------------------------------

    async def channel_config(self, platform: str, channel_id: str) -> ChannelConfig:
        """The channel's effective settings (its own, else the global ones)."""
        return await self.channel_directory.get(platform, channel_id)

    async def configure(self, msg: IncomingMessage, args: str, conv: Conversation) -> None:
        """The settings command: anyone may see the settings, only channel admins change them."""
        await self.channel_directory.configure(msg, args, conv)

    async def opt_out(
        self, msg: IncomingMessage, opted_out: bool, conv: Conversation, undo: str | None = None
    ) -> None:
        """The per-person opt-out command: no automatic answers to the links they paste.

        `undo` names the platform's command to opt back in, for the confirmation.
        """
        await self.opt_outs.set(msg, opted_out, conv, undo)

    # Messages with links ---------------------------------------------------------------

    async def summarize(self, msg: IncomingMessage, conv: Conversation) -> list[Outcome]:
        """An explicit request (/summarize, mention, context menu): always answered."""
        explicit = msg if _is_explicit(msg) else _as_command(msg)
        return await self.handle_message(explicit, conv)

    async def handle_message(self, msg: IncomingMessage, conv: Conversation) -> list[Outcome]:
        """A message that may carry links; the channel's mode decides whether to answer."""
        if msg.author.is_bot:
            return []
        current_owner.set(f"{msg.platform}:{msg.channel_id}")
        try:
            return await self._admit_message(msg, conv)
        except UnspinError as error:
            await self._say(conv, str(error))
        except Exception:
            log.exception("handling message %s failed", msg.event_id)
            await self._say(conv, OOPS)
        return []

    async def _admit_message(self, msg: IncomingMessage, conv: Conversation) -> list[Outcome]:
        """The gates before any work (opt-out, channel mode, article links, capacity)."""
        explicit = _is_explicit(msg)
        if msg.trigger == "link" and await self.opt_outs.is_out(msg.platform, msg.author.id):
            return []
        config = await self.channel_config(msg.platform, msg.channel_id)
        if not _mode_allows(config.mode, msg.trigger):
            if explicit:
                await self._say(
                    conv,
                    "I'm switched off in this channel; a channel admin can turn me on "
                    "with the settings command.",
                )
            return []
        scan = links.scan(msg.text, max_links=self.channels.max_links)
        if not scan.articles:
            if explicit:
                await self._say(conv, _no_article(scan))
            return []
        # Links already analysed or in flight add no work: they are never shed.
        new_work = not all(self.articles.is_warm(url) for url in scan.articles)
        if new_work and self._active >= self.max_events:
            # Past capacity: a quick busy notice beats an answer minutes late.
            self.metrics.shed.inc()
            await self._say(conv, str(Busy()))
            return [Outcome(url, "busy") for url in scan.articles]
        self._active += new_work
        try:
            answer = partial(self._handle_links, msg, conv, config, scan, explicit)
            return await self._run_as_job(msg, answer)
        finally:
            self._active -= new_work

    async def _run_as_job(
        self, msg: IncomingMessage, answer: Callable[[Job], Awaitable[list[Outcome]]]
    ) -> list[Outcome]:
        """Claim the event's job and `answer` it; then finish the job, or leave it to resume."""
        job = await self.jobs.claim(msg)
        if job is None:
            log.info("event %s already handled (a platform retry)", msg.event_id)
            return []
        try:
            outcomes = await answer(job)
        except Exception:
            await self.jobs.finish(job)  # answered with OOPS by the caller; no retry loop
            raise
        except BaseException:  # cancelled at shutdown: resume later
            self.jobs.release(job)
            raise
        if not self.supervisor.accepting and any(o.kind == "busy" for o in outcomes):
            self.jobs.release(job)  # refused by the shutdown: the next start answers
        else:
            await self.jobs.finish(job)
        return outcomes

    async def _handle_links(
        self,
        msg: IncomingMessage,
        conv: Conversation,
        config: ChannelConfig,
        scan: links.LinkScan,
        explicit: bool,
        job: Job,
    ) -> list[Outcome]:
        self.metrics.links_seen.inc(len(scan.articles))
        # A resumed job was admitted before the restart; limits judged it then. Links answered
        # here lately cost nothing (a pointer or silence), so they do not count either.
        repeats = not explicit and all(
            self.answers.answered_here(msg.platform, msg.channel_id, url) for url in scan.articles
        )
        if not (job.resumed or repeats) and not await self._within_limits(msg, conv, explicit):
            return [Outcome(url, "limited") for url in scan.articles]
        outcomes = [
            await self.answers.answer(msg, conv, config, url, explicit, job=job)
            for url in scan.articles
        ]
        if scan.skipped:
            n = len(scan.skipped)
            await self._say(
                conv,
                f"I read at most {self.channels.max_links} links per message, so I skipped "
                f"{n} more {'link' if n == 1 else 'links'}.",
            )
        return outcomes

    async def _within_limits(
        self, msg: IncomingMessage, conv: Conversation, explicit: bool
    ) -> bool:
        user_key = f"{msg.platform}:u:{msg.author.id}"
        chan_key = f"{msg.platform}:c:{msg.channel_id}"
        if not self._user_limit.allow(user_key):
            text = "You're sharing links faster than I can read them; try again in a minute."
            await self._warn_once(conv, user_key, text, explicit)
            return False
        if not self._channel_limit.allow(chan_key):
            text = "This channel is sharing links faster than I can read them; try again shortly."
            await self._warn_once(conv, chan_key, text, explicit)
            return False
        return True

    async def _warn_once(self, conv: Conversation, key: str, text: str, explicit: bool) -> None:
        # Automatic answers warn once per minute per user/channel, so limits do not add noise.
        now = self._monotonic()
        if explicit or self._warned.get(key, 0.0) <= now:
            self._warned[key] = now + 60.0
            await self._say(conv, text)

    async def summarize_article(
        self, msg: IncomingMessage, conv: Conversation, source: str, article: Article
    ) -> Outcome:
        """Answer with a card for an article the adapter read itself (a file in the console)."""
        config = await self.channel_config(msg.platform, msg.channel_id)
        return await self.answers.answer_article(msg, conv, config, source, article)

    async def resume_jobs(
        self, outboxes: Mapping[str, Outbox], stop: asyncio.Event | None = None
    ) -> int:
        """Answer the link jobs a previous run claimed but never finished (at start-up)."""
        return await self.jobs.resume(
            outboxes, self.handle_message, self.supervisor.spawn, stop=stop or asyncio.Event()
        )

    # Analyses ----------------------------------------------------------------------------

    async def analysis_for_url(self, url: str) -> Analysis:
        """The analysis of a normalised link: cached, joined in flight, or fetched and analysed."""
        return await self.articles.analysis_for_url(url)

    async def analysis_for_key(self, key: str) -> Analysis | None:
        """The analysis behind a card's key (from a button), or None once it has expired."""
        return await self.articles.analysis_for_key(key)

    # Actions (buttons) -------------------------------------------------------------------

    async def handle_native_vote(
        self, platform: str, message_ref: str, user: User, option: int, event_id: str
    ) -> None:
        """A vote in a platform's own poll (Discord's MESSAGE_POLL_VOTE_ADD), stored as a vote."""
        if not user.is_bot:
            await self.polls.vote_native(platform, message_ref, user.id, option, event_id)

    async def handle_native_unvote(
        self, platform: str, message_ref: str, user: User, option: int
    ) -> None:
        """A vote taken back in a platform's own poll (Discord's MESSAGE_POLL_VOTE_REMOVE)."""
        if not user.is_bot:
            await self.polls.unvote_native(platform, message_ref, user.id, option)

    async def native_poll_messages(self, platform: str) -> list[MessageRef]:
        """Where the platform's open polls are shown, for the adapter to reconcile native ones."""
        return await self.polls.poll_messages(platform)

    async def reconcile_native_poll(
        self, platform: str, message_ref: str, voters_by_option: Mapping[int, Iterable[str]]
    ) -> None:
        """A native poll's full voter lists read from the platform (after a restart or a gap)."""
        await self.polls.reconcile_native(platform, message_ref, voters_by_option)

    async def handle_action(self, event: ActionEvent, conv: Conversation) -> None:
        """A click on a card or poll action: start a poll, vote, close, show details."""
        if event.user.is_bot:
            return
        try:
            if event.kind == "vote":
                await self.polls.vote(event, conv)  # the vote claims its event id itself
                return
            if not await self.store.mark_event_processed(event.platform, f"act:{event.event_id}"):
                return
            if event.kind == "start_poll":
                await self.polls.start(event, conv)
            elif event.kind == "close_poll":
                await self.polls.close(event, conv)
            else:
                await self.show_details(event, conv)
        except UnspinError as error:
            await _private_or_say(conv, str(error))
        except Exception:
            log.exception("action %s %s failed", event.kind, event.ref)
            await _private_or_say(
                conv, "Something went wrong with that button; it has been logged."
            )

    async def show_details(self, event: ActionEvent, conv: Conversation) -> None:
        """Every sentence with its label and reason, privately where the platform allows."""
        analysis = await self.analysis_for_key(event.ref)
        if analysis is None:
            await _private_or_say(conv, "That card has expired; share the link again.")
            return
        article = analysis.article
        allowed = allowed_links(
            [self.articles.url_for_key(event.ref), article.url, *links_in(article.text)]
        )
        for reply in details(analysis, conv.capabilities):
            await _private_or_thread(conv, sanitize_reply(reply, allowed))

    async def _say(self, conv: Conversation, text: str) -> None:
        try:
            await conv.say(defuse_mentions(text))
        except Exception:
            log.exception("could not post a notice")


def _is_explicit(msg: IncomingMessage) -> bool:
    # Pasted links and 📰 reactions are automatic; commands, mentions and menus ask outright.
    return msg.trigger not in ("link", "reaction")


def _mode_allows(mode: str, trigger: str) -> bool:
    if trigger == "link":
        return mode == "auto"
    if trigger == "reaction":
        return mode in ("auto", "reaction")
    return mode != "off"


def _as_command(msg: IncomingMessage) -> IncomingMessage:
    return dataclasses.replace(msg, trigger="command")


def _no_article(scan: links.LinkScan) -> str:
    if scan.ignored:
        return "That link does not look like an article (an image, a video or a social post)."
    return "I found no link to an article in that message."


async def _private_or_thread(conv: Conversation, reply: Reply) -> None:
    if await conv.reply_private(reply) is None:
        await conv.reply(reply, in_thread=True)


async def _private_or_say(conv: Conversation, text: str) -> None:
    text = defuse_mentions(text)
    if await conv.reply_private(notice(text)) is None:
        await conv.say(text)
