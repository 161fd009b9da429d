"""Whole-process time and peak memory of `unspin analyze --json` against peer tools.

Runs, in the same session and on the same 181 pages of the shared article-extraction
benchmark: Unspin; trafilatura + sumy LexRank (3 sentences); newspaper4k parse + nlp. Each
tool is one process over all pages (start-up paid once), repeated --rounds times; the median
wall time, the CPU time (user + system, all cores) and the peak RSS (from wait4) are reported,
with ratios unspin / peer. Unspin analyses a batch's pages on one thread per core
(analysis.batch_threads); the peers use one core, so the CPU-time ratio is printed too. Also
the median in-process time per article of the analysis alone (extraction excluded).

Usage: python benchmarks/analyze_speed.py [--rounds 3] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = REPO.parent / "shared" / "data"
PAGES = DATA / "article-extraction-benchmark" / "html"


def prepare_pages(target: Path, limit: int | None) -> list[str]:
    """Decompress the benchmark pages into plain .html files (not timed)."""
    files = sorted(PAGES.glob("*.html.gz"))[:limit]
    out = []
    for gz in files:
        dest = target / gz.name.removesuffix(".gz")
        dest.write_bytes(gzip.decompress(gz.read_bytes()))
        out.append(str(dest))
    return out


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, float]:
    """Run one process; return (wall seconds, peak RSS in MB, exit status, CPU seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def analysis_only_ms(pages: list[str]) -> float:
    """Median in-process milliseconds per article for analysis alone (model loaded once)."""
    sys.path.insert(0, str(REPO))
    from bot.analysis import Analyzer
    from bot.analysis.subjectivity import load_default_scorer
    from bot.errors import UnspinError
    from bot.settings import AnalysisSettings
    from bot.sources import read_file

    analyzer = Analyzer(load_default_scorer(), AnalysisSettings())
    articles = []
    for page in pages:
        try:
            articles.append(read_file(page))
        except UnspinError:
            continue
    times = []
    for article in articles:
        start = time.perf_counter()
        analyzer.analyze(article)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N pages")
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"The shared benchmark pages are not at {PAGES}.", file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    from peer_nltk_data import build

    with tempfile.TemporaryDirectory() as tmp:
        pages = prepare_pages(Path(tmp), args.limit)
        nltk_dir = build(Path(tmp) / "nltk_data", DATA / "frank-validation.jsonl")
        env = dict(os.environ, NLTK_DATA=str(nltk_dir), OMP_NUM_THREADS="1")
        py = sys.executable
        tools = {
            "unspin": [py, "-m", "bot.cli", "analyze", "--json", *pages],
            "trafilatura+lexrank": [py, str(HERE / "peers.py"), "trafilatura-lexrank", *pages],
            "newspaper4k": [py, str(HERE / "peers.py"), "newspaper", *pages],
        }
        results: dict[str, list[tuple[float, float, int, float]]] = {name: [] for name in tools}
        for _ in range(args.rounds):
            for name, argv in tools.items():  # interleaved so drift hits every tool alike
                results[name].append(run_once(argv, env))
        per_article = analysis_only_ms(pages)

    print(f"{len(pages)} pages, {args.rounds} rounds, whole process (model load included)")
    print(f"{'tool':<22}{'median s':>10}{'CPU s':>10}{'peak MB':>10}{'exit':>6}")
    summary = {}
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        peak = max(r[1] for r in runs)
        summary[name] = (wall, peak, cpu)
        print(f"{name:<22}{wall:>10.2f}{cpu:>10.2f}{peak:>10.1f}{max(r[2] for r in runs):>6}")
    own_wall, own_peak, own_cpu = summary["unspin"]
    for name, (wall, peak, cpu) in summary.items():
        if name != "unspin":
            print(
                f"ratio unspin / {name}: time {own_wall / wall:.2f}, memory {own_peak / peak:.2f}"
                f", CPU time {own_cpu / cpu:.2f}"
            )
    print(f"analysis alone (no extraction), median per article: {per_article:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
