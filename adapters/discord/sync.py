"""`unspin discord sync`: publish the application commands without serving any events."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from adapters.discord.app import UnspinClient, point_at
from adapters.discord.settings import DiscordAdapterSettings
from bot.models import ActionEvent, IncomingMessage, MessageRef, User
from bot.ports import Conversation

log = logging.getLogger(__name__)


class _NoCore:
    """Stands in for the core when the client only syncs commands and never takes events."""

    async def handle_message(self, message: IncomingMessage, conversation: Conversation) -> None:
        raise RuntimeError("not serving events")

    async def handle_action(self, action: ActionEvent, conversation: Conversation) -> None:
        raise RuntimeError("not serving events")

    async def handle_native_vote(
        self, platform: str, message_ref: str, user: User, option: int, event_id: str
    ) -> None:
        raise RuntimeError("not serving events")

    async def handle_native_unvote(
        self, platform: str, message_ref: str, user: User, option: int
    ) -> None:
        raise RuntimeError("not serving events")

    async def native_poll_messages(self, platform: str) -> list[MessageRef]:
        raise RuntimeError("not serving events")

    async def reconcile_native_poll(
        self, platform: str, message_ref: str, voters_by_option: Mapping[int, Iterable[str]]
    ) -> None:
        raise RuntimeError("not serving events")

    async def configure(self, msg: IncomingMessage, args: str, conv: Conversation) -> None:
        raise RuntimeError("not serving events")

    async def opt_out(
        self, msg: IncomingMessage, opted_out: bool, conv: Conversation, undo: str | None = None
    ) -> None:
        raise RuntimeError("not serving events")


async def sync_global(settings: DiscordAdapterSettings) -> int:
    """Sync the commands globally (Discord allows 200 creates a day): `unspin discord sync`."""
    point_at(settings)
    client = UnspinClient(settings, _NoCore())
    try:
        await client.login(settings.token.get_secret_value())
        synced = await client.tree.sync()
    finally:
        await client.close()
    log.info("Discord: %d commands synced globally", len(synced))
    return len(synced)
