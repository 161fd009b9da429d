"""Link jobs that survive restarts: claimed with their message, finished after the answer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from bot.models import IncomingMessage, User
from bot.ports import BotStore, Conversation, Outbox

log = logging.getLogger(__name__)

Handler = Callable[[IncomingMessage, Conversation], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Job:
    """A link message this process now answers; `resumed` when an earlier claim never finished."""

    platform: str
    key: str
    resumed: bool


def job_key(msg: IncomingMessage) -> str:
    """The idempotency key of a link message."""
    return f"msg:{msg.event_id}"


def message_to_json(msg: IncomingMessage) -> dict[str, Any]:
    """The message as stored with its job."""
    author = msg.author
    return {
        "platform": msg.platform,
        "event_id": msg.event_id,
        "channel_id": msg.channel_id,
        "message_id": msg.message_id,
        "author": [author.id, author.name, author.is_bot, author.is_admin],
        "text": msg.text,
        "trigger": msg.trigger,
        "thread_id": msg.thread_id,
        "guild_id": msg.guild_id,
    }


def message_from_json(data: Mapping[str, Any]) -> IncomingMessage:
    """The message a job was stored with; KeyError or ValueError when it is malformed."""
    uid, name, is_bot, is_admin = data["author"]
    return IncomingMessage(
        platform=str(data["platform"]),
        event_id=str(data["event_id"]),
        channel_id=str(data["channel_id"]),
        message_id=str(data["message_id"]),
        author=User(str(uid), str(name), bool(is_bot), bool(is_admin)),
        text=str(data["text"]),
        trigger=data["trigger"],
        thread_id=data.get("thread_id"),
        guild_id=data.get("guild_id"),
    )


class JobBook:
    """Claims link jobs so each event is answered once, even across a crash and a retry.

    The claim and the job's message are one commit: a crash before it leaves nothing (the
    platform's retry runs), a crash after it leaves a pending job that a retry or the next
    start-up runs. Deliveries of an event this process is already answering are dropped.
    """

    def __init__(self, store: BotStore) -> None:
        self.store = store
        self._running: set[tuple[str, str]] = set()

    async def claim(self, msg: IncomingMessage) -> Job | None:
        """The job to run for this message, or None when it is answered or being answered."""
        key = job_key(msg)
        where = (msg.platform, key)
        if where in self._running:
            return None
        self._running.add(where)  # before the await: a concurrent duplicate sees it
        try:
            claim = await self.store.claim_job(msg.platform, key, message_to_json(msg))
        except BaseException:
            self._running.discard(where)
            raise
        if claim == "done":
            self._running.discard(where)
            return None
        return Job(msg.platform, key, resumed=claim == "pending")

    async def finish(self, job: Job) -> None:
        """The job was answered (or failed for good): never resume it."""
        try:
            await self.store.finish_job(job.platform, job.key)
        finally:
            self.release(job)

    def release(self, job: Job) -> None:
        """The job stopped unfinished (shutdown): it stays pending for the next start-up."""
        self._running.discard((job.platform, job.key))

    async def resume(
        self,
        outboxes: Mapping[str, Outbox],
        handle: Handler,
        spawn: Callable[[Coroutine[Any, Any, Any]], object],
        *,
        stop: asyncio.Event,
        connect_timeout_s: float = 30.0,
        concurrency: int = 16,
    ) -> int:
        """Run every pending job whose platform is connected; return how many were started."""
        started = 0
        # A backlog of jobs must not fill the service's capacity and shed new events.
        gate = asyncio.Semaphore(concurrency)

        async def run(msg: IncomingMessage, conv: Conversation) -> None:
            async with gate:
                await handle(msg, conv)

        for pending in await self.store.pending_jobs():
            outbox = outboxes.get(pending.platform)
            if outbox is None:
                continue
            if stop.is_set():
                break
            if not await _connected(outbox, connect_timeout_s, stop):
                log.warning("%s is not connected: job %s waits", pending.platform, pending.key)
                continue
            try:
                msg = message_from_json(pending.payload)
            except (KeyError, ValueError, TypeError) as error:
                log.warning("dropping malformed job %s: %s", pending.key, error)
                await self.store.finish_job(pending.platform, pending.key)
                continue
            # Where the message was: answers go to its thread, else to the channel.
            conv = outbox.conversation(msg.channel_id, msg.thread_id)
            try:
                spawn(run(msg, conv))
            except Exception as error:  # shutting down already: the rest wait for next time
                log.info("not resuming more jobs: %s", error)
                break
            started += 1
        if started:
            log.info("resumed %d unfinished link jobs", started)
        return started


async def _connected(outbox: Outbox, timeout_s: float, stop: asyncio.Event) -> bool:
    connected = getattr(outbox, "connected", True)
    deadline = time.monotonic() + timeout_s
    while not connected and not stop.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        connected = getattr(outbox, "connected", True)
    return bool(connected)
