"""Outbound behaviour of the real AsyncApp against the fake Web API: pacing, rests, response_url."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import aiohttp
import pytest
from fakes.slack_fake import Call, FakeSlack
from fakes.stub_core import StubCore
from slack_support import SECRET, SlackClient

from adapters.slack.settings import SlackAdapterSettings
from bot.store import SqlStore

URL = "https://news.example.com/2026/rates"


@pytest.fixture
def settings(fake: FakeSlack) -> SlackAdapterSettings:
    """HTTP mode against the fake, paced at 50 ms per channel, refusals rested for 0.6 s."""
    return SlackAdapterSettings.model_validate(
        {"bot_token": "xoxb-test", "signing_secret": SECRET, "mode": "http",
         "api_base_url": fake.api_base, "post_interval_s": 0.05, "refused_rest_s": 0.6}
    )  # fmt: skip


async def link_events(slack: SlackClient, n: int, channel: str = "C1") -> None:
    """`n` people post a link in `channel`, all at once (distinct events and messages)."""

    async def one(i: int) -> None:
        event = {"type": "message", "channel": channel, "user": f"U{i}", "channel_type": "channel",
                 "text": f"<{URL}/{i}|story {i}>", "ts": f"1700000000.{i:06d}"}  # fmt: skip
        status, _, _ = await slack.event(event, event_id=f"EvBurst{channel}{i}")
        assert status == 200

    await asyncio.gather(*(one(i) for i in range(n)))


async def test_fakes_channel_limit_is_real(fake: FakeSlack) -> None:
    """The fake answers 429 to a second chat.postMessage into a channel within the interval."""
    fake.channel_post_interval_s = 0.5
    statuses = []
    async with aiohttp.ClientSession() as http:
        for _ in range(2):
            async with http.post(
                fake.api_base + "chat.postMessage",
                json={"channel": "CX", "text": "hi"},
                headers={"Authorization": "Bearer xoxb-test"},
            ) as resp:
                statuses.append(resp.status)
    assert statuses == [200, 429]


async def test_burst_of_twenty_summaries_is_paced(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """G50: 20 cards for one channel go out one per interval; the fake never answers 429."""
    fake.channel_post_interval_s = 0.03
    await link_events(slack, 20)
    posts = await fake.wait_call("chat.postMessage", count=20, within=10)
    assert [c.status for c in posts] == [200] * 20
    gaps = [b.at - a.at for a, b in itertools.pairwise(posts)]
    assert min(gaps) >= 0.049  # each post reaches the fake a full interval after the last
    assert len(core.answered) == 20


async def test_summarize_in_unjoined_private_channel_answers_via_response_url(
    slack: SlackClient, fake: FakeSlack
) -> None:
    """/summarize where the bot is not a member: the card goes to the command's response_url."""
    fake.unjoined_channels.add("G1")
    status, _, took = await slack.command(URL, channel_id="G1", response_url=fake.hook_url("c1"))
    assert status == 200 and took < 1.0
    (hook,) = await fake.wait_call("hook:c1")
    assert hook.args["response_type"] == "in_channel"
    assert hook.args["unfurl_links"] is False and hook.args["unfurl_media"] is False
    assert URL in json.dumps(hook.args["blocks"])
    assert len(fake.find("chat.postMessage")) == 1  # tried once, refused
    # The channel now rests: the next command goes straight to its response_url.
    await slack.command(URL + "/2", channel_id="G1", response_url=fake.hook_url("c2"))
    await fake.wait_call("hook:c2")
    assert len(fake.find("chat.postMessage")) == 1


async def test_refused_channel_is_tried_once_per_rest(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """Links in a channel that refuses the bot: one attempt, then another only after the rest."""
    fake.unjoined_channels.add("G2")
    await link_events(slack, 4, channel="G2")
    await fake.wait_until(lambda: len(core.messages) == 4)
    await asyncio.sleep(0.2)
    assert len(fake.find("chat.postMessage")) == 1
    await asyncio.sleep(0.5)
    event = {"type": "message", "channel": "G2", "user": "U9", "text": f"<{URL}/9>",
             "ts": "1700000001.000009", "channel_type": "group"}  # fmt: skip
    await slack.event(event, event_id="EvLater")
    await fake.wait_until(lambda: len(fake.find("chat.postMessage")) == 2)


def click(button: dict[str, Any], channel: str, ts: str, hook: str) -> dict[str, Any]:
    """A block_actions payload for `button` on message `ts`, with its response_url."""
    return {"type": "block_actions", "team": {"id": "T0001"}, "api_app_id": "A0001",
            "user": {"id": "U0BOB", "name": "bob"}, "channel": {"id": channel},
            "container": {"type": "message", "message_ts": ts, "channel_id": channel},
            "message": {"ts": ts}, "trigger_id": f"tr{ts}", "response_url": hook,
            "actions": [{**button, "action_ts": ts + "1"}]}  # fmt: skip


def hook_buttons(call: Call) -> list[dict[str, Any]]:
    """The buttons of a message posted through a response_url."""
    found: list[dict[str, Any]] = []
    for block in call.args.get("blocks", []):
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


async def test_poll_in_unjoined_channel_runs_through_response_urls(
    slack: SlackClient, fake: FakeSlack, store: SqlStore
) -> None:
    """Card, poll and vote where the bot is no member: the vote replaces the clicked message."""
    fake.unjoined_channels.add("G3")
    await slack.command(URL, channel_id="G3", response_url=fake.hook_url("card"))
    (card,) = await fake.wait_call("hook:card")
    start = next(b for b in hook_buttons(card) if ":start_poll:" in b["action_id"])
    await slack.interaction(click(start, "G3", "1700000500.000001", fake.hook_url("poll")))
    (poll,) = await fake.wait_call("hook:poll")
    assert poll.args["response_type"] == "in_channel"
    vote = next(b for b in hook_buttons(poll) if ":vote:" in b["action_id"])
    await slack.interaction(click(vote, "G3", "1700000600.000001", fake.hook_url("vote")))
    replaced = await fake.wait_call("hook:vote")
    assert replaced[0].args["replace_original"] is True
    assert "1 voted" in json.dumps(replaced[0].args["blocks"])
    poll_id = int(vote["value"].split(":")[0])
    assert (await store.get_poll(poll_id)).voters == 1
