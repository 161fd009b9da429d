"""Threads or processes for the CPU-bound analysis? Throughput and event-loop lag, measured.

Runs extraction + analysis of generated articles through the Supervisor's `run_cpu` with a
thread pool and with a process pool of the same size, while a 10 ms ticker measures how late
the event loop runs (what every other chat event would feel).

    python benchmarks/analysis_pool.py --articles 200 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_service import article_html

from bot.models import Analysis
from bot.tasks import Supervisor

_ANALYZER = None


def _load() -> None:
    global _ANALYZER
    from bot.analysis import Analyzer
    from bot.analysis.subjectivity import load_default_scorer
    from bot.settings import AnalysisSettings

    _ANALYZER = Analyzer(load_default_scorer(), AnalysisSettings())


def analyse_html(html: str) -> Analysis:
    """Extract and analyse one page in whichever worker runs this."""
    from bot.extract import extract_article

    if _ANALYZER is None:
        _load()
    assert _ANALYZER is not None
    return _ANALYZER.analyze(extract_article(html))


async def measure(executor: Executor, pages: list[str], workers: int) -> tuple[float, list[float]]:
    sup = Supervisor(max_analyses=workers, executor=executor)
    # Warm every worker (model load) before timing.
    await asyncio.gather(*(sup.run_cpu(analyse_html, pages[0]) for _ in range(workers)))
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - t - 0.01)

    tick = asyncio.create_task(ticker())
    started = time.perf_counter()
    results = await asyncio.gather(*(sup.run_cpu(analyse_html, p) for p in pages))
    elapsed = time.perf_counter() - started
    done.set()
    await tick
    assert all(r.sentences for r in results)
    await sup.drain(1)
    return elapsed, lags


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    pages = [article_html(n) for n in range(args.articles)]
    _load()
    for name, executor in (
        ("threads", ThreadPoolExecutor(args.workers)),
        ("processes", ProcessPoolExecutor(args.workers, initializer=_load)),
    ):
        with executor:
            elapsed, lags = asyncio.run(measure(executor, pages, args.workers))
        lags.sort()
        p95 = lags[int(0.95 * (len(lags) - 1))]
        print(
            f"{name:<9} {args.articles / elapsed:6.1f} articles/s   loop lag median "
            f"{statistics.median(lags) * 1000:5.1f} ms, p95 {p95 * 1000:5.1f} ms,"
            f" max {lags[-1] * 1000:5.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
