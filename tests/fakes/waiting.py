"""Waiting for a fake's recorded state: woken by its calls, and re-checked every 20 ms."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def wait_until(
    changed: asyncio.Condition, predicate: Callable[[], bool], within: float
) -> None:
    """Wait until `predicate()` holds, or raise TimeoutError after `within` seconds.

    `changed` is notified by the fake on every call it records; state that changes elsewhere
    (the gateway, the core, the store) is caught by the periodic re-check.
    """

    async def _wait() -> None:
        async with changed:
            await changed.wait_for(predicate)

    async def _tick() -> None:
        while not predicate():
            await asyncio.sleep(0.02)
            async with changed:
                changed.notify_all()

    ticker = asyncio.create_task(_tick())
    try:
        await asyncio.wait_for(_wait(), within)
    finally:
        ticker.cancel()
