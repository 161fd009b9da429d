"""Answering one article link in a channel: pointer, in-flight wait, or a fresh card."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot import links
from bot.articles import ArticleService, UnsupportedLanguage
from bot.core_jobs import Job
from bot.errors import ExtractionError, FetchError, NotHtml
from bot.metrics import Metrics
from bot.models import Analysis, Article, IncomingMessage, MessageRef
from bot.ports import BotStore, Conversation
from bot.render import card, pointer
from bot.sanitize import allowed_links, defuse_mentions, links_in, sanitize_reply
from bot.storage.records import ChannelConfig, Share
from bot.tasks import Busy

log = logging.getLogger(__name__)

OutcomeKind = Literal["card", "pointer", "busy", "error", "quiet", "limited"]
OOPS = "Something went wrong while reading that link; the error has been logged."
# One pointer per link and channel in this time; repeats in between get no answer at all.
POINTER_GAP = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one link of a message (for tests, benchmarks and logs)."""

    url: str
    kind: OutcomeKind


class LinkAnswers:
    """Answers links: one card per link and channel within the window, pointers after that."""

    def __init__(
        self,
        *,
        store: BotStore,
        articles: ArticleService,
        metrics: Metrics,
        repeat_window_s: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.articles = articles
        self.metrics = metrics
        self.repeat_window_s = repeat_window_s
        self.clock = clock
        self._answering: dict[tuple[str, str, str], asyncio.Future[tuple[bool, str | None]]] = {}
        # Cards this process posted: repeats point to them without a database read.
        self._refs: OrderedDict[tuple[str, str, str], tuple[datetime, MessageRef]] = OrderedDict()
        self._pointed: OrderedDict[tuple[str, str, str], datetime] = OrderedDict()

    def answered_here(self, platform: str, channel_id: str, url: str) -> bool:
        """True when this process answered (or is answering) the link in the channel lately."""
        where = (platform, channel_id, url)
        known = self._refs.get(where)
        window = timedelta(seconds=self.repeat_window_s)
        recent = known is not None and self.clock() - known[0] <= window
        return recent or where in self._answering

    async def _say(self, conv: Conversation, text: str) -> None:
        try:
            await conv.say(defuse_mentions(text))
        except Exception:
            log.exception("could not post a notice")

    async def answer(
        self,
        msg: IncomingMessage,
        conv: Conversation,
        config: ChannelConfig,
        url: str,
        explicit: bool,
        *,
        job: Job | None = None,
    ) -> Outcome:
        host = links.host_of(url)
        if links.domain_matches(host, config.deny_domains) or (
            config.allow_domains and not links.domain_matches(host, config.allow_domains)
        ):
            if explicit:
                await self._say(conv, f"Summaries of {host} are turned off in this channel.")
            return Outcome(url, "quiet")
        where = (msg.platform, msg.channel_id, url)
        if job is not None and job.resumed:
            # Answered before the restart (its card was posted and stored): not again.
            done = await self.store.find_event_share(msg.platform, msg.channel_id, url, job.key)
            if done is not None:
                return Outcome(url, "card")
        window = timedelta(seconds=self.repeat_window_s)
        # Someone asking explicitly gets the card again (from the cache); shares get a pointer.
        pointers = bool(window) and not explicit
        if pointers and (kind := await self._point(msg, conv, where, window, database=False)):
            return Outcome(url, kind)
        running = self._answering.get(where)
        if running is not None:
            # The same link is being answered in this channel right now: wait, then point to it.
            posted, error = await asyncio.shield(running)
            if posted and (kind := await self._point(msg, conv, where, window)):
                return Outcome(url, kind)
            if error is not None and (explicit or error == str(Busy())):
                await self._say(conv, error)
            return Outcome(url, "busy" if error == str(Busy()) else "error")
        # Claimed with no await since the checks above, so one handler answers each link.
        future: asyncio.Future[tuple[bool, str | None]] = asyncio.get_running_loop().create_future()
        self._answering[where] = future
        result: tuple[bool, str | None] = (False, OOPS)
        try:
            if pointers and (kind := await self._point(msg, conv, where, window)):
                result = (True, None)
                return Outcome(url, kind)
            outcome, result = await self._answer_fresh(msg, conv, config, url, explicit, job)
            return outcome
        finally:
            self._answering.pop(where, None)
            future.set_result(result)

    async def _point(
        self,
        msg: IncomingMessage,
        conv: Conversation,
        where: tuple[str, str, str],
        window: timedelta,
        *,
        database: bool = True,
    ) -> OutcomeKind | None:
        """Point to the earlier card ("pointer"), stay silent ("quiet"), or None: no card."""
        known = self._refs.get(where)
        now = self.clock()
        if known is not None and now - known[0] <= window:
            shared_at, ref = known[0], known[1]
        elif not database:
            return None
        else:
            share = await self.store.find_recent_share(
                msg.platform, msg.channel_id, where[2], window
            )
            if share is None:
                return None
            shared_at, ref = share.shared_at, None
        last = self._pointed.get(where)
        if last is not None and now - last < POINTER_GAP:
            return "quiet"  # the pointer moments ago is still on screen: no noise
        self._pointed[where] = now
        self._pointed.move_to_end(where)
        while len(self._pointed) > 5000:
            self._pointed.popitem(last=False)
        minutes = max(int((now - shared_at).total_seconds() // 60), 0)
        ago = "just now" if minutes < 1 else f"{_ago(minutes)} ago"
        link = f": {ref.link}" if ref is not None and ref.link else "."
        self.metrics.pointers.inc()
        reply = pointer(f"Already summarised in this channel {ago}{link}")
        await conv.reply(reply, in_thread=True)
        return "pointer"

    async def _answer_fresh(
        self,
        msg: IncomingMessage,
        conv: Conversation,
        config: ChannelConfig,
        url: str,
        explicit: bool,
        job: Job | None,
    ) -> tuple[Outcome, tuple[bool, str | None]]:
        try:
            analysis = await self.articles.analysis_for_url(url)
        except Busy as error:
            self.metrics.shed.inc()
            await self._say(conv, str(error))
            return Outcome(url, "busy"), (False, str(error))
        except (FetchError, ExtractionError) as error:
            self.metrics.fetch_failures.labels(type(error).__name__).inc()
            # Pages that are not articles stay quiet; a language we cannot read yet is said.
            quiet = isinstance(error, (NotHtml, ExtractionError))
            if explicit or not quiet or isinstance(error, UnsupportedLanguage):
                await self._say(conv, str(error))
            return Outcome(url, "error"), (False, str(error))
        language = analysis.article.language
        if config.languages and language not in config.languages:
            text = f"That article is in {language}, and this channel summarises only " + (
                ", ".join(config.languages) + "."
            )
            await self._say(conv, text)
            return Outcome(url, "quiet"), (False, text)
        await self._post_card(msg, conv, config, url, analysis, job)
        return Outcome(url, "card"), (True, None)

    async def _post_card(
        self,
        msg: IncomingMessage,
        conv: Conversation,
        config: ChannelConfig,
        url: str,
        analysis: Analysis,
        job: Job | None = None,
    ) -> MessageRef:
        key = links.link_key(url)
        article = analysis.article
        allowed = allowed_links([url, article.url, *links_in(article.text)])
        reply = sanitize_reply(card(analysis, conv.capabilities, key=key), allowed)

        async def post_and_record() -> MessageRef:
            ref = await conv.reply(reply, in_thread=config.reply == "thread")
            self._remember_ref((msg.platform, msg.channel_id, url), ref)
            share = Share(
                platform=msg.platform,
                channel_id=msg.channel_id,
                url=url,
                shared_at=self.clock(),
                message_id=ref.message_id,
                thread_id=ref.thread_id,
                user_id=msg.author.id,
            )
            await self.store.record_share(share, event_key=job.key if job else None)
            return ref

        # A stop between posting and storing the card would post it again on resume.
        return await self.articles.supervisor.protect(post_and_record())

    async def answer_article(
        self,
        msg: IncomingMessage,
        conv: Conversation,
        config: ChannelConfig,
        source: str,
        article: Article,
    ) -> Outcome:
        """Answer with a card for an article the adapter read itself (a file in the console)."""
        try:
            analysis = await self.articles.analysis_for_article(source, article)
        except Busy as error:
            await self._say(conv, str(error))
            return Outcome(source, "busy")
        await self._post_card(msg, conv, config, source, analysis)
        return Outcome(source, "card")

    def _remember_ref(self, where: tuple[str, str, str], ref: MessageRef) -> None:
        self._refs[where] = (self.clock(), ref)
        self._refs.move_to_end(where)
        while len(self._refs) > 5000:
            self._refs.popitem(last=False)


def _ago(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours != 1 else ''}"
