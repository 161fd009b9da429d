"""Unit tests of the pure Discord translation on recorded (documented) payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import translate as t
from bot.models import (
    Action,
    ActionsBlock,
    BulletsBlock,
    PredictionBlock,
    Reply,
    TextBlock,
    TitleBlock,
)
from bot.poll_models import PollOption, PollState, Tally

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "discord"


def load(name: str) -> dict[str, Any]:
    """A recorded payload."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def test_slash_command_becomes_command_message() -> None:
    """`/summarize url:` carries the URL as text, the invoker, channel and guild."""
    msg = t.incoming_from_command(load("interaction_slash"))
    assert msg is not None
    assert msg.trigger == "command"
    assert msg.text == "https://news.example.com/2024/rates-cut?utm_source=x"
    assert (msg.channel_id, msg.guild_id) == ("645027906669510667", "290926798626357999")
    assert msg.author.id == "53908232506183680"
    assert msg.author.is_admin  # 2147483647 includes ADMINISTRATOR
    assert msg.event_id == "interaction:786008729715212338"


def test_message_command_uses_the_target_message() -> None:
    """ "Unspin this" reads the resolved target message, which arrives even without the intent."""
    msg = t.incoming_from_command(load("interaction_message_command"))
    assert msg is not None
    assert msg.trigger == "context_menu"
    assert msg.message_id == "867793854505943041"
    assert "https://news.example.com/opinion/rates" in msg.text
    assert not msg.author.is_admin  # VIEW_CHANNEL only


def test_button_click_becomes_vote_action() -> None:
    """Our custom_id "unspin:v:42:1" is a vote with ref "42:1" on the clicked message."""
    event = t.action_from_component(load("interaction_button"))
    assert event is not None
    assert (event.kind, event.ref) == ("vote", "42:1")
    assert event.message_id == "1300000000000000050"
    assert event.user.name == "Ian"


def test_foreign_custom_id_is_ignored() -> None:
    """Components that are not ours produce no action."""
    payload = load("interaction_button")
    payload["data"]["custom_id"] = "someone-else:1"
    assert t.action_from_component(payload) is None


def test_message_create_mention() -> None:
    """MESSAGE_CREATE in a thread keeps the parent channel and names the thread."""
    data = load("message_create")
    msg = t.incoming_from_message(data, trigger="mention", parent_id="99")
    assert (msg.channel_id, msg.thread_id) == ("99", "772908445358620702")
    assert msg.author.name == "Ian" and not msg.author.is_bot
    assert msg.event_id == "message:1300000000000000200"


def test_reaction_trigger_only_for_newspaper_by_others() -> None:
    """📰 by a person triggers; the bot's own 📰 or another emoji does not."""
    data = load("message_reaction_add")
    assert t.is_trigger_reaction(data, bot_id="775799577604522054")
    assert not t.is_trigger_reaction(data, bot_id=data["user_id"])
    assert not t.is_trigger_reaction({**data, "emoji": {"id": None, "name": "👍"}}, "1")


def test_native_vote_answer_ids_count_from_one() -> None:
    """answer_id 2 is the second answer, option index 1; the event id names user and answer."""
    vote = t.native_vote(load("message_poll_vote_add"))
    assert vote.option == 1
    assert vote.message_id == "1300000000000000300"
    assert vote.event_id.endswith(":167348773423415296:2")


def test_native_vote_occurrences_are_told_apart() -> None:
    """The same answer added twice (with a removal between) gets two event ids, same vote."""
    data = load("message_poll_vote_add")
    first, again = t.native_vote(data, occurrence="1"), t.native_vote(data, occurrence="2")
    assert first.event_id != again.event_id
    assert (first.message_id, first.user_id, first.option) == (
        again.message_id, again.user_id, again.option,
    )  # fmt: skip


def test_custom_id_round_trip_and_length() -> None:
    """Every kind round-trips; an 80-character ref still fits Discord's 100."""
    for kind in ("start_poll", "details", "vote", "close_poll"):
        cid = t.custom_id(Action(kind, "x", "r" * 80))  # type: ignore[arg-type]
        assert len(cid) <= t.CUSTOM_ID
        assert t.parse_custom_id(cid) == (kind, "r" * 80)
    with pytest.raises(ValueError):
        t.custom_id(Action("vote", "x", "has space"))


def _huge_card() -> Reply:
    long = "word " * 2000
    blocks = (
        TitleBlock("T" * 400, "https://news.example.com/a"),
        TextBlock("site · author", "byline"),
        TextBlock(long, "tldr"),
        *(BulletsBlock(f"List {n}", (long, long)) for n in range(30)),
        *(
            PredictionBlock(long, "the author", None, Action("start_poll", "Poll", f"k:{n}"))
            for n in range(12)
        ),
        ActionsBlock((Action("details", "Details", "k"),)),
    )
    return Reply("card", blocks, "x")


def test_card_within_embed_limits() -> None:
    """Whatever the core sends, the embed keeps title 256, description 4096, 25 fields, 6000."""
    card = t.to_card(_huge_card())
    embed = card.embed
    assert embed is not None
    assert len(embed["title"]) <= 256
    assert len(embed["description"]) <= 4096
    assert len(embed["fields"]) <= 25
    assert all(len(f["value"]) <= 1024 and len(f["name"]) <= 256 for f in embed["fields"])
    assert t.embed_chars(embed) <= 6000
    assert len(card.rows) <= 5 and all(len(r) <= 5 for r in card.rows)
    ids = [b.custom_id for r in card.rows for b in r]
    assert len(ids) == len(set(ids))


def test_hostile_text_is_inert() -> None:
    """@everyone, user/role/channel mentions and foreign URLs come out unpingable, unlinked."""
    hostile = "@everyone @here <@123> <@&456> <#789> see https://evil.example/x [a](http://b.c)"
    card = t.to_card(
        Reply("card", (TitleBlock("t", "https://news.example.com/a"), TextBlock(hostile)), "x")
    )
    assert card.embed is not None
    text = card.embed["description"]
    for bad in ("@everyone", "@here", "<@123>", "<@&456>", "<#789>", "https://", "http://"):
        assert bad not in text
    assert card.embed["url"] == "https://news.example.com/a"
    notice = t.to_card(Reply("notice", (TextBlock(hostile),), hostile))
    assert notice.content is not None and "@everyone" not in notice.content


def test_native_poll_limits_enforced() -> None:
    """Question 300, answers 55 and at most 10, duration at most 32 days, at least 1 hour."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    state = PollState(
        id=1,
        platform="discord",
        channel_id="c",
        starter_id="u",
        question="Q" * 400,
        options=tuple(PollOption(i, "A" * 80 + str(i)) for i in range(12)),
        created_at=now,
        closes_at=now + timedelta(days=60),
        tally=Tally((0,) * 12),
    )
    poll = t.native_poll(state)
    assert len(poll.question) == 300
    assert len(poll.answers) == 10 and all(len(a) <= 55 for a in poll.answers)
    assert poll.hours == 768
    short = t.native_poll(PollState(**{**_fields(state), "closes_at": now + timedelta(minutes=5)}))
    assert short.hours == 1


def _fields(state: PollState) -> dict[str, Any]:
    return {name: getattr(state, name) for name in state.__dataclass_fields__}
