"""Reliability plan item 62: kill -9 during a vote storm loses no confirmed vote."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa
from store_support import REPO, Target

from bot.poll_errors import PollClosed
from bot.poll_models import PollSpec
from bot.storage.engine import READ_ONLY
from bot.storage.tables import processed_events, votes
from bot.store import SqlStore

# Eight concurrent voters cast votes, each with its own event key, and print a vote's id only
# after cast_vote returned, i.e. after its commit: that line is the confirmation a user sees.
STORM = """
import asyncio, sys
from bot.store import SqlStore

async def main(url, schema, poll_id):
    store = await SqlStore.open(url, schema=schema or None, migrate_schema=False)
    print("ready", flush=True)

    async def voter(w):
        for k in range(1_000_000):
            user = f"w{w}-{k}"
            await store.cast_vote(poll_id, user, k % 3, event_key="evt-" + user)
            print(user, flush=True)

    await asyncio.gather(*(voter(w) for w in range(8)))

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""

KILL_AFTER = 150


async def _confirmations(stream: asyncio.StreamReader, wanted: int) -> list[str]:
    lines: list[str] = []
    while len(lines) < wanted:
        raw = await stream.readline()
        if not raw:
            break
        line = raw.decode().strip()
        if line != "ready":
            lines.append(line)
    return lines


async def test_kill_9_mid_storm_keeps_every_confirmed_vote(target: Target) -> None:
    """After SIGKILL mid-storm, every vote confirmed to a user is stored, each with its event."""
    setup = await SqlStore.open(target.url, schema=target.schema)
    spec = PollSpec("Will it?", ("yes", "no", "later"), timedelta(days=1))
    poll = await setup.create_poll(spec, platform="console", channel_id="c", starter_id="s")
    await setup.close()

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        STORM,
        target.url,
        target.schema or "",
        str(poll.id),
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    try:
        confirmed = await asyncio.wait_for(_confirmations(proc.stdout, KILL_AFTER), 30)
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # Lines already in the pipe when the kill landed were confirmed too.
    tail = (await proc.stdout.read()).decode().splitlines()
    confirmed += [line for line in tail if line and line != "ready"]
    assert len(confirmed) >= KILL_AFTER, "the storm ended before the kill"

    reopened = await SqlStore.open(target.url, schema=target.schema)
    try:
        async with reopened.engine.connect() as conn:
            await conn.execution_options(**{READ_ONLY: True})
            stored = set(
                (
                    await conn.execute(sa.select(votes.c.user_id).where(votes.c.poll_id == poll.id))
                ).scalars()
            )
            keys = list((await conn.execute(sa.select(processed_events.c.key))).scalars())
            if target.backend == "sqlite":
                check = (await conn.exec_driver_sql("PRAGMA integrity_check")).scalar()
                assert check == "ok"
        missing = set(confirmed) - stored
        assert not missing, f"{len(missing)} confirmed votes lost"
        # A vote and its event key commit together: neither survives without the other.
        assert len(keys) == len(set(keys))
        assert set(keys) == {f"evt-{user}" for user in stored}
        # The reopened database is fully usable: the poll closes with a tally of what survived.
        closed = await reopened.close_poll(poll.id)
        assert closed.voters == len(stored)
        with pytest.raises(PollClosed):
            await reopened.cast_vote(poll.id, "late", 0)
    finally:
        await reopened.close()
