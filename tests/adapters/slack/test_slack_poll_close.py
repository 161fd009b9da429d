"""Slack, real core: a poll closed by its button or by expiry shows its tally via chat.update."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from core_support import article_text, wired_core
from fakes.slack_fake import FakeSlack, signed_headers

from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackAdapterSettings
from bot.core import Core
from bot.store import SqlStore
from bot.testing import FixedClock

URL = "https://news.example.com/harbour"
SECRET = "close-test-secret"


@dataclass
class Rig:
    """The real core and store, the Slack adapter serving HTTP, and the fake Web API."""

    core: Core
    store: SqlStore
    clock: FixedClock
    adapter: SlackAdapter
    fake: FakeSlack
    http: aiohttp.ClientSession
    events: str

    async def post(self, body: str, kind: str = "json") -> None:
        """POST a signed body to /slack/events; Slack expects 200."""
        headers = signed_headers(SECRET, body, content_type=kind)
        async with self.http.post(self.events, data=body.encode(), headers=headers) as resp:
            assert resp.status == 200

    async def click(self, button: dict[str, Any], message: dict[str, Any], user: str) -> None:
        """A block_actions click on `button` of `message`."""
        payload = {"type": "block_actions", "user": {"id": user, "name": user.lower()},
                   "team": {"id": "T0001"}, "channel": {"id": "C1"},
                   "container": {"type": "message", "message_ts": message["ts"]},
                   "message": {"ts": message["ts"], "thread_ts": message.get("thread_ts")},
                   "trigger_id": "tr",
                   "actions": [{**button, "action_ts": message["ts"] + "9"}]}  # fmt: skip
        await self.post(urlencode({"payload": json.dumps(payload)}), "form")

    def cards(self) -> list[dict[str, Any]]:
        """Messages with blocks the bot posted, oldest first."""
        return [m for m in self.fake.messages.values() if m.get("blocks")]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button on a message (actions blocks and section accessories)."""
    found = []
    for block in message.get("blocks", []):
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    """Everything started; a poll already posted under a card, with one vote from U0BOB."""
    clock = FixedClock()
    fake = FakeSlack()
    await fake.start()
    settings = SlackAdapterSettings.model_validate(
        {"bot_token": "xoxb-t", "signing_secret": SECRET, "mode": "http",
         "api_base_url": fake.api_base, "post_interval_s": 0}
    )  # fmt: skip
    async with wired_core(tmp_path, {URL: article_text(3)}, clock=clock) as (core, _, store):
        adapter = SlackAdapter(settings, core)
        await adapter.start()
        app = web.Application()
        adapter.add_routes(app)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        events = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
        try:
            async with aiohttp.ClientSession() as http:
                rig = Rig(core, store, clock, adapter, fake, http, events)
                body = {"type": "event_callback", "team_id": "T0001", "event_id": "EvCLOSE",
                        "event": {"type": "message", "channel": "C1", "user": "U0ALICE",
                                  "ts": "1700.000001", "text": f"<{URL}|harbour>"}}  # fmt: skip
                await rig.post(json.dumps(body))
                await fake.wait_until(lambda: len(rig.cards()) == 1)
                card = rig.cards()[0]
                start = next(b for b in buttons(card) if ":start_poll:" in b["action_id"])
                await rig.click(start, card, "U0BOB")
                await fake.wait_until(lambda: len(rig.cards()) == 2)
                vote = next(b for b in buttons(rig.cards()[1]) if ":vote:" in b["action_id"])
                await rig.click(vote, rig.cards()[1], "U0BOB")
                (update,) = await fake.wait_call("chat.update")
                assert "1 voted" in json.dumps(update.args["blocks"])
                assert "Closed" not in json.dumps(update.args["blocks"])  # tally hidden
                yield rig
        finally:
            await runner.cleanup()
            await adapter.stop()
            await fake.stop()


def revealed(update: Any) -> str:
    """The summary line of an updated poll message (must show the closed tally)."""
    shown = json.dumps(update.args["blocks"])
    assert "Closed" in shown and "1 voted" in shown, shown
    return shown


async def test_close_button_updates_the_poll_with_the_tally(rig: Rig) -> None:
    """The starter's "Close poll" click: stored closed, chat.update reveals counts, no buttons."""
    poll_msg = rig.cards()[1]
    close = next(b for b in buttons(poll_msg) if ":close_poll:" in b["action_id"])
    await rig.click(close, poll_msg, "U0BOB")
    updates = await rig.fake.wait_call("chat.update", count=2)
    assert updates[1].args["ts"] == poll_msg["ts"] and updates[1].args["channel"] == "C1"
    shown = revealed(updates[1])
    assert " 1" in shown and ":vote:" not in shown and ":close_poll:" not in shown
    assert not (await rig.store.get_poll(int(close["value"]))).is_open


async def test_expiry_updates_the_poll_with_the_tally(rig: Rig) -> None:
    """Past its closing time (fake clock), the core's timer closes it: chat.update shows counts."""
    poll_msg = rig.cards()[1]
    rig.clock.advance(25 * 3600)
    assert await rig.core.polls.close_due({"slack": rig.adapter}) == 1
    updates = await rig.fake.wait_call("chat.update", count=2)
    assert updates[1].args["ts"] == poll_msg["ts"]
    assert ":vote:" not in revealed(updates[1])
