"""Reliability plan items 68-69: a signal during a migration leaves the old or the new revision."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_support import REPO, Target

from bot.storage import migrate
from bot.storage.engine import create_engine, sqlite_path

SLOW_REVISION = '''
"""A revision that takes long enough to be interrupted by a signal."""
import sys, time
import sqlalchemy as sa
from alembic import op

revision = "9998"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("DELETE FROM votes")
    print("migrating", flush=True)
    time.sleep({sleep_s})


def downgrade():
    pass
'''

# Opens the store (which migrates), as `unspin run` does before it installs signal handlers.
OPEN = """
import asyncio, sys
from pathlib import Path
from bot.storage import migrate
from bot.store import SqlStore

migrate.SCRIPT_LOCATION = Path(sys.argv[3])
asyncio.run(SqlStore.open(sys.argv[1], schema=sys.argv[2] or None))
"""


def _slow_scripts(tmp_path: Path, sleep_s: float) -> Path:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, scripts)
    revision = SLOW_REVISION.format(head=migrate.head_revision(), sleep_s=sleep_s)
    (scripts / "versions" / "9998_slow.py").write_text(revision)
    return scripts


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
async def test_killed_during_a_migration_leaves_the_old_revision(
    target: Target, tmp_path: Path, signum: int
) -> None:
    """A process killed mid-migration (SIGTERM with no handler yet, or SIGKILL): the database
    stays at the old revision with its data, no table of the new one, and (SQLite) a backup
    taken before the migration began."""
    engine = create_engine(target.url, schema=target.schema)
    try:
        await migrate.upgrade(engine, schema=target.schema)
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE IF NOT EXISTS marker (id INTEGER)"))
            await conn.execute(sa.text("INSERT INTO marker VALUES (1)"))
        head = migrate.head_revision()
        scripts = _slow_scripts(tmp_path, 30)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", OPEN, target.url, target.schema or "", str(scripts),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=REPO,
        )  # fmt: skip
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
        assert line.strip() == b"migrating"
        proc.send_signal(signum)
        await asyncio.wait_for(proc.wait(), timeout=10)
        assert proc.returncode != 0
        assert await migrate.current_revision(engine) == head
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
            assert "half_done" not in tables and "marker" in tables
        path = sqlite_path(engine.url)
        if path is not None:
            assert path.with_name(f"{path.name}.bak-{head}").exists()
    finally:
        await engine.dispose()


async def test_sigterm_during_the_service_migration_finishes_it_then_exits_0(
    tmp_path: Path,
) -> None:
    """`unspin run` handles SIGTERM from the start: a migration under way completes (the new
    revision, whole), then the service stops cleanly within the 8 s budget."""
    db = tmp_path / "run.db"
    url = f"sqlite+aiosqlite:///{db}"
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    scripts = _slow_scripts(tmp_path, 1.5)
    run = (
        "import sys; from pathlib import Path; from bot.storage import migrate; "
        "migrate.SCRIPT_LOCATION = Path(sys.argv[1]); from bot.cli import main; "
        "sys.exit(main(['run']))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNSPIN_")}
    env.update(
        PYTHONPATH=str(REPO),
        UNSPIN_STORAGE__URL=url,
        UNSPIN_SERVICE__PORT="0",
        UNSPIN_SERVICE__ADAPTERS="console",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", run, str(scripts), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=REPO,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        while (line := await asyncio.wait_for(proc.stdout.readline(), timeout=30)) != b"":
            if line.strip() == b"migrating":
                break
        started = asyncio.get_running_loop().time()
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), timeout=15)
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0 and elapsed < 8.0
    engine = create_engine(url)
    try:
        assert await migrate.current_revision(engine) == "9998"
    finally:
        await engine.dispose()
