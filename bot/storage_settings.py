"""Settings sections for storage (`storage`) and polls (`polls`), wired into bot.settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import BaseModel, Field, field_validator

from bot.poll_models import DEFAULT_POLL_OPTIONS

MAX_POLL_HOURS = 32 * 24


def default_database_url() -> str:
    """A SQLite file in the user's data directory (the directory is created when opened)."""
    path = Path(user_data_dir("unspin", appauthor=False)) / "unspin.db"
    return f"sqlite+aiosqlite:///{path}"


class StorageSettings(BaseModel):
    """Where state lives: SQLite by default, PostgreSQL with a postgresql+asyncpg:// URL."""

    url: str = Field(default_factory=default_database_url)
    busy_timeout_ms: int = Field(5000, ge=5000, le=600_000)
    analysis_ttl_s: int = Field(7 * 24 * 3600, ge=0)
    pool_size: int = Field(5, ge=1, le=100)
    schema_name: str | None = Field(None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    migrate_on_start: bool = True

    @field_validator("url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        # Only the async drivers work with the async engine; say so before anything connects.
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value


class PollSettings(BaseModel):
    """How prediction polls run: answers, duration and whether results stay hidden until close."""

    options: list[str] = Field(default_factory=lambda: list(DEFAULT_POLL_OPTIONS))
    duration_h: float = Field(24.0, gt=0, le=MAX_POLL_HOURS)
    hide_results_until_close: bool = True
    discord_native: bool = False
    """On Discord, post Discord's own polls instead of cards with vote buttons."""
    remind_due: bool = True
    """Post one reminder in the poll's thread when the polled forecast's due date arrives."""
    remind_hour_utc: int = Field(0, ge=0, le=23)
    """The hour (UTC) of the due day at which the reminder is posted."""

    @field_validator("options")
    @classmethod
    def _sane_options(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value]
        if any(not v for v in cleaned):
            raise ValueError("answers must not be empty")
        if not 2 <= len(cleaned) <= 10:
            raise ValueError("give between 2 and 10 answers")
        if len({v.casefold() for v in cleaned}) != len(cleaned):
            raise ValueError("answers must differ")
        return cleaned

    @property
    def duration(self) -> timedelta:
        """The configured poll duration."""
        return timedelta(hours=self.duration_h)
