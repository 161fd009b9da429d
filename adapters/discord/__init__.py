"""Discord adapter (extra `discord`): discord.py client translating to and from the core."""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter, create, required_settings, sync_commands

__all__ = ["DiscordAdapter", "create", "required_settings", "sync_commands"]
