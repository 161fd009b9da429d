"""Both adapters in-process with the real Core: link -> card -> start a poll -> vote -> stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import discord
import pytest
from aiohttp import web
from core_support import article_text, wired_core
from fakes.discord_fake import FakeDiscord
from fakes.slack_fake import FakeSlack, signed_headers

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.settings import DiscordAdapterSettings
from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackAdapterSettings
from bot.core import Core
from bot.store import SqlStore
from bot.tasks import Supervisor
from bot.testing import CueAnalyzer, FixedClock, StaticFetcher, extract_plain

URL = "https://news.example.com/harbour"
SECRET = "real-core-secret"
Wired = tuple[Core, StaticFetcher, SqlStore]


@pytest.fixture(autouse=True)
def _restore_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    # The Discord adapter points discord.py's class-level endpoints at the fake; undo that.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    gateway = discord.gateway.DiscordWebSocket
    monkeypatch.setattr(gateway, "DEFAULT_GATEWAY", gateway.DEFAULT_GATEWAY)


@pytest.fixture
async def wired(tmp_path: Path) -> AsyncIterator[Wired]:
    """The real Core on SQLite with one article behind a static fetcher."""
    async with wired_core(tmp_path, {URL: article_text(3)}) as parts:
        yield parts


def discord_settings(fake: FakeDiscord, *, post_interval_s: float = 0.02) -> DiscordAdapterSettings:
    """The Discord adapter pointed at the fake's REST and gateway."""
    return DiscordAdapterSettings.model_validate(
        {"token": "t", "api_base_url": fake.api_base, "gateway_url": fake.gateway_url,
         "post_interval_s": post_interval_s}
    )  # fmt: skip


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord."""
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def on_discord(wired: Wired, discord_fake: FakeDiscord) -> AsyncIterator[FakeDiscord]:
    """The Discord adapter on the real core, connected to the fake Discord it yields."""
    adapter = DiscordAdapter(discord_settings(discord_fake), wired[0], guild_ready_timeout=0.05)
    try:
        await adapter.start(within=10)
        yield discord_fake
    finally:
        await adapter.stop()


@dataclass
class SlackOverHttp:
    """The fake Slack Web API, and the Slack adapter's events URL served on loopback."""

    fake: FakeSlack
    events: str
    http: aiohttp.ClientSession

    async def post(self, body: str, kind: str = "json") -> None:
        """Send `body` signed as Slack signs it; the app must answer 200."""
        headers = signed_headers(SECRET, body, content_type=kind)
        async with self.http.post(self.events, data=body.encode(), headers=headers) as resp:
            assert resp.status == 200


@pytest.fixture
async def on_slack(wired: Wired) -> AsyncIterator[SlackOverHttp]:
    """The Slack adapter on the real core in HTTP mode, its routes on 127.0.0.1:0."""
    async with AsyncExitStack() as stack:
        fake = FakeSlack()
        await fake.start()
        stack.push_async_callback(fake.stop)
        settings = SlackAdapterSettings.model_validate(
            {"bot_token": "xoxb-t", "signing_secret": SECRET, "mode": "http",
             "api_base_url": fake.api_base, "post_interval_s": 0.02}
        )  # fmt: skip
        adapter = SlackAdapter(settings, wired[0])
        await adapter.start()
        stack.push_async_callback(adapter.stop)
        app = web.Application()
        adapter.add_routes(app)
        runner = web.AppRunner(app)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        events = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
        http = await stack.enter_async_context(aiohttp.ClientSession())
        yield SlackOverHttp(fake, events, http)


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in message.get("blocks", []):
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


async def test_discord_with_real_core(wired: Wired, on_discord: FakeDiscord) -> None:
    """/summarize, Start a poll, a vote: the real core's card, poll and stored vote."""
    _, _, store = wired
    fake = on_discord
    await fake.slash("summarize", url=URL)
    await fake.wait_until(lambda: any(m.get("embeds") for m in fake.messages.values()))
    card = next(m for m in fake.messages.values() if m.get("embeds"))
    assert card["embeds"][0]["url"] == URL
    ids = [c["custom_id"] for row in card["components"] for c in row["components"]]
    start = next(i for i in ids if i.startswith("unspin:p:"))
    await fake.click(start, card)
    await fake.wait_until(lambda: sum(bool(m.get("embeds")) for m in fake.messages.values()) > 1)
    poll_msg = [m for m in fake.messages.values() if m.get("embeds")][-1]
    poll_ids = [c["custom_id"] for row in poll_msg["components"] for c in row["components"]]
    vote = next(i for i in poll_ids if i.startswith("unspin:v:"))
    await fake.click(vote, poll_msg)
    await fake.wait_call("PATCH", "/messages/@original")
    poll_id = int(vote.split(":")[2])
    assert (await store.get_poll(poll_id)).voters == 1
    # A plain member may not close someone else's poll; the core refuses it.
    close = next(i for i in poll_ids if i.startswith("unspin:c:"))
    bob = {**fake.human, "id": "1100000000000000077", "username": "bob"}
    await fake.click(close, poll_msg, user=bob, permissions="1024")
    await fake.wait_until(lambda: len(fake.find("POST", "/webhooks/")) >= 3)
    assert (await store.get_poll(poll_id)).is_open
    assert all(c.status < 400 for c in fake.calls), [(c.path, c.status) for c in fake.calls]


def _click(button: dict[str, Any], message: dict[str, Any], ts: str) -> str:
    """The form body Slack posts when Bob clicks `button` on `message`."""
    payload = {"type": "block_actions", "user": {"id": "U0BOB", "name": "bob"},
               "team": {"id": "T0001"}, "channel": {"id": "C1"},
               "container": {"type": "message", "message_ts": message["ts"]},
               "message": {"ts": message["ts"], "thread_ts": message.get("thread_ts")},
               "trigger_id": "tr", "actions": [{**button, "action_ts": ts}]}  # fmt: skip
    return urlencode({"payload": json.dumps(payload)})


async def test_slack_with_real_core(wired: Wired, on_slack: SlackOverHttp) -> None:
    """A link message, Start a poll, a vote: the real core's card in thread, vote, chat.update."""
    _, _, store = wired
    fake = on_slack.fake
    body = {"type": "event_callback", "team_id": "T0001", "event_id": "EvREAL",
            "event": {"type": "message", "channel": "C1", "user": "U0ALICE",
                      "ts": "1700.000001", "text": f"<{URL}|harbour>"}}  # fmt: skip
    await on_slack.post(json.dumps(body))
    await fake.wait_until(lambda: any(m.get("blocks") for m in fake.messages.values()))
    card = next(m for m in fake.messages.values() if m.get("blocks"))
    assert card["thread_ts"] == "1700.000001"
    start = next(b for b in _buttons(card) if "start_poll" in b["action_id"])
    await on_slack.post(_click(start, card, "1700.1"), "form")
    await fake.wait_until(lambda: len([m for m in fake.messages.values()
                                       if m.get("blocks")]) > 1)  # fmt: skip
    poll_msg = [m for m in fake.messages.values() if m.get("blocks")][-1]
    vote = next(b for b in _buttons(poll_msg) if ":vote:" in b["action_id"])
    await on_slack.post(_click(vote, poll_msg, "1700.2"), "form")
    (update,) = await fake.wait_call("chat.update")
    assert update.args["ts"] == poll_msg["ts"]
    poll_id = int(vote["value"].split(":")[0])
    assert (await store.get_poll(poll_id)).voters == 1


async def test_discord_settings_command_changes_the_channel_mode(
    wired: Wired, on_discord: FakeDiscord
) -> None:
    """An admin's /unspin-settings "mode command" is stored; the answer is ephemeral."""
    _, _, store = wired
    fake = on_discord
    sent = await fake.slash("unspin-settings", setting="mode command")
    (ack,) = await fake.wait_call("POST", f"/interactions/{sent['id']}/")
    assert ack.body == {"type": 5, "data": {"flags": 64}}
    await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}")
    config = await store.get_channel_settings("discord", fake.channel_id)
    assert config is not None and config.mode == "command"


async def test_slack_settings_only_admins_change(wired: Wired, on_slack: SlackOverHttp) -> None:
    """/unspin-settings: a member is told no (privately), a workspace admin changes the mode."""
    _, _, store = wired
    fake = on_slack.fake
    fake.admins.add("U0ADMIN")
    for user, n in (("U0MEMBER", 1), ("U0ADMIN", 2)):
        form = urlencode({"command": "/unspin-settings", "text": "mode off",
                          "user_id": user, "user_name": user, "channel_id": "C1",
                          "team_id": "T0001", "trigger_id": f"tr{n}"})  # fmt: skip
        await on_slack.post(form, "form")
        await fake.wait_until(lambda n=n: len(fake.find("users.info")) >= n)
        if n == 1:
            said = await fake.wait_call("chat.postMessage")
            assert "Only channel admins" in said[0].args["text"]
            assert await store.get_channel_settings("slack", "C1") is None
    await fake.wait_call("chat.postMessage", count=2)
    config = await store.get_channel_settings("slack", "C1")
    assert config is not None and config.mode == "off"


async def test_discord_poll_in_thread_closed_in_place_after_restart(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    """A poll posted in the card's thread: a new process (core and client) edits it there."""
    clock = FixedClock()
    fake = discord_fake
    settings = discord_settings(fake, post_interval_s=0)
    async with wired_core(tmp_path, {URL: article_text(3)}, clock=clock) as (core, fetcher, store):
        first = DiscordAdapter(settings, core, guild_ready_timeout=0.05)
        second: DiscordAdapter | None = None
        try:
            await first.start(within=10)
            await fake.slash("summarize", url=URL)
            await fake.wait_until(lambda: any(m.get("embeds") for m in fake.messages.values()))
            card = next(m for m in fake.messages.values() if m.get("embeds"))
            ids = [c["custom_id"] for row in card["components"] for c in row["components"]]
            await fake.click(next(i for i in ids if i.startswith("unspin:p:")), card)
            await fake.wait_until(lambda: len(fake.bot_posts(card["id"])) == 1)
            (poll_msg,) = fake.bot_posts(card["id"])  # in the thread started from the card
            await first.stop()

            restarted = Core(store=store, fetcher=fetcher, analyzer=CueAnalyzer(),
                             extract=extract_plain, supervisor=Supervisor(),
                             clock=clock)  # fmt: skip
            second = DiscordAdapter(settings, restarted, guild_ready_timeout=0.05)
            await second.start(within=10)
            clock.advance(25 * 3600)  # past the poll's closing time
            await fake.wait_until(lambda: second is not None and second.polls_settled)
            assert await restarted.polls.close_due({"discord": second}) == 1
            edits = fake.find("PATCH", f"/messages/{poll_msg['id']}")
            assert [c.path for c in edits] == [f"/channels/{card['id']}/messages/{poll_msg['id']}"]
            assert edits[0].status == 200
            assert "Closed" in fake.messages[poll_msg["id"]]["embeds"][0]["description"]
            assert len(fake.bot_posts(card["id"])) == 2  # the tally announced in the thread
        finally:
            if second is not None:
                await second.stop()
            await first.stop()
