"""Helpers for adapter tests that drive the real core: a recording wrapper, a polling wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from core_support import article_text, wired_core

from bot.core import Core
from bot.models import IncomingMessage
from bot.ports import Conversation
from bot.store import SqlStore

# Three articles the static fetcher serves, and the opt-out confirmations' telling phrases.
A, B, C = (f"https://news.example.com/2026/story-{n}" for n in "abc")
OPTED_OUT = "won't answer links you paste"
OPTED_IN = "answer the article links you paste again"


class Watched:
    """The real core, recording what each message it was given came to."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.handled: list[tuple[IncomingMessage, object]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.core, name)

    async def handle_message(self, message: IncomingMessage, conversation: Conversation) -> object:
        """Delegate to the core and remember the outcome."""
        outcome = await self.core.handle_message(message, conversation)
        self.handled.append((message, outcome))
        return outcome


@asynccontextmanager
async def watched_core(tmp_path: Path) -> AsyncIterator[tuple[Watched, SqlStore]]:
    """The real core on SQLite, articles A, B and C behind a static fetcher, watched."""
    pages = {url: article_text(n) for n, url in enumerate((A, B, C), start=1)}
    async with wired_core(tmp_path, pages) as (core, _, store):
        yield Watched(core), store


async def eventually(predicate: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until `predicate()` holds (the core's work is not a call the fake sees)."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)
