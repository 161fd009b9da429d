"""A service process for the restart tests: `serve` with a scripted adapter and fake fetches.

Usage: restart_worker.py URL SCHEMA OUT PHASE LINKS FAST VOTES. Phase 1 delivers LINKS link
events (one channel each; stories below FAST answer at once, the rest hang) and a storm of VOTES
votes, printing "vote USER" after each commit; phase 2 answers every story at once and
redelivers the even-numbered phase-1 events, as a platform retries unanswered events (the odd ones
only the restart itself can resume). Every post is one JSON line in OUT.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from datetime import timedelta
from types import ModuleType
from typing import Any

from bot.models import Capabilities, IncomingMessage, MessageRef, Reply, User
from bot.poll_models import PollSpec, PollState
from bot.runtime import serve
from bot.settings import load_settings
from bot.testing import CueAnalyzer, StaticPage, extract_plain

URL, SCHEMA, OUT, PHASE, LINKS, FAST, VOTES = sys.argv[1:8]
N_LINKS, N_FAST, N_VOTES = int(LINKS), int(FAST), int(VOTES)


def story(n: int) -> str:
    """The link of story n."""
    return f"https://news.example/story-{n}"


class HangingFetcher:
    """Stories at or past FAST hang in phase 1 (in flight at SIGTERM); all answer in phase 2."""

    async def fetch(self, url: str) -> StaticPage:
        n = int(url.rsplit("-", 1)[1])
        if PHASE == "1" and n >= N_FAST:
            await asyncio.sleep(60)
        await asyncio.sleep(0.01)
        text = f"Story {n}\n\nThe council met on Monday. The council will vote on it next year."
        return StaticPage(url, text)


class FileConversation:
    """Writes every post as a JSON line, flushed, so the parent sees it even after a kill."""

    def __init__(self, channel_id: str) -> None:
        self.channel_id = channel_id
        self.n = 0

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities()

    def _write(self, kind: str, text: str) -> MessageRef:
        self.n += 1
        line = {"phase": PHASE, "channel": self.channel_id, "kind": kind, "text": text}
        with open(OUT, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
        return MessageRef("fake", self.channel_id, f"{PHASE}-{self.channel_id}-{self.n}")

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        return self._write(reply.kind, reply.fallback)

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        return None

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        return None

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        return self._write("poll", card.fallback)

    async def say(self, text: str) -> MessageRef | None:
        return self._write("say", text)


def dump_tasks() -> None:
    """Print where every task waits (the test asks with SIGUSR1 before giving up)."""
    for task in asyncio.all_tasks():
        coro: Any = task.get_coro()
        chain = []
        while coro is not None:
            frame = getattr(coro, "cr_frame", None) or getattr(coro, "ag_frame", None)
            if frame is not None:
                chain.append(f"{frame.f_code.co_name}:{frame.f_lineno}")
            coro = getattr(coro, "cr_await", None) or getattr(coro, "ag_await", None)
        print(task.get_name(), " > ".join(chain), file=sys.stderr, flush=True)


class ScriptedAdapter:
    """Delivers the phase's events, then waits for the stop signal."""

    name = "fake"

    def __init__(self, core: Any) -> None:
        self.core = core
        self.connected = False

    @property
    def polls_settled(self) -> bool:
        return self.connected

    def conversation(self, channel_id: str, thread_id: str | None = None) -> FileConversation:
        return FileConversation(channel_id)

    async def run(self, stop: asyncio.Event) -> None:
        self.connected = True
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump_tasks)
        core = self.core
        for n in range(N_LINKS):
            if PHASE == "2" and n % 2:
                continue
            msg = IncomingMessage(
                "fake", f"e{n}", f"C{n}", f"m{n}", User(f"u{n}", f"u{n}"), f"see {story(n)}"
            )
            core.supervisor.spawn(core.handle_message(msg, self.conversation(msg.channel_id)))
        if PHASE == "1":
            spec = PollSpec("Will it?", ("Yes", "No"), timedelta(hours=1))
            poll = await core.store.create_poll(
                spec, platform="fake", channel_id="C0", starter_id="u0"
            )

            async def vote(k: int) -> None:
                await core.store.cast_vote(poll.id, f"v{k}", k % 2, event_key=f"vote-{k}")
                print(f"vote v{k}", flush=True)

            for k in range(N_VOTES):
                core.supervisor.spawn(vote(k))
        print("delivered", flush=True)
        await stop.wait()


module = ModuleType("scripted_adapter")
module.create = lambda core, settings: ScriptedAdapter(core)  # type: ignore[attr-defined]
module.required_settings = lambda settings: []  # type: ignore[attr-defined]

settings = load_settings(
    None,
    storage={"url": URL, "schema_name": SCHEMA or None},
    # Enough fetch slots that the hanging stories cannot hold up the quick ones.
    service={"port": 0, "drain_s": 2.0, "max_fetches": 64},
    channels={"user_per_minute": 1000, "channel_per_minute": 1000},
)
options = {"fetcher": HangingFetcher(), "analyzer": CueAnalyzer(), "extract": extract_plain}
sys.exit(asyncio.run(serve(settings, {"fake": module}, services_options=options)))
