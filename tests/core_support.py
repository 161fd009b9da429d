"""Helpers for the core, console and runtime tests: article texts, events, a wired core."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text

from bot.core import Core
from bot.errors import FetchError
from bot.models import ActionEvent, ActionKind, IncomingMessage, Trigger, User
from bot.settings import ChannelsSettings
from bot.store import SqlStore
from bot.tasks import Supervisor
from bot.testing import CueAnalyzer, FixedClock, StaticFetcher, extract_plain

_ids = itertools.count(1)
PG_ENV = "UNSPIN_TEST_POSTGRES_URL"
TOPICS = ("council", "harbour", "railway", "school", "hospital", "bridge", "library", "market")


def article_text(n: int, title: str | None = None) -> str:
    """A plain-text article of ~400 words: reported facts, two opinions and two predictions."""
    topic = TOPICS[n % len(TOPICS)]
    facts = [
        f"Officials said the {topic} budget number {n} rose by {k} percent in the year to March, "
        f"according to figures published by the regional office on page {k + n}."
        for k in range(1, 25)
    ]
    paras = [" ".join(facts[i : i + 4]) for i in range(0, len(facts), 4)]
    paras.append(f"The {topic} plan is clearly wrong and the mayor should resign over it.")
    paras.append(f"The {topic} will close by 2030. Fares will rise again next spring.")
    return (title or f"Story {n} about the {topic}") + "\n\n" + "\n\n".join(paras)


def message(
    text: str,
    *,
    user: str = "alice",
    channel: str = "C1",
    trigger: Trigger = "link",
    admin: bool = False,
    bot: bool = False,
    event_id: str | None = None,
) -> IncomingMessage:
    """An incoming message event with a fresh event id."""
    n = next(_ids)
    return IncomingMessage(
        platform="test",
        event_id=event_id or f"e{n}",
        channel_id=channel,
        message_id=f"msg{n}",
        author=User(user, user.title(), is_bot=bot, is_admin=admin),
        text=text,
        trigger=trigger,
    )


def action(
    kind: ActionKind,
    ref: str,
    *,
    user: str = "alice",
    channel: str = "C1",
    admin: bool = False,
    event_id: str | None = None,
    message_id: str | None = None,
) -> ActionEvent:
    """A button click event with a fresh event id."""
    return ActionEvent(
        platform="test",
        event_id=event_id or f"a{next(_ids)}",
        channel_id=channel,
        user=User(user, user.title(), is_admin=admin),
        kind=kind,
        ref=ref,
        message_id=message_id,
    )


@asynccontextmanager
async def wired_core(
    tmp_path: Path,
    pages: Mapping[str, str | FetchError],
    *,
    channels: ChannelsSettings | None = None,
    supervisor: Supervisor | None = None,
    delay_s: float = 0.0,
    clock: FixedClock | None = None,
    backend: str = "sqlite",
) -> AsyncIterator[tuple[Core, StaticFetcher, SqlStore]]:
    """A real Core on a fresh store (SQLite, or PostgreSQL in a schema of its own)."""
    clock = clock or FixedClock()
    async with fresh_store(tmp_path, clock, backend, "core") as (store, _, _):
        fetcher = StaticFetcher(pages, delay_s=delay_s)
        sup = supervisor or Supervisor()
        core = Core(
            store=store,
            fetcher=fetcher,
            analyzer=CueAnalyzer(),
            extract=extract_plain,
            supervisor=sup,
            channels=channels,
            clock=clock,
        )
        try:
            yield core, fetcher, store
        finally:
            await sup.drain(2.0)


@asynccontextmanager
async def fresh_store(
    tmp_path: Path, clock: FixedClock, backend: str, name: str
) -> AsyncIterator[tuple[SqlStore, str, str | None]]:
    """An empty store, its URL and its schema: SQLite `name`.db, or a PostgreSQL schema of its
    own that is dropped at the end."""
    schema = None
    if backend == "postgres":
        url = os.environ[PG_ENV]
        schema = f"unspin_{name}_{uuid.uuid4().hex[:12]}"
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}"
    store = await SqlStore.open(url, clock=clock, schema=schema)
    try:
        yield store, url, schema
    finally:
        if schema is not None:
            async with store.engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await store.close()
