"""Composition root: builds the service from settings, runs adapters, drains on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.metadata
import logging
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from bot import workers
from bot.articles import RemoteAnalysis
from bot.core import Core
from bot.errors import ConfigError
from bot.metrics import Metrics
from bot.models import Article
from bot.ports import Adapter, ArticleAnalyzer, FetchedPageLike, Fetcher
from bot.runtime_http import start_http
from bot.runtime_logs import configure_logging
from bot.settings import Settings
from bot.store import SqlStore
from bot.tasks import Supervisor
from bot.workers import RemoteOnly

log = logging.getLogger(__name__)

EXIT_OK, EXIT_CONFIG = 0, 2
KNOWN_ADAPTERS = ("console", "discord", "slack")
ENTRY_POINT_GROUP = "unspin.adapters"
# Of the shutdown budget, this much is kept for closing the store and the HTTP server.
CLOSE_RESERVE_S = 1.0


@dataclass(slots=True)
class Services:
    """Everything the composition root built; closed in reverse order by `build_services`."""

    settings: Settings
    store: SqlStore
    supervisor: Supervisor
    metrics: Metrics
    core: Core


def _default_extract(page: FetchedPageLike) -> Article:
    from bot.fetch import FetchedPage
    from bot.sources import article_from_page

    assert isinstance(page, FetchedPage)
    return article_from_page(page)


def _default_analyzer(settings: Settings) -> ArticleAnalyzer:
    from bot.analysis import Analyzer
    from bot.analysis.subjectivity import load_default_scorer

    return Analyzer(load_default_scorer(), settings.analysis)


@contextlib.asynccontextmanager
async def build_services(
    settings: Settings,
    *,
    fetcher: Fetcher | None = None,
    analyzer: ArticleAnalyzer | None = None,
    extract: Callable[[FetchedPageLike], Article] | None = None,
    vote_edit_delay_s: float = 1.0,
) -> AsyncIterator[Services]:
    """Open the HTTP session, the store, the analyser and the core; close them all on exit."""
    async with contextlib.AsyncExitStack() as stack:
        if fetcher is None:
            from bot.fetch import open_fetcher

            fetcher = await stack.enter_async_context(open_fetcher(settings.fetch))
        storage = settings.storage
        store = await SqlStore.open(
            storage.url,
            busy_timeout_ms=storage.busy_timeout_ms,
            pool_size=storage.pool_size,
            schema=storage.schema_name,
            migrate_schema=storage.migrate_on_start,
            analysis_ttl_s=storage.analysis_ttl_s,
        )
        stack.push_async_callback(store.close)
        service = settings.service
        executor, remote = _analysis_pool(settings)
        if executor is not None:
            stack.callback(executor.shutdown, wait=False, cancel_futures=True)
            analyzer = analyzer or RemoteOnly()
        supervisor = Supervisor(
            max_fetches=service.max_fetches,
            max_analyses=service.max_analyses,
            max_pending=service.max_pending,
            executor=executor,
        )
        # Pushed after the store: on exit work drains first, then the store closes.
        stack.push_async_callback(supervisor.drain, max(service.drain_s - CLOSE_RESERVE_S, 0.1))
        metrics = Metrics()
        if analyzer is None:
            analyzer = await asyncio.to_thread(_default_analyzer, settings)
        core = Core(
            store=store,
            fetcher=fetcher,
            analyzer=analyzer,
            extract=extract or _default_extract,
            supervisor=supervisor,
            channels=settings.channels,
            polls=settings.polls,
            metrics=metrics,
            vote_edit_delay_s=vote_edit_delay_s,
            max_events=service.max_events,
            remote=remote,
        )
        yield Services(settings, store, supervisor, metrics, core)


def _analysis_pool(settings: Settings) -> tuple[Executor | None, RemoteAnalysis | None]:
    """A process pool and its worker functions when service.analysis_pool is "process"."""
    if settings.service.analysis_pool != "process":
        return None, None
    executor = ProcessPoolExecutor(
        max_workers=settings.service.max_analyses,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=workers.init_worker,
        initargs=(settings.analysis.model_dump(),),
    )
    return executor, RemoteAnalysis(workers.analyse_page, workers.analyse_article)


def load_adapter_module(name: str) -> ModuleType:
    """The adapter module for `name`: an `unspin.adapters` entry point, else `adapters.<name>`."""
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == name:
            module = entry.load()
            return (
                module if isinstance(module, ModuleType) else importlib.import_module(entry.module)
            )
    try:
        return importlib.import_module(f"adapters.{name}")
    except ModuleNotFoundError as error:
        if error.name in (f"adapters.{name}", "adapters"):
            known = ", ".join(KNOWN_ADAPTERS)
            raise ConfigError(
                f"There is no {name} adapter in this installation (known adapters: {known})."
            ) from None
        raise ConfigError(
            f"The {name} adapter needs the package {error.name}: install it with "
            f"pip install 'unspin[{name}]'."
        ) from None


def credentialed_adapters(settings: Settings) -> list[str]:
    """The platforms whose bot token is set: what `unspin run` starts when none are named."""
    found = {"discord": settings.discord.token, "slack": settings.slack.bot_token}
    return [name for name, token in found.items() if token and token.get_secret_value().strip()]


def check_adapters(settings: Settings) -> dict[str, ModuleType]:
    """Load the enabled adapters' modules; ConfigError naming what to set when none can run."""
    names = list(dict.fromkeys(n.strip().lower() for n in settings.service.adapters if n.strip()))
    if not names:
        names = credentialed_adapters(settings)
        if names:
            log.info("service.adapters not set: starting %s (credentials found)", ", ".join(names))
    if not names:
        raise ConfigError(
            "No adapter is enabled: set service.adapters in the configuration file "
            '(e.g. adapters = ["slack"]) or UNSPIN_SERVICE__ADAPTERS=console|discord|slack; '
            "Discord needs UNSPIN_DISCORD__TOKEN, Slack needs UNSPIN_SLACK__BOT_TOKEN and "
            "UNSPIN_SLACK__APP_TOKEN (Socket Mode) or UNSPIN_SLACK__SIGNING_SECRET (HTTP mode)."
        )
    modules: dict[str, ModuleType] = {}
    missing: list[str] = []
    for name in names:
        module = load_adapter_module(name)
        missing += list(module.required_settings(settings))
        modules[name] = module
    if missing:
        raise ConfigError("Missing settings: " + "; ".join(missing) + ".")
    return modules


def scripted_settings(settings: Settings, stdin: TextIO, folder: str) -> Settings:
    """Settings for a piped `unspin chat`: a throwaway database unless storage.url was given.

    A script (the README's demo) then plays the same way every time, and never leaves its
    polls in the bot's own database; an interactive session keeps the configured store.
    """
    if stdin.isatty() or "url" in settings.storage.model_fields_set:
        return settings
    url = f"sqlite+aiosqlite:///{Path(folder) / 'chat.db'}"
    storage = settings.storage.model_copy(update={"url": url})
    return settings.model_copy(update={"storage": storage})


async def chat(settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    """`unspin chat`: the console adapter on the terminal until end of input."""
    with tempfile.TemporaryDirectory(prefix="unspin-chat-") as folder:
        return await _chat(scripted_settings(settings, stdin, folder), stdin, stdout)


async def _chat(settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    module = load_adapter_module("console")
    # One person at a terminal: show each vote's effect at once rather than batching edits.
    async with build_services(settings, vote_edit_delay_s=0.0) as services:
        adapter: Adapter = module.create(services.core, settings, stdin=stdin, stdout=stdout)
        stop = asyncio.Event()
        timers = asyncio.create_task(services.core.polls.run_timers({"console": adapter}, stop))
        try:
            await adapter.run(stop)
        finally:
            stop.set()
            await timers
    return EXIT_OK


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            log.warning("second signal %d: exiting at once", signum)
            os._exit(128 + signum)
        log.info("signal %d: stopping intake and draining", signum)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, on_signal, signum)


async def serve(
    settings: Settings,
    modules: dict[str, ModuleType],
    *,
    services_options: dict[str, Any] | None = None,
    **options: Any,
) -> int:
    """Run the adapters, the poll timers and the HTTP server until a signal or the adapters end.

    `services_options` go to `build_services` (tests inject a fetcher and an analyser).
    """
    stop = asyncio.Event()
    _install_signals(stop)
    async with build_services(settings, **(services_options or {})) as services:
        adapters: dict[str, Adapter] = {
            name: module.create(services.core, settings, **options.get(name, {}))
            for name, module in modules.items()
        }
        http = await start_http(settings.service, services, adapters)
        started = time.monotonic()
        tasks = [asyncio.create_task(a.run(stop), name=f"adapter:{n}") for n, a in adapters.items()]
        timers = asyncio.create_task(services.core.polls.run_timers(adapters, stop))
        # Link jobs the last run claimed but never answered (stopped or crashed mid-work).
        resumer = asyncio.create_task(services.core.resume_jobs(adapters, stop))
        log.info("unspin running: adapters %s, port %d", ", ".join(adapters), http.port)
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([*tasks, stopping], return_when=asyncio.FIRST_COMPLETED)
        failure = _first_failure(tasks)
        if failure is not None:
            # An adapter could not run (a refused token or intent): shut down, then report it.
            stop.set()
        if not stop.is_set():
            # An adapter ended on its own (console input ended): wait for the others or a signal.
            await asyncio.wait([*tasks, stopping], return_when=asyncio.ALL_COMPLETED)
            stop.set()
        shutdown_started = time.monotonic()
        deadline = shutdown_started + max(settings.service.drain_s - CLOSE_RESERVE_S, 0.1)
        services.supervisor.stop_intake()
        await asyncio.wait([*tasks, timers], timeout=min(2.0, deadline - time.monotonic()))
        for task in (*tasks, timers):
            task.cancel()
        # Not cancelled mid-read: a connection cancelled while checked out is closed by a task
        # that outlives the store and hangs the exit. It ends at once once `stop` is set.
        await asyncio.wait([resumer], timeout=1.0)
        resumer.cancel()
        clean = await services.supervisor.drain(max(deadline - time.monotonic(), 0.1))
        await http.close()
        log.info(
            "stopped after %.1f s of service, drained %s in %.1f s",
            shutdown_started - started,
            "cleanly" if clean else "with cancellations",
            time.monotonic() - shutdown_started,
        )
    if failure is not None:
        raise failure
    return EXIT_OK


def _first_failure(tasks: list[asyncio.Task[None]]) -> BaseException | None:
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            return task.exception()
    return None


def run(settings: Settings, *, options: dict[str, dict[str, Any]] | None = None) -> int:
    """`unspin run`: check the configuration, then serve; 2 with a message when it cannot."""
    configure_logging(settings)
    try:
        modules = check_adapters(settings)
    except ConfigError as error:
        print(f"unspin: {error}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return asyncio.run(serve(settings, modules, **(options or {})))
    except ConfigError as error:
        print(f"unspin: {error}", file=sys.stderr)
        return EXIT_CONFIG
