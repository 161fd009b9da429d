"""Group commit: concurrent votes, and other small writes, share one transaction and one fsync."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.vote_queries import cast_votes

log = logging.getLogger(__name__)

T = TypeVar("T")
ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

Begin = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


class GroupCommit(Generic[ItemT, ResultT]):
    """Queue items and commit them in groups, confirming each only after its group commits.

    With synchronous=FULL every SQLite commit waits for the disk, which caps one-item
    transactions at the disk's flush rate. Items that arrive while a group is written join the
    next one. Subclasses say how a group is applied in its transaction (`_apply`) and what its
    callers are told when that transaction fails (`_group_failed`).
    """

    task_name = "unspin-group-commit"
    noun = "items"  # what the log calls a failed group's members

    def __init__(self, begin: Begin, *, max_batch: int = 256) -> None:
        self._begin = begin
        self._max_batch = max_batch
        self._pending: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self.commits = 0

    async def close(self) -> None:
        """Wait until every queued item is committed or refused."""
        if self._drainer is not None:
            await asyncio.shield(self._drainer)

    async def _enqueue(self, item: ItemT) -> ResultT:
        """Queue `item` and wait until its group committed; return its outcome."""
        future: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._drainer is None or self._drainer.done():
            # A task of its own, so a caller cancelled while waiting cannot strand the others.
            self._drainer = asyncio.create_task(self._drain(), name=self.task_name)
        return await future

    async def _apply(
        self, conn: AsyncConnection, items: list[ItemT]
    ) -> Sequence[ResultT | Exception]:
        """Write `items` within the open transaction; one outcome per item, in order."""
        raise NotImplementedError

    async def _group_failed(
        self, group: list[tuple[ItemT, asyncio.Future[ResultT]]], error: Exception
    ) -> None:
        """Settle the callers of a group whose transaction failed; by default all get `error`."""
        # Nothing of this group was committed: no caller is told otherwise.
        log.warning("a batch of %d %s failed: %s", len(group), self.noun, error)
        for _, future in group:
            _settle(future, error)

    async def _commit(self, items: list[ItemT]) -> Sequence[ResultT | Exception]:
        async with self._begin() as conn:
            outcomes = await self._apply(conn, items)
        self.commits += 1
        return outcomes

    async def _drain(self) -> None:
        while self._pending:
            group = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                outcomes = await self._commit([item for item, _ in group])
            except Exception as error:
                await self._group_failed(group, error)
                continue
            for (_, future), outcome in zip(group, outcomes, strict=True):
                _settle(future, outcome)


@dataclass(frozen=True, slots=True)
class _Vote:
    poll_id: int
    user_id: str
    option: int
    event_key: str | None
    now: datetime


class VoteBatcher(GroupCommit[_Vote, int]):
    """Votes share a commit; `cast_votes` judges them in arrival order, so the outcome equals
    committing them one by one. When the transaction fails, every vote of the group fails."""

    task_name = "unspin-vote-batcher"
    noun = "votes"

    async def cast(
        self, poll_id: int, user_id: str, option: int, *, event_key: str | None, now: datetime
    ) -> int:
        """Queue one vote and wait until it is committed; return the voters after its batch."""
        return await self._enqueue(_Vote(poll_id, user_id, option, event_key, now))

    async def _apply(self, conn: AsyncConnection, items: list[_Vote]) -> Sequence[int | Exception]:
        return await cast_votes(conn, items)


Write = Callable[[AsyncConnection], Awaitable[Any]]


class WriteBatcher(GroupCommit[Write, Any]):
    """Small independent writes (event claims, shares, finished jobs) share one commit.

    Each write is confirmed only after the transaction holding it commits. When a batch fails,
    its writes are retried one per transaction, so one bad write cannot fail its neighbours.
    """

    task_name = "unspin-write-batcher"
    noun = "writes"

    async def submit(self, write: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """Queue `write` and return its result once committed."""
        return cast(T, await self._enqueue(write))

    async def _apply(self, conn: AsyncConnection, items: list[Write]) -> Sequence[Any]:
        return [await write(conn) for write in items]

    async def _group_failed(
        self, group: list[tuple[Write, asyncio.Future[Any]]], error: Exception
    ) -> None:
        if len(group) == 1:
            _settle(group[0][1], error)
            return
        log.warning("%d batched writes failed (%s); retrying each", len(group), error)
        for write, future in group:
            try:
                (result,) = await self._commit([write])
            except Exception as single:
                _settle(future, single)
            else:
                _settle(future, result)


def _settle(future: asyncio.Future[T], outcome: T | BaseException) -> None:
    if future.done():  # the caller gave up waiting; a committed write stays
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
