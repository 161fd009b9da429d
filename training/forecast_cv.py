"""Could a learned classifier of forward-looking sentences meet the Future Statements bar?

Logistic regression on word n-grams plus hand features (our rule decision, label, attribution,
future/modal cues, horizon, quotation, position), 5-fold cross-validated with folds grouped by
ARTICLE (no article is ever in both the training and the test part). Gold sentences are aligned
exactly as in evaluation/predictions.py. Prints the cross-validated precision at the recall the
issue asks for (0.65), the recall at its precision (0.45), and a few points of the curve.
Run: python -m training.forecast_cv [PATH]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.analysis import cues
from bot.analysis.labels import label_sentences
from bot.analysis.predictions import is_forecast
from bot.analysis.sentences import segment
from evaluation.predictions import DEFAULT, article_of, gold_sentences

SEED = 13


def _features(path: Path) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Sentence texts, hand features, gold flags and article ids of the whole set."""
    from bot.analysis.subjectivity import load_default_scorer

    scorer = load_default_scorer()
    data = json.loads(path.read_text(encoding="utf-8"))
    texts: list[str] = []
    hand: list[list[float]] = []
    gold: list[bool] = []
    groups: list[int] = []
    for a, item in enumerate(data):
        article = article_of(item["original_text"])
        sentences = segment(article)
        plain = [s.text for s in sentences]
        scores = scorer.subjectivity(plain)
        labelled = label_sentences(article, sentences, scores, scorer.threshold)
        aligned = gold_sentences(plain, item["extracted"])
        for k, row in enumerate(labelled):
            low = row.sentence.text.lower()
            hand.append(
                [
                    float(is_forecast(row)),
                    float(row.label == "prediction"),
                    float(row.label == "opinion"),
                    float(row.attribution is not None),
                    float(cues.FUTURE.search(low) is not None),
                    float(cues.WEAK_FUTURE.search(low) is not None),
                    float(cues.SPECULATION.search(low) is not None),
                    float(cues.INTENT.search(low) is not None),
                    float(cues.HORIZON.search(low) is not None),
                    float(row.sentence.quoted),
                    min(k, 20) / 20,
                    float(k == 0),
                    scores[k],
                ]
            )
            texts.append(row.sentence.text)
            gold.append(k in aligned)
            groups.append(a)
    return texts, np.array(hand), np.array(gold), np.array(groups)


def cross_validated(texts: list[str], hand: np.ndarray, y: np.ndarray, groups: np.ndarray) -> Any:
    """Out-of-fold probabilities from 5 folds grouped by article."""
    probs = np.zeros(len(texts))
    for train, test in GroupKFold(n_splits=5).split(hand, y, groups):
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        x_train = hstack([vec.fit_transform([texts[i] for i in train]), csr_matrix(hand[train])])
        x_test = hstack([vec.transform([texts[i] for i in test]), csr_matrix(hand[test])])
        model = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced", random_state=SEED)
        model.fit(x_train.tocsr(), y[train])
        probs[test] = model.predict_proba(x_test.tocsr())[:, 1]
    return probs


def main(argv: Sequence[str] = ()) -> int:
    """Print the cross-validated operating points next to the rules' own point."""
    path = Path(argv[0]) if argv else DEFAULT
    texts, hand, y, groups = _features(path)
    rules = hand[:, 0] > 0
    tp = int((rules & y).sum())
    print(f"{len(texts)} sentences, {int(y.sum())} gold, {len(set(groups.tolist()))} articles")
    print(f"rules (find_predictions)   recall {tp / y.sum():.3f}  precision {tp / rules.sum():.3f}")
    probs = cross_validated(texts, hand, y, groups)
    precision, recall, _ = precision_recall_curve(y, probs)
    for target in (0.3, 0.4, 0.5, 0.6, 0.65, 0.7):
        ok = np.where(recall >= target)[0]
        k = ok[np.argmax(precision[ok])]
        print(f"learned, CV by article     recall {recall[k]:.3f}  precision {precision[k]:.3f}")
    ok = np.where(precision >= 0.45)[0]
    best = float(recall[ok].max()) if ok.size else 0.0
    print(f"learned: best recall at precision >= 0.45: {best:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
