"""Pure poll rules: fitting polls to platform limits, votes, tallies, visibility and closing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot import polls
from bot.models import Prediction
from bot.poll_errors import InvalidOption, NotAllowed, PollClosed, PollError
from bot.poll_models import (
    DEFAULT_POLL_OPTIONS,
    ELLIPSIS,
    PollLimits,
    PollOption,
    PollSpec,
    PollState,
    Tally,
)

DISCORD = PollLimits()
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WORDS = ("the", "bank", "will", "cut", "rates", "summer,", "says", "analyst;", "inflation", "Q3")


def _state(**changes: object) -> PollState:
    fields: dict[str, object] = {
        "id": 1,
        "platform": "console",
        "channel_id": "c",
        "starter_id": "alice",
        "question": "Will it?",
        "options": tuple(PollOption(i, t) for i, t in enumerate(DEFAULT_POLL_OPTIONS)),
        "created_at": START,
        "closes_at": START + timedelta(hours=24),
        "tally": Tally((2, 1, 0)),
    }
    fields.update(changes)
    return PollState(**fields)  # type: ignore[arg-type]


def test_fit_text_keeps_short_text_and_collapses_whitespace() -> None:
    """Text within the limit is returned whole, with runs of whitespace collapsed."""
    assert polls.fit_text("  Will   rates\nfall? ", 55) == "Will rates fall?"


def test_fit_text_cuts_on_a_word_boundary_with_an_ellipsis() -> None:
    """Long text is cut after a whole word and ends with an ellipsis, within the limit."""
    text = "Will the central bank cut interest rates again before the summer recess?"
    fitted = polls.fit_text(text, 30)
    assert fitted == "Will the central bank cut" + ELLIPSIS
    assert len(fitted) <= 30


def test_fit_text_drops_dangling_punctuation_before_the_ellipsis() -> None:
    """A comma left at the cut is removed so the ellipsis follows a word."""
    assert (
        polls.fit_text("Rates, prices, wages, everything rises", 22)
        == "Rates, prices, wages" + ELLIPSIS
    )


def test_fit_text_cuts_inside_one_very_long_word() -> None:
    """A single word longer than the limit is cut mid-word rather than vanishing."""
    fitted = polls.fit_text("https://example.org/" + "x" * 80, 20)
    assert len(fitted) == 20 and fitted.endswith(ELLIPSIS) and fitted.startswith("https://")


def test_fit_text_random_texts_stay_within_limits_and_keep_whole_words() -> None:
    """For random texts and limits the result fits, and its words are the text's leading words."""
    rng = random.Random(7)
    for _ in range(500):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 40)))
        limit = rng.randrange(12, 120)
        fitted = polls.fit_text(text, limit)
        assert len(fitted) <= limit
        if fitted.endswith(ELLIPSIS):
            kept = fitted[: -len(ELLIPSIS)].split()
            words = text.split()[: len(kept)]
            # Whole words only; the last may lose trailing punctuation before the ellipsis.
            assert kept[:-1] == words[:-1] and kept[-1] == words[-1].rstrip(",;")
        else:
            assert fitted == text


def test_fit_spec_applies_discord_limits() -> None:
    """Question, answers, answer count and duration are all brought within Discord's limits."""
    spec = PollSpec(
        question=" ".join(["Will inflation fall below two percent"] * 20) + "?",
        options=tuple(f"Answer {n} " + "very long words " * 6 for n in range(12)),
        duration=timedelta(days=90),
    )
    fitted = polls.fit_spec(spec, DISCORD)
    assert len(fitted.question) <= 300 and fitted.question.endswith(ELLIPSIS)
    assert len(fitted.options) == 10
    assert all(len(o) <= 55 for o in fitted.options)
    assert fitted.options[0].startswith("Answer 0 ")
    assert fitted.duration == timedelta(days=32)


def test_fit_spec_drops_answers_that_become_identical() -> None:
    """Answers that only differ after the cut collapse into one, as platforms reject duplicates."""
    long = "Too early to tell because the data " + "x" * 10
    spec = PollSpec("Q?", (long + " one", long + " two", "No"), timedelta(hours=1))
    fitted = polls.fit_spec(spec, PollLimits(answer_chars=30))
    assert len(fitted.options) == 2 and fitted.options[1] == "No"


def test_fit_spec_refuses_fewer_than_two_answers() -> None:
    """A poll with one usable answer cannot be posted."""
    with pytest.raises(PollError):
        polls.fit_spec(PollSpec("Q?", ("Yes", " ", "yes"), timedelta(hours=1)), DISCORD)


def test_fit_spec_raises_too_short_durations_to_the_minimum() -> None:
    """A duration below the platform minimum is raised to it."""
    fitted = polls.fit_spec(PollSpec("Q?", ("a", "b"), timedelta(minutes=5)), DISCORD)
    assert fitted.duration == DISCORD.min_duration


def test_spec_for_prediction_uses_the_question_and_configured_answers() -> None:
    """The poll asks the prediction's neutral question with the configured answers and duration."""
    prediction = Prediction(i=4, by="author", claim="Rates will fall.", question="Will rates fall?")
    spec = polls.spec_for_prediction(
        prediction, DISCORD, duration=timedelta(hours=48), source_url="https://x.org/a"
    )
    assert spec.question == "Will rates fall?"
    assert spec.options == DEFAULT_POLL_OPTIONS
    assert (spec.prediction_i, spec.duration, spec.source_url) == (
        4,
        timedelta(hours=48),
        "https://x.org/a",
    )
    assert spec.hide_results is True


def test_spec_for_prediction_falls_back_to_the_claim() -> None:
    """Without a rewritten question the claim itself is asked, fitted to the limit."""
    prediction = Prediction(i=0, by="author", claim="Prices " * 100, question="")
    spec = polls.spec_for_prediction(prediction, PollLimits(question_chars=50), options=("Y", "N"))
    assert spec.question.startswith("Prices Prices") and len(spec.question) <= 50
    assert spec.options == ("Y", "N")


def test_expiry_is_start_plus_duration() -> None:
    """A poll closes exactly its duration after it started and is due from then on."""
    assert polls.closes_at(START, timedelta(hours=24)) == START + timedelta(days=1)
    state = _state()
    assert polls.accepts_votes(state, state.closes_at - timedelta(seconds=1))
    assert not polls.is_due(state, state.closes_at - timedelta(seconds=1))
    assert polls.is_due(state, state.closes_at) and not polls.accepts_votes(state, state.closes_at)
    assert not polls.is_due(_state(status="closed"), state.closes_at)


def test_a_click_sets_the_vote_and_never_toggles() -> None:
    """Clicking the same answer twice keeps it; clicking another one changes it."""
    votes = polls.apply_vote({}, "bob", 1)
    votes = polls.apply_vote(votes, "bob", 1)
    assert votes == {"bob": 1}
    votes = polls.apply_vote(votes, "bob", 0)
    assert polls.apply_vote(votes, "ann", 2) == {"bob": 0, "ann": 2}


def test_tally_counts_each_stored_vote_once() -> None:
    """The tally is recounted from the votes, per answer, and refuses unknown answers."""
    result = polls.tally([0, 2, 2, 1, 2], 3)
    assert result.counts == (1, 1, 3) and result.voters == 5
    assert result.share(2) == pytest.approx(0.6)
    assert Tally((0, 0)).share(0) == 0.0
    with pytest.raises(InvalidOption):
        polls.tally([3], 3)


def test_check_vote_refuses_closed_expired_and_unknown() -> None:
    """Votes on a closed or expired poll, or for an unknown answer, are refused."""
    state = _state()
    polls.check_vote(state, 2, START)
    with pytest.raises(PollClosed, match=r"^This poll is closed\.$"):
        polls.check_vote(_state(status="closed"), 0, START)
    with pytest.raises(PollClosed):
        polls.check_vote(state, 0, state.closes_at)
    with pytest.raises(InvalidOption):
        polls.check_vote(state, 3, START)


def test_only_the_starter_or_a_channel_admin_may_close() -> None:
    """The poll's starter and channel admins may close it early; anyone else is refused."""
    state = _state()
    assert polls.can_close(state, "alice", is_channel_admin=False)
    assert polls.can_close(state, "mod", is_channel_admin=True)
    assert not polls.can_close(state, "mallory", is_channel_admin=False)
    with pytest.raises(NotAllowed):
        polls.check_close(state, "mallory", is_channel_admin=False)
    with pytest.raises(PollClosed):
        polls.check_close(_state(status="closed"), "alice", is_channel_admin=True)


def test_results_are_hidden_until_close_but_voters_are_shown() -> None:
    """While open, hidden polls show only the number of voters; closing reveals the counts."""
    hidden = _state()
    assert polls.visible_tally(hidden) is None and hidden.voters == 3
    assert polls.visible_tally(_state(hide_results=False)) == Tally((2, 1, 0))
    assert polls.visible_tally(_state(status="closed")) == Tally((2, 1, 0))


def test_winners_handle_ties_and_empty_polls() -> None:
    """The leading answers are reported, several on a tie and none without votes."""
    assert polls.winners(Tally((2, 1, 0))) == (0,)
    assert polls.winners(Tally((1, 3, 3))) == (1, 2)
    assert polls.winners(Tally((0, 0, 0))) == ()
