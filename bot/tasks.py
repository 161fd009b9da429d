"""Work supervisor: bounded fetches and analyses, in-flight dedupe, load shedding, drain."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.errors import UnspinError
from bot.fairness import FairSlots

log = logging.getLogger(__name__)

T = TypeVar("T")


class Busy(UnspinError):
    """Too much work is queued; the request was shed instead of waiting without bound."""

    def __init__(self, message: str = "I'm busy right now; please try again shortly.") -> None:
        super().__init__(message)


class ShuttingDown(Busy):
    """The service is stopping and takes no new work."""

    def __init__(self, message: str = "I'm restarting; please try again in a minute.") -> None:
        super().__init__(message)


@dataclass(slots=True)
class SupervisorStats:
    """Counters for tests, benchmarks and /metrics."""

    jobs_started: int = 0
    jobs_joined: int = 0
    shed: int = 0
    fetching: int = 0
    analysing: int = 0
    peak_fetching: int = 0
    peak_analysing: int = 0


class Supervisor:
    """Owns the service's background work; `drain` it once at shutdown.

    Keyed jobs (`run`) are deduplicated while in flight: a second caller with the same key awaits
    the first job's result instead of repeating it. At most `max_pending` distinct jobs may be in
    flight; beyond that new keys are shed with Busy. `fetch_slot` and `run_cpu` bound the
    concurrent fetches and analyses; CPU work runs in an executor, off the event loop.
    """

    def __init__(
        self,
        *,
        max_fetches: int = 16,
        max_analyses: int = 2,
        max_pending: int = 256,
        executor: Executor | None = None,
    ) -> None:
        if min(max_fetches, max_analyses, max_pending) < 1:
            raise ValueError("supervisor limits must be at least 1")
        self.max_pending = max_pending
        # Slots go round-robin between channels (bot.fairness.current_owner), so a channel
        # flooding links cannot make every other channel wait behind its queue.
        self._fetch_slots = FairSlots(max_fetches)
        self._cpu_slots = FairSlots(max_analyses)
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(
            max_workers=max_analyses, thread_name_prefix="unspin-analysis"
        )
        self._jobs: dict[str, asyncio.Task[Any]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._accepting = True
        self.stats = SupervisorStats()

    @property
    def accepting(self) -> bool:
        """False once draining has started."""
        return self._accepting

    @property
    def pending(self) -> int:
        """Distinct keyed jobs in flight."""
        return len(self._jobs)

    def in_flight(self, key: str) -> bool:
        """True while a job with this key runs (a new caller would join it)."""
        return key in self._jobs

    @property
    def waiting_for_cpu(self) -> int:
        """Analyses queued for a CPU slot (behind the ones running)."""
        return self._cpu_slots.waiting

    @property
    def tasks(self) -> int:
        """Background tasks (spawned handlers and jobs) not finished yet."""
        return len(self._tasks)

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def spawn(
        self, coro: Coroutine[Any, Any, Any], *, name: str | None = None
    ) -> asyncio.Task[Any]:
        """Run an event handler in the background (ack first, work later); drained at shutdown."""
        if not self._accepting:
            coro.close()
            raise ShuttingDown()
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._track(task)
        task.add_done_callback(_log_failure)
        return task

    async def protect(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` to its end even if the caller is cancelled; `drain` waits for it."""
        task = asyncio.get_running_loop().create_task(coro, name="protected")
        self._track(task)
        task.add_done_callback(_log_failure)
        result: T = await asyncio.shield(task)
        return result

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` once per `key` in flight; every concurrent caller gets the same result."""
        job = self._jobs.get(key)
        if job is None:
            if not self._accepting:
                raise ShuttingDown()
            if len(self._jobs) >= self.max_pending:
                self.stats.shed += 1
                raise Busy()
            job = asyncio.get_running_loop().create_task(_call(work), name=f"job:{key[:40]}")
            self._jobs[key] = job
            self._track(job)
            job.add_done_callback(functools.partial(self._forget, key))
            self.stats.jobs_started += 1
        else:
            self.stats.jobs_joined += 1
        # shield: one caller giving up (its handler was cancelled) must not cancel the others' job.
        result: T = await asyncio.shield(job)
        return result

    def _forget(self, key: str, job: asyncio.Task[Any]) -> None:
        if self._jobs.get(key) is job:
            del self._jobs[key]
        if not job.cancelled():
            job.exception()  # mark retrieved: callers got it; no "never retrieved" warning

    @contextlib.asynccontextmanager
    async def fetch_slot(self) -> AsyncIterator[None]:
        """Hold one of the bounded fetch slots for the duration of the block."""
        async with self._fetch_slots.hold():
            self.stats.fetching += 1
            self.stats.peak_fetching = max(self.stats.peak_fetching, self.stats.fetching)
            try:
                yield
            finally:
                self.stats.fetching -= 1

    async def run_cpu(self, fn: Callable[..., T], *args: Any) -> T:
        """Run CPU-bound `fn(*args)` in the executor under the analysis bound."""
        async with self._cpu_slots.hold():
            self.stats.analysing += 1
            self.stats.peak_analysing = max(self.stats.peak_analysing, self.stats.analysing)
            try:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._executor, fn, *args)
            finally:
                self.stats.analysing -= 1

    def stop_intake(self) -> None:
        """Refuse new work from now on; work already admitted continues."""
        self._accepting = False

    async def drain(self, timeout_s: float) -> bool:
        """Stop intake, wait up to `timeout_s` for admitted work, cancel the rest; True if clean."""
        self.stop_intake()
        deadline = time.monotonic() + timeout_s
        clean = True
        while self._tasks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await asyncio.wait(set(self._tasks), timeout=remaining)
        if self._tasks:
            clean = False
            log.warning("cancelling %d unfinished tasks after %.1f s", len(self._tasks), timeout_s)
            for task in list(self._tasks):
                task.cancel()
            await asyncio.wait(set(self._tasks), timeout=1.0)
        if self._own_executor:
            # Threads cannot be killed: leave running analyses behind rather than block exit.
            self._executor.shutdown(wait=False, cancel_futures=True)
        return clean


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, UnspinError):
        log.error("background task %s failed", task.get_name(), exc_info=error)
