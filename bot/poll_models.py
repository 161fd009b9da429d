"""Neutral, frozen poll data shared by the poll rules, the store and the adapters (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

PollStatus = Literal["open", "closed"]

DEFAULT_POLL_OPTIONS: tuple[str, ...] = ("Will happen", "Won't happen", "Too early to tell")
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class PollLimits:
    """What a platform's polls accept; the defaults are Discord's native poll limits."""

    question_chars: int = 300
    answer_chars: int = 55
    max_answers: int = 10
    min_answers: int = 2
    max_duration: timedelta = timedelta(days=32)
    min_duration: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class PollSpec:
    """A poll as it should be posted: question, answers, duration and where it came from."""

    question: str
    options: tuple[str, ...]
    duration: timedelta
    prediction_i: int | None = None
    source_url: str | None = None
    hide_results: bool = True
    resolve_by: date | None = None
    """The day the forecast comes due, when the article names one; a reminder follows then."""
    predicted_by: str | None = None
    """Who made the forecast: "author" or the attributed source."""


@dataclass(frozen=True, slots=True)
class PollOption:
    """One answer of a stored poll; `index` is its position, as votes refer to it."""

    index: int
    text: str


@dataclass(frozen=True, slots=True)
class Vote:
    """One person's current choice in one poll (a later click replaces it)."""

    poll_id: int
    user_id: str
    option: int
    cast_at: datetime


@dataclass(frozen=True, slots=True)
class Tally:
    """Votes per option, in option order, recomputed from the stored votes."""

    counts: tuple[int, ...]

    @property
    def voters(self) -> int:
        """How many people voted (one vote per person)."""
        return sum(self.counts)

    def share(self, option: int) -> float:
        """The fraction of voters who chose `option` (0.0 when nobody voted)."""
        total = self.voters
        return self.counts[option] / total if total else 0.0


@dataclass(frozen=True, slots=True)
class PollState:
    """A stored poll with its current tally; what renderers and adapters read."""

    id: int
    platform: str
    channel_id: str
    starter_id: str
    question: str
    options: tuple[PollOption, ...]
    created_at: datetime
    closes_at: datetime
    tally: Tally
    status: PollStatus = "open"
    closed_at: datetime | None = None
    closed_by: str | None = None
    message_ref: str | None = None
    message_thread: str | None = None
    prediction_i: int | None = None
    source_url: str | None = None
    hide_results: bool = True
    resolve_by: date | None = None
    predicted_by: str | None = None
    reminded_at: datetime | None = None
    """When the due reminder was claimed (posted, failed or skipped); None until then."""

    @property
    def is_open(self) -> bool:
        """True until the poll is closed (expiry alone does not close it: the store does)."""
        return self.status == "open"

    @property
    def voters(self) -> int:
        """How many people voted so far; always safe to show, even while results are hidden."""
        return self.tally.voters
