"""The Slack adapter's settings, read from the `slack` section (env UNSPIN_SLACK__*)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator

from bot.errors import ConfigError
from bot.settings import Settings

SLACK_API = "https://slack.com/api/"


class SlackAdapterSettings(BaseModel):
    """Everything the Slack adapter reads; secrets never appear in logs or reprs."""

    model_config = {"extra": "ignore"}

    bot_token: SecretStr
    app_token: SecretStr | None = None
    """App-level token (xapp-…) with connections:write, for Socket Mode."""
    signing_secret: SecretStr | None = None
    """Checks that HTTP requests come from Slack (HTTP mode)."""
    mode: Literal["socket", "http"] = "socket"
    api_base_url: str = SLACK_API
    """Web API base (GovSlack, a proxy or a test double use another)."""
    events_path: str = "/slack/events"
    """Where HTTP mode receives events, commands and interactions on the service's server."""
    rate_limit_retries: int = Field(3, ge=0, le=10)
    """How often a 429 answer is retried after its Retry-After."""
    post_interval_s: float = Field(1.0, ge=0, le=60)
    """Least time between two posts to one channel (Slack allows about one a second)."""
    refused_rest_s: float = Field(300.0, ge=0, le=86_400)
    """After a channel refuses the bot (not in it, archived), no post is tried there this long."""

    @model_validator(mode="after")
    def _mode_has_credentials(self) -> SlackAdapterSettings:
        if self.mode == "socket" and not _filled(self.app_token):
            raise ValueError("Socket Mode needs slack.app_token (UNSPIN_SLACK__APP_TOKEN)")
        if self.mode == "http" and not _filled(self.signing_secret):
            raise ValueError("HTTP mode needs slack.signing_secret (UNSPIN_SLACK__SIGNING_SECRET)")
        if not self.api_base_url.endswith("/"):
            self.api_base_url += "/"
        return self

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackAdapterSettings:
        """Validate the `slack` section, or raise ConfigError naming the setting."""
        raw = _raw(settings)
        if not raw.get("bot_token"):
            raise ConfigError("The Slack adapter needs a bot token: set UNSPIN_SLACK__BOT_TOKEN.")
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = str(first["msg"]).removeprefix("Value error, ")
            where = f"slack.{where}" if where else "slack"
            raise ConfigError(f"Invalid setting {where}: {message}.") from None


def _filled(secret: SecretStr | None) -> bool:
    return secret is not None and bool(secret.get_secret_value().strip())


def _raw(settings: Settings) -> dict[str, Any]:
    raw: dict[str, Any] = settings.slack.model_dump()
    raw.update(settings.slack.model_extra or {})
    return {k: v.get_secret_value() if isinstance(v, SecretStr) else v for k, v in raw.items()}


def missing(settings: Settings) -> list[str]:
    """The credentials still missing for the configured mode, with their env variables."""
    raw = _raw(settings)
    names = ["slack.bot_token (UNSPIN_SLACK__BOT_TOKEN)"] if not raw.get("bot_token") else []
    if raw.get("mode", "socket") == "http":
        if not raw.get("signing_secret"):
            names.append("slack.signing_secret (UNSPIN_SLACK__SIGNING_SECRET)")
    elif not raw.get("app_token"):
        names.append("slack.app_token (UNSPIN_SLACK__APP_TOKEN)")
    return names
