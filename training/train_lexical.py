"""Train the lexical (TF-IDF + logistic regression) subjectivity model and export it as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training.common import (
    MODEL_DIR,
    SEED,
    best_threshold,
    fit_platt,
    macro_f1,
    read_checkthat,
    runtime_module,
    seed_everything,
)

_rt = runtime_module()
LEXICAL_FILE: str = _rt.LEXICAL_FILE
lexical_terms = _rt.lexical_terms


def make(c: float, min_df: int) -> tuple[TfidfVectorizer, LogisticRegression]:
    """A fresh vectoriser and classifier with the given regularisation and vocabulary cut."""
    vec = TfidfVectorizer(analyzer=lexical_terms, sublinear_tf=True, min_df=min_df)
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
    return vec, clf


def oof_logits(texts: list[str], y: np.ndarray, c: float, min_df: int) -> np.ndarray:
    """Out-of-fold decision values from 5-fold stratified cross-validation on train."""
    out = np.zeros(len(texts))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for tr, te in folds.split(texts, y):
        vec, clf = make(c, min_df)
        clf.fit(vec.fit_transform([texts[i] for i in tr]), y[tr])
        out[te] = clf.decision_function(vec.transform([texts[i] for i in te]))
    return out


def main() -> None:
    """Pick C and min_df by cross-validated macro-F1 on train, fit on train, report dev."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=MODEL_DIR / LEXICAL_FILE)
    args = ap.parse_args()
    seed_everything()
    texts, y = read_checkthat("train")
    dev_texts, dev_y = read_checkthat("dev")
    best = None
    for c in (0.3, 1.0, 3.0, 10.0):
        for min_df in (1, 2):
            oof = oof_logits(texts, y, c, min_df)
            a, b = fit_platt(oof, y)
            _, f = best_threshold(y, 1 / (1 + np.exp(-(a * oof + b))))
            print(f"C={c} min_df={min_df} cv macro-F1={f:.3f}")
            if best is None or f > best[0]:
                best = (f, c, min_df, a, b)
    assert best is not None
    _, c, min_df, a, b = best
    vec, clf = make(c, min_df)
    clf.fit(vec.fit_transform(texts), y)
    dev_logit = clf.decision_function(vec.transform(dev_texts))
    dev_p = 1 / (1 + np.exp(-(a * dev_logit + b)))
    threshold, dev_f1 = best_threshold(dev_y, dev_p)
    at_half = macro_f1(dev_y, (dev_p >= 0.5).astype(int))
    print(f"chosen C={c} min_df={min_df}; dev macro-F1 at 0.5={at_half:.3f}")
    print(f"dev macro-F1={dev_f1:.3f} at threshold {threshold:.2f}")
    terms = vec.get_feature_names_out()
    keep = np.flatnonzero(np.abs(clf.coef_[0]) > 1e-6)
    data = {
        "terms": [str(terms[i]) for i in keep],
        "idf": [round(float(vec.idf_[i]), 5) for i in keep],
        "coef": [round(float(clf.coef_[0][i]), 5) for i in keep],
        "intercept": float(clf.intercept_[0]),
        "calibration": {"a": a, "b": b},
        "threshold": threshold,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
