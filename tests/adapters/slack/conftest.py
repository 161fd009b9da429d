"""Fixtures for Slack adapter tests: the real AsyncApp over HTTP on loopback, a fake Web API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from fakes.slack_fake import FakeSlack
from fakes.stub_core import StubCore
from slack_support import SECRET, SlackClient

from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackAdapterSettings
from bot.store import SqlStore


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """A started fake Slack Web API."""
    server = FakeSlack()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def core(store: SqlStore) -> AsyncIterator[StubCore]:
    """A scripted core writing to the real store; slow waits end when the test does."""
    stub = StubCore(store)
    yield stub
    stub.gate.set()


@pytest.fixture
def settings(fake: FakeSlack) -> SlackAdapterSettings:
    """HTTP mode against the fake Web API."""
    return SlackAdapterSettings.model_validate(
        {"bot_token": "xoxb-test", "signing_secret": SECRET, "mode": "http",
         "api_base_url": fake.api_base, "rate_limit_retries": 2,
         "post_interval_s": 0.02}  # paced as in production, only faster
    )  # fmt: skip


@pytest.fixture
async def adapter(settings: SlackAdapterSettings, core: StubCore) -> AsyncIterator[SlackAdapter]:
    """A started SlackAdapter in HTTP mode."""
    built = SlackAdapter(settings, core)
    await built.start()
    yield built
    await built.stop()


@pytest.fixture
async def slack(adapter: SlackAdapter) -> AsyncIterator[SlackClient]:
    """The adapter's routes served on 127.0.0.1:0 (as the service's server mounts them)."""
    app = web.Application()
    adapter.add_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as http:
        yield SlackClient(http, f"http://127.0.0.1:{port}/slack/events")
    await runner.cleanup()
