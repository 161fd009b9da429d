"""The `unspin` command line: analyze articles and label sentences from the terminal."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections import deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TextIO

from bot import __version__
from bot.analysis import Analyzer
from bot.errors import ConfigError, ExtractionError, FetchError, UnspinError, UsageError
from bot.models import Analysis, Article
from bot.render import card_text
from bot.serialize import analysis_to_json, error_to_json
from bot.settings import Settings, load_settings
from bot.sources import article_from_bytes, article_from_page, is_url, read_file

if TYPE_CHECKING:  # aiohttp is loaded only when a source is a URL
    from bot.fetch import AiohttpFetcher

log = logging.getLogger(__name__)

EXIT_OK, EXIT_USAGE, EXIT_FETCH = 0, 2, 3


def exit_code_for(error: UnspinError) -> int:
    """Map an error to the contract's exit status: 3 for fetching, 2 for everything else."""
    return EXIT_FETCH if isinstance(error, FetchError) else EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="TOML configuration file (default: $UNSPIN_CONFIG, else built-in defaults)",
    )
    parser = argparse.ArgumentParser(
        prog="unspin",
        description="Summarise news articles, keeping what they report apart from what they argue.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"unspin {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    analyze = commands.add_parser(
        "analyze",
        parents=[common],
        help="analyse articles: a URL, an .html or .txt file, or - for stdin",
        description="Analyse each SOURCE (an http(s) URL, an .html/.htm or .txt file, or - "
        "for stdin) and print its card, or with --json one JSON object per line.",
    )
    analyze.add_argument("sources", nargs="+", metavar="SOURCE")
    analyze.add_argument("--json", action="store_true", help="print unspin.analysis/1 JSON")
    analyze.add_argument(
        "--brief", action="store_true", help="card without the per-sentence details"
    )
    commands.add_parser(
        "label",
        parents=[common],
        help="label sentences from stdin, one per line, each on its own",
        description="Read one sentence per line on stdin; print one JSON object per line: "
        '{"text", "label", "confidence"}. Blank lines are skipped.',
    )
    commands.add_parser(
        "chat",
        parents=[common],
        help="talk to the bot in a local terminal channel (no token, no network needed)",
        description="A local channel in the terminal: paste text with links or a file path, "
        "start polls, vote as named users (/as alice). Works with piped input. /help lists "
        "the commands.",
    )
    commands.add_parser(
        "run",
        parents=[common],
        help="run the service: the adapters in service.adapters, /healthz and /metrics",
        description="Run the adapters enabled in service.adapters (console, discord, slack) "
        "with the health and metrics server on service.port, until SIGTERM or SIGINT.",
    )
    discord = commands.add_parser(
        "discord",
        parents=[common],
        help="Discord administration: `unspin discord sync` publishes the commands globally",
        description="sync: publish /summarize and the 'Unspin this' message command to every "
        "server (Discord allows 200 command creates a day; development guilds sync at start).",
    )
    discord.add_argument("action", choices=["sync"])
    return parser


class _Session:
    """Lazily builds the expensive parts (model, HTTP session) the first time they are needed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._analyzer: Analyzer | None = None
        self._fetcher: AiohttpFetcher | None = None
        self._stack = contextlib.AsyncExitStack()

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            from bot.analysis.subjectivity import load_default_scorer

            self._analyzer = Analyzer(load_default_scorer(), self.settings.analysis)
        return self._analyzer

    async def fetcher(self) -> AiohttpFetcher:
        if self._fetcher is None:
            from bot.fetch import AiohttpFetcher, build_session

            session = await self._stack.enter_async_context(build_session(self.settings.fetch))
            self._fetcher = AiohttpFetcher(session, self.settings.fetch)
        return self._fetcher

    async def aclose(self) -> None:
        await self._stack.aclose()

    async def article(self, source: str, stdin: TextIO) -> Article:
        if source == "-":
            return article_from_bytes(stdin.buffer.read(), name="standard input")
        if is_url(source):
            page = await (await self.fetcher()).fetch(source.strip())
            return article_from_page(page)
        return read_file(source)


@contextlib.asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[_Session]:
    session = _Session(settings)
    try:
        yield session
    finally:
        await session.aclose()


def _batch_threads(settings: Settings) -> int:
    return settings.analysis.batch_threads or min(4, os.cpu_count() or 1)


async def _analyze(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Analyse each source and print it, in input order.

    Reading and extraction run here while earlier pages are analysed on worker threads: the
    model runs outside the GIL, so a batch uses every core. At most two pages per thread wait.
    """
    status = EXIT_OK
    several = args.json and len(args.sources) > 1
    threads = _batch_threads(settings)
    loop = asyncio.get_running_loop()
    pending: deque[tuple[str, asyncio.Future[Analysis] | UnspinError]] = deque()

    async def emit(source: str, item: asyncio.Future[Analysis] | UnspinError) -> None:
        nonlocal status
        try:
            if isinstance(item, UnspinError):
                raise item
            analysis = await item
        except (UnspinError, ExtractionError) as exc:
            code = exit_code_for(exc)
            status = max(status, code)
            print(f"unspin: {source}: {exc}", file=err)
            if several:
                out.write(json.dumps(error_to_json(source, str(exc), code)) + "\n")
            return
        if args.json:
            out.write(json.dumps(analysis_to_json(analysis), ensure_ascii=False) + "\n")
        else:
            out.write(card_text(analysis, details=not args.brief) + "\n")
        out.flush()

    async with _session(settings) as session:
        pool = ThreadPoolExecutor(threads, thread_name_prefix="unspin-analyze")
        try:
            for source in args.sources:
                item: asyncio.Future[Analysis] | UnspinError
                try:
                    article = await session.article(source, sys.stdin)
                    item = loop.run_in_executor(pool, session.analyzer.analyze, article)
                except (UnspinError, ExtractionError) as exc:
                    item = exc
                pending.append((source, item))
                while len(pending) > 2 * threads:
                    await emit(*pending.popleft())
            while pending:
                await emit(*pending.popleft())
        finally:
            # On Ctrl-C or a closed pipe, queued pages are dropped rather than analysed.
            for _, item in pending:
                if isinstance(item, asyncio.Future):
                    item.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
    return status


def _label(settings: Settings, stdin: TextIO, out: TextIO) -> int:
    texts = [line.strip() for line in stdin if line.strip()]
    if not texts:
        return EXIT_OK
    analyzer = _Session(settings).analyzer
    for text, (label, confidence) in zip(texts, analyzer.label(texts), strict=True):
        row = {"text": text, "label": label, "confidence": round(confidence, 3)}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `unspin` console script; returns the process exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="unspin: %(levelname)s %(message)s")
    try:
        settings = load_settings(getattr(args, "config", None))
    except ConfigError as exc:
        print(f"unspin: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "analyze":
            return asyncio.run(_analyze(args, settings, sys.stdout, sys.stderr))
        if args.command == "chat":
            from bot import runtime

            return asyncio.run(runtime.chat(settings, sys.stdin, sys.stdout))
        if args.command == "run":
            from bot import runtime

            return runtime.run(settings)
        if args.command == "discord":
            from bot import runtime

            synced = asyncio.run(runtime.load_adapter_module("discord").sync_commands(settings))
            print(f"unspin: {synced} Discord commands synced globally.", file=sys.stderr)
            return EXIT_OK
        return _label(settings, sys.stdin, sys.stdout)
    except (UsageError, ConfigError) as exc:
        print(f"unspin: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
