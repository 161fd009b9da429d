"""Persistence for the bot: analyses cache, shares, channel settings, polls, votes, events."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager, nullcontext
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.poll_errors import PollClosed, PollNotFound, StorageError
from bot.poll_models import PollSpec, PollState
from bot.polls import VoteChanges
from bot.storage import channel_queries as cq
from bot.storage import job_queries as jq
from bot.storage import migrate
from bot.storage import poll_queries as pq
from bot.storage import vote_queries as vq
from bot.storage.batch import VoteBatcher, WriteBatcher
from bot.storage.engine import READ_ONLY, create_engine, redacted
from bot.storage.job_queries import JobClaim, PendingJob
from bot.storage.records import ChannelConfig, Share
from bot.storage.tables import (
    analyses,
    polls,
    processed_events,
    shares,
    votes,
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class SqlStore:
    """The bot's state in SQLite or PostgreSQL; `open` it once, `close` it when done."""

    def __init__(
        self, engine: AsyncEngine, *, analysis_ttl_s: float = 7 * 24 * 3600, clock: Clock = utcnow
    ) -> None:
        self.engine = engine
        self.analysis_ttl = timedelta(seconds=analysis_ttl_s)
        self._clock = clock
        # SQLite has one writer at a time; queueing writers here instead of in SQLite's busy
        # handler (which sleeps in growing steps) keeps a vote storm fast. Other processes
        # still wait on the busy timeout.
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        # Concurrent votes share a transaction: one commit (one disk flush) per batch.
        self._votes = VoteBatcher(self._write)
        # Event claims, shares and finished jobs too: a few commits per batch, not per link.
        self._writes = WriteBatcher(self._write)

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        busy_timeout_ms: int = 5000,
        pool_size: int = 5,
        schema: str | None = None,
        migrate_schema: bool = True,
        analysis_ttl_s: float = 7 * 24 * 3600,
        clock: Clock = utcnow,
    ) -> SqlStore:
        """Connect to `url`, migrate it to the current schema, and return the store."""
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise ValueError(f"invalid schema name {schema!r}")
        engine: AsyncEngine | None = None
        try:
            engine = create_engine(
                url, busy_timeout_ms=busy_timeout_ms, pool_size=pool_size, schema=schema
            )
            if migrate_schema:
                await migrate.upgrade(engine, schema=schema)
        except (exc.OperationalError, exc.InterfaceError, OSError) as error:
            if engine is not None:
                await engine.dispose()
            log.error("cannot open the database %s: %s", redacted(url), error)
            raise StorageError("The database could not be opened.") from error
        except BaseException:
            if engine is not None:
                await engine.dispose()
            raise
        log.info("store opened at %s", redacted(url))
        return cls(engine, analysis_ttl_s=analysis_ttl_s, clock=clock)

    async def close(self) -> None:
        """Finish queued votes, then close every pooled connection."""
        await self._votes.close()
        await self._writes.close()
        await self.engine.dispose()

    async def __aenter__(self) -> SqlStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def write_commits(self) -> int:
        """Commits of batched small writes so far (event claims, shares, finished jobs)."""
        return self._writes.commits

    def now(self) -> datetime:
        """The store's clock (injected in tests)."""
        return self._clock()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        async with self._write_lock or nullcontext():
            try:
                async with self.engine.begin() as conn:
                    yield conn
            except (exc.OperationalError, exc.InterfaceError) as error:
                raise StorageError("The database is not available right now.") from error

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        try:
            async with self.engine.connect() as conn:
                await conn.execution_options(**{READ_ONLY: True})
                yield conn
        except (exc.OperationalError, exc.InterfaceError) as error:
            raise StorageError("The database is not available right now.") from error

    async def ping(self) -> bool:
        """True when the database answers a trivial query (for /healthz)."""
        try:
            async with self._read() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except (StorageError, exc.SQLAlchemyError, OSError) as error:
            log.warning("database ping failed: %s", error)
            return False
        return True

    # Analyses cache ------------------------------------------------------------------------

    async def save_analysis(
        self, url: str, payload: Mapping[str, Any], *, ttl_s: float | None = None
    ) -> None:
        """Cache the analysis JSON for a normalised URL, replacing any earlier one."""
        now = self.now()
        ttl = self.analysis_ttl if ttl_s is None else timedelta(seconds=ttl_s)
        async with self._write() as conn:
            stmt = pq.insert_into(conn, analyses).values(
                url=url, payload=dict(payload), created_at=now, expires_at=now + ttl
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["url"],
                set_={
                    "payload": stmt.excluded.payload,
                    "created_at": stmt.excluded.created_at,
                    "expires_at": stmt.excluded.expires_at,
                },
            )
            await conn.execute(stmt)

    async def get_analysis(self, url: str) -> dict[str, Any] | None:
        """The cached analysis JSON for a normalised URL, or None if absent or expired."""
        async with self._read() as conn:
            payload = (
                await conn.execute(
                    sa.select(analyses.c.payload).where(
                        analyses.c.url == url, analyses.c.expires_at > self.now()
                    )
                )
            ).scalar_one_or_none()
        return dict(payload) if payload is not None else None

    # Shares --------------------------------------------------------------------------------

    async def record_share(self, share: Share, *, event_key: str | None = None) -> None:
        """Remember where a link was answered (and for which event, when given)."""
        await self._writes.submit(lambda conn: jq.insert_share(conn, share, event_key))

    async def find_event_share(
        self, platform: str, channel_id: str, url: str, event_key: str
    ) -> Share | None:
        """The answer the event `event_key` already got for `url`, if it got one."""
        async with self._read() as conn:
            return await jq.event_share(conn, platform, channel_id, url, event_key)

    async def find_recent_share(
        self, platform: str, channel_id: str, url: str, within: timedelta
    ) -> Share | None:
        """The latest answer to `url` in this channel within `within` of now, if any."""
        async with self._read() as conn:
            return await jq.recent_share(conn, platform, channel_id, url, self.now() - within)

    # Channel settings ----------------------------------------------------------------------

    async def get_channel_settings(self, platform: str, channel_id: str) -> ChannelConfig | None:
        """The channel's own settings, or None when its admins never changed any."""
        async with self._read() as conn:
            return await cq.channel_config(conn, platform, channel_id)

    async def set_channel_settings(self, config: ChannelConfig) -> None:
        """Store a channel's settings, replacing the previous ones (admin checks are the core's)."""
        now = self.now()
        async with self._write() as conn:
            await cq.upsert_channel_config(conn, config, now)

    # Opt-outs -----------------------------------------------------------------------------

    async def set_opt_out(self, platform: str, user_id: str, opted_out: bool) -> None:
        """Record that a person does (or no longer does) want automatic answers to their links."""
        async with self._write() as conn:
            await cq.set_opt_out(conn, platform, user_id, opted_out, self.now())

    async def opted_out_users(self) -> set[tuple[str, str]]:
        """Every (platform, user id) that opted out of automatic answers."""
        async with self._read() as conn:
            return await cq.opted_out_users(conn)

    # Polls ---------------------------------------------------------------------------------

    async def create_poll(
        self,
        spec: PollSpec,
        *,
        platform: str,
        channel_id: str,
        starter_id: str,
        message_ref: str | None = None,
    ) -> PollState:
        """Store a new open poll (spec already fitted to the platform) and return its state."""
        async with self._write() as conn:
            poll_id = await pq.insert_poll(
                conn,
                spec,
                platform=platform,
                channel_id=channel_id,
                starter_id=starter_id,
                message_ref=message_ref,
                now=self.now(),
            )
            return await pq.load_state(conn, poll_id)

    async def set_poll_message(
        self, poll_id: int, message_ref: str, *, thread_id: str | None = None
    ) -> None:
        """Remember the platform message that shows the poll (and the thread it sits in)."""
        async with self._write() as conn:
            await conn.execute(
                sa.update(polls)
                .where(polls.c.id == poll_id)
                .values(message_ref=message_ref, message_thread=thread_id)
            )

    async def cast_vote(
        self, poll_id: int, user_id: str, option: int, *, event_key: str | None = None
    ) -> int:
        """Set the person's vote (a repeat click replaces it); return the number of voters.

        Raises PollClosed once the poll is closed or past its closing time, PollNotFound and
        InvalidOption. With `event_key`, a redelivered platform event changes nothing.
        """
        return await self._votes.cast(poll_id, user_id, option, event_key=event_key, now=self.now())

    async def remove_vote(self, poll_id: int, user_id: str, option: int) -> int:
        """Withdraw the person's vote for `option` (a native poll's removal); return the voters.

        Votes queued before it commit first, so a vote and its removal keep their order; a vote
        for another option stays (Discord removes the old answer after adding a new one at
        times). PollClosed once the poll is closed (its tally is final), PollNotFound.
        """
        await self._votes.close()
        async with self._write() as conn:
            await pq.lock_polls(conn, [poll_id])
            gate = (
                await conn.execute(
                    sa.select(polls.c.status, polls.c.closes_at).where(polls.c.id == poll_id)
                )
            ).first()
            if gate is None:
                raise PollNotFound()
            if gate.status != "open" or self.now() >= gate.closes_at:
                raise PollClosed()
            mine = (votes.c.poll_id == poll_id) & (votes.c.user_id == user_id)
            await conn.execute(sa.delete(votes).where(mine & (votes.c.option == option)))
            count = sa.select(sa.func.count()).select_from(votes).where(votes.c.poll_id == poll_id)
            return int(await conn.scalar(count) or 0)

    async def sync_votes(
        self, poll_id: int, voters_by_option: Mapping[int, Iterable[str]]
    ) -> VoteChanges:
        """Make an open poll's votes equal the platform's full voter lists; return the changes.

        For native polls after a restart or a gateway gap. Queued votes commit first; the
        poll's closing time is not checked (the platform's lists are its final votes), but a
        poll closed here is final: PollClosed. PollNotFound, InvalidOption.
        """
        await self._votes.close()
        async with self._write() as conn:
            return await vq.sync_votes(conn, poll_id, voters_by_option, self.now())

    async def close_poll(self, poll_id: int, *, closed_by: str | None = None) -> PollState:
        """Close the poll and return it with the final tally; PollClosed if it already was."""
        async with self._write() as conn:
            state = await pq.close_poll(conn, poll_id, closed_by=closed_by, now=self.now())
        log.info("poll %d closed with %d voters", poll_id, state.voters)
        return state

    async def get_poll(self, poll_id: int) -> PollState:
        """The poll with a tally recounted from the stored votes; PollNotFound if absent."""
        async with self._read() as conn:
            return await pq.load_state(conn, poll_id)

    async def find_poll_by_message(self, platform: str, message_ref: str) -> PollState | None:
        """The poll shown by a platform message (native polls report votes that way)."""
        async with self._read() as conn:
            found = await pq.load_states(
                conn, sa.and_(polls.c.platform == platform, polls.c.message_ref == message_ref)
            )
        return found[0] if found else None

    async def list_open_polls(self) -> list[PollState]:
        """Every open poll, soonest closing first (to re-arm expiry timers at start-up)."""
        async with self._read() as conn:
            return await pq.load_states(conn, polls.c.status == "open")

    async def list_due_polls(self) -> list[PollState]:
        """Open polls whose closing time has passed (to close them now)."""
        async with self._read() as conn:
            return await pq.load_states(
                conn, sa.and_(polls.c.status == "open", polls.c.closes_at <= self.now())
            )

    async def list_unreminded_polls(self, due_by: date) -> list[PollState]:
        """Polls, open or closed, due on or before `due_by` whose reminder was never claimed."""
        async with self._read() as conn:
            return await pq.load_states(
                conn,
                sa.and_(polls.c.reminded_at.is_(None), polls.c.resolve_by <= due_by),
            )

    async def claim_reminder(self, poll_id: int) -> PollState | None:
        """Take the poll's one due reminder (before posting it); None if it was taken already."""
        async with self._write() as conn:
            return await pq.claim_reminder(conn, poll_id, self.now())

    # Idempotency and housekeeping ----------------------------------------------------------

    async def mark_event_processed(self, platform: str, key: str) -> bool:
        """Record a platform event id; False when it was seen before (a retry: skip it)."""
        now = self.now()
        return await self._writes.submit(lambda conn: pq.claim_event(conn, platform, key, now))

    async def claim_job(self, platform: str, key: str, payload: Mapping[str, Any]) -> JobClaim:
        """Claim an event and persist its job in one commit: "new", or what a claim left before.

        "pending" means an earlier claim never finished (a crash or a stop): the job may run.
        """
        now = self.now()
        return await self._writes.submit(
            lambda conn: jq.claim_job(conn, platform, key, payload, now)
        )

    async def finish_job(self, platform: str, key: str) -> None:
        """Mark a claimed job answered, so it is not resumed."""
        await self._writes.submit(lambda conn: jq.finish_job(conn, platform, key))

    async def pending_jobs(self) -> list[PendingJob]:
        """Jobs claimed but never finished, oldest first (resumed at start-up)."""
        async with self._read() as conn:
            return await jq.pending_jobs(conn)

    async def prune(
        self,
        *,
        events_older_than: timedelta = timedelta(days=2),
        shares_older_than: timedelta = timedelta(days=30),
    ) -> int:
        """Delete expired analyses, old event keys and old shares; return how many rows went."""
        now = self.now()
        async with self._write() as conn:
            deleted = [
                await conn.execute(sa.delete(analyses).where(analyses.c.expires_at <= now)),
                await conn.execute(
                    sa.delete(processed_events).where(
                        processed_events.c.seen_at < now - events_older_than
                    )
                ),
                await conn.execute(
                    sa.delete(shares).where(shares.c.shared_at < now - shares_older_than)
                ),
            ]
        return sum(int(result.rowcount) for result in deleted)
