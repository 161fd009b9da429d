"""Group commit: concurrent votes, and other small writes, share one transaction and one fsync."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.vote_queries import cast_votes

log = logging.getLogger(__name__)

T = TypeVar("T")

Begin = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


@dataclass(slots=True)
class _Pending:
    poll_id: int
    user_id: str
    option: int
    event_key: str | None
    now: datetime
    future: asyncio.Future[int]


class VoteBatcher:
    """Queue votes and commit them in batches, confirming each only after its batch commits.

    With synchronous=FULL every SQLite commit waits for the disk, which caps one-vote
    transactions at the disk's flush rate. Votes that arrive while a batch is written join
    the next one; `cast_votes` judges them in arrival order, so the outcome equals committing
    them one by one.
    """

    def __init__(self, begin: Begin, *, max_batch: int = 256) -> None:
        self._begin = begin
        self._max_batch = max_batch
        self._pending: list[_Pending] = []
        self._drainer: asyncio.Task[None] | None = None

    async def cast(
        self, poll_id: int, user_id: str, option: int, *, event_key: str | None, now: datetime
    ) -> int:
        """Queue one vote and wait until it is committed; return the voters after its batch."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(poll_id, user_id, option, event_key, now, future))
        if self._drainer is None or self._drainer.done():
            # A task of its own, so a caller cancelled while waiting cannot strand the others.
            self._drainer = asyncio.create_task(self._drain(), name="unspin-vote-batcher")
        return await future

    async def close(self) -> None:
        """Wait until every queued vote is committed or refused."""
        if self._drainer is not None:
            await asyncio.shield(self._drainer)

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            outcomes: Sequence[int | Exception]
            try:
                async with self._begin() as conn:
                    outcomes = await cast_votes(conn, batch)
            except Exception as error:
                # Nothing of this batch was committed: no caller is told otherwise.
                log.warning("a batch of %d votes failed: %s", len(batch), error)
                outcomes = [error] * len(batch)
            for vote, outcome in zip(batch, outcomes, strict=True):
                _settle(vote.future, outcome)


Write = Callable[[AsyncConnection], Awaitable[Any]]


@dataclass(slots=True)
class _Queued:
    write: Write
    future: asyncio.Future[Any]


class WriteBatcher:
    """Small independent writes (event claims, shares, finished jobs) share one commit.

    Each write is confirmed only after the transaction holding it commits. When a batch fails,
    its writes are retried one per transaction, so one bad write cannot fail its neighbours.
    """

    def __init__(self, begin: Begin, *, max_batch: int = 256) -> None:
        self._begin = begin
        self._max_batch = max_batch
        self._pending: list[_Queued] = []
        self._drainer: asyncio.Task[None] | None = None
        self.commits = 0

    async def submit(self, write: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """Queue `write` and return its result once committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append(_Queued(write, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="unspin-write-batcher")
        return await future

    async def close(self) -> None:
        """Wait until every queued write is committed or failed."""
        if self._drainer is not None:
            await asyncio.shield(self._drainer)

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                results = await self._commit(batch)
            except Exception as error:
                if len(batch) == 1:
                    _settle(batch[0].future, error)
                    continue
                log.warning("%d batched writes failed (%s); retrying each", len(batch), error)
                for queued in batch:
                    try:
                        (result,) = await self._commit([queued])
                    except Exception as single:
                        _settle(queued.future, single)
                    else:
                        _settle(queued.future, result)
                continue
            for queued, result in zip(batch, results, strict=True):
                _settle(queued.future, result)

    async def _commit(self, batch: list[_Queued]) -> list[Any]:
        async with self._begin() as conn:
            results = [await queued.write(conn) for queued in batch]
        self.commits += 1
        return results


def _settle(future: asyncio.Future[Any], outcome: Any) -> None:
    if future.done():  # the caller gave up waiting; a committed write stays
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
