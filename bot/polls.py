"""Pure poll rules: predictions to poll specs within platform limits, votes, tallies, closing."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from bot.models import Prediction
from bot.poll_errors import InvalidOption, NotAllowed, PollClosed, PollError
from bot.poll_models import (
    DEFAULT_POLL_OPTIONS,
    ELLIPSIS,
    PollLimits,
    PollSpec,
    PollState,
    Tally,
)

log = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")
# Punctuation left dangling before an ellipsis reads badly ("rates, …"); sentence marks stay.
_DANGLING = " \t,;:-–—(/"
# Room kept for who made a forecast (the store's column is this wide).
BY_CHARS = 200


def fit_text(text: str, limit: int) -> str:
    """Collapse whitespace; shorten to `limit` characters on a word boundary, with an ellipsis."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    clean = _SPACES.sub(" ", text).strip()
    if len(clean) <= limit:
        return clean
    room = limit - len(ELLIPSIS)
    if room <= 0:
        return ELLIPSIS[:limit]
    cut = clean[:room]
    boundary = cut.rfind(" ")
    # Only text with no space to cut at (one long URL or compound) is cut mid-word.
    if clean[room] != " " and boundary > 0:
        cut = cut[:boundary]
    return cut.rstrip(_DANGLING) + ELLIPSIS


def fit_spec(spec: PollSpec, limits: PollLimits) -> PollSpec:
    """Return `spec` shortened and clamped so the platform described by `limits` accepts it."""
    question = fit_text(spec.question, limits.question_chars)
    if not question:
        raise PollError("A poll needs a question.")
    options: list[str] = []
    seen: set[str] = set()
    for raw in spec.options:
        text = fit_text(raw, limits.answer_chars)
        # Truncation can make two long answers identical; platforms reject duplicate answers.
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            options.append(text)
    if len(options) > limits.max_answers:
        log.debug("poll answers cut from %d to %d", len(options), limits.max_answers)
        options = options[: limits.max_answers]
    if len(options) < limits.min_answers:
        raise PollError(f"A poll needs at least {limits.min_answers} different answers.")
    duration = min(max(spec.duration, limits.min_duration), limits.max_duration)
    return PollSpec(
        question=question,
        options=tuple(options),
        duration=duration,
        prediction_i=spec.prediction_i,
        source_url=spec.source_url,
        hide_results=spec.hide_results,
        resolve_by=spec.resolve_by,
        predicted_by=spec.predicted_by,
    )


def due_date(resolve_by: str | None) -> date | None:
    """The day a prediction's `resolve_by` names, or None for a phrase ("soon") or nothing."""
    if not resolve_by:
        return None
    try:
        return date.fromisoformat(resolve_by.strip())
    except ValueError:
        return None


def spec_for_prediction(
    prediction: Prediction,
    limits: PollLimits,
    *,
    options: Sequence[str] = DEFAULT_POLL_OPTIONS,
    duration: timedelta = timedelta(hours=24),
    hide_results: bool = True,
    source_url: str | None = None,
) -> PollSpec:
    """Build the poll for one prediction: its neutral question, the configured answers, limits."""
    question = prediction.question.strip() or prediction.claim.strip()
    spec = PollSpec(
        question=question,
        options=tuple(options),
        duration=duration,
        prediction_i=prediction.i,
        source_url=source_url,
        hide_results=hide_results,
        resolve_by=due_date(prediction.resolve_by),
        predicted_by=fit_text(prediction.by, BY_CHARS) or None,
    )
    return fit_spec(spec, limits)


def closes_at(start: datetime, duration: timedelta) -> datetime:
    """When a poll started at `start` with `duration` expires."""
    return start + duration


def is_due(state: PollState, now: datetime) -> bool:
    """True when an open poll has reached its closing time and should be closed now."""
    return state.is_open and now >= state.closes_at


ReminderStatus = Literal["none", "waiting", "due", "stale"]


def reminder_at(due: date, hour: int = 0) -> datetime:
    """When the reminder for a forecast due on `due` is posted: that day at `hour` UTC."""
    return datetime.combine(due, time(hour), tzinfo=UTC)


def reminder_cutoff(now: datetime, hour: int = 0) -> date:
    """The latest due date whose reminder time has been reached at `now`."""
    return (now.astimezone(UTC) - timedelta(hours=hour)).date()


def reminder_status(state: PollState, now: datetime, *, hour: int = 0) -> ReminderStatus:
    """Whether a poll's due reminder should be posted now.

    "none": no due date, or already reminded; "waiting": the day has not come; "due": post it
    (open or closed alike); "stale": the forecast was already due when the poll started, so
    the poll itself asked about a past date and a reminder would only repeat it.
    """
    if state.resolve_by is None or state.reminded_at is not None:
        return "none"
    at = reminder_at(state.resolve_by, hour)
    if now < at:
        return "waiting"
    return "stale" if at <= state.created_at else "due"


def accepts_votes(state: PollState, now: datetime) -> bool:
    """True while the poll is open and not yet past its closing time."""
    return state.is_open and now < state.closes_at


def check_option(n_options: int, option: int) -> None:
    """Raise InvalidOption unless `option` indexes one of `n_options` answers."""
    if not 0 <= option < n_options:
        raise InvalidOption()


def check_vote(state: PollState, option: int, now: datetime) -> None:
    """Raise PollClosed or InvalidOption when this vote must be refused."""
    if not accepts_votes(state, now):
        raise PollClosed()
    check_option(len(state.options), option)


def apply_vote(votes: Mapping[str, int], user_id: str, option: int) -> dict[str, int]:
    """Return the votes after `user_id` clicks `option`: a click sets the vote, never toggles it."""
    updated = dict(votes)
    updated[user_id] = option
    return updated


def tally(options: Iterable[int], n_options: int) -> Tally:
    """Count the chosen option indexes; each stored vote is one person's single current choice."""
    counts = [0] * n_options
    for option in options:
        check_option(n_options, option)
        counts[option] += 1
    return Tally(tuple(counts))


def can_close(state: PollState, user_id: str, *, is_channel_admin: bool) -> bool:
    """Only the poll's starter or a channel admin may close a poll early."""
    return is_channel_admin or user_id == state.starter_id


def check_close(state: PollState, user_id: str, *, is_channel_admin: bool) -> None:
    """Raise PollClosed or NotAllowed when `user_id` may not close this poll now."""
    if not state.is_open:
        raise PollClosed()
    if not can_close(state, user_id, is_channel_admin=is_channel_admin):
        raise NotAllowed()


def results_visible(state: PollState) -> bool:
    """Whether the per-option counts may be shown: always once closed, otherwise per the poll."""
    return not state.is_open or not state.hide_results


def visible_tally(state: PollState) -> Tally | None:
    """The counts that may be shown now, or None while hidden (show `state.voters` instead)."""
    return state.tally if results_visible(state) else None


def winners(result: Tally) -> tuple[int, ...]:
    """The option indexes with the most votes (several on a tie, none when nobody voted)."""
    if result.voters == 0:
        return ()
    top = max(result.counts)
    return tuple(i for i, count in enumerate(result.counts) if count == top)


@dataclass(frozen=True, slots=True)
class VoteChanges:
    """What makes a poll's stored votes match the voters a platform shows for it."""

    cast: Mapping[str, int] = field(default_factory=dict)
    """Person -> answer to record: a vote the store lacks, or a changed one."""
    withdrawn: Mapping[str, int] = field(default_factory=dict)
    """Person -> the stored answer the platform no longer shows them on."""

    def __bool__(self) -> bool:
        return bool(self.cast or self.withdrawn)


def reconcile_votes(
    stored: Mapping[str, int],
    voters_by_option: Mapping[int, Iterable[str]],
    n_options: int,
) -> VoteChanges:
    """The changes that make `stored` (person -> answer) equal the platform's full voter lists.

    `voters_by_option` must be complete: a stored person the platform shows on no answer has
    withdrawn their vote. One vote per person, as everywhere: someone listed on several answers
    (a multi-select poll) keeps the stored answer when it is one of them, else the first one.
    Raises InvalidOption when the platform names an answer the poll does not have, since the
    lists then belong to some other poll shape and applying them would lose votes.
    """
    shown: dict[str, list[int]] = {}
    for option in sorted(voters_by_option):
        check_option(n_options, option)
        for person in voters_by_option[option]:
            choices = shown.setdefault(person, [])
            if option not in choices:
                choices.append(option)
    cast: dict[str, int] = {}
    for person, choices in shown.items():
        mine = stored.get(person)
        if mine not in choices:
            cast[person] = choices[0]
    withdrawn = {person: option for person, option in stored.items() if person not in shown}
    return VoteChanges(cast, withdrawn)
