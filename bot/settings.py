"""Configuration: the only module that reads environment variables or the TOML file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.errors import ConfigError
from bot.fetch_addresses import parse_network
from bot.storage.records import ChannelMode, ReplyStyle
from bot.storage_settings import PollSettings, StorageSettings

CONFIG_ENV = "UNSPIN_CONFIG"


class FetchSettings(BaseModel):
    """How links are fetched: limits, deadlines and the address policy."""

    timeout_s: float = Field(20.0, gt=0, le=300)
    connect_timeout_s: float = Field(5.0, gt=0, le=60)
    read_timeout_s: float = Field(10.0, gt=0, le=300)
    max_bytes: int = Field(2 * 1024 * 1024, gt=0)
    max_redirects: int = Field(5, ge=0, le=20)
    max_url_length: int = Field(2048, gt=0)
    allowed_ports: list[int] = Field(default_factory=lambda: [80, 443])
    allow_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    deny_addresses: Annotated[list[str], NoDecode] = Field(default_factory=list)
    user_agent: str = "UnspinBot/0.1 (+https://github.com/unspin/unspin; article summariser)"

    @field_validator("allow_hosts", "deny_addresses", mode="before")
    @classmethod
    def _split_csv(cls, value: Any) -> Any:
        # Environment variables arrive as one string: accept "a,b:8080" as well as JSON.
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("deny_addresses")
    @classmethod
    def _check_networks(cls, value: list[str]) -> list[str]:
        # Refused at load time: a mistyped entry silently ignored would leave that network open.
        for entry in value:
            try:
                parse_network(entry)
            except ValueError as exc:
                raise PydanticCustomError(
                    "deny_address", "{reason}", {"reason": str(exc)}
                ) from None
        return [entry.strip() for entry in value]


class AnalysisSettings(BaseModel):
    """How articles are analysed and summarised."""

    max_points: int = Field(5, ge=3, le=5)
    max_predictions: int = Field(10, ge=0, le=50)
    # Pages of one `unspin analyze` batch analysed at once (0: one per CPU core, at most 4).
    # The model runs outside the GIL, so threads use every core; memory grows little per thread.
    batch_threads: int = Field(0, ge=0, le=32)


def _csv(value: Any) -> Any:
    # Environment variables arrive as one string: accept "a,b" as well as a JSON list.
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            return json.loads(value)
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class ChannelsSettings(BaseModel):
    """How the bot behaves in channels that have no settings of their own."""

    default_mode: ChannelMode = "auto"
    reply: ReplyStyle = "thread"
    max_links: int = Field(3, ge=1, le=10)
    repeat_window_s: int = Field(24 * 3600, ge=0)
    user_per_minute: int = Field(6, ge=1)
    channel_per_minute: int = Field(30, ge=1)
    languages: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allow_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)
    deny_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)

    _split = field_validator("languages", "allow_domains", "deny_domains", mode="before")(
        classmethod(lambda cls, v: _csv(v))
    )


class ServiceSettings(BaseModel):
    """The long-running service: adapters, health/metrics server, work limits, logs."""

    adapters: Annotated[list[str], NoDecode] = Field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    drain_s: float = Field(8.0, ge=0, le=60)
    max_fetches: int = Field(16, ge=1, le=256)
    max_analyses: int = Field(2, ge=1, le=64)
    max_pending: int = Field(256, ge=1, le=100_000)
    max_events: int = Field(128, ge=1, le=1_000_000)
    analysis_pool: Literal["thread", "process"] = "thread"
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: str = "INFO"

    _split = field_validator("adapters", mode="before")(classmethod(lambda cls, v: _csv(v)))


class ConsoleSettings(BaseModel):
    """The terminal channel (`unspin chat`, or `console` in service.adapters)."""

    channel: str = "console"
    user: str = "you"
    concurrent: bool = False


class DiscordSettings(BaseModel):
    """Discord credentials (env UNSPIN_DISCORD__TOKEN); the adapter adds its own options."""

    model_config = {"extra": "allow"}

    token: SecretStr | None = None


class SlackSettings(BaseModel):
    """Slack credentials (env UNSPIN_SLACK__BOT_TOKEN, __APP_TOKEN, __SIGNING_SECRET)."""

    model_config = {"extra": "allow"}

    bot_token: SecretStr | None = None
    app_token: SecretStr | None = None
    signing_secret: SecretStr | None = None


class Settings(BaseSettings):
    """All of Unspin's settings: init args > UNSPIN_* env > TOML file > defaults."""

    model_config = SettingsConfigDict(
        env_prefix="UNSPIN_",
        env_nested_delimiter="__",
        extra="forbid",
        toml_file=None,
    )

    fetch: FetchSettings = FetchSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    storage: StorageSettings = StorageSettings()
    polls: PollSettings = PollSettings()
    channels: ChannelsSettings = ChannelsSettings()
    service: ServiceSettings = ServiceSettings()
    console: ConsoleSettings = ConsoleSettings()
    discord: DiscordSettings = DiscordSettings()
    slack: SlackSettings = SlackSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = _CONFIG_PATH or os.environ.get(CONFIG_ENV)
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_path)))
        return tuple(sources)


_CONFIG_PATH: str | None = None


def load_settings(config_path: str | Path | None = None, **overrides: Any) -> Settings:
    """Load settings, raising ConfigError with a one-sentence message on any problem."""
    global _CONFIG_PATH
    path = str(config_path) if config_path is not None else os.environ.get(CONFIG_ENV)
    if path is not None and not Path(path).is_file():
        raise ConfigError(f"The configuration file {path} does not exist.")
    _CONFIG_PATH = path
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"Invalid setting {where}: {first['msg']}.") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"The configuration file {path} could not be read: {exc}.") from None
    finally:
        _CONFIG_PATH = None
