"""Fixtures that run every store test on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from store_support import PG_ENV, FakeClock, Target

from bot.storage.engine import create_engine
from bot.store import SqlStore


@pytest.fixture(params=["sqlite", "postgres"])
async def target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Target]:
    """A fresh, empty database on each engine (PostgreSQL only when UNSPIN_TEST_POSTGRES_URL)."""
    if request.param == "sqlite":
        yield Target("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'unspin.db'}")
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set")
    # A schema per test keeps parallel runs and leftovers of failed runs apart.
    schema = f"unspin_test_{uuid.uuid4().hex[:12]}"
    yield Target("postgres", url, schema)
    engine = create_async_engine(make_url(url), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


@pytest.fixture
async def engine(target: Target) -> AsyncIterator[AsyncEngine]:
    """A bare engine on the empty target database (nothing migrated yet)."""
    created = create_engine(target.url, schema=target.schema)
    try:
        yield created
    finally:
        await created.dispose()


@pytest.fixture
def clock() -> FakeClock:
    """The store's clock, under the test's control."""
    return FakeClock()


@pytest.fixture
async def store(target: Target, clock: FakeClock) -> AsyncIterator[SqlStore]:
    """An opened, migrated store on the target database, closed after the test."""
    opened = await SqlStore.open(target.url, schema=target.schema, clock=clock)
    try:
        yield opened
    finally:
        await opened.close()
