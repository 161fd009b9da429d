"""`unspin run` with only Slack (HTTP mode) or only Discord, against the loopback fakes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from fakes.discord_fake import FakeDiscord
from fakes.slack_fake import FakeSlack, signed_headers

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-signing-secret"
MESSAGE_CONTENT_BIT = 1 << 15
ARTICLE = """<html><head><title>Harbour budget rises</title></head><body><article>
<h1>Harbour budget rises</h1>
<p>The harbour budget rose by 12 percent in the year to March, officials said on Monday,
according to figures published by the regional office.</p>
<p>The port authority said it would hire 40 more staff and that dredging would start in May.</p>
<p>The plan is clearly wrong and the council should rethink it before it is too late.</p>
<p>The harbour will close by 2030 if traffic keeps falling at this rate.</p>
<p>Officials said traffic fell 8 percent last year, the third fall in a row, the report said.</p>
</article></body></html>"""


@pytest.fixture
async def article_site() -> AsyncIterator[str]:
    """A loopback site serving one news article; yields host:port."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=ARTICLE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{name}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"{host}:{port}"
    await runner.cleanup()


async def start_service(tmp_path: Path, **env_extra: str) -> tuple[asyncio.subprocess.Process, int]:
    """`python -m bot.cli run` with the given settings; returns it and its HTTP port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNSPIN_")}
    env.update(
        UNSPIN_STORAGE__URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        UNSPIN_SERVICE__PORT="0",
        UNSPIN_SERVICE__LOG_FORMAT="json",
        **env_extra,
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.stderr is not None
    port = 0
    deadline = time.monotonic() + 40
    while not port:
        line = await asyncio.wait_for(proc.stderr.readline(), deadline - time.monotonic())
        assert line, "the service exited before listening"
        msg = json.loads(line).get("msg", "")
        if msg.startswith("health and metrics on"):
            port = int(msg.split("/healthz")[0].rsplit(":", 1)[1])
    return proc, port


async def stop_service(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM, then wait (kill if it hangs)."""
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def test_run_with_only_slack_http_answers_a_signed_link_event(
    tmp_path: Path, article_site: str
) -> None:
    """A signed message event on the service's /slack/events gets a Block Kit card in thread."""
    fake = FakeSlack()
    await fake.start()
    # Only the variables: the Slack adapter starts because its token is set.
    proc, port = await start_service(
        tmp_path,
        UNSPIN_SLACK__BOT_TOKEN="xoxb-e2e",
        UNSPIN_SLACK__SIGNING_SECRET=SECRET,
        UNSPIN_SLACK__MODE="http",
        UNSPIN_SLACK__API_BASE_URL=fake.api_base,
        UNSPIN_FETCH__ALLOW_HOSTS=article_site,
    )
    try:
        url = f"http://{article_site}/harbour"
        body = json.dumps({
            "type": "event_callback", "team_id": "T0001", "api_app_id": "A0001",
            "event_id": "EvE2E", "event_time": int(time.time()),
            "event": {"type": "message", "channel": "C1", "user": "U0ALICE", "ts": "1700.000100",
                      "text": f"read <{url}|this>", "channel_type": "channel"},
        })  # fmt: skip
        events = f"http://127.0.0.1:{port}/slack/events"
        headers = signed_headers(SECRET, body)
        async with (
            aiohttp.ClientSession() as http,
            http.post(events, data=body.encode(), headers=headers) as resp,
        ):
            assert resp.status == 200
        posts = await fake.wait_call("chat.postMessage", within=30)
        card = next(p for p in posts if p.args.get("blocks"))
        assert card.args["thread_ts"] == "1700.000100"
        assert card.args["unfurl_links"] is False
        assert f"<{url}|" in json.dumps(card.args["blocks"])
    finally:
        await stop_service(proc)
        await fake.stop()


async def test_run_with_only_discord_answers_summarize(tmp_path: Path, article_site: str) -> None:
    """/summarize against the fake Discord: deferred, then a follow-up embed card."""
    fake = FakeDiscord()
    await fake.start()
    # Only the variables: the Discord adapter starts because its token is set.
    proc, _ = await start_service(
        tmp_path,
        UNSPIN_DISCORD__TOKEN="discord-e2e",
        UNSPIN_DISCORD__API_BASE_URL=fake.api_base,
        UNSPIN_DISCORD__GATEWAY_URL=fake.gateway_url,
        UNSPIN_DISCORD__DEV_GUILD=fake.guild_id,
        UNSPIN_FETCH__ALLOW_HOSTS=article_site,
    )
    try:
        await fake.wait_connected(within=30)
        url = f"http://{article_site}/harbour"
        sent = await fake.slash("summarize", url=url)
        (ack,) = await fake.wait_call("POST", f"/interactions/{sent['id']}/", within=10)
        assert ack.status == 200 and ack.body["type"] == 5
        follow = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}", within=30)
        embeds = [c.body["embeds"][0] for c in follow if c.body.get("embeds")]
        assert embeds and embeds[0].get("url") == url
    finally:
        await stop_service(proc)
        await fake.stop()


async def test_discord_sync_publishes_commands_globally(tmp_path: Path) -> None:
    """`unspin discord sync` PUTs every command to the global endpoint, not a guild's."""
    fake = FakeDiscord()
    await fake.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNSPIN_")}
    env.update(
        UNSPIN_DISCORD__TOKEN="discord-sync",
        UNSPIN_DISCORD__API_BASE_URL=fake.api_base,
        UNSPIN_DISCORD__GATEWAY_URL=fake.gateway_url,
    )
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "discord", "sync",
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE, env=env, cwd=ROOT,
        )  # fmt: skip
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()
        (put,) = fake.find("PUT", "/commands")
        assert put.path == f"/applications/{fake.app_id}/commands"
        assert {c["name"] for c in put.body} == {
            "summarize", "unspin-settings", "unspin-optout", "unspin-optin", "Unspin this",
        }  # fmt: skip
        assert fake.identifies == []  # syncing needs no gateway session
    finally:
        await fake.stop()


async def test_run_exits_naming_the_portal_switch_when_intent_refused(tmp_path: Path) -> None:
    """Message content configured but not granted (4014): `unspin run` exits 2 naming the switch."""
    fake = FakeDiscord(grant_message_content=False)
    await fake.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNSPIN_")}
    env.update(
        UNSPIN_STORAGE__URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        UNSPIN_SERVICE__PORT="0",
        UNSPIN_SERVICE__ADAPTERS="discord",
        UNSPIN_DISCORD__TOKEN="discord-e2e",
        UNSPIN_DISCORD__MESSAGE_CONTENT="true",
        UNSPIN_DISCORD__API_BASE_URL=fake.api_base,
        UNSPIN_DISCORD__GATEWAY_URL=fake.gateway_url,
    )
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run",
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE, env=env, cwd=ROOT,
        )  # fmt: skip
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 2
        last = err.decode().strip().splitlines()[-1]
        assert "Message Content Intent" in last and "Developer Portal" in last
        assert MESSAGE_CONTENT_BIT & fake.identifies[0]["intents"]
    finally:
        await fake.stop()
