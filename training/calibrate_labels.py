"""Fit the confidence `unspin label` prints: sigmoid(a * |margin| + b) on CheckThat! dev.

The sentence rules move a label's margin away from the model's calibrated logit, so the scorer's
Platt calibration no longer describes the label's confidence. This fits the two numbers that make
a label's confidence match how often such labels are right on dev, checks them on the other half
of dev when fitted on one half (the less optimistic number), and writes them into scorer.json as
"confidence". Run after `calibrate` (or after swapping a model in):

    python -m training.calibrate_labels [--model-dir bot/analysis/model]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from training.common import MODEL_DIR, SEED, read_checkthat

ROOT = Path(__file__).resolve().parents[1]


def margins(model_dir: Path, texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The `unspin label` path's labels and decision values for each sentence."""
    sys.path.insert(0, str(ROOT))
    from bot.analysis import Analyzer
    from bot.analysis.subjectivity import load_scorer
    from bot.settings import AnalysisSettings

    out = Analyzer(load_scorer(model_dir), AnalysisSettings()).label_margins(texts)
    return [label for label, _ in out], np.array([abs(m) for _, m in out])


def fit(m: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood (a, b) of P(correct) = sigmoid(a * m + b)."""

    def loss(ab: np.ndarray) -> float:
        z = ab[0] * m + ab[1]
        return float(np.sum(np.logaddexp(0.0, z) - correct * z))

    res = minimize(loss, np.array([1.0, 0.0]), method="Nelder-Mead")
    return float(res.x[0]), float(res.x[1])


def table(title: str, conf: np.ndarray, correct: np.ndarray) -> float:
    """Print the reliability table in bins of width 0.1 (as evaluation.checkthat does)."""
    from evaluation.checkthat import print_table, reliability

    # Every confidence is >= 0.5 (the P of the chosen side): read it as P(right), threshold 0.5.
    return print_table(title, reliability(correct.astype(np.int64), conf, 0.5))


def confidences(m: np.ndarray, ab: tuple[float, float]) -> np.ndarray:
    """The runtime's mapping (bot.analysis.labels.confidence) applied to margins."""
    from bot.analysis.labels import confidence

    return np.array([confidence(float(x), ab) for x in m])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    args = ap.parse_args()
    texts, y = read_checkthat("dev")
    labels, m = margins(args.model_dir, texts)
    correct = (np.array([int(label != "reported") for label in labels]) == y).astype(float)
    table("before (a=1, b=0), dev:", confidences(m, (1.0, 0.0)), correct)
    rng = np.random.default_rng(SEED)
    half = rng.permutation(len(texts)) < len(texts) // 2
    ab_half = fit(m[half], correct[half])
    table(
        f"fitted on one half of dev (a={ab_half[0]:.3f}, b={ab_half[1]:.3f}), other half:",
        confidences(m[~half], ab_half),
        correct[~half],
    )
    ab = fit(m, correct)
    table(f"fitted on dev (a={ab[0]:.3f}, b={ab[1]:.3f}), in-sample:", confidences(m, ab), correct)
    path = args.model_dir / "scorer.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["confidence"] = {"a": round(ab[0], 4), "b": round(ab[1], 4)}
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    print(f"wrote confidence to {path}")


if __name__ == "__main__":
    main()
