"""Fair slots: bounded concurrency handed out round-robin between owners (channels)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextvars import ContextVar

# Whose work this is ("platform:channel"); set by the core per event, inherited by the jobs
# it starts, so one channel flooding links waits its turn behind the others.
current_owner: ContextVar[str] = ContextVar("unspin_owner", default="")


class FairSlots:
    """Like a semaphore of `n`, but waiters are served one owner at a time, in rotation."""

    def __init__(self, n: int) -> None:
        if n < 1:
            raise ValueError("FairSlots needs at least one slot")
        self._free = n
        self._waiters: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()

    @property
    def waiting(self) -> int:
        """Callers waiting for a slot."""
        return sum(len(q) for q in self._waiters.values())

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Hold one slot for the block, waiting in the current owner's line."""
        await self.acquire(current_owner.get())
        try:
            yield
        finally:
            self.release()

    async def acquire(self, owner: str) -> None:
        """Take a slot, waiting behind other owners' turns when none is free."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(owner, deque()).append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # the slot was handed over just as we gave up: pass it on
            else:
                line = self._waiters.get(owner)
                if line is not None and future in line:
                    line.remove(future)
                    if not line:
                        del self._waiters[owner]
            raise

    def release(self) -> None:
        """Give the slot to the next owner in rotation, or free it."""
        while self._waiters:
            owner, line = next(iter(self._waiters.items()))
            future = line.popleft()
            del self._waiters[owner]
            if line:
                self._waiters[owner] = line  # to the back of the rotation
            if not future.done():
                future.set_result(None)  # handed over: the slot stays taken
                return
        self._free += 1
