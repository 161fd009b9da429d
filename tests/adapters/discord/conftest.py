"""Fixtures for Discord adapter tests: a fake Discord on loopback, the real store, a stub core."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import discord
import pytest
from fakes.discord_fake import FakeDiscord
from fakes.stub_core import StubCore

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.settings import DiscordAdapterSettings
from bot.store import SqlStore

StartAdapter = Callable[..., Awaitable[DiscordAdapter]]


@pytest.fixture(autouse=True)
def _restore_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    # The adapter points discord.py's class-level endpoints at the fake; undo that afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def core(store: SqlStore) -> StubCore:
    """A scripted core writing to the real store."""
    return StubCore(store)


@pytest.fixture
async def start_adapter(fake: FakeDiscord, core: StubCore) -> AsyncIterator[StartAdapter]:
    """Start DiscordAdapters against the fake (stopped at the end of the test)."""
    started: list[DiscordAdapter] = []

    async def _start(**overrides: object) -> DiscordAdapter:
        values: dict[str, object] = {
            "token": "test-token",
            "api_base_url": fake.api_base,
            "gateway_url": fake.gateway_url,
            "dev_guild": int(fake.guild_id),
            "post_interval_s": 0.02,  # paced as in production, only faster
            **overrides,
        }
        settings = DiscordAdapterSettings.model_validate(values)
        adapter = DiscordAdapter(settings, core, guild_ready_timeout=0.05)
        started.append(adapter)
        await adapter.start(within=10)
        return adapter

    yield _start
    for adapter in started:
        await adapter.stop()
