"""Whole-process time and memory of `unspin label` on one core, against TextBlob and TF-IDF.

The 1,049 CheckThat! sentences (train and dev) go to each labeller's stdin; each labeller is one
process pinned to one CPU core, model load included, repeated --rounds times (interleaved).
Reported: the median wall time, the peak RSS, and the memory labelling adds: the peak RSS minus
that of the same command on empty input (`unspin label` then loads no model). The TF-IDF +
logistic regression peer is fitted on train and pickled before timing starts.

Usage: python benchmarks/label_speed.py [--rounds 3] [--cpu 1]
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHECKTHAT = REPO.parent / "shared" / "data" / "checkthat-en"


def sentences() -> list[str]:
    """The sentences of CheckThat! train and dev, in file order."""
    sys.path.insert(0, str(REPO))
    from evaluation.checkthat import read

    return read("train", CHECKTHAT)[0] + read("dev", CHECKTHAT)[0]


def fit_tfidf(path: Path) -> None:
    """Fit the peer's TF-IDF + logistic regression on train and pickle it (not timed)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from evaluation.checkthat import read

    texts, y = read("train", CHECKTHAT)
    pipe = make_pipeline(
        TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
        LogisticRegression(class_weight="balanced", max_iter=2000),
    )
    pipe.fit(texts, y)
    path.write_bytes(pickle.dumps(pipe))


def run_once(argv: list[str], stdin: Path, cpu: int) -> tuple[float, float, int]:
    """Run one process on one core; return (wall seconds, peak RSS in MB, exit status)."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    with stdin.open("rb") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=fh,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            preexec_fn=lambda: os.sched_setaffinity(0, {cpu}),
        )
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=min(1, (os.cpu_count() or 1) - 1))
    args = parser.parse_args()
    if not CHECKTHAT.is_dir():
        print(f"The shared CheckThat! data is not at {CHECKTHAT}.", file=sys.stderr)
        return 2
    texts = sentences()
    with tempfile.TemporaryDirectory() as tmp:
        full, empty = Path(tmp) / "sentences.txt", Path(tmp) / "empty.txt"
        full.write_text("\n".join(texts) + "\n", encoding="utf-8")
        empty.write_text("", encoding="utf-8")
        model = Path(tmp) / "tfidf.pkl"
        fit_tfidf(model)
        py = sys.executable
        tools = {
            "unspin label": [py, "-m", "bot.cli", "label"],
            "textblob": [py, str(HERE / "peers.py"), "textblob-label"],
            "tfidf+logreg": [py, str(HERE / "peers.py"), "tfidf-label", str(model)],
        }
        runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in tools}
        idle: dict[str, list[tuple[float, float, int]]] = {name: [] for name in tools}
        for _ in range(args.rounds):
            for name, argv in tools.items():  # interleaved so drift hits every tool alike
                runs[name].append(run_once(argv, full, args.cpu))
                idle[name].append(run_once(argv, empty, args.cpu))

    print(f"{len(texts)} sentences, {args.rounds} rounds, one process each on CPU {args.cpu}")
    print(f"{'tool':<16}{'median s':>10}{'peak MB':>10}{'added MB':>10}{'exit':>6}")
    wall_of = {}
    for name in tools:
        wall = statistics.median(r[0] for r in runs[name])
        peak = max(r[1] for r in runs[name])
        added = peak - min(r[1] for r in idle[name])
        wall_of[name] = wall
        status = max(r[2] for r in runs[name])
        print(f"{name:<16}{wall:>10.2f}{peak:>10.1f}{added:>10.1f}{status:>6}")
    for name, wall in wall_of.items():
        if name != "unspin label":
            print(f"ratio unspin label / {name}: time {wall_of['unspin label'] / wall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
