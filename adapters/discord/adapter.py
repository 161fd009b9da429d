"""DiscordAdapter: what the service runtime starts, waits on, stops, and posts through."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from adapters.discord.app import UnspinClient, point_at, run_client, wait_ready
from adapters.discord.conversation import DiscordConversation
from adapters.discord.settings import DiscordAdapterSettings
from adapters.discord.sync import sync_global
from bot.ports import ChatCore, Conversation
from bot.settings import Settings

log = logging.getLogger(__name__)


class DiscordAdapter:
    """Runs one UnspinClient; also the core's Outbox for posts outside any event."""

    def __init__(self, settings: DiscordAdapterSettings, core: ChatCore, **client_options: Any):
        self.settings = settings
        self.core = core
        self._options = client_options
        self.client: UnspinClient | None = None
        self._runner: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        """The adapter's name in service.adapters."""
        return "discord"

    @property
    def connected(self) -> bool:
        """True while the gateway session is up (for /healthz)."""
        return self.client is not None and self.client.is_ready() and not self.client.is_closed()

    @property
    def polls_settled(self) -> bool:
        """Connected, and native polls' votes cast while the bot was away read back once."""
        return self.connected and self.client is not None and self.client.reconciler.settled

    async def run(self, stop: asyncio.Event) -> None:
        """Connect, serve events until `stop` is set or the client fails, then close."""
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        assert self._runner is not None
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({stopping, self._runner}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            failed = self._runner.done() and not self._runner.cancelled()
            error = self._runner.exception() if failed else None
            await self.stop()
        if error is not None:
            raise error

    async def start(self, within: float = 60.0) -> None:
        """Log in, connect the gateway and wait until ready (raises ConfigError on 4014)."""
        point_at(self.settings)
        self.client = UnspinClient(self.settings, self.core, **self._options)
        self._runner = asyncio.create_task(run_client(self.client), name="discord-client")
        await wait_ready(self.client, self._runner, within)
        log.info("Discord: connected as %s", self.client.user)

    async def wait(self) -> None:
        """Until the client stops; re-raises what stopped it."""
        if self._runner is not None:
            await self._runner

    async def stop(self) -> None:
        """Close the gateway and the HTTP session."""
        if self.client is not None:
            await self.client.close()
        if self._runner is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._runner

    def conversation(self, channel_id: str, thread_id: str | None = None) -> Conversation:
        """A Conversation posting into a channel or thread (poll expiry announcements)."""
        if self.client is None:
            raise RuntimeError("the Discord adapter is not started")
        channel = self.client.get_partial_messageable(int(thread_id or channel_id))
        return DiscordConversation(
            channel, native_polls=self.settings.native_polls, pacer=self.client.pacer
        )


def create(core: ChatCore, settings: Settings, **client_options: Any) -> DiscordAdapter:
    """Build the adapter from the service settings (the `discord` section)."""
    return DiscordAdapter(DiscordAdapterSettings.from_settings(settings), core, **client_options)


def required_settings(settings: Settings) -> list[str]:
    """The credentials still missing, named with their environment variables."""
    return [] if settings.discord.token else ["discord.token (UNSPIN_DISCORD__TOKEN)"]


async def sync_commands(settings: Settings) -> int:
    """`unspin discord sync`: publish the commands globally; returns how many were synced."""
    return await sync_global(DiscordAdapterSettings.from_settings(settings))
