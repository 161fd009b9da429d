"""Shared parts of the reliability benchmarks: a loopback origin, settings, answer recording."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.models import Capabilities, IncomingMessage, MessageRef, Reply, User
from bot.poll_models import PollState
from bot.settings import Settings, load_settings

BIG = b"<html><body><p>" + b"padding " * 600_000 + b"</p></body></html>"


WORDS = [
    "council",
    "budget",
    "harbour",
    "railway",
    "school",
    "hospital",
    "bridge",
    "library",
    "market",
    "tram",
    "port",
    "housing",
    "water",
    "energy",
    "police",
    "court",
    "museum",
    "airport",
    "river",
    "park",
]


def article_html(n: int) -> str:
    """A generated news article of 300-700 words with reported, opinion and forecast sentences."""
    rnd = random.Random(n)
    topic, other = rnd.sample(WORDS, 2)
    paras = []
    for p in range(rnd.randint(6, 12)):
        sentences = [
            f"Officials said the {topic} plan number {n} would cost {rnd.randint(2, 90)} million, "
            f"according to documents published on {rnd.choice(['Monday', 'Friday', 'Tuesday'])}.",
            f"The {other} committee met {rnd.randint(2, 9)} times this year, its chair told "
            f"reporters, and voted {rnd.randint(4, 7)}-{rnd.randint(1, 3)} on the proposal.",
            f"Figures from the statistics office show demand for the {topic} rose by "
            f"{rnd.randint(2, 40)} percent since {rnd.randint(2015, 2022)}.",
        ]
        if p % 4 == 3:
            sentences.append(
                f"The {topic} decision is clearly wrong and the board should rethink it."
            )
        if p % 5 == 4:
            sentences.append(
                f"The {other} project will run over budget by {rnd.randint(2027, 2031)}."
            )
        paras.append(" ".join(rnd.sample(sentences, len(sentences))))
    body = "".join(f"<p>{p}</p>" for p in paras)
    title = f"Story {n}: the {topic} and the {other}"
    return (
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def _origin(port_queue: Any, min_ms: int, max_ms: int) -> None:
    """Serve /a/N (articles after min-max ms), /slow/N (8 s), /fail/N (500), /gone/N (404),
    /big/N (5 MB), /png/N (an image), /loop/N (redirects to itself), /drip/N (a byte a second);
    /_stats returns hits per path."""
    from aiohttp import web

    hits: dict[str, int] = {}

    async def handle(request: web.Request) -> web.StreamResponse:
        kind, n = request.match_info["kind"], int(request.match_info["n"])
        hits[request.path] = hits.get(request.path, 0) + 1
        if kind == "a":
            await asyncio.sleep(random.uniform(min_ms, max_ms) / 1000)
            return web.Response(text=article_html(n), content_type="text/html")
        if kind == "slow":
            await asyncio.sleep(8)
            return web.Response(text=article_html(n), content_type="text/html")
        if kind == "fail":
            return web.Response(status=500, text="oops")
        if kind == "gone":
            return web.Response(status=404, text="gone")
        if kind == "big":
            return web.Response(body=BIG, content_type="text/html")
        if kind == "png":
            return web.Response(body=b"\x89PNG\r\n\x1a\n" + bytes(2000), content_type="image/png")
        if kind == "loop":
            raise web.HTTPFound(request.path)
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        try:
            for _ in range(60):
                await resp.write(b"<p>drip</p>")
                await asyncio.sleep(1)
        except ConnectionError:  # the bot gave up on the page, as it should
            pass
        return resp

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(hits)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/_stats", stats)
        app.router.add_get("/{kind}/{n}", handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=2048)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


@contextmanager
def origin(min_ms: int = 50, max_ms: int = 500) -> Iterator[str]:
    """A loopback article server in its own process; yields its base URL."""
    ctx = multiprocessing.get_context("spawn")
    ports: Any = ctx.Queue()
    server = ctx.Process(target=_origin, args=(ports, min_ms, max_ms), daemon=True)
    server.start()
    try:
        yield f"http://127.0.0.1:{ports.get(timeout=30)}"
    finally:
        server.terminate()
        server.join(5)


def origin_hits(base: str) -> dict[str, int]:
    """Requests the origin received, per path."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{base}/_stats") as resp:  # loopback only
        hits: dict[str, int] = json.load(resp)
    return hits


def settings_for(base: str, **sections: dict[str, Any]) -> Settings:
    """Service settings on a fresh SQLite file, fetching from the origin only."""
    tmp = Path(tempfile.mkdtemp(prefix="unspin-bench-"))
    storage = {"url": f"sqlite+aiosqlite:///{tmp / 'bench.db'}", **sections.pop("storage", {})}
    fetch = {"allow_hosts": [base.removeprefix("http://")], **sections.pop("fetch", {})}
    return load_settings(None, storage=storage, fetch=fetch, **sections)


def rss_mib() -> tuple[float, float]:
    """This process's resident memory now and at its peak, in MiB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def open_fds() -> int:
    """File descriptors this process holds."""
    return len(os.listdir("/proc/self/fd"))


@dataclass
class Recorder:
    """A Conversation recording when an event got answers and of which kind."""

    started: float = field(default_factory=time.monotonic)
    answers: list[tuple[float, str]] = field(default_factory=list)
    capabilities: Capabilities = field(default_factory=Capabilities)

    def _note(self, kind: str) -> MessageRef:
        self.answers.append((time.monotonic(), kind))
        return MessageRef("bench", "c", f"m{len(self.answers)}", "t", "bench://m")

    @property
    def first(self) -> str:
        """The kind of the first answer ("LOST" when none came)."""
        return self.answers[0][1] if self.answers else "LOST"

    @property
    def latency(self) -> float | None:
        """Seconds from the event to its first answer."""
        return self.answers[0][0] - self.started if self.answers else None

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        return self._note(reply.kind)

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        return None

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        return self._note(reply.kind)

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        return self._note("poll")

    async def say(self, text: str) -> MessageRef | None:
        kind = "busy" if "busy" in text else "limited" if "faster than" in text else "say"
        return self._note(kind)


def link_event(n: int, url: str, channel: str, user: str) -> IncomingMessage:
    """A pasted-link message event."""
    return IncomingMessage("bench", f"e{n}", channel, f"m{n}", User(user, user), f"see {url}")


def p95(values: list[float]) -> float:
    """The 95th percentile (0 for no values)."""
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0


def verdict(name: str, ok: bool, detail: str) -> bool:
    """Print one pass/fail line."""
    print(f"  [{'PASS' if ok else 'FAIL'}] {name}: {detail}")
    return ok
