"""Protocols the core depends on and adapters or models implement."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot.models import (
    ActionEvent,
    Analysis,
    Article,
    Capabilities,
    IncomingMessage,
    MessageRef,
    Reply,
    User,
)
from bot.poll_models import PollSpec, PollState
from bot.polls import VoteChanges
from bot.storage.records import ChannelConfig, Share

if TYPE_CHECKING:  # the job types live beside their SQL: importing it costs SQLAlchemy
    from bot.storage.job_queries import JobClaim, PendingJob


class SubjectivityScorer(Protocol):
    """Scores sentences, each on its own, by the probability that it is the author's view."""

    @property
    def threshold(self) -> float:
        """Decision threshold on P(subjective) that maximises macro-F1 on the dev set."""
        ...

    def subjectivity(self, texts: Sequence[str]) -> list[float]:
        """Return P(subjective) in [0, 1] for each text, calibrated on CheckThat! dev."""
        ...

    @property
    def confidence_scale(self) -> tuple[float, float]:
        """(a, b): a lone sentence's label confidence is sigmoid(a * |margin| + b)."""
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


class ChatCore(Protocol):
    """The core use cases the chat adapters call (Discord and Slack translate into these)."""

    async def handle_message(self, message: IncomingMessage, conversation: Conversation) -> object:
        """Answer a message, command, mention, reaction or shortcut (dedupes by event id)."""
        ...

    async def handle_action(self, action: ActionEvent, conversation: Conversation) -> None:
        """Act on a button click (details, start a poll, vote, close a poll)."""
        ...

    async def handle_native_vote(
        self, platform: str, message_ref: str, user: User, option: int, event_id: str
    ) -> None:
        """Record a vote cast in a platform's own poll (found by its message)."""
        ...

    async def handle_native_unvote(
        self, platform: str, message_ref: str, user: User, option: int
    ) -> None:
        """Withdraw a vote from a platform's own poll (found by its message)."""
        ...

    async def native_poll_messages(self, platform: str) -> list[MessageRef]:
        """Where the platform's open polls are shown (the adapter tells native ones apart)."""
        ...

    async def reconcile_native_poll(
        self, platform: str, message_ref: str, voters_by_option: Mapping[int, Iterable[str]]
    ) -> None:
        """Make a native poll's stored votes match the platform's full voter list per answer."""
        ...

    async def configure(self, msg: IncomingMessage, args: str, conv: Conversation) -> None:
        """Show the channel's settings, or change them when the user is a channel admin."""
        ...

    async def opt_out(
        self, msg: IncomingMessage, opted_out: bool, conv: Conversation, undo: str | None = None
    ) -> None:
        """Record whether the person's pasted links are answered automatically; confirm it."""
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


class Outbox(Protocol):
    """An adapter's way to reach a channel outside any event (poll expiry announcements)."""

    def conversation(self, channel_id: str, thread_id: str | None = None) -> Conversation:
        """A Conversation posting into `channel_id` (and `thread_id` when given)."""
        ...

    @property
    def polls_settled(self) -> bool:
        """True once due polls may close: connected, and votes cast while away read back."""
        ...


class Adapter(Outbox, Protocol):
    """A running platform connection, created by its module's `create(core, settings, **opts)`.

    An adapter module (`adapters.<name>`, or an `unspin.adapters` entry point) exposes
    `create(core, settings, **options) -> Adapter` and
    `required_settings(settings) -> list[str]`, which names each missing credential as
    "discord.token (UNSPIN_DISCORD__TOKEN)" so `unspin run` can say what to set.
    """

    @property
    def name(self) -> str:
        """The adapter's name, as in service.adapters ("console", "discord", "slack")."""
        ...

    @property
    def connected(self) -> bool:
        """True while connected to the platform (for /healthz)."""
        ...

    async def run(self, stop: asyncio.Event) -> None:
        """Receive events until `stop` is set (or the input ends, for the console)."""
        ...


class BotStore(Protocol):
    """The persistence the core uses (bot.store.SqlStore satisfies it)."""

    async def mark_event_processed(self, platform: str, key: str) -> bool:
        """Record an event id; False when seen before."""
        ...

    async def get_analysis(self, url: str) -> dict[str, Any] | None:
        """The cached analysis JSON for a normalised URL, or None."""
        ...

    async def save_analysis(
        self, url: str, payload: Mapping[str, Any], *, ttl_s: float | None = None
    ) -> None:
        """Cache an analysis JSON for a normalised URL."""
        ...

    async def record_share(self, share: Share, *, event_key: str | None = None) -> None:
        """Remember where a link was answered (and for which event, when given)."""
        ...

    async def find_event_share(
        self, platform: str, channel_id: str, url: str, event_key: str
    ) -> Share | None:
        """The answer an event already got for `url`, if any."""
        ...

    async def set_opt_out(self, platform: str, user_id: str, opted_out: bool) -> None:
        """Record a person's opt-out of automatic answers (or its end)."""
        ...

    async def opted_out_users(self) -> set[tuple[str, str]]:
        """Every (platform, user id) that opted out of automatic answers."""
        ...

    async def claim_job(self, platform: str, key: str, payload: Mapping[str, Any]) -> JobClaim:
        """Claim an event together with its job: "new", "pending" (unfinished) or "done"."""
        ...

    async def finish_job(self, platform: str, key: str) -> None:
        """Mark a claimed job answered."""
        ...

    async def pending_jobs(self) -> list[PendingJob]:
        """Jobs claimed but never finished, oldest first."""
        ...

    async def find_recent_share(
        self, platform: str, channel_id: str, url: str, within: timedelta
    ) -> Share | None:
        """The latest answer to `url` in the channel within `within`, if any."""
        ...

    async def get_channel_settings(self, platform: str, channel_id: str) -> ChannelConfig | None:
        """The channel's own settings, or None."""
        ...

    async def set_channel_settings(self, config: ChannelConfig) -> None:
        """Store a channel's settings."""
        ...

    async def create_poll(
        self,
        spec: PollSpec,
        *,
        platform: str,
        channel_id: str,
        starter_id: str,
        message_ref: str | None = None,
    ) -> PollState:
        """Store a new open poll."""
        ...

    async def set_poll_message(
        self, poll_id: int, message_ref: str, *, thread_id: str | None = None
    ) -> None:
        """Remember the message showing the poll, and the thread it sits in (if any)."""
        ...

    async def cast_vote(
        self, poll_id: int, user_id: str, option: int, *, event_key: str | None = None
    ) -> int:
        """Set a person's vote; return the number of voters."""
        ...

    async def remove_vote(self, poll_id: int, user_id: str, option: int) -> int:
        """Withdraw a person's vote for `option` (if that is their vote); return the voters."""
        ...

    async def sync_votes(
        self, poll_id: int, voters_by_option: Mapping[int, Iterable[str]]
    ) -> VoteChanges:
        """Make an open poll's votes equal a platform's full voter lists; return the changes."""
        ...

    async def close_poll(self, poll_id: int, *, closed_by: str | None = None) -> PollState:
        """Close a poll; return it with the final tally."""
        ...

    async def get_poll(self, poll_id: int) -> PollState:
        """A poll with its recounted tally."""
        ...

    async def find_poll_by_message(self, platform: str, message_ref: str) -> PollState | None:
        """The poll shown by a platform message (native polls report votes that way)."""
        ...

    async def list_open_polls(self) -> list[PollState]:
        """Every open poll, soonest closing first."""
        ...

    async def list_due_polls(self) -> list[PollState]:
        """Open polls past their closing time."""
        ...

    async def list_unreminded_polls(self, due_by: date) -> list[PollState]:
        """Polls due on or before `due_by` whose reminder was never claimed."""
        ...

    async def claim_reminder(self, poll_id: int) -> PollState | None:
        """Take a poll's one due reminder; None if it was taken already."""
        ...

    async def ping(self) -> bool:
        """True when the database answers."""
        ...
