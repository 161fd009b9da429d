"""Shared helpers for the training scripts: data loading, metrics, calibration, export."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import random
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CHECKTHAT = SHARED / "checkthat-en"
MODEL_DIR = Path(__file__).resolve().parents[1] / "bot" / "analysis" / "model"
SEED = 20231


def runtime_module() -> ModuleType:
    """bot.analysis.subjectivity loaded from its file, without importing the rest of bot.analysis.

    Training must featurise exactly as the runtime does, so it reuses the runtime's code.
    """
    name = "bot.analysis.subjectivity"
    if name in sys.modules:
        return sys.modules[name]
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    spec = importlib.util.spec_from_file_location(
        name, root / "bot" / "analysis" / "subjectivity.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def seed_everything(seed: int = SEED) -> None:
    """Fix the Python and numpy seeds (torch scripts also seed torch)."""
    random.seed(seed)
    np.random.seed(seed)


def read_checkthat(split: str) -> tuple[list[str], np.ndarray]:
    """Sentences and 0/1 labels (1 = SUBJ) of one CheckThat! split ("train" or "dev")."""
    path = CHECKTHAT / f"{split}_en.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, body = rows[0], rows[1:]
    s, lab = header.index("sentence"), header.index("label")
    texts = [r[s] for r in body]
    labels = np.array([1 if r[lab] == "SUBJ" else 0 for r in body], dtype=np.int64)
    return texts, labels


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    """Macro-averaged F1 over the two classes."""
    scores = []
    for c in (0, 1):
        tp = int(np.sum((pred == c) & (y == c)))
        fp = int(np.sum((pred == c) & (y != c)))
        fn = int(np.sum((pred != c) & (y == c)))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Threshold on p in [0.05, 0.95] maximising macro-F1, and the F1 reached.

    Ties are broken toward 0.5 so a flat optimum does not drift to an extreme.
    """
    best = (-1.0, 0.5)
    for t in np.round(np.arange(0.05, 0.951, 0.01), 2):
        f = macro_f1(y, (p >= t).astype(np.int64))
        if f > best[0] + 1e-9 or (abs(f - best[0]) <= 1e-9 and abs(t - 0.5) < abs(best[1] - 0.5)):
            best = (f, float(t))
    return best[1], best[0]


def fit_platt(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit P = sigmoid(a * logit + b) on the log-loss with Platt's smoothed targets."""
    from scipy.optimize import minimize

    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    x = np.asarray(logits, dtype=np.float64)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = params[0] * x + params[1]
        # log(1 + e^z) - t * z, written to stay finite for large |z|.
        value = float(np.sum(np.logaddexp(0.0, z) - t * z))
        g = 1 / (1 + np.exp(-z)) - t
        return value, np.array([np.sum(g * x), np.sum(g)])

    res = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def reliability(y: np.ndarray, p: np.ndarray, threshold: float, bins: int = 10) -> list[tuple]:
    """Rows (lo, hi, n, mean confidence, accuracy) with confidence = p if SUBJ chosen else 1-p."""
    pred = (p >= threshold).astype(np.int64)
    conf = np.where(pred == 1, p, 1 - p)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for lo, hi in itertools.pairwise(edges):
        m = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if m.sum():
            rows.append(
                (lo, hi, int(m.sum()), float(conf[m].mean()), float((pred[m] == y[m]).mean()))
            )
    return rows
