"""The adapters read exactly the environment variables issue 5 names, and `polls.discord_native`."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.discord.settings import DISCORD_API, DiscordAdapterSettings
from adapters.slack.settings import SlackAdapterSettings
from bot.errors import ConfigError
from bot.runtime import check_adapters
from bot.settings import load_settings


def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in [n for n in os.environ if n.startswith("UNSPIN_")]:
        monkeypatch.delenv(name)


def test_discord_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """UNSPIN_DISCORD__TOKEN, __MESSAGE_CONTENT, __DEV_GUILD, __API_BASE_URL, __GATEWAY_URL."""
    _clean_env(monkeypatch)
    monkeypatch.setenv("UNSPIN_DISCORD__TOKEN", "discord-token")
    monkeypatch.setenv("UNSPIN_DISCORD__MESSAGE_CONTENT", "true")
    monkeypatch.setenv("UNSPIN_DISCORD__DEV_GUILD", "1100000000000000002")
    monkeypatch.setenv("UNSPIN_DISCORD__API_BASE_URL", "http://127.0.0.1:9/api/v10")
    monkeypatch.setenv("UNSPIN_DISCORD__GATEWAY_URL", "ws://127.0.0.1:9/gateway")
    got = DiscordAdapterSettings.from_settings(load_settings())
    assert got.token.get_secret_value() == "discord-token"
    assert got.message_content is True and got.dev_guild == 1100000000000000002
    assert got.api_base_url == "http://127.0.0.1:9/api/v10"
    assert got.gateway_url == "ws://127.0.0.1:9/gateway"
    assert "discord-token" not in repr(got)


def test_discord_defaults_are_discord_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """With only a token: Discord's own endpoints, no message content, no dev guild."""
    _clean_env(monkeypatch)
    monkeypatch.setenv("UNSPIN_DISCORD__TOKEN", "t")
    got = DiscordAdapterSettings.from_settings(load_settings())
    assert (got.api_base_url, got.message_content, got.dev_guild) == (DISCORD_API, False, None)
    assert got.native_polls is False


def test_native_polls_from_polls_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`polls.discord_native = true` in the file turns native polls on; the env var overrides."""
    _clean_env(monkeypatch)
    config = tmp_path / "unspin.toml"
    config.write_text('[polls]\ndiscord_native = true\n[discord]\ntoken = "t"\n')
    assert DiscordAdapterSettings.from_settings(load_settings(config)).native_polls is True
    monkeypatch.setenv("UNSPIN_DISCORD__NATIVE_POLLS", "false")
    assert DiscordAdapterSettings.from_settings(load_settings(config)).native_polls is False


def test_slack_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """UNSPIN_SLACK__BOT_TOKEN, __APP_TOKEN, __SIGNING_SECRET, __MODE, __API_BASE_URL."""
    _clean_env(monkeypatch)
    monkeypatch.setenv("UNSPIN_SLACK__BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("UNSPIN_SLACK__APP_TOKEN", "xapp-1")
    monkeypatch.setenv("UNSPIN_SLACK__SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("UNSPIN_SLACK__MODE", "http")
    monkeypatch.setenv("UNSPIN_SLACK__API_BASE_URL", "http://127.0.0.1:9/api")
    got = SlackAdapterSettings.from_settings(load_settings())
    assert got.bot_token.get_secret_value() == "xoxb-1"
    assert got.app_token is not None and got.app_token.get_secret_value() == "xapp-1"
    assert got.signing_secret is not None and got.signing_secret.get_secret_value() == "s3cret"
    assert got.mode == "http" and got.api_base_url == "http://127.0.0.1:9/api/"
    assert "xoxb-1" not in repr(got) and "s3cret" not in repr(got)


def test_run_starts_the_adapters_whose_token_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without service.adapters, `unspin run` starts each platform whose bot token is set."""
    _clean_env(monkeypatch)
    monkeypatch.setenv("UNSPIN_DISCORD__TOKEN", "t")
    assert list(check_adapters(load_settings())) == ["discord"]
    monkeypatch.setenv("UNSPIN_SLACK__BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("UNSPIN_SLACK__MODE", "http")
    with pytest.raises(ConfigError, match="UNSPIN_SLACK__SIGNING_SECRET"):
        check_adapters(load_settings())  # a half-configured Slack is named, not skipped
    monkeypatch.setenv("UNSPIN_SLACK__SIGNING_SECRET", "s")
    assert list(check_adapters(load_settings())) == ["discord", "slack"]
    monkeypatch.setenv("UNSPIN_SERVICE__ADAPTERS", "slack")
    assert list(check_adapters(load_settings())) == ["slack"]


def test_run_without_any_adapter_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """No adapter named and no token: the error names the variables to set."""
    _clean_env(monkeypatch)
    with pytest.raises(ConfigError, match=r"UNSPIN_DISCORD__TOKEN.*UNSPIN_SLACK__BOT_TOKEN"):
        check_adapters(load_settings())
