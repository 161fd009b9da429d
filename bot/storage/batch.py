"""Group commit for SQLite votes: concurrent votes share one transaction and one fsync."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.vote_queries import cast_votes

log = logging.getLogger(__name__)

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
                if vote.future.done():  # the caller gave up waiting; a committed vote stays
                    continue
                if isinstance(outcome, Exception):
                    vote.future.set_exception(outcome)
                else:
                    vote.future.set_result(outcome)
