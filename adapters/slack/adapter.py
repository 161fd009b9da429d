"""SlackAdapter: Socket Mode by default, or HTTP mode on the service's aiohttp server."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.outbound import ChannelPacer
from adapters.slack.app import build_app
from adapters.slack.conversation import SlackConversation
from adapters.slack.settings import SlackAdapterSettings, missing
from bot.errors import ConfigError
from bot.ports import ChatCore, Conversation
from bot.settings import Settings

log = logging.getLogger(__name__)


class SlackAdapter:
    """One bolt AsyncApp; also the core's Outbox for posts outside any event."""

    def __init__(self, settings: SlackAdapterSettings, core: ChatCore) -> None:
        self.settings = settings
        self.core = core
        self.pacer = ChannelPacer(
            interval_s=settings.post_interval_s, rest_s=settings.refused_rest_s
        )
        self.app: AsyncApp = build_app(settings, core, self.pacer)
        self._socket: AsyncSocketModeHandler | None = None
        self._connected = False

    @property
    def name(self) -> str:
        """The adapter's name in service.adapters."""
        return "slack"

    @property
    def connected(self) -> bool:
        """True once the token was accepted (and, in Socket Mode, the websocket is open)."""
        return self._connected

    @property
    def polls_settled(self) -> bool:
        """Slack polls are buttons: nothing to read back, only the connection to wait for."""
        return self._connected

    def add_routes(self, web_app: web.Application) -> None:
        """HTTP mode: receive events, commands and interactions at `events_path`."""
        if self.settings.mode == "http":
            web_app.router.add_post(self.settings.events_path, self.handle_http)

    async def handle_http(self, request: web.Request) -> web.Response:
        """One signed request from Slack: bolt checks the signature and acks within 3 s."""
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def start(self) -> None:
        """Check the token; in Socket Mode, open the websocket."""
        try:
            auth = await self.app.client.auth_test()
        except SlackApiError as error:
            raise ConfigError(
                f"Slack rejected the bot token (UNSPIN_SLACK__BOT_TOKEN): "
                f"{error.response.get('error')}."
            ) from None
        log.info("Slack: signed in as %s in %s (%s mode)", auth.get("user"), auth.get("team"),
                 self.settings.mode)  # fmt: skip
        if self.settings.mode == "socket":
            assert self.settings.app_token is not None
            self._socket = AsyncSocketModeHandler(
                self.app, self.settings.app_token.get_secret_value()
            )
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
        self._connected = True

    async def stop(self) -> None:
        """Close the Socket Mode connection (HTTP mode has nothing of its own to close)."""
        self._connected = False
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    def conversation(self, channel_id: str, thread_id: str | None = None) -> Conversation:
        """A Conversation posting into a channel or thread (poll expiry announcements)."""
        return SlackConversation(self.app.client, channel_id, pacer=self.pacer, thread_ts=thread_id)


def create(core: ChatCore, settings: Settings, **options: Any) -> SlackAdapter:
    """Build the adapter from the service settings (the `slack` section)."""
    return SlackAdapter(SlackAdapterSettings.from_settings(settings), core)


def required_settings(settings: Settings) -> list[str]:
    """The credentials still missing, named with their environment variables."""
    return missing(settings)
