"""Fakes shipped with the core: recording conversation, static fetcher, simple analyser, clock."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.errors import FetchError, NotHtml
from bot.models import (
    LABELS,
    Analysis,
    Article,
    Block,
    Capabilities,
    Label,
    LabelledSentence,
    MessageRef,
    Prediction,
    Reply,
    Sentence,
    Summary,
    SummaryItem,
)
from bot.poll_models import PollState
from bot.ports import FetchedPageLike
from bot.render import reply_text

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FixedClock:
    """A clock tests move by hand; call it for the time."""

    now: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class Posted:
    """One thing a RecordingConversation was asked to post."""

    method: str
    reply: Reply
    ref: MessageRef | None
    in_thread: bool = True

    @property
    def text(self) -> str:
        """The reply as plain text."""
        return reply_text(self.reply)


class RecordingConversation:
    """A Conversation that records what the core posts instead of sending it anywhere."""

    _ids = itertools.count(1)

    def __init__(
        self,
        capabilities: Capabilities | None = None,
        *,
        platform: str = "test",
        channel_id: str = "C1",
        thread_id: str | None = None,
        private: bool = True,
    ) -> None:
        self._caps = capabilities or Capabilities(ephemeral=private)
        self.platform = platform
        self.channel_id = channel_id
        self.thread_id = thread_id
        self.private = private
        self.posted: list[Posted] = []
        self.edits: list[tuple[MessageRef, Reply]] = []

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def _ref(self, thread: str | None) -> MessageRef:
        n = next(self._ids)
        return MessageRef(self.platform, self.channel_id, f"m{n}", thread, f"test://m{n}")

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        ref = self._ref(self.thread_id or "t0" if in_thread else None)
        self.posted.append(Posted("reply", reply, ref, in_thread))
        return ref

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        self.edits.append((ref, reply))

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        if not self.private:
            return None
        ref = self._ref(None)
        self.posted.append(Posted("private", reply, ref, False))
        return ref

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        ref = self._ref(self.thread_id)
        self.posted.append(Posted("poll", card, ref))
        return ref

    async def say(self, text: str) -> MessageRef | None:
        ref = self._ref(self.thread_id)
        self.posted.append(Posted("say", Reply("notice", (), text), ref))
        return ref

    @property
    def kinds(self) -> list[str]:
        """What was posted, in order: "say", or the reply kinds ("card", "poll", ...)."""
        return [p.method if p.method == "say" else p.reply.kind for p in self.posted]

    @property
    def said(self) -> list[str]:
        """The plain sentences said."""
        return [p.reply.fallback for p in self.posted if p.method == "say"]


@dataclass(frozen=True, slots=True)
class StaticPage:
    """A fetched page (satisfies bot.ports.FetchedPageLike)."""

    final_url: str
    text: str
    content_type: str = "text/plain"


class StaticFetcher:
    """A Fetcher serving pages from a dict; counts fetches; optional delay and errors."""

    def __init__(
        self,
        pages: Mapping[str, str | FetchError],
        *,
        delay_s: float = 0.0,
        content_type: str = "text/plain",
    ) -> None:
        self.pages = dict(pages)
        self.delay_s = delay_s
        self.content_type = content_type
        self.calls: list[str] = []

    async def fetch(self, url: str) -> StaticPage:
        self.calls.append(url)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        page = self.pages.get(url)
        if page is None:
            raise NotHtml("This link does not lead to an article.")
        if isinstance(page, FetchError):
            raise page
        return StaticPage(url, page, self.content_type)


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_PREDICTION = re.compile(r"\b(will|won't|is going to|by 20\d\d)\b", re.I)
_OPINION = re.compile(r"\b(should|must|I think|I believe|clearly|obviously|wrong|best)\b", re.I)


def article_from_text(text: str, url: str | None = None) -> Article:
    """An Article from plain text: first line the title, blank lines between paragraphs."""
    title, _, body = text.strip().partition("\n")
    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return Article(title=title.strip(), blocks=tuple(Block(p) for p in paras), url=url)


class CueAnalyzer:
    """A tiny keyword analyser with the real Analyzer's shape, for fast, predictable tests."""

    def __init__(self) -> None:
        self.calls = 0

    def analyze(self, article: Article) -> Analysis:
        self.calls += 1
        labelled: list[LabelledSentence] = []
        for p, block in enumerate(article.blocks):
            for text in _SENTENCE.split(block.text):
                if not text.strip():
                    continue
                label: Label = (
                    "prediction"
                    if _PREDICTION.search(text)
                    else "opinion"
                    if _OPINION.search(text)
                    else "reported"
                )
                s = Sentence(len(labelled), text.strip(), p, block.quoted)
                labelled.append(LabelledSentence(s, label, 0.9, f"cue words say {label}"))
        items = [SummaryItem(s.sentence.i, s.sentence.text) for s in labelled]
        reported = tuple(i for i, s in zip(items, labelled, strict=True) if s.label == "reported")
        argued = tuple(i for i, s in zip(items, labelled, strict=True) if s.label != "reported")
        tldr = items[0].text if items else ""
        predictions = tuple(
            Prediction(
                s.sentence.i, "author", s.sentence.text, f"Will it happen: {s.sentence.text}"
            )
            for s in labelled
            if s.label == "prediction"
        )
        total = len(labelled) or 1
        composition: dict[Label, float] = {
            k: round(sum(1 for s in labelled if s.label == k) / total, 3) for k in LABELS
        }
        summary = Summary(tldr, (0,) if items else (), tuple(items[:5]), reported[:5], argued[:5])
        return Analysis(article, tuple(labelled), summary, predictions, composition)


def extract_plain(page: FetchedPageLike) -> Article:
    """Extraction for StaticPage text: see article_from_text."""
    return article_from_text(page.text, url=page.final_url)
