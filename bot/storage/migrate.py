"""Run the packaged Alembic migrations from code, in one transaction, backing SQLite up first."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.engine import READ_ONLY, sqlite_path

log = logging.getLogger(__name__)

SCRIPT_LOCATION = Path(__file__).resolve().parent.parent / "migrations"
# Any constant works: it only has to be the same in every process that migrates this database.
_PG_MIGRATION_LOCK = 0x756E7370


def alembic_config() -> Config:
    """An Alembic configuration built in code: no alembic.ini needed in an installed package."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def head_revision() -> str | None:
    """The newest revision this version of the bot knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    async with engine.connect() as conn:
        await conn.execution_options(**{READ_ONLY: True})
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


async def upgrade(
    engine: AsyncEngine, revision: str = "head", *, schema: str | None = None
) -> Path | None:
    """Migrate to `revision` atomically; return the SQLite backup written first, if any."""
    current = await current_revision(engine)
    if revision == "head" and current == head_revision():
        return None
    backup = None
    path = sqlite_path(engine.url)
    if current is not None and path is not None and path.exists():
        backup = await asyncio.to_thread(_backup_sqlite, path, current)
    await _in_transaction(engine, schema, lambda cfg: command.upgrade(cfg, revision))
    log.info("database migrated from %s to %s", current, revision)
    return backup


async def downgrade(engine: AsyncEngine, revision: str, *, schema: str | None = None) -> None:
    """Migrate down to `revision` ("base" drops everything), atomically."""
    await _in_transaction(engine, schema, lambda cfg: command.downgrade(cfg, revision))


async def _in_transaction(
    engine: AsyncEngine, schema: str | None, action: Callable[[Config], None]
) -> None:
    # One transaction for the whole migration: an interrupted run leaves the old revision.
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            if schema:
                await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            # Two bot processes starting at once must not both create the tables.
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        await conn.run_sync(_run_alembic, action)


def _run_alembic(connection: Connection, action: Callable[[Config], None]) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    action(config)


def _backup_sqlite(path: Path, revision: str) -> Path:
    target = path.with_name(f"{path.name}.bak-{revision}")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot even with a WAL in use.
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    log.info("backed up %s to %s before migrating", path.name, target.name)
    return target
