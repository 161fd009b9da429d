"""The `polls.remind_due` and `polls.remind_hour_utc` settings: defaults, file, environment."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"


def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("UNSPIN_")]:
        monkeypatch.delenv(name)


def test_reminders_are_on_at_midnight_utc_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing configured, due reminders are on and posted at the start of the due day."""
    _clean_env(monkeypatch)
    polls = load_settings().polls
    assert (polls.remind_due, polls.remind_hour_utc) == (True, 0)


def test_file_and_environment_set_the_reminder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The [polls] section sets both; UNSPIN_POLLS__REMIND_DUE overrides the file."""
    _clean_env(monkeypatch)
    config = tmp_path / "unspin.toml"
    config.write_text("[polls]\nremind_due = false\nremind_hour_utc = 9\n")
    polls = load_settings(config).polls
    assert (polls.remind_due, polls.remind_hour_utc) == (False, 9)
    monkeypatch.setenv("UNSPIN_POLLS__REMIND_DUE", "true")
    assert load_settings(config).polls.remind_due is True


def test_an_hour_outside_the_day_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """remind_hour_utc = 24 is a configuration error naming the setting."""
    _clean_env(monkeypatch)
    config = tmp_path / "unspin.toml"
    config.write_text("[polls]\nremind_hour_utc = 24\n")
    with pytest.raises(ConfigError, match="remind_hour_utc"):
        load_settings(config)


def test_the_example_configuration_documents_both_settings() -> None:
    """config.example.toml names both reminder settings in its [polls] section, with defaults."""
    text = EXAMPLE.read_text()
    polls = text.split("[polls]", 1)[1].split("\n[", 1)[0]
    settings = re.findall(r"^# ([a-z_]+ = .+)$", polls, re.M)
    values = tomllib.loads("\n".join(settings))
    assert values["remind_due"] is True and values["remind_hour_utc"] == 0
