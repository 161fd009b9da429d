"""Reliability plan item 65: migrations from empty and from the last release, on both engines."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from store_support import Target

from bot.storage import migrate
from bot.storage.engine import sqlite_path
from bot.storage.tables import metadata
from bot.store import SqlStore

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _tables(conn: Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def _schema_diff(conn: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn), metadata))


async def test_empty_database_migrates_to_head_matching_the_tables(
    engine: AsyncEngine, target: Target
) -> None:
    """From empty, the migrations reach head and build exactly the schema tables.py declares."""
    assert await migrate.current_revision(engine) is None
    assert await migrate.upgrade(engine, schema=target.schema) is None
    assert await migrate.current_revision(engine) == migrate.head_revision()
    async with engine.connect() as conn:
        assert set(metadata.tables) <= await conn.run_sync(_tables)
        assert await conn.run_sync(_schema_diff) == []


async def test_unique_vote_per_user_is_enforced_after_migration(
    engine: AsyncEngine, target: Target
) -> None:
    """A second raw row for the same poll and user is rejected by the database itself."""
    await migrate.upgrade(engine, schema=target.schema)
    await _seed_poll_with_votes(engine)
    with pytest.raises(sa.exc.IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO votes (poll_id, user_id, option, cast_at, updated_at) "
                    "VALUES (1, 'ann', 1, :t, :t)"
                ),
                {"t": NOW},
            )


async def test_previous_release_with_votes_migrates_to_head(
    engine: AsyncEngine, target: Target
) -> None:
    """A database at the previous revision keeps its votes at head; SQLite is backed up first."""
    await migrate.upgrade(engine, "0001", schema=target.schema)
    await _seed_poll_with_votes(engine)
    backup = await migrate.upgrade(engine, schema=target.schema)
    assert await migrate.current_revision(engine) == migrate.head_revision()
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT user_id, option FROM votes"))).all()
        assert sorted(map(tuple, rows)) == [("ann", 0), ("bob", 2)]
        assert await conn.run_sync(_schema_diff) == []
    if target.backend == "sqlite":
        assert backup is not None and backup.exists()
        with sqlite3.connect(backup) as old:
            assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
            assert old.execute("SELECT count(*) FROM votes").fetchone() == (2,)
    else:
        assert backup is None


async def test_downgrade_to_base_and_back(engine: AsyncEngine, target: Target) -> None:
    """Every revision can be undone, and the schema rebuilds afterwards."""
    await migrate.upgrade(engine, schema=target.schema)
    await migrate.downgrade(engine, "base", schema=target.schema)
    async with engine.connect() as conn:
        assert not set(metadata.tables) & await conn.run_sync(_tables)
    await migrate.upgrade(engine, schema=target.schema)
    assert await migrate.current_revision(engine) == migrate.head_revision()


async def test_opening_a_current_database_does_not_migrate_or_back_up(target: Target) -> None:
    """Reopening a database already at head changes nothing and writes no backup."""
    await (await SqlStore.open(target.url, schema=target.schema)).close()
    path = sqlite_path(target.url)
    store = await SqlStore.open(target.url, schema=target.schema)
    try:
        assert await migrate.current_revision(store.engine) == migrate.head_revision()
    finally:
        await store.close()
    if path is not None:
        assert not list(path.parent.glob(f"{path.name}.bak-*"))


async def _seed_poll_with_votes(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO polls (id, platform, channel_id, question, starter_id, hide_results,"
                " created_at, closes_at, status) VALUES (1, 'console', 'c', 'Q?', 's', :h,"
                " :t, :t, 'open')"
            ),
            {"t": NOW, "h": True},
        )
        await conn.execute(
            sa.text("INSERT INTO poll_options (poll_id, idx, text) VALUES (1, :i, :x)"),
            [{"i": i, "x": x} for i, x in enumerate(("yes", "no", "later"))],
        )
        await conn.execute(
            sa.text(
                "INSERT INTO votes (poll_id, user_id, option, cast_at, updated_at)"
                " VALUES (1, :u, :o, :t, :t)"
            ),
            [{"u": "ann", "o": 0, "t": NOW}, {"u": "bob", "o": 2, "t": NOW}],
        )


FAILING_REVISION = '''
"""A revision that dies halfway, like a migration killed by SIGTERM."""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("DELETE FROM votes")
    raise RuntimeError("interrupted")


def downgrade():
    pass
'''


async def test_an_interrupted_migration_leaves_the_old_revision(
    engine: AsyncEngine, target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration failing halfway rolls back entirely: old revision, old data, no new table."""
    await migrate.upgrade(engine, schema=target.schema)
    await _seed_poll_with_votes(engine)
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, scripts)
    head = migrate.head_revision()
    (scripts / "versions" / "9999_fails.py").write_text(FAILING_REVISION.format(head=head))
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION", scripts)
    with pytest.raises(RuntimeError, match="interrupted"):
        await migrate.upgrade(engine, schema=target.schema)
    assert await migrate.current_revision(engine) == head
    async with engine.connect() as conn:
        assert "half_done" not in await conn.run_sync(_tables)
        assert (await conn.execute(sa.text("SELECT count(*) FROM votes"))).scalar() == 2
