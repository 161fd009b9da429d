"""The real slack-bolt AsyncApp over HTTP on loopback, signed requests, a fake Web API."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from fakes.slack_fake import FakeSlack, sign
from fakes.stub_core import StubCore
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.models.blocks import Block
from slack_support import SECRET, SlackClient, load

from adapters.slack.adapter import SlackAdapter, required_settings
from adapters.slack.settings import SlackAdapterSettings
from bot.errors import ConfigError
from bot.settings import load_settings
from bot.store import SqlStore

URL = "https://news.example.com/2026/rates"


def message_event(text: str, ts: str = "1700000000.000001", **extra: Any) -> dict[str, Any]:
    """A person's message in channel C1."""
    return {"type": "message", "channel": "C1", "user": "U0ALICE", "text": text, "ts": ts,
            "channel_type": "channel", **extra}  # fmt: skip


def block_action(action_id: str, value: str, message: dict[str, Any], *, user: str = "U0BOB",
                 action_ts: str = "1700000100.000001") -> dict[str, Any]:  # fmt: skip
    """A block_actions payload for a click on a button of `message`."""
    return {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "t"},
        "user": {"id": user, "username": user.lower(), "name": user.lower()},
        "api_app_id": "A0001",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": "C1"},
        "trigger_id": f"tr{action_ts}",
        "channel": {"id": "C1", "name": "general"},
        "message": {k: message[k] for k in ("ts", "thread_ts", "text") if k in message},
        "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button",
                     "action_ts": action_ts, "text": {"type": "plain_text", "text": "x"}}],
    }  # fmt: skip


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button on a posted message (in actions blocks and section accessories)."""
    found: list[dict[str, Any]] = []
    for block in message.get("blocks", []):
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def test_signature_known_answer() -> None:
    """Slack's documented signing example reproduces its documented signature."""
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
        "-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977"
        "00885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d"
        "10d2c447fce8b6703c"
    )
    assert sign(SECRET, body, 1531420618) == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


async def test_url_verification(slack: SlackClient) -> None:
    """The url_verification handshake echoes the challenge."""
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aB", "type": "url_verification"})
    status, text, _ = await slack.post(body)
    assert status == 200 and "3eZbrw1aB" in text


async def test_forged_or_stale_requests_are_refused(slack: SlackClient, core: StubCore) -> None:
    """Wrong secret, a flipped byte, a stale timestamp or no signature: 401 and no work done."""
    body = json.dumps({"type": "event_callback", "event_id": "Ev9", "team_id": "T0001",
                       "event": message_event(URL)})  # fmt: skip
    assert (await slack.post(body, secret="not-the-secret"))[0] == 401
    assert (await slack.post(body, timestamp=int(time.time()) - 600))[0] == 401
    flipped = {"X-Slack-Signature": sign(SECRET, body.replace("C1", "C2"), int(time.time()))}
    assert (await slack.post(body, headers=flipped))[0] == 401
    assert (await slack.post(body, headers={"X-Slack-Signature": ""}))[0] == 401
    assert core.messages == []


async def test_reserialized_or_unsigned_bodies_are_refused(
    slack: SlackClient, core: StubCore
) -> None:
    """G43: a body re-serialized after signing, or sent without the Slack headers: 401."""
    event = {"type": "event_callback", "event_id": "Ev10", "team_id": "T0001",
             "event": message_event(URL)}  # fmt: skip
    signed_body = json.dumps(event)
    ts = int(time.time())
    headers = {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(SECRET, signed_body, ts),
    }
    reserialized = json.dumps(event, separators=(",", ":"))
    assert json.loads(reserialized) == json.loads(signed_body)
    assert (await slack.post(reserialized, headers=headers))[0] == 401
    async with slack.http.post(
        slack.url, data=signed_body.encode(), headers={"Content-Type": "application/json"}
    ) as resp:
        assert resp.status == 401
    assert core.messages == []


def test_http_mode_without_signing_secret_cannot_start() -> None:
    """HTTP mode with an empty signing secret is a configuration error naming the variable."""
    settings = load_settings(slack={"bot_token": "xoxb-t", "signing_secret": " ", "mode": "http"})
    with pytest.raises(ConfigError, match="UNSPIN_SLACK__SIGNING_SECRET"):
        SlackAdapterSettings.from_settings(settings)
    assert required_settings(load_settings(slack={"mode": "http"})) == [
        "slack.bot_token (UNSPIN_SLACK__BOT_TOKEN)",
        "slack.signing_secret (UNSPIN_SLACK__SIGNING_SECRET)",
    ]


async def test_link_message_gets_card_in_thread(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """A message with <url|label> gets a validated Block Kit card in its thread, no unfurls."""
    body = load("event_message.json")
    status, _, _ = await slack.post(json.dumps(body))
    assert status == 200
    (post,) = await fake.wait_call("chat.postMessage")
    args = post.args
    assert args["thread_ts"] == body["event"]["ts"] and args["channel"] == "C123ABC456"
    assert args["unfurl_links"] is False and args["unfurl_media"] is False
    for block in Block.parse_all(args["blocks"]):
        block.validate_json()
    assert "<https://news.example.com/2026/01/rates?utm_source=slack|" in json.dumps(args["blocks"])
    assert core.messages[0].trigger == "link"
    assert core.messages[0].text == body["event"]["text"]  # markup left for bot.links


async def test_summarize_acks_fast_while_work_is_slow(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """/summarize is acknowledged well under 3 s while the answer takes longer."""
    core.delay_s = 5.0
    status, _, took = await slack.command(URL)
    assert status == 200 and took < 0.5
    assert fake.find("chat.postMessage") == []
    core.gate.set()
    (post,) = await fake.wait_call("chat.postMessage")
    assert post.args["channel"] == "C1" and "thread_ts" not in post.args


async def test_same_event_four_times_one_answer(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """Slack retries (X-Slack-Retry-Num 1-3) of one event_id, mid-work: one card only."""
    core.delay_s = 0.3
    event = message_event(f"<{URL}>")
    first = asyncio.create_task(slack.event(event, event_id="EvRETRY"))
    retries = [
        slack.event(event, event_id="EvRETRY",
                    headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": reason})
        for n, reason in ((1, "http_timeout"), (2, "http_error"), (3, "http_timeout"))
    ]  # fmt: skip
    results = [await first, *await asyncio.gather(*retries)]
    assert all(status == 200 for status, _, _ in results)
    await fake.wait_call("chat.postMessage")
    await asyncio.sleep(0.5)
    assert len(fake.find("chat.postMessage")) == 1
    assert len(core.answered) == 1


async def test_poll_vote_stored_then_message_updated(
    slack: SlackClient, fake: FakeSlack, store: SqlStore
) -> None:
    """Start a poll from the card, click a vote: the vote is stored and chat.update shows it."""
    await slack.event(message_event(f"<{URL}>"), event_id="EvPOLL")
    (card_post,) = await fake.wait_call("chat.postMessage")
    card = fake.messages[next(ts for ts, m in fake.messages.items() if m.get("blocks"))]
    start = next(b for b in buttons(card) if b["action_id"].startswith("unspin:start_poll:"))
    await slack.interaction(block_action(start["action_id"], start["value"], card))
    await fake.wait_call("chat.postMessage", count=2)
    poll_ts = fake.find("chat.postMessage")[1]
    poll_msg = fake.messages[max(fake.messages)]
    assert poll_ts.args["thread_ts"] == card_post.args["thread_ts"]
    vote = next(b for b in buttons(poll_msg) if b["action_id"].startswith("unspin:vote:"))
    await slack.interaction(block_action(vote["action_id"], vote["value"], poll_msg))
    (update,) = await fake.wait_call("chat.update")
    assert update.args["ts"] == poll_msg["ts"]
    assert "1 voted" in json.dumps(update.args["blocks"])
    poll_id, option = (int(x) for x in vote["value"].split(":"))
    state = await store.get_poll(poll_id)
    assert state.voters == 1 and state.tally.counts[option] == 1


async def test_double_click_is_one_vote_then_change(
    slack: SlackClient, fake: FakeSlack, store: SqlStore
) -> None:
    """Two clicks 50 ms apart: one vote row; a different option moves it, total unchanged."""
    await slack.event(message_event(f"<{URL}>"), event_id="EvDBL")
    await fake.wait_call("chat.postMessage")
    card = next(m for m in fake.messages.values() if m.get("blocks"))
    start = next(b for b in buttons(card) if b["action_id"].startswith("unspin:start_poll:"))
    await slack.interaction(block_action(start["action_id"], start["value"], card))
    await fake.wait_call("chat.postMessage", count=2)
    poll_msg = fake.messages[max(fake.messages)]
    votes = [b for b in buttons(poll_msg) if b["action_id"].startswith("unspin:vote:")]
    first = slack.interaction(block_action(votes[0]["action_id"], votes[0]["value"], poll_msg,
                                           action_ts="1700000200.000001"))  # fmt: skip
    task = asyncio.create_task(first)
    await asyncio.sleep(0.05)
    await slack.interaction(block_action(votes[0]["action_id"], votes[0]["value"], poll_msg,
                                         action_ts="1700000200.050001"))  # fmt: skip
    await task
    await fake.wait_call("chat.update", count=2)
    poll_id = int(votes[0]["value"].split(":")[0])
    assert (await store.get_poll(poll_id)).tally.counts[:2] == (1, 0)
    await slack.interaction(block_action(votes[1]["action_id"], votes[1]["value"], poll_msg,
                                         action_ts="1700000201.000001"))  # fmt: skip
    await fake.wait_call("chat.update", count=3)
    assert (await store.get_poll(poll_id)).tally.counts[:2] == (0, 1)


async def test_two_hundred_events_acked_under_a_second(slack: SlackClient, core: StubCore) -> None:
    """200 concurrent signed events while each answer takes 10 s: every ack under 1 s."""
    core.delay_s = 10.0
    sends = [slack.event(message_event(f"<{URL}/{n}>", ts=f"1700000300.{n:06d}"),
                         event_id=f"EvLOAD{n}") for n in range(200)]  # fmt: skip
    results = await asyncio.gather(*sends)
    latencies = sorted(took for _, _, took in results)
    assert all(status == 200 for status, _, _ in results)
    assert latencies[-1] < 1.0, f"slowest ack {latencies[-1]:.2f} s"


async def test_hostile_card_pings_nobody_links_nothing_foreign(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """<!channel>, <@U…>, @everyone and a foreign URL in the card come out as inert text."""
    core.text.title = "<!channel> @everyone big news"
    core.text.tldr = "Ping <@U0BOSS> and <!here>, then visit https://evil.example/x"
    core.text.reported = ("<https://evil.example/y|click here> @channel",)
    await slack.event(message_event(f"<{URL}>"), event_id="EvHOSTILE")
    (post,) = await fake.wait_call("chat.postMessage")
    shown = json.dumps(post.args["blocks"]) + post.args["text"]
    for bad in ("<!channel>", "<!here>", "<@U0BOSS>", "https://evil", "@everyone", "@channel"):
        assert bad not in shown
    assert shown.count("<https://") == 1 and f"<{URL}|" in shown
    assert post.args.get("link_names") in (None, False)


async def test_rate_limited_post_is_retried_after_retry_after(
    slack: SlackClient, fake: FakeSlack, adapter: SlackAdapter
) -> None:
    """A 429 with Retry-After: 1 on chat.postMessage is retried once, at least 1 s later."""
    handlers = adapter.app.client.retry_handlers
    assert any(isinstance(h, AsyncRateLimitErrorRetryHandler) for h in handlers)
    fake.throttle("chat.postMessage", times=1, retry_after=1)
    await slack.event(message_event(f"<{URL}>"), event_id="Ev429")
    calls = await fake.wait_call("chat.postMessage", count=2, within=6)
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0


async def test_reaction_summarises_the_reacted_message(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """:newspaper: on a message reads it (conversations.history) and answers in its thread."""
    seeded = fake.seed_message("C1", f"see <{URL}|this>")
    event = {"type": "reaction_added", "user": "U0BOB", "reaction": "newspaper",
             "item": {"type": "message", "channel": "C1", "ts": seeded["ts"]},
             "item_user": "U0ALICE", "event_ts": "1700000400.000001"}  # fmt: skip
    await slack.event(event, event_id="EvREACT")
    (post,) = await fake.wait_call("chat.postMessage")
    assert post.args["thread_ts"] == seeded["ts"]
    assert core.messages[0].trigger == "reaction" and core.messages[0].author.id == "U0BOB"


async def test_message_shortcut_answers_in_thread(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """The "Unspin this" shortcut acks and answers in the target message's thread."""
    payload = load("message_action.json")
    status, _, took = await slack.interaction(payload)
    assert status == 200 and took < 1.0
    (post,) = await fake.wait_call("chat.postMessage")
    assert post.args["thread_ts"] == payload["message"]["ts"]
    assert core.messages[0].trigger == "context_menu"


async def test_details_are_ephemeral(slack: SlackClient, fake: FakeSlack) -> None:
    """The Details button answers with an ephemeral message to the clicker only."""
    await slack.event(message_event(f"<{URL}>"), event_id="EvDETAILS")
    await fake.wait_call("chat.postMessage")
    card = next(m for m in fake.messages.values() if m.get("blocks"))
    details = next(b for b in buttons(card) if b["action_id"].startswith("unspin:details:"))
    await slack.interaction(block_action(details["action_id"], details["value"], card))
    (private,) = await fake.wait_call("chat.postEphemeral")
    assert private.args["user"] == "U0BOB"
    assert len(fake.find("chat.postMessage")) == 1


async def test_bot_and_self_messages_are_ignored(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """Messages from bots (this one included) and edits never reach the core: no loop."""
    await slack.event(message_event(f"<{URL}>", bot_id="B0OTHER"), event_id="EvBOT")
    await slack.event(message_event(f"<{URL}>", user=fake.bot_user_id, bot_id=fake.bot_id),
                      event_id="EvSELF")  # fmt: skip
    await slack.event(message_event(f"<{URL}>", subtype="message_changed"), event_id="EvEDIT")
    await slack.event(message_event(f"<{URL}>"), event_id="EvHUMAN")
    await fake.wait_call("chat.postMessage")
    assert [m.event_id for m in core.messages] == ["EvHUMAN"]
