"""Helpers for the due-reminder tests: an analyser that dates predictions, a wired core."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from core_support import article_text, fresh_store

from bot.core import Core
from bot.models import Analysis, Article
from bot.storage_settings import PollSettings
from bot.store import SqlStore
from bot.tasks import Supervisor
from bot.testing import CueAnalyzer, FixedClock, StaticFetcher, extract_plain

A = "https://news.example/a"
PAGES = {f"{A}{n}": article_text(n) for n in range(3)}
DUE = "2026-01-20"
DUE_DAY = datetime(2026, 1, 20, tzinfo=UTC)


class DatedAnalyzer:
    """The cue analyser, with every prediction given the due date `due` (and forecaster `by`)."""

    def __init__(self, due: str | None, by: str = "author") -> None:
        self.cues = CueAnalyzer()
        self.due = due
        self.by = by

    def analyze(self, article: Article) -> Analysis:
        analysis = self.cues.analyze(article)
        dated = tuple(
            dataclasses.replace(p, resolve_by=self.due, by=self.by) for p in analysis.predictions
        )
        return dataclasses.replace(analysis, predictions=dated)


def new_core(
    store: SqlStore, clock: FixedClock, analyzer: DatedAnalyzer, polls: PollSettings
) -> Core:
    """A Core on `store` serving the test pages (a second process, or one after a restart)."""
    return Core(
        store=store,
        fetcher=StaticFetcher({A: article_text(1), **PAGES}),
        analyzer=analyzer,
        extract=extract_plain,
        supervisor=Supervisor(),
        polls=polls,
        clock=clock,
    )


@asynccontextmanager
async def dated_core(
    tmp_path: Path,
    *,
    due: str | None = DUE,
    by: str = "author",
    polls: PollSettings | None = None,
    backend: str = "sqlite",
) -> AsyncIterator[tuple[Core, SqlStore, FixedClock, str, str | None]]:
    """A real Core and store whose article's predictions come due on `due`."""
    clock = FixedClock()
    async with fresh_store(tmp_path, clock, backend, "remind") as (store, url, schema):
        core = new_core(store, clock, DatedAnalyzer(due, by), polls or PollSettings())
        try:
            yield core, store, clock, url, schema
        finally:
            await core.supervisor.drain(2.0)
