"""Neutral, frozen data that flows through the core (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Label = Literal["reported", "opinion", "prediction"]
LABELS: tuple[Label, ...] = ("reported", "opinion", "prediction")
BlockKind = Literal["paragraph", "heading", "list_item", "quote"]


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like piece of article text, in reading order."""

    text: str
    quoted: bool = False
    kind: BlockKind = "paragraph"


@dataclass(frozen=True, slots=True)
class Article:
    """The readable body of a page plus its metadata, as extracted."""

    title: str
    blocks: tuple[Block, ...]
    url: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None
    language: str = "en"
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def words(self) -> int:
        """Number of whitespace-separated words in the body."""
        return sum(len(b.text.split()) for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article body; `paragraph` indexes Article.blocks."""

    i: int
    text: str
    paragraph: int
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    """A sentence with its label, a calibrated confidence and the reason."""

    sentence: Sentence
    label: Label
    confidence: float
    why: str
    attribution: str | None = None


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """A summary entry grounded in one article sentence."""

    i: int
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    """What the article says in brief, split into reported facts and arguments."""

    tldr: str
    tldr_sentences: tuple[int, ...]
    points: tuple[SummaryItem, ...]
    reported: tuple[SummaryItem, ...]
    argued: tuple[SummaryItem, ...]


@dataclass(frozen=True, slots=True)
class Prediction:
    """A forecast found in the article, rewritten as a neutral yes/no question."""

    i: int
    by: str
    claim: str
    question: str
    condition: str | None = None
    resolve_by: str | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything Unspin knows about one article."""

    article: Article
    sentences: tuple[LabelledSentence, ...]
    summary: Summary
    predictions: tuple[Prediction, ...]
    composition: dict[Label, float] = field(default_factory=dict)


# --- Messaging: what adapters translate platform events into, and replies back from ---------

Trigger = Literal["link", "command", "mention", "reaction", "context_menu"]
ActionKind = Literal["start_poll", "details", "vote", "close_poll"]
TextStyle = Literal["plain", "byline", "composition", "tldr", "note", "pointer"]
ReplyKind = Literal["card", "details", "poll", "notice", "pointer", "settings"]


@dataclass(frozen=True, slots=True)
class User:
    """A person (or bot) on a chat platform, as the adapter saw them in this event."""

    id: str
    """Platform user id, stable across events (Discord snowflake, Slack `U…` id)."""
    name: str
    """Display name, for logs and bylines only; never used for permission checks."""
    is_bot: bool = False
    """True for any bot account, this bot included: the core never answers bots."""
    is_admin: bool = False
    """True when the user may change this channel's settings and close others' polls."""


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One platform event that may carry links: a message, a command, a mention, a reaction."""

    platform: str
    """Adapter name ("discord", "slack", "console"): namespaces every id below."""
    event_id: str
    """Idempotency key: the same platform event redelivered carries the same id."""
    channel_id: str
    """Where the message was posted (a Discord channel, a Slack conversation)."""
    message_id: str
    """The message the event is about (for a reaction or context menu: the reacted message)."""
    author: User
    """Who sent the message, or for reactions/commands the person who asked."""
    text: str
    """The text to look for links in, platform markup left as is (links.py understands it)."""
    trigger: Trigger = "link"
    """How the bot was asked: a pasted link, a command, a mention, a 📰 reaction, a menu action."""
    thread_id: str | None = None
    """The thread the message is in, when it is in one (replies then go there)."""
    guild_id: str | None = None
    """The Discord guild or Slack workspace/team id, when the platform has one."""


@dataclass(frozen=True, slots=True)
class ActionEvent:
    """A click on one of the bot's actions (a button, a select, a native poll vote)."""

    platform: str
    """Adapter name, as in IncomingMessage."""
    event_id: str
    """Idempotency key for this click (Slack `action_ts`+user, Discord interaction id)."""
    channel_id: str
    """Channel of the message the action belongs to."""
    user: User
    """Who clicked."""
    kind: ActionKind
    """Which action: start a poll, show details, vote, close a poll."""
    ref: str
    """The Action.ref the core put on the button, echoed back unchanged (at most 80 chars)."""
    message_id: str | None = None
    """The bot message that carried the action, when the platform says."""
    thread_id: str | None = None
    """The thread of that message, when it is in one."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can show; renderers budget to it instead of asking which platform it is."""

    message_chars: int = 2000
    """Longest text of one message (Discord 2000; Slack sections 3000, messages ~40000)."""
    block_chars: int = 1000
    """Longest text of one block/field/section the adapter renders separately."""
    poll_question_chars: int = 300
    """Longest poll question (Discord native polls: 300)."""
    poll_answer_chars: int = 55
    """Longest poll answer (Discord native polls: 55)."""
    poll_max_answers: int = 10
    """Most answers in one poll (Discord native polls: 10)."""
    poll_max_days: int = 32
    """Longest poll duration in days (Discord native polls: 32)."""
    native_polls: bool = False
    """True when the platform has polls of its own (Discord); otherwise buttons or text."""
    threads: bool = True
    """True when replies can go in a thread under the shared message."""
    ephemeral: bool = False
    """True when a reply can be shown to one person only (Slack ephemeral, Discord interaction)."""
    buttons: bool = True
    """True when Actions can be rendered as clickable buttons; otherwise the adapter lists them."""
    max_buttons: int = 25
    """Most buttons in one message (Discord: 5 rows of 5; Slack: 25 per actions block)."""


@dataclass(frozen=True, slots=True)
class Action:
    """A clickable action on a reply; the adapter renders it and echoes `ref` back on click."""

    kind: ActionKind
    """What the click does."""
    label: str
    """Button text, short (Discord caps button labels at 80 characters)."""
    ref: str
    """Opaque id the core needs to act (card key, poll id, option); at most 80 characters."""
    style: Literal["default", "primary", "danger"] = "default"
    """Emphasis hint; adapters may ignore it."""


@dataclass(frozen=True, slots=True)
class TitleBlock:
    """The card header: the article title linking to it."""

    title: str
    """Article title (or its address when it has none)."""
    link: str | None = None
    """The article's address, the only URL a card may contain."""


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One line or paragraph of text; `style` tells the adapter how to present it."""

    text: str
    """Plain text: no platform markup; adapters escape it."""
    style: TextStyle = "plain"
    """byline (site, author, date), composition line, tldr, note (warning), pointer."""


@dataclass(frozen=True, slots=True)
class BulletsBlock:
    """A titled list, e.g. "Reported" facts or "Argued" points, or the details' sentences."""

    title: str
    """Heading shown above the items."""
    items: tuple[str, ...]
    """Plain-text items, in order."""


@dataclass(frozen=True, slots=True)
class PredictionBlock:
    """One of the author's predictions, offered as a poll."""

    question: str
    """The neutral yes/no question."""
    by: str
    """Who predicts it: "the author" or the attributed source."""
    resolve_by: str | None
    """Suggested resolve-by date, when the article gives one."""
    action: Action
    """The "Start a poll" action for this prediction."""


@dataclass(frozen=True, slots=True)
class PollChoice:
    """One answer as a poll card shows it."""

    index: int
    """Position of the answer; votes refer to it."""
    text: str
    """Answer text, already fitted to the platform's limit."""
    votes: int | None
    """Votes for it, or None while results are hidden."""
    action: Action
    """The vote action for this answer (no-op once the poll is closed)."""


@dataclass(frozen=True, slots=True)
class PollBlock:
    """A poll as a card: question, answers, how many voted, and the tally once revealed."""

    poll_id: int
    """The stored poll's id."""
    question: str
    """The poll question."""
    choices: tuple[PollChoice, ...]
    """The answers, in order."""
    voters: int
    """How many people voted (always shown)."""
    is_open: bool
    """False once closed; then `choices[].votes` hold the final tally."""
    closes_at: str
    """Closing time as ISO 8601 UTC, for the adapter to show in the platform's own format."""
    close_action: Action | None
    """The "Close poll" action while open, else None."""
    summary: str
    """One plain line: "3 voted · results at close" or "Closed: Will happen 2, …"."""


@dataclass(frozen=True, slots=True)
class ActionsBlock:
    """A row of actions not tied to another block (e.g. "Details")."""

    actions: tuple[Action, ...]
    """The actions, in order."""


ReplyBlock = TitleBlock | TextBlock | BulletsBlock | PredictionBlock | PollBlock | ActionsBlock


@dataclass(frozen=True, slots=True)
class Reply:
    """A neutral message the core wants posted; adapters translate it to platform payloads."""

    kind: ReplyKind
    """What it is: an article card, the details, a poll, a notice (one sentence), a pointer."""
    blocks: tuple[ReplyBlock, ...]
    """The content, in order, already budgeted to the platform's Capabilities."""
    fallback: str
    """Plain text for notifications and platforms that show no blocks (short)."""


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Where the adapter posted a reply, so the core can edit it or point back to it later."""

    platform: str
    """Adapter name."""
    channel_id: str
    """Channel it was posted in."""
    message_id: str
    """The posted message's id (Slack `ts`, Discord message id)."""
    thread_id: str | None = None
    """The thread it was posted in, if any."""
    link: str | None = None
    """A permalink people can click, when the platform has one."""
