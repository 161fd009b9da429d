"""Tests for the console adapter: a scripted `unspin chat` session and its commands."""

from __future__ import annotations

import asyncio
import io
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from core_support import article_text, wired_core
from reminder_support import DUE_DAY, A, dated_core

from adapters.console import ConsoleAdapter

FIXTURE = Path(__file__).parent / "fixtures" / "console" / "harbour.html"


@pytest.fixture
async def article_server() -> AsyncIterator[str]:
    """A local server on an ephemeral port serving the fixture article at /harbour."""
    html = FIXTURE.read_bytes()

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=html, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/harbour", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def _chat(script: str, tmp_path: Path, **env: str) -> tuple[int, str, str]:
    environ = {
        **os.environ,
        "UNSPIN_STORAGE__URL": f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
        "UNSPIN_CONFIG": "",
        **env,
    }
    environ.pop("UNSPIN_CONFIG")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "chat",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=environ, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(script.encode()), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_scripted_session_link_card_poll_votes_close_tally(
    article_server: str, tmp_path: Path
) -> None:
    """Piped to `unspin chat`: a link gets a card, a poll gets 3 votes, close reveals the tally."""
    url = f"{article_server}/harbour?utm_source=chat"
    script = "\n".join(
        [
            "/as alice",
            f"Worth reading: {url}",
            "/poll 1",
            "/vote 1 1",
            "/as bob",
            "/vote 1 2",
            "/vote 1 1",
            "/as carol",
            "/vote 1 2",
            "/polls",
            "/as bob",
            "/close 1",
            "/as alice",
            "/close 1",
            "/vote 1 3",
        ]
    )
    host = article_server.removeprefix("http://")
    status, out, err = await _chat(script, tmp_path, UNSPIN_FETCH__ALLOW_HOSTS=host)
    assert status == 0, err
    card, _, rest = out.split("unspin (in thread):", 1)[1].partition("alice> /poll 1")
    assert "The harbour tunnel vote was a mistake" in card
    assert "Composition:" in card and "(/poll 1)" in card and "(/details 1)" in card
    assert "utm_source" not in card
    assert "Poll #1:" in rest
    assert "3 voted · results at close" in rest
    assert "Only the person who started this poll or a channel admin can close it." in rest
    closed = rest.split("alice> /close 1", 1)[1]
    tally = re.findall(r"(\d)\. (.+?) — (\d+)", closed)
    assert [(n, int(v)) for n, _, v in tally] == [("1", 2), ("2", 1), ("3", 0)]
    assert "Closed · 3 voted" in closed
    assert "This poll is closed." in closed.split("alice> /vote 1 3", 1)[1]
    assert "Traceback" not in out + err


async def test_file_path_line_is_summarised_without_network(tmp_path: Path) -> None:
    """A line naming a local HTML file gets a card, with no fetch and no network."""
    status, out, err = await _chat(f"{FIXTURE}\n/details 1\n", tmp_path)
    assert status == 0, err
    assert "The harbour tunnel vote was a mistake" in out
    assert re.search(r"\[0\] REPORTED — The Eastport harbour board voted", out)


async def _console(script: str, tmp_path: Path) -> str:
    out = io.StringIO()
    pages = {"https://news.example/a": article_text(1, "Tram story")}
    async with wired_core(tmp_path, pages) as (core, _, _):
        adapter = ConsoleAdapter(core, stdin=io.StringIO(script), stdout=out, channel="c")
        await adapter.run(asyncio.Event())
    return out.getvalue()


async def test_settings_and_help_commands_in_process(tmp_path: Path) -> None:
    """/settings needs an admin to change; /help lists commands; unknown commands are named."""
    out = await _console(
        "/help\n/settings mode command\n/as root admin\n/settings mode command\n"
        "https://news.example/a\n/summarize https://news.example/a\n/polls\n/frobnicate\n",
        tmp_path,
    )
    assert "/vote POLL ANSWER" in out
    assert "Only channel admins can change my settings here." in out
    assert "Done. Mode command" in out
    answer = out.split("root> https://news.example/a\n", 1)[1].split("root> /summarize", 1)[0]
    assert answer == ""  # command-only channel: a pasted link is not answered
    assert "Tram story" in out.split("root> /summarize", 1)[1]
    assert "(no open polls in this channel)" in out
    assert "Unknown command /frobnicate" in out


async def test_bad_command_arguments_get_a_sentence(tmp_path: Path) -> None:
    """Malformed commands (/vote without numbers, /poll before any card) are answered politely."""
    out = await _console("/vote x\n/poll 3\n/close\n", tmp_path)
    assert out.count("I did not understand that") == 3


class _Screen(io.StringIO):
    """A terminal that signals once `marker` has been printed."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker
        self.seen = asyncio.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.marker in self.getvalue():
            self.seen.set()
        return written


async def test_session_shows_the_due_reminder_once_the_clock_passes_the_date(
    tmp_path: Path,
) -> None:
    """A console poll on a dated forecast: no reminder before the day, one after, in the thread."""
    reminder = "This forecast was due on 20 January 2026: did it come true?"
    screen = _Screen(reminder)
    async with dated_core(tmp_path) as (core, _, clock, _, _):
        script = f"/as alice\n{A}\n/poll 1\n/vote 1 1\n/as bob\n/vote 1 2\n"
        adapter = ConsoleAdapter(core, stdin=io.StringIO(script), stdout=screen, channel="c")
        await adapter.run(asyncio.Event())
        assert "Poll #1:" in screen.getvalue()
        assert await core.polls.remind_due({"console": adapter}) == 0
        clock.now = DUE_DAY
        stop = asyncio.Event()
        timers = asyncio.create_task(core.polls.run_timers({"console": adapter}, stop))
        try:
            await asyncio.wait_for(screen.seen.wait(), timeout=10)
        finally:
            stop.set()
            await timers
        later = ConsoleAdapter(core, stdin=io.StringIO("/polls\n"), stdout=screen, channel="c")
        await later.run(asyncio.Event())
    out = screen.getvalue()
    assert out.count(reminder) == 1
    shown = out.split(reminder, 1)[1]
    assert "predicted by the author. Poll #1 closed; 2 people voted: Will happen 1," in shown
    assert out.index("Closed · 2 voted") < out.index(reminder)  # the close's tally came first
    assert "(no open polls in this channel)" in shown


async def test_piped_demo_plays_the_same_twice_and_leaves_no_database(tmp_path: Path) -> None:
    """With no storage.url, a piped session uses a throwaway store: the README demo shows the
    tally on every run and writes nothing to the user's data folder."""
    script = (Path(__file__).parent.parent / "examples" / "demo-chat.txt").read_text("utf-8")
    data = tmp_path / "data"
    environ = {**os.environ, "XDG_DATA_HOME": str(data), "HOME": str(tmp_path)}
    environ.pop("UNSPIN_STORAGE__URL", None)
    environ.pop("UNSPIN_CONFIG", None)
    for _ in range(2):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "chat",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environ, cwd=Path(__file__).parent.parent,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(proc.communicate(script.encode()), timeout=60)
        assert proc.returncode == 0
        assert "Closed · 3 voted" in out.decode()
    assert not list(data.rglob("*.db"))
