"""Helpers shared by the store tests: the database target and a controllable clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PG_ENV = "UNSPIN_TEST_POSTGRES_URL"
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Target:
    """A database to test against: its URL and, for PostgreSQL, a schema of its own."""

    backend: str
    url: str
    schema: str | None = None


class FakeClock:
    """A settable UTC clock, so expiry and windows are tested without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward by a timedelta's keyword arguments."""
        self.now += timedelta(**delta)
