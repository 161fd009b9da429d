"""Sentence-level precision and recall of forecasts on the Future Statements dev set.

Each annotated statement is aligned to the article sentence that shares the largest fraction of
the words of its `Modality Evidence` plus `Predicted Attribute` (when that fraction is >= 0.4);
a sentence is gold when some statement aligns to it, predicted when find_predictions returns it.
Run: python -m evaluation.predictions [PATH]   (default ../shared/data/future-statements-dev.json)
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.analysis.labels import label_sentences
from bot.analysis.predictions import find_predictions
from bot.analysis.sentences import segment
from bot.models import Article, Block

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "future-statements-dev.json"
MIN_OVERLAP = 0.4
_WORD = re.compile(r"\w+")
# The baseline the issue names: any modal verb marks a sentence as a forecast.
MODAL_BASELINE = re.compile(r"\b(?:will|would|could|may|might|shall|should|can|must)\b", re.I)


def words(text: str) -> set[str]:
    """Lower-cased word set of a text."""
    return {w.lower() for w in _WORD.findall(text)}


def article_of(text: str) -> Article:
    """The plain text of a benchmark article as an Article, one block per non-empty line."""
    blocks = tuple(Block(line.strip()) for line in text.splitlines() if line.strip())
    return Article(title="", blocks=blocks)


def gold_sentences(sentences: Sequence[str], statements: Sequence[dict[str, object]]) -> set[int]:
    """Indices of the sentences the annotated statements align to."""
    sets = [words(s) for s in sentences]
    gold: set[int] = set()
    for st in statements:
        query = words(f"{st.get('Modality Evidence') or ''} {st.get('Predicted Attribute') or ''}")
        if not query or not sets:
            continue
        best = max(range(len(sets)), key=lambda k: len(query & sets[k]))
        if len(query & sets[best]) / len(query) >= MIN_OVERLAP:
            gold.add(best)
    return gold


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Recall, precision and F1 from counts."""
    recall = tp / max(tp + fn, 1)
    precision = tp / max(tp + fp, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return recall, precision, f1


def main(argv: Sequence[str] = ()) -> int:
    """Print recall, precision and F1 of find_predictions next to the modal-verb baseline."""
    from bot.analysis.subjectivity import load_default_scorer

    path = Path(argv[0]) if argv else DEFAULT
    data = json.loads(path.read_text(encoding="utf-8"))
    scorer = load_default_scorer()
    ours = [0, 0, 0]
    base = [0, 0, 0]
    author = 0
    for item in data:
        article = article_of(item["original_text"])
        sentences = segment(article)
        texts = [s.text for s in sentences]
        gold = gold_sentences(texts, item["extracted"])
        labelled = label_sentences(article, sentences, scorer.subjectivity(texts), scorer.threshold)
        found = find_predictions(article, labelled)
        author += sum(1 for p in found if p.by == "author")
        for counts, predicted in (
            (ours, {p.i for p in found}),
            (base, {i for i, t in enumerate(texts) if MODAL_BASELINE.search(t)}),
        ):
            counts[0] += len(predicted & gold)
            counts[1] += len(predicted - gold)
            counts[2] += len(gold - predicted)
    gold_n = ours[0] + ours[2]
    print(f"{len(data)} articles, {gold_n} gold forecast sentences ({path.name})")
    for name, (tp, fp, fn) in (("unspin find_predictions", ours), ("modal-verb regex", base)):
        r, p, f = prf(tp, fp, fn)
        print(f"{name:24s} recall {r:.3f}  precision {p:.3f}  F1 {f:.3f}  (predicted {tp + fp})")
    print(f"of which labelled the author's own: {author}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
