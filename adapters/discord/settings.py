"""The Discord adapter's settings, read from the `discord` section (env UNSPIN_DISCORD__*)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError

from bot.errors import ConfigError
from bot.settings import Settings

DISCORD_API = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


class DiscordAdapterSettings(BaseModel):
    """Everything the Discord adapter reads; tokens never appear in logs or reprs."""

    model_config = {"extra": "ignore"}

    token: SecretStr
    message_content: bool = False
    """Ask for the privileged message-content intent (switch it on in the Developer Portal)."""
    dev_guild: int | None = None
    """Sync commands to this guild at start-up (instant); global sync only via the CLI."""
    api_base_url: str = DISCORD_API
    gateway_url: str = DISCORD_GATEWAY
    native_polls: bool = False
    """Post polls as native Discord polls instead of embeds with vote buttons."""
    post_interval_s: float = Field(1.0, ge=0, le=60)
    """Least time between two posts to one channel (Discord allows 5 per 5 s per channel)."""
    refused_rest_s: float = Field(300.0, ge=0, le=86_400)
    """After a 403 in a channel, no post is tried there for this long (invalid-request limit)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordAdapterSettings:
        """Validate the `discord` section (plus `polls.discord_native`), or raise ConfigError."""
        raw: dict[str, Any] = settings.discord.model_dump()
        raw.update(settings.discord.model_extra or {})
        if raw.get("token") is None:
            raise ConfigError("The Discord adapter needs a bot token: set UNSPIN_DISCORD__TOKEN.")
        if isinstance(raw["token"], SecretStr):
            raw["token"] = raw["token"].get_secret_value()
        if raw.get("native_polls") is None:
            # UNSPIN_DISCORD__NATIVE_POLLS wins; otherwise the `polls.discord_native` setting.
            raw["native_polls"] = settings.polls.discord_native
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"Invalid setting discord.{where}: {first['msg']}.") from None
