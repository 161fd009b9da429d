"""Channel settings use cases: effective settings (briefly cached) and the admins' command."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot import channel_config as cc
from bot.errors import UnspinError
from bot.models import IncomingMessage
from bot.ports import BotStore, Conversation
from bot.render import notice
from bot.sanitize import defuse_mentions
from bot.settings import ChannelsSettings
from bot.storage.records import ChannelConfig

log = logging.getLogger(__name__)

CONFIG_TTL_S = 30.0


class ChannelDirectory:
    """Looks up each channel's settings and applies the settings command."""

    def __init__(
        self,
        store: BotStore,
        defaults: ChannelsSettings,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.defaults = defaults
        self._monotonic = monotonic
        self._cache: dict[tuple[str, str], tuple[float, ChannelConfig]] = {}

    def default_config(self, platform: str, channel_id: str) -> ChannelConfig:
        """The global settings as a channel's config."""
        c = self.defaults
        return ChannelConfig(
            platform=platform,
            channel_id=channel_id,
            mode=c.default_mode,
            reply=c.reply,
            languages=tuple(c.languages),
            allow_domains=tuple(c.allow_domains),
            deny_domains=tuple(c.deny_domains),
        )

    async def get(self, platform: str, channel_id: str) -> ChannelConfig:
        """The channel's effective settings (its own, else the global ones), cached briefly."""
        now = self._monotonic()
        hit = self._cache.get((platform, channel_id))
        if hit is not None and hit[0] > now:
            return hit[1]
        stored = await self.store.get_channel_settings(platform, channel_id)
        config = cc.effective(
            stored,
            platform=platform,
            channel_id=channel_id,
            default=self.default_config(platform, channel_id),
        )
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[(platform, channel_id)] = (now + CONFIG_TTL_S, config)
        return config

    async def configure(self, msg: IncomingMessage, args: str, conv: Conversation) -> None:
        """The settings command: anyone may see the settings, only channel admins change them."""
        try:
            config = await self.get(msg.platform, msg.channel_id)
            if args.strip().lower() in ("", "show"):
                reply = notice(cc.describe(config))
                if await conv.reply_private(reply) is None:
                    await conv.reply(reply, in_thread=True)
                return
            if not msg.author.is_admin:
                await conv.say("Only channel admins can change my settings here.")
                return
            changed = cc.apply_command(config, args, user_id=msg.author.id)
            await self.store.set_channel_settings(changed)
            self._cache.pop((msg.platform, msg.channel_id), None)
            await conv.say(defuse_mentions("Done. " + cc.describe(changed)))
        except UnspinError as error:
            await conv.say(defuse_mentions(str(error)))


class OptOuts:
    """People who asked not to have their pasted links answered automatically.

    The few opt-outs are read once into memory; this process's changes keep it current.
    Explicit requests (/summarize, a mention, a 📰 reaction) are still answered.
    """

    def __init__(self, store: BotStore) -> None:
        self.store = store
        self._out: set[tuple[str, str]] | None = None

    async def is_out(self, platform: str, user_id: str) -> bool:
        """True when the person opted out of automatic answers."""
        if self._out is None:
            self._out = await self.store.opted_out_users()
        return (platform, user_id) in self._out

    async def set(
        self, msg: IncomingMessage, opted_out: bool, conv: Conversation, undo: str | None = None
    ) -> None:
        """The opt-out command: record the choice and confirm it, naming `undo` (the way back)."""
        await self.store.set_opt_out(msg.platform, msg.author.id, opted_out)
        if self._out is None:
            self._out = await self.store.opted_out_users()
        else:
            (self._out.add if opted_out else self._out.discard)((msg.platform, msg.author.id))
        if opted_out:
            back = f"; run {undo} to opt back in." if undo else "."
            text = (
                f"You are opted out: I won't answer links you paste (/summarize still works){back}"
            )
        else:
            text = "You are opted in: I'll answer the article links you paste again."
        if await conv.reply_private(notice(text)) is None:
            await conv.say(defuse_mentions(text))
