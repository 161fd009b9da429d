"""Reliability plan items 67 and 46: SIGTERM mid-work, then a restart answers each job once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from store_support import REPO, Target

from bot.storage.engine import create_engine
from bot.storage.tables import processed_events, votes

WORKER = Path(__file__).with_name("restart_worker.py")
LINKS, FAST, VOTES = 30, 10, 300


async def _start(target: Target, out: Path, phase: int) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNSPIN_")}
    env["PYTHONPATH"] = str(REPO)
    args = [target.url, target.schema or "", str(out), str(phase), str(LINKS), str(FAST)]
    return await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), *args, str(VOTES),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=REPO,
    )  # fmt: skip


def _cards(out: Path) -> Counter[str]:
    if not out.exists():
        return Counter()
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    return Counter(line["channel"] for line in lines if line["kind"] == "card")


async def _until(
    condition: object, proc: asyncio.subprocess.Process, out: Path, limit_s: float = 20.0
) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline or proc.returncode is not None:
            if proc.returncode is None:
                proc.send_signal(signal.SIGUSR1)  # the worker prints where its tasks wait
                await asyncio.sleep(0.5)
            proc.kill()
            _, err = await proc.communicate()
            cards = dict(_cards(out))
            raise AssertionError(f"timed out; cards: {cards}\nworker tasks:\n{err.decode()}")
        await asyncio.sleep(0.05)


async def _stop(proc: asyncio.subprocess.Process) -> tuple[int, float, list[str], str]:
    assert proc.stdout is not None and proc.stderr is not None
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=15)
    assert proc.returncode is not None
    return proc.returncode, time.monotonic() - started, out.decode().splitlines(), err.decode()


async def _rows(target: Target) -> tuple[set[str], Counter[str]]:
    engine = create_engine(target.url, schema=target.schema)
    try:
        async with engine.connect() as conn:
            voters = set((await conn.execute(sa.select(votes.c.user_id))).scalars())
            statuses = Counter(
                str(s)
                for s in (
                    await conn.execute(
                        sa.select(processed_events.c.status).where(
                            processed_events.c.key.like("msg:%")
                        )
                    )
                ).scalars()
            )
    finally:
        await engine.dispose()
    return voters, statuses


async def test_sigterm_mid_work_then_restart_answers_every_job_once(
    target: Target, tmp_path: Path
) -> None:
    """SIGTERM with hanging jobs and a vote storm exits 0 in time, keeps every confirmed vote,
    leaves the unfinished jobs pending, and the restart (with platform retries of half the events)
    answers each link exactly once."""
    out = tmp_path / "posts.jsonl"
    first = await _start(target, out, 1)
    try:
        await _until(lambda: len(_cards(out)) >= FAST, first, out)
        status, elapsed, printed, err = await _stop(first)
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    assert status == 0, err[-2000:]
    assert elapsed < 8.0
    confirmed = {line.split()[1] for line in printed if line.startswith("vote ")}
    assert confirmed, "no vote was confirmed before the stop"
    voters, statuses = await _rows(target)
    assert confirmed <= voters
    assert statuses == Counter({"done": FAST, "pending": LINKS - FAST})
    assert _cards(out) == Counter({f"C{n}": 1 for n in range(FAST)})

    second = await _start(target, out, 2)
    try:
        await _until(lambda: len(_cards(out)) >= LINKS, second, out)
        await asyncio.sleep(0.3)  # a duplicate answer would arrive about now
        status, elapsed, _, err = await _stop(second)
    finally:
        if second.returncode is None:
            second.kill()
            await second.wait()
    assert status == 0, err[-2000:]
    assert _cards(out) == Counter({f"C{n}": 1 for n in range(LINKS)})
    _, statuses = await _rows(target)
    assert statuses == Counter({"done": LINKS})
