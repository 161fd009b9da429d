"""What keeps the client serving: sparse interactions completed, lost gateway sessions logged."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import discord

log = logging.getLogger(__name__)

Parse = Callable[[dict[str, Any]], None]


def tolerate_sparse_interactions(client: discord.Client) -> None:
    """Complete INTERACTION_CREATE payloads before discord.py parses them.

    discord.py 2.7 reads `version`, `attachment_size_limit`, `application_id` and the
    member's `flags` unconditionally. Discord sends them, but the documented examples, older
    recordings and some proxies do not, and a KeyError there ends the gateway loop, i.e. the
    whole client.
    """
    state: Any = client._connection
    parse: Parse = state.parsers["INTERACTION_CREATE"]
    background: set[asyncio.Task[None]] = set()

    def tolerant(data: dict[str, Any]) -> None:
        data.setdefault("version", 1)
        data.setdefault("attachment_size_limit", 10 * 1024 * 1024)
        if "application_id" not in data and client.application_id is not None:
            data["application_id"] = str(client.application_id)
        member = data.get("member")
        if isinstance(member, dict):
            # The docs' example member has no `flags`; discord.py reads it and `roles` blindly.
            member.setdefault("flags", 0)
            member.setdefault("roles", [])
        if not data.get("channel_id") or not data.get("guild_id"):
            parse(data)
            return
        # discord.py finds interaction.channel (and channel_id) only through the optional
        # `channel` object: without it every command would answer "not a server channel".
        # For a channel it has not cached it builds one from that object, and a partial
        # one (no `position`, say) raises KeyError, which ends the gateway loop.
        guild = state._get_guild(int(data["guild_id"]))
        known = guild.get_channel_or_thread(int(data["channel_id"])) if guild else None
        if known is not None:
            data.setdefault("channel", {"id": data["channel_id"], "type": known.type.value})
            parse(data)
            return
        if "channel" in data:
            try:
                parse(data)
                return
            except KeyError as missing:
                log.info("Discord: partial channel object (no %s); reading it", missing)
        task = asyncio.create_task(_parse_with_fetched_channel(client, parse, data))
        background.add(task)
        task.add_done_callback(background.discard)

    state.parsers["INTERACTION_CREATE"] = tolerant


async def _parse_with_fetched_channel(
    client: discord.Client, parse: Parse, data: dict[str, Any]
) -> None:
    """Fetch an uncached interaction channel over REST, then dispatch the interaction."""
    try:
        data["channel"] = await client.http.get_channel(int(data["channel_id"]))
    except discord.HTTPException as exc:
        log.warning("Discord: cannot read channel %s: %s", data["channel_id"], exc.text)
        data.pop("channel", None)  # answered as "not a server channel" rather than lost
    parse(data)


class SessionGapLog:
    """Client events that log when a lost gateway session may have cost events.

    A resumed session gets what it missed replayed; a new one (after a non-resumable close,
    such as 4009 or an invalid session) does not, so that gap is worth a warning.
    """

    _sessions = 0
    _offline_since: float | None = None

    async def on_disconnect(self) -> None:
        """Remember when the gateway went away."""
        if self._offline_since is None:
            self._offline_since = time.monotonic()

    async def on_resumed(self) -> None:
        """The session resumed: Discord replays what was missed, so there is no gap."""
        self._offline_since = None

    async def on_ready(self) -> None:
        """A READY after the first is a new session: events during the outage are lost."""
        self._sessions += 1
        if self._sessions > 1:
            since = self._offline_since
            gap = f"{time.monotonic() - since:.1f} s" if since is not None else "an unknown time"
            log.warning(
                "Discord: the gateway session could not be resumed (new session after %s "
                "offline); events during the outage (messages, reactions, poll votes, clicks) "
                "may have been missed and are not replayed.",
                gap,
            )
        self._offline_since = None
