"""Unit tests of the pure Slack translation on recorded (documented) payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from slack_sdk.models.blocks import Block
from slack_support import FIXTURES, load

from adapters.slack import translate as t
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
from bot.render import poll_card

ROOT = Path(__file__).resolve().parents[3]


def test_message_event_keeps_markup_and_ids() -> None:
    """A message event: channel, ts, team, event_id; the <url|label> markup is left intact."""
    body = load("event_message.json")
    msg = t.incoming_from_event(body, trigger="link")
    assert (msg.channel_id, msg.message_id, msg.guild_id) == (
        "C123ABC456",
        "1355517523.000005",
        "T123ABC456",
    )
    assert msg.event_id == "Ev123ABC456" and msg.thread_id is None
    assert "<https://news.example.com/2026/01/rates?utm_source=slack|" in msg.text
    assert t.is_plain_message(body["event"])


def test_app_mention_in_thread() -> None:
    """An app_mention inside a thread keeps its thread_ts; it mentions the bot."""
    body = load("event_app_mention.json")
    msg = t.incoming_from_event(body, trigger="mention")
    assert msg.thread_id == "1515449438.000011"
    assert t.mentions(body["event"], "U0BOT") and not t.mentions(body["event"], "U0OTHER")


def test_bot_edits_and_joins_are_not_plain_messages() -> None:
    """Bot posts, edits and deletions are not people posting links."""
    event = load("event_message.json")["event"]
    assert not t.is_plain_message({**event, "bot_id": "B1"})
    assert not t.is_plain_message({**event, "subtype": "message_changed"})
    assert not t.is_plain_message({**event, "subtype": "channel_join"})
    assert t.is_plain_message({**event, "subtype": "thread_broadcast"})


def test_slash_command_form_body() -> None:
    """The documented slash-command form body becomes a command with the URL as text."""
    form = dict(parse_qsl((FIXTURES / "slash_command.txt").read_text().strip()))
    msg = t.incoming_from_command(form)
    assert msg.trigger == "command" and msg.text == "https://news.example.com/2026/rates"
    assert (msg.channel_id, msg.author.id, msg.author.name) == (
        "C2147483705",
        "U2147483697",
        "Steve",
    )


def test_message_shortcut_payload() -> None:
    """The message_action payload reads the target message's text and ts."""
    msg = t.incoming_from_shortcut(load("message_action.json"))
    assert msg.trigger == "context_menu" and msg.message_id == "1536682540.000100"
    assert "<https://news.example.com/c>" in msg.text and msg.author.name == "brian"


def test_reaction_target_only_for_newspaper_on_messages() -> None:
    """:newspaper: on a message gives (channel, ts); other reactions or items give None."""
    event = load("event_reaction_added.json")["event"]
    assert t.reaction_target(event) == ("C123ABC456", "1360782400.498405")
    assert t.reaction_target({**event, "reaction": "thumbsup"}) is None
    assert t.reaction_target({**event, "item": {"type": "file", "file": "F1"}}) is None


def test_block_action_becomes_vote() -> None:
    """A vote click carries its ref in `value`, its message ts and thread, and a per-click id."""
    event = t.action_from_block_action(load("block_actions.json"))
    assert event is not None
    assert (event.kind, event.ref, event.channel_id) == ("vote", "42:1", "CBR2V3XEX")
    assert event.message_id == "1548261231.000200" and event.thread_id == "1548261000.000100"
    assert event.event_id == "1548426417.840180:UA8RXUSPL"


def test_foreign_action_ignored() -> None:
    """Buttons of other apps (or without a value) are not ours."""
    body = load("block_actions.json")
    body["actions"][0]["action_id"] = "approve_request"
    assert t.action_from_block_action(body) is None


def _card() -> Reply:
    return Reply(
        "card",
        (
            TitleBlock("Rates & <cuts>", "https://news.example.com/a?x=1&y=2"),
            TextBlock("site · author", "byline"),
            TextBlock("A tl;dr " * 500, "tldr"),
            BulletsBlock("Reported", ("one", "two")),
            PredictionBlock("Will it?", "the author", "2027", Action("start_poll", "Start", "k:1")),
            PredictionBlock("Will that?", "the author", None, Action("start_poll", "Start", "k:2")),
            ActionsBlock((Action("details", "Details " * 20, "k"),)),
        ),
        "Unspin: Rates",
    )


def test_card_blocks_validate_and_fit() -> None:
    """Every block and element passes slack_sdk validation; action_ids unique; text capped."""
    blocks = t.to_blocks(_card())
    for block in Block.parse_all(blocks):
        block.validate_json()
    ids = [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]
    ids += [b["accessory"]["action_id"] for b in blocks if "accessory" in b]
    assert len(ids) == len(set(ids)) == 3
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    assert "*<https://news.example.com/a?x=1&amp;y=2|Rates &amp; &lt;cuts&gt;>*" in json.dumps(
        blocks
    ).replace("\\u0026", "&")


def test_poll_card_buttons_and_tally() -> None:
    """An open poll has one vote button per answer plus Close; closed shows counts, no buttons."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    options = (PollOption(0, "Yes"), PollOption(1, "No"))
    state = PollState(1, "slack", "C1", "U1", "Will it?", options, now, now + timedelta(days=1),
                      Tally((2, 1)))  # fmt: skip
    caps = t.capabilities()
    open_blocks = t.to_blocks(poll_card(state, caps))
    actions = [e for b in open_blocks for e in b.get("elements", []) if e.get("type") == "button"]
    assert [a["value"] for a in actions] == ["1:0", "1:1", "1"]
    closed = PollState(**{**{f: getattr(state, f) for f in state.__dataclass_fields__},
                          "status": "closed"})  # fmt: skip
    closed_blocks = t.to_blocks(poll_card(closed, caps))
    assert not any(b["type"] == "actions" for b in closed_blocks)
    assert "Yes: 2" in json.dumps(closed_blocks)


def test_escape_makes_markup_inert() -> None:
    """Slack control sequences, broadcasts and bare URLs cannot survive escaping."""
    out = t.escape("<!channel> <@U1> <https://x.y|z> @here & https://evil.example")
    for bad in ("<!channel>", "<@U1>", "<https://", "@here", "https://evil"):
        assert bad not in out
    assert "&amp;" in out


def test_manifest_matches_the_listeners() -> None:
    """The app manifest declares the shortcut, command, events and scopes the adapter uses."""
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load((ROOT / "adapters" / "slack" / "manifest.yaml").read_text())
    features = manifest["features"]
    assert features["shortcuts"][0]["callback_id"] == t.SHORTCUT_ID
    assert features["slash_commands"][0]["command"] == "/summarize"
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.channels", "reaction_added"} <= events
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "commands", "channels:history", "reactions:read"} <= scopes
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
