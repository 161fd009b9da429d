"""CheckThat! dev macro-F1 of `unspin label` (bootstrap CI) beside TextBlob and TF-IDF baselines."""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.analysis.subjectivity import load_default_scorer, load_scorer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "checkthat-en"
SEED = 7
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def read(split: str, data: Path = DATA) -> tuple[list[str], IntArray]:
    """Sentences and labels (1 = SUBJ) of a CheckThat! split."""
    with (data / f"{split}_en.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    head = rows[0]
    s, lab = head.index("sentence"), head.index("label")
    return [r[s] for r in rows[1:]], np.array([int(r[lab] == "SUBJ") for r in rows[1:]])


def macro_f1(y: IntArray, pred: IntArray) -> float:
    """Macro-averaged F1 of the SUBJ and OBJ classes."""
    f = []
    for c in (0, 1):
        tp = int(np.sum((pred == c) & (y == c)))
        denom = int(np.sum(pred == c)) + int(np.sum(y == c))
        f.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f))


def bootstrap_ci(
    y: IntArray, pred: IntArray, n: int = 2000, seed: int = SEED
) -> tuple[float, float]:
    """Percentile 95% interval of macro-F1 over sentence resamples."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(y), size=(n, len(y)))
    scores = np.array([macro_f1(y[i], pred[i]) for i in idx])
    lo, hi = np.percentile(scores, [2.5, 97.5])
    return float(lo), float(hi)


def textblob_scores(texts: Sequence[str]) -> FloatArray:
    """TextBlob's pattern-lexicon subjectivity in [0, 1]."""
    from textblob import TextBlob

    return np.array([TextBlob(t).sentiment.subjectivity for t in texts], dtype=np.float64)


def tfidf_baseline(train: tuple[list[str], IntArray], texts: Sequence[str]) -> IntArray:
    """TF-IDF + logistic regression with C and n-grams tuned by 5-fold CV on train."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    pipe = make_pipeline(
        TfidfVectorizer(sublinear_tf=True),
        LogisticRegression(class_weight="balanced", max_iter=2000),
    )
    grid = {
        "tfidfvectorizer__ngram_range": [(1, 1), (1, 2)],
        "logisticregression__C": [0.1, 0.3, 1.0, 3.0, 10.0],
    }
    search = GridSearchCV(pipe, grid, scoring="f1_macro", cv=5, n_jobs=1)
    search.fit(train[0], train[1])
    return np.asarray(search.predict(list(texts)), dtype=np.int64)


def reliability(
    y: IntArray, p: FloatArray, threshold: float, bins: int = 10
) -> list[tuple[float, float, int, float, float]]:
    """(lo, hi, n, mean confidence, accuracy) per confidence bin; confidence of the chosen label."""
    pred = (p >= threshold).astype(np.int64)
    conf = np.where(pred == 1, p, 1.0 - p)
    rows = []
    # Rounded, so an edge is the number it names: 0.6 opens [0.6, 0.7), as confidences of
    # exactly 0.6 (they are rounded to 3 places) must; linspace gives 0.6000000000000001.
    edges = np.linspace(0.0, 1.0, bins + 1).round(12)
    for k in range(bins):
        lo, hi = float(edges[k]), float(edges[k + 1])
        m = (conf >= lo) & ((conf < hi) if k < bins - 1 else (conf <= hi))
        if m.any():
            rows.append(
                (lo, hi, int(m.sum()), float(conf[m].mean()), float((pred[m] == y[m]).mean()))
            )
    return rows


def reliability_equal_count(
    y: IntArray, p: FloatArray, threshold: float, bins: int = 5
) -> list[tuple[float, float, int, float, float]]:
    """The same table with bins of equal size (sorted by confidence): less noise per bin."""
    pred = (p >= threshold).astype(np.int64)
    conf = np.where(pred == 1, p, 1.0 - p)
    order = np.argsort(conf, kind="stable")
    rows = []
    for part in np.array_split(order, bins):
        c = conf[part]
        rows.append(
            (
                float(c.min()),
                float(c.max()),
                len(part),
                float(c.mean()),
                float((pred[part] == y[part]).mean()),
            )
        )
    return rows


def print_table(title: str, rows: list[tuple[float, float, int, float, float]]) -> float:
    """Print one reliability table; return its largest |mean confidence - accuracy|."""
    print(title)
    print(f"{'confidence':<14} {'n':>4} {'mean conf':>10} {'accuracy':>9} {'gap':>7}")
    worst = 0.0
    for lo, hi, n, conf, acc in rows:
        worst = max(worst, abs(conf - acc))
        print(f"{lo:.2f} - {hi:.2f}    {n:>4} {conf:>10.3f} {acc:>9.3f} {conf - acc:>+7.3f}")
    print(f"largest |mean conf - accuracy|: {worst:.3f}\n")
    return worst


def report(name: str, y: IntArray, pred: IntArray, seconds: float | None = None) -> None:
    """One line: macro-F1, its bootstrap CI and (optionally) the time taken."""
    lo, hi = bootstrap_ci(y, pred)
    extra = f"  {seconds:6.2f} s" if seconds is not None else ""
    print(f"{name:<44} {macro_f1(y, pred):.3f}  [{lo:.3f}, {hi:.3f}]{extra}")


def timed(fn: Callable[[], FloatArray]) -> tuple[FloatArray, float]:
    """Run fn and return its result with the wall time it took."""
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    """Print the comparison table and the reliability table of the shipped scorer."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="score with the model in this folder (scorer.json, encoder, lexical) instead of "
        "the shipped one, e.g. a candidate from training/distill_encoder.py",
    )
    args = ap.parse_args()
    dev_texts, y = read("dev", args.data)
    train = read("train", args.data)
    print(
        f"CheckThat! dev: {len(y)} sentences, {int(y.sum())} SUBJ; 95% bootstrap CI, 2000 resamples"
    )
    print(f"{'system':<44} macro-F1  95% CI          time")

    scorer = load_default_scorer() if args.model_dir is None else load_scorer(args.model_dir)
    if args.model_dir is not None:
        print(f"model: {args.model_dir}")
    p, secs = timed(lambda: np.array(scorer.subjectivity(dev_texts), dtype=np.float64))
    threshold = scorer.threshold
    pred = (p >= threshold).astype(np.int64)
    report(f"unspin label scorer (threshold {threshold:.2f})", y, pred, secs)
    if threshold != 0.5:
        report("unspin label scorer at 0.5", y, (p >= 0.5).astype(np.int64))

    # The whole `unspin label` path: the scorer and the sentence rules, as the CLI runs them.
    from bot.analysis import Analyzer
    from bot.settings import AnalysisSettings

    scale = scorer.confidence_scale
    out = Analyzer(scorer, AnalysisSettings()).label(dev_texts)
    chosen = np.array([lab != "reported" for lab, _ in out], dtype=np.int64)
    report("unspin label (scorer + sentence rules)", y, chosen)
    # Each label's confidence as a P(SUBJ) whose side of 0.5 is the label.
    conf = np.array([c for _, c in out])
    as_p = np.where(chosen == 1, np.maximum(conf, np.nextafter(0.5, 1.0)), 1.0 - conf)

    tb, secs = timed(lambda: textblob_scores(dev_texts))
    report("TextBlob subjectivity >= 0.5", y, (tb >= 0.5).astype(np.int64), secs)
    start = time.perf_counter()
    tfidf = tfidf_baseline(train, dev_texts)
    report("TF-IDF + logistic regression (CV-tuned)", y, tfidf, time.perf_counter() - start)

    print("\nReliability on dev; confidence = p if SUBJ is chosen, else 1 - p")
    print("(Platt calibration and threshold were fitted on dev: these are in-sample.)\n")
    print_table("bins of width 0.1:", reliability(y, p, threshold))
    print_table("5 bins of equal size:", reliability_equal_count(y, p, threshold))
    print(
        f"\nReliability of the confidence `unspin label` prints (rules included; "
        f"sigmoid({scale[0]:.3f} * |margin| + {scale[1]:.3f}), fitted on dev by "
        "training/calibrate_labels.py)\n"
    )
    print_table("bins of width 0.1:", reliability(y, as_p, 0.5))


if __name__ == "__main__":
    main()
