"""Fixtures shared by the Discord and Slack adapter tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import SqlStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    """The real store on a fresh SQLite file."""
    opened = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'unspin.db'}")
    yield opened
    await opened.close()
