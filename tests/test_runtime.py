"""Tests for `unspin run`: configuration errors, health and metrics, signals and draining."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.runtime_logs import JsonFormatter, RedactingFilter, secret_values
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNSPIN_")}
    env["UNSPIN_STORAGE__URL"] = f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    env["UNSPIN_SERVICE__PORT"] = "0"
    env.update(extra)
    return env


async def _run_to_end(env: dict[str, str]) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env, cwd=ROOT,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode is not None
    return proc.returncode, err.decode()


async def test_run_with_no_adapter_names_what_to_set(tmp_path: Path) -> None:
    """With no adapter enabled, `unspin run` names the setting and env vars and exits 2."""
    status, err = await _run_to_end(_env(tmp_path))
    assert status == 2
    assert "service.adapters" in err and "UNSPIN_SERVICE__ADAPTERS" in err
    assert "UNSPIN_DISCORD__TOKEN" in err and "UNSPIN_SLACK__BOT_TOKEN" in err


async def test_run_with_an_unknown_adapter_says_so(tmp_path: Path) -> None:
    """An adapter name that is not installed is reported plainly, exit 2."""
    status, err = await _run_to_end(_env(tmp_path, UNSPIN_SERVICE__ADAPTERS="pigeon"))
    assert status == 2
    assert "no pigeon adapter" in err and "Traceback" not in err


def test_logs_are_json_and_never_contain_secrets() -> None:
    """The JSON formatter writes one object per line and masks configured secrets."""
    settings = load_settings(
        None,
        slack={"bot_token": "xoxb-very-secret-token"},
        storage={"url": "postgresql+asyncpg://bot:hunter2pw@db.example/unspin"},
    )
    secrets = secret_values(settings)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(JsonFormatter(secrets))
    logger = logging.getLogger("test.secrets")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("connecting with %s to %s", "xoxb-very-secret-token", settings.storage.url)
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["level"] == "warning" and line["logger"] == "test.secrets"
    assert "xoxb-very-secret-token" not in stream.getvalue()
    assert "hunter2pw" not in stream.getvalue()
    assert "***" in line["msg"]


@pytest.fixture
async def slow_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A local server whose pages take 30 s, counting the requests that arrived."""
    seen: list[str] = []

    async def slow(request: web.Request) -> web.Response:
        seen.append(request.path)
        await asyncio.sleep(30)
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/{name}", slow)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"{host}:{port}", seen
    finally:
        await runner.cleanup()


async def _start_service(
    tmp_path: Path, hostport: str, n_links: int, **extra: str
) -> tuple[asyncio.subprocess.Process, int]:
    env = _env(
        tmp_path,
        UNSPIN_SERVICE__ADAPTERS="console",
        UNSPIN_CONSOLE__CONCURRENT="true",
        UNSPIN_SERVICE__MAX_FETCHES="64",
        UNSPIN_CHANNELS__USER_PER_MINUTE="1000",
        UNSPIN_CHANNELS__CHANNEL_PER_MINUTE="1000",
        UNSPIN_FETCH__ALLOW_HOSTS=hostport,
        UNSPIN_SERVICE__LOG_FORMAT="json",
        **extra,
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stderr is not None
    port = 0
    while not port:
        line = await asyncio.wait_for(proc.stderr.readline(), timeout=30)
        assert line, "the service exited before listening"
        msg = json.loads(line)["msg"]
        if msg.startswith("health and metrics on"):
            port = int(msg.split("/healthz")[0].rsplit(":", 1)[1])
    script = "".join(f"http://{hostport}/story-{n}\n" for n in range(n_links))
    proc.stdin.write(script.encode())
    await proc.stdin.drain()
    return proc, port


async def _wait_for(condition: object, limit_s: float = 15.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)


async def test_sigterm_with_50_jobs_in_flight_exits_0_within_8_s(
    tmp_path: Path, slow_server: tuple[str, list[str]]
) -> None:
    """50 fetches hanging on a slow site, SIGTERM: the service drains and exits 0 within 8 s."""
    hostport, seen = slow_server
    proc, port = await _start_service(tmp_path, hostport, 50)
    try:
        await _wait_for(lambda: len(seen) >= 50)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                health = await resp.json()
                assert resp.status == 200 and health["adapters"] == {"console": True}
                assert health["store"] is True and health["pending"] == 50
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                metrics = await resp.text()
                assert "unspin_links_seen_total 50.0" in metrics
                assert "unspin_analysis_seconds_bucket" in metrics
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        status = await asyncio.wait_for(proc.wait(), timeout=15)
        elapsed = time.monotonic() - started
        assert status == 0
        assert elapsed < 8.0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_sigint_drains_like_sigterm(
    tmp_path: Path, slow_server: tuple[str, list[str]]
) -> None:
    """SIGINT (Ctrl-C) stops intake and drains within the drain budget, then exits 0."""
    hostport, seen = slow_server
    proc, _ = await _start_service(tmp_path, hostport, 5, UNSPIN_SERVICE__DRAIN_S="2")
    try:
        await _wait_for(lambda: len(seen) >= 5)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        status = await asyncio.wait_for(proc.wait(), timeout=15)
        assert status == 0
        assert time.monotonic() - started < 3.0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_second_signal_exits_at_once(
    tmp_path: Path, slow_server: tuple[str, list[str]]
) -> None:
    """A second signal during the drain ends the process immediately."""
    hostport, seen = slow_server
    proc, _ = await _start_service(tmp_path, hostport, 5)
    try:
        await _wait_for(lambda: len(seen) >= 5)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        status = await asyncio.wait_for(proc.wait(), timeout=15)
        assert status == 128 + signal.SIGINT
        assert time.monotonic() - started < 2.0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_process_pool_analyses_in_worker_processes(tmp_path: Path) -> None:
    """With service.analysis_pool = process a local article is analysed in a worker process."""
    from bot.models import IncomingMessage, User
    from bot.runtime import build_services
    from bot.sources import read_file
    from bot.testing import RecordingConversation, StaticFetcher

    settings = load_settings(
        None,
        storage={"url": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"},
        service={"analysis_pool": "process", "max_analyses": 1},
    )
    fixture = Path(__file__).parent / "fixtures" / "console" / "harbour.html"
    async with build_services(settings, fetcher=StaticFetcher({})) as services:
        conv = RecordingConversation()
        msg = IncomingMessage("test", "e1", "C1", "m1", User("u", "u"), str(fixture))
        article = read_file(str(fixture))
        outcome = await services.core.summarize_article(msg, conv, fixture.as_uri(), article)
        assert outcome.kind == "card"
        assert "The harbour tunnel vote was a mistake" in conv.posted[0].text
        assert services.supervisor.stats.peak_analysing == 1
