"""Protocols the core depends on and adapters or models implement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.models import Analysis, Article, Capabilities, MessageRef, Reply
from bot.poll_models import PollState


class SubjectivityScorer(Protocol):
    """Scores sentences, each on its own, by the probability that it is the author's view."""

    @property
    def threshold(self) -> float:
        """Decision threshold on P(subjective) that maximises macro-F1 on the dev set."""
        ...

    def subjectivity(self, texts: Sequence[str]) -> list[float]:
        """Return P(subjective) in [0, 1] for each text, calibrated on CheckThat! dev."""
        ...


class Conversation(Protocol):
    """One event's way back to the platform, built by the adapter per event (like bolt's `say`).

    Every method takes neutral values and returns neutral refs; the adapter owns the platform
    syntax, escaping, mention suppression, unfurl flags, rate limits and retries.
    """

    @property
    def capabilities(self) -> Capabilities:
        """What this platform can show; the core budgets every Reply to it."""
        ...

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        """Post `reply` answering the event: in its thread by default, else in the channel."""
        ...

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        """Replace the content of a message this bot posted earlier."""
        ...

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        """Show `reply` to the event's user only; None when the platform cannot do that."""
        ...

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        """Post a poll: natively when the adapter chooses to, else `card` with vote buttons."""
        ...

    async def say(self, text: str) -> MessageRef | None:
        """Say one plain sentence (an error, a refusal, a busy notice), in the event's thread."""
        ...


class FetchedPageLike(Protocol):
    """What the core reads of a fetched page (bot.fetch.FetchedPage satisfies it)."""

    @property
    def final_url(self) -> str:
        """The address after redirects."""
        ...

    @property
    def text(self) -> str:
        """The decoded body."""
        ...

    @property
    def content_type(self) -> str:
        """The media type, e.g. "text/html"."""
        ...


class Fetcher(Protocol):
    """Fetches one link under the address policy (bot.fetch.AiohttpFetcher satisfies it)."""

    async def fetch(self, url: str) -> FetchedPageLike:
        """Fetch `url`, raising a bot.errors.FetchError subclass with one plain sentence."""
        ...


class ArticleAnalyzer(Protocol):
    """Analyses one article, pure CPU (bot.analysis.Analyzer satisfies it)."""

    def analyze(self, article: Article) -> Analysis:
        """Split, label, find predictions and summarise one article."""
        ...
