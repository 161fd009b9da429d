"""Due reminders, pure parts: due dates from predictions, which polls are due, the reminder text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot import polls
from bot.models import Capabilities, Prediction, TextBlock
from bot.poll_models import DEFAULT_POLL_OPTIONS, PollLimits, PollOption, PollState, Tally
from bot.render import due_reminder, long_date, reply_text

START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DUE = date(2027, 3, 3)


def _state(**changes: object) -> PollState:
    fields: dict[str, object] = {
        "id": 4,
        "platform": "console",
        "channel_id": "c",
        "starter_id": "alice",
        "question": "Will the harbour tunnel open by March 2027?",
        "options": tuple(PollOption(i, t) for i, t in enumerate(DEFAULT_POLL_OPTIONS)),
        "created_at": START,
        "closes_at": START + timedelta(hours=24),
        "tally": Tally((2, 1, 0)),
        "resolve_by": DUE,
        "predicted_by": "author",
    }
    fields.update(changes)
    return PollState(**fields)  # type: ignore[arg-type]


def test_due_date_reads_iso_dates_only() -> None:
    """An ISO date becomes a date; a phrase the horizon could not date, or nothing, is None."""
    assert polls.due_date("2030-12-31") == date(2030, 12, 31)
    assert polls.due_date("in the coming years") is None
    assert polls.due_date("2030-02-30") is None
    assert polls.due_date(None) is None


def test_spec_for_prediction_keeps_due_date_and_forecaster() -> None:
    """A poll built from a dated prediction carries its due date and who made it."""
    pred = Prediction(3, "CBS' Holly Williams", "c", "Will it?", resolve_by="2027-03-03")
    spec = polls.spec_for_prediction(pred, PollLimits())
    assert (spec.resolve_by, spec.predicted_by) == (DUE, "CBS' Holly Williams")
    undated = polls.spec_for_prediction(Prediction(3, "author", "c", "Will it?"), PollLimits())
    assert undated.resolve_by is None and undated.predicted_by == "author"


def test_reminder_waits_for_the_due_day_at_the_configured_hour() -> None:
    """Before the due day's hour the reminder waits; from then on it is due."""
    state = _state()
    day = datetime(2027, 3, 3, tzinfo=UTC)
    assert polls.reminder_status(state, day - timedelta(seconds=1)) == "waiting"
    assert polls.reminder_status(state, day) == "due"
    assert polls.reminder_status(state, day + timedelta(hours=8), hour=9) == "waiting"
    assert polls.reminder_status(state, day + timedelta(hours=9), hour=9) == "due"
    assert polls.reminder_cutoff(day + timedelta(hours=8), 9) == date(2027, 3, 2)
    assert polls.reminder_cutoff(day + timedelta(hours=9), 9) == DUE


def test_only_dated_unreminded_polls_whose_day_came_are_due() -> None:
    """Selection skips undated, already reminded, not yet due and dated-before-start polls."""
    now = datetime(2027, 3, 4, tzinfo=UTC)
    due_open = _state(id=1)
    due_closed = _state(id=2, status="closed", closed_at=START + timedelta(hours=24))
    undated = _state(id=3, resolve_by=None)
    reminded = _state(id=4, reminded_at=now)
    future = _state(id=5, resolve_by=date(2027, 3, 5))
    stale = _state(id=6, resolve_by=date(2020, 1, 1))
    states = [due_open, due_closed, undated, reminded, future, stale]
    assert [s.id for s in states if polls.reminder_status(s, now) == "due"] == [1, 2]
    assert polls.reminder_status(stale, now) == "stale"
    assert polls.reminder_status(undated, now) == polls.reminder_status(reminded, now) == "none"


def test_long_date_is_written_out_in_english() -> None:
    """Dates read as people write them, whatever the locale: "3 March 2027"."""
    assert long_date(DUE) == "3 March 2027"
    assert long_date(date(2030, 12, 31)) == "31 December 2030"


def test_reminder_of_a_closed_poll_gives_date_question_forecaster_and_final_tally() -> None:
    """A closed poll's reminder names the due date, the question, who predicted it, the tally."""
    closed = _state(status="closed", predicted_by="CBS' Holly Williams")
    reply = due_reminder(closed, Capabilities())
    text = reply_text(reply)
    assert reply.kind == "notice" and all(isinstance(b, TextBlock) for b in reply.blocks)
    assert text.startswith("This forecast was due on 3 March 2027: did it come true?")
    assert (
        "“Will the harbour tunnel open by March 2027?”, predicted by CBS' Holly Williams." in text
    )
    assert (
        "Poll #4 closed; 3 people voted: Will happen 2, Won't happen 1, Too early to tell 0."
        in text
    )


def test_reminder_of_an_open_poll_says_the_tally_is_so_far() -> None:
    """An open poll's reminder says it is still open; hidden results stay hidden."""
    hidden = reply_text(due_reminder(_state(), Capabilities()))
    assert "Poll #4 is still open; so far 3 people voted; results show when it closes." in hidden
    assert "Will happen 2" not in hidden
    shown = reply_text(due_reminder(_state(hide_results=False), Capabilities()))
    assert "so far 3 people voted: Will happen 2, Won't happen 1, Too early to tell 0." in shown
    nobody = reply_text(due_reminder(_state(tally=Tally((0, 0, 0))), Capabilities()))
    assert "so far nobody voted." in nobody


def test_reminder_names_the_author_and_fits_small_blocks() -> None:
    """The author is "the author"; a long question is shortened to the platform's block size."""
    long = _state(question="Will " + "the very long harbour tunnel " * 30 + "open?")
    reply = due_reminder(long, Capabilities(block_chars=200))
    assert all(len(b.text) <= 200 for b in reply.blocks if isinstance(b, TextBlock))
    assert reply_text(reply).endswith("so far 3 people voted; results show when it closes.")
    assert "predicted by the author" in reply_text(due_reminder(_state(), Capabilities()))


def test_reminder_needs_a_due_date() -> None:
    """Rendering a reminder for an undated poll is a programming error, said plainly."""
    with pytest.raises(ValueError, match="due date"):
        due_reminder(_state(resolve_by=None), Capabilities())
