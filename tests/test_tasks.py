"""Tests for the work supervisor: dedupe, bounds, load shedding and drain."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.tasks import Busy, ShuttingDown, Supervisor


async def test_same_key_in_flight_runs_once_for_100_callers() -> None:
    """A hundred concurrent callers with one key share one execution and its result."""
    sup = Supervisor(max_pending=4)
    calls = 0

    async def work() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return "page"

    results = await asyncio.gather(*(sup.run("https://a.example/", work) for _ in range(100)))
    assert calls == 1
    assert results == ["page"] * 100
    assert sup.stats.jobs_started == 1 and sup.stats.jobs_joined == 99
    assert sup.pending == 0


async def test_key_runs_again_once_the_first_job_finished() -> None:
    """Dedupe covers work in flight only: a later call with the same key runs again."""
    sup = Supervisor()
    calls = 0

    async def work() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert await sup.run("k", work) == 1
    assert await sup.run("k", work) == 2


async def test_failure_reaches_every_waiting_caller() -> None:
    """When the shared job fails, all callers see the same error."""
    sup = Supervisor()

    async def work() -> None:
        await asyncio.sleep(0.01)
        raise ValueError("boom")

    results = await asyncio.gather(*(sup.run("k", work) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, ValueError) for r in results)


async def test_cancelling_one_caller_does_not_cancel_the_shared_job() -> None:
    """A caller that gives up leaves the job running for the others."""
    sup = Supervisor()
    release = asyncio.Event()

    async def work() -> str:
        await release.wait()
        return "done"

    first = asyncio.create_task(sup.run("k", work))
    second = asyncio.create_task(sup.run("k", work))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == "done"


async def test_full_queue_sheds_new_keys_but_joins_existing_ones() -> None:
    """Past max_pending distinct jobs, new keys get Busy while known keys still join."""
    sup = Supervisor(max_pending=2)
    release = asyncio.Event()

    async def work() -> str:
        await release.wait()
        return "ok"

    a = asyncio.create_task(sup.run("a", work))
    b = asyncio.create_task(sup.run("b", work))
    await asyncio.sleep(0)
    with pytest.raises(Busy):
        await sup.run("c", work)
    joined = asyncio.create_task(sup.run("a", work))
    release.set()
    assert await asyncio.gather(a, b, joined) == ["ok", "ok", "ok"]
    assert sup.stats.shed == 1
    assert await sup.run("c", work) == "ok"


async def test_fetch_slots_bound_concurrency() -> None:
    """No more fetches run at once than the supervisor allows."""
    sup = Supervisor(max_fetches=3, max_pending=50)

    async def work() -> None:
        async with sup.fetch_slot():
            await asyncio.sleep(0.01)

    await asyncio.gather(*(sup.run(str(n), work) for n in range(20)))
    assert sup.stats.peak_fetching == 3


async def test_cpu_work_runs_off_the_event_loop_thread_and_bounded() -> None:
    """run_cpu executes in a worker thread, at most max_analyses at a time, loop stays live."""
    sup = Supervisor(max_analyses=2)
    loop_thread = threading.get_ident()

    def crunch() -> int:
        time.sleep(0.05)
        return threading.get_ident()

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        for _ in range(10):
            await asyncio.sleep(0.01)
            ticks += 1

    threads, _ = await asyncio.gather(
        asyncio.gather(*(sup.run_cpu(crunch) for _ in range(6))), ticker()
    )
    assert loop_thread not in threads
    assert sup.stats.peak_analysing == 2
    assert ticks == 10
    await sup.drain(1)


async def test_drain_waits_for_work_then_refuses_new_work() -> None:
    """Drain lets admitted work finish, then spawn and run raise ShuttingDown."""
    sup = Supervisor()
    done: list[int] = []

    async def handler(n: int) -> None:
        await asyncio.sleep(0.02)
        done.append(n)

    for n in range(10):
        sup.spawn(handler(n))
    assert await sup.drain(2.0) is True
    assert sorted(done) == list(range(10))
    with pytest.raises(ShuttingDown):
        sup.spawn(handler(99))

    async def work() -> None:
        return None

    with pytest.raises(ShuttingDown):
        await sup.run("k", work)


async def test_drain_cancels_what_does_not_finish_in_time() -> None:
    """Work still running at the drain deadline is cancelled and drain reports it."""
    sup = Supervisor()
    cancelled = asyncio.Event()

    async def stuck() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    sup.spawn(stuck())
    started = time.monotonic()
    assert await sup.drain(0.1) is False
    assert time.monotonic() - started < 1.5
    assert cancelled.is_set()
    assert sup.tasks == 0
