"""GroupCommit semantics without a database: a caller hears of its write only after its commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.batch import WriteBatcher


class GatedDatabase:
    """A `begin` whose commit waits for the test's signal, and can be made to fail."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.fail_commit = False
        self.transactions: list[list[str]] = []

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        written: list[str] = []
        yield cast(AsyncConnection, written)
        await self.gate.wait()
        if self.fail_commit:
            raise RuntimeError("commit failed")
        self.transactions.append(written)


def _write(name: str) -> Any:
    async def write(conn: Any) -> str:
        conn.append(name)
        return name

    return write


async def test_a_write_is_confirmed_only_after_its_group_commits() -> None:
    """Callers wait while their group's transaction is open and are answered once it commits."""
    db = GatedDatabase()
    batcher = WriteBatcher(db.begin)
    waiting = [asyncio.create_task(batcher.submit(_write(f"w{n}"))) for n in range(5)]
    await asyncio.sleep(0.01)
    assert not any(task.done() for task in waiting) and db.transactions == []
    db.gate.set()
    assert await asyncio.gather(*waiting) == [f"w{n}" for n in range(5)]
    assert db.transactions == [[f"w{n}" for n in range(5)]] and batcher.commits == 1


async def test_a_failed_commit_confirms_no_write() -> None:
    """When the commit itself fails, a lone write's caller gets the error, not its result."""
    db = GatedDatabase()
    db.fail_commit = True
    db.gate.set()
    batcher = WriteBatcher(db.begin)
    with pytest.raises(RuntimeError, match="commit failed"):
        await batcher.submit(_write("lost"))
    assert batcher.commits == 0
