"""When due Discord polls may close: only once the current session's votes are read back."""

from __future__ import annotations

import asyncio
from typing import Any

from fakes.waiting import wait_until

from adapters.discord.reconcile import PollReconciler


class SlowCore:
    """Lists no native polls, but only once `gate` opens (a round that takes its time)."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()

    async def native_poll_messages(self, platform: str) -> list[Any]:
        await self.gate.wait()
        return []


async def finished(reconciler: PollReconciler, rounds: int) -> None:
    """Wait until `rounds` reconcile rounds have ended."""
    await wait_until(asyncio.Condition(), lambda: reconciler.rounds >= rounds, within=5)


async def test_polls_settle_after_each_sessions_round_or_a_resume() -> None:
    """A new session unsettles until its round ends; a disconnect unsettles until a resume,
    and a resume during a running round waits for that round."""
    core = SlowCore()
    reconciler = PollReconciler(None, core)  # type: ignore[arg-type]
    reconciler.start()
    await asyncio.sleep(0.05)
    assert not reconciler.settled
    core.gate.set()
    await finished(reconciler, 1)
    assert reconciler.settled
    reconciler.unsettle()
    assert not reconciler.settled
    reconciler.resumed()
    assert reconciler.settled
    core.gate.clear()
    reconciler.start()  # a session that could not resume
    reconciler.resumed()
    assert not reconciler.settled
    core.gate.set()
    await finished(reconciler, 2)
    assert reconciler.settled
    await reconciler.stop()


async def test_a_cancelled_round_does_not_settle() -> None:
    """A round cut short by a newer READY leaves the polls waiting for the newer round."""
    core = SlowCore()
    reconciler = PollReconciler(None, core)  # type: ignore[arg-type]
    reconciler.start()
    await asyncio.sleep(0.05)
    reconciler.start()
    await finished(reconciler, 1)  # the first, cancelled
    assert not reconciler.settled
    core.gate.set()
    await finished(reconciler, 2)
    assert reconciler.settled
    await reconciler.stop()
