"""The `storage` and `polls` settings sections: defaults and validation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.poll_models import DEFAULT_POLL_OPTIONS
from bot.storage.engine import sqlite_path
from bot.storage_settings import PollSettings, StorageSettings


def test_storage_defaults_to_a_sqlite_file_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without configuration the database is unspin.db under the user's data directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = StorageSettings()
    assert settings.url.startswith("sqlite+aiosqlite:///")
    path = sqlite_path(settings.url)
    assert path is not None and path.name == "unspin.db"
    assert path.parent.name == "unspin" and str(path).startswith(str(tmp_path))
    assert settings.busy_timeout_ms >= 5000


def test_storage_accepts_postgres_and_refuses_sync_drivers() -> None:
    """A postgresql+asyncpg URL is accepted; a driver the async engine cannot use is refused."""
    url = "postgresql+asyncpg://bot:secret@db:5432/unspin"
    assert StorageSettings(url=url).url == url
    with pytest.raises(ValidationError):
        StorageSettings(url="postgresql://db/unspin")
    with pytest.raises(ValidationError):
        StorageSettings(busy_timeout_ms=100)


def test_poll_defaults() -> None:
    """Polls default to the three standard answers, 24 hours and results hidden until close."""
    settings = PollSettings()
    assert tuple(settings.options) == DEFAULT_POLL_OPTIONS
    assert settings.duration == timedelta(hours=24)
    assert settings.hide_results_until_close is True


@pytest.mark.parametrize(
    "bad",
    [
        {"duration_h": 32 * 24 + 1},
        {"duration_h": 0},
        {"options": ["Only one"]},
        {"options": ["Yes", "yes"]},
        {"options": ["Yes", " "]},
        {"options": [str(n) for n in range(11)]},
    ],
)
def test_poll_settings_refuse_what_no_platform_accepts(bad: dict[str, object]) -> None:
    """Durations over 32 days, fewer than 2, duplicate, empty or over 10 answers are refused."""
    with pytest.raises(ValidationError):
        PollSettings(**bad)  # type: ignore[arg-type]
