"""Sentence-level precision and recall of forecasts on the Future Statements dev set.

Each annotated statement is aligned to the article sentence that shares the largest fraction of
the words of its `Modality Evidence` plus `Predicted Attribute` (when that fraction is >= 0.4);
a sentence is gold when some statement aligns to it, predicted when find_predictions returns it.
Words are the issue's plain reading: lower-cased runs of letters and digits (punctuation dropped,
HTML entities such as "&amp;mdash;" decoded first), as a set, stop words kept. Removing stop words
or stemming was tried and changes no conclusion (recall and precision move by under 0.03).
The issue's regex baseline (recall 0.51, precision 0.25) is only reproduced with whole paragraphs
as units, which the second baseline line shows; with sentences the same regex scores lower.
Run: python -m evaluation.predictions [PATH]   (default ../shared/data/future-statements-dev.json)
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.analysis.labels import label_sentences
from bot.analysis.predictions import UNATTRIBUTED, find_predictions
from bot.analysis.sentences import segment
from bot.models import Article, Block

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "future-statements-dev.json"
MIN_OVERLAP = 0.4
_SOURCE_STOP = frozenset(
    ["the", "and", "for", "from", "with", "said", "says", "report", "study", "officials"]
)
_WORD = re.compile(r"\w+")
# The baseline the issue names: any modal verb marks a sentence as a forecast.
MODAL_BASELINE = re.compile(r"\b(?:will|would|could|may|might|shall|should|can|must)\b", re.I)
# Any trace of future reference at all: gold sentences without one are alignment noise, and their
# share caps the recall any finder of forward-looking sentences can reach.
ANY_FUTURE_CUE = re.compile(
    r"\b(?:will|won['’]t|\w+['’]ll|would|could|may|might|shall|should|can|must|going to|"
    r"(?:is|are) to|expect\w*|plan\w*|predict\w*|forecast\w*|project\w*|schedul\w*|intend\w*|"
    r"aims?|hop\w*|likely|unlikely|possib\w*|potential\w*|next|future|upcoming|soon|anticipat\w*|"
    r"due|threat\w*|warn\w*|promis\w*|vow\w*|pledg\w*|prospect\w*|outlook|later|20[2-9]\d)\b",
    re.I,
)


def words(text: str) -> set[str]:
    """Lower-cased word set of a text."""
    return {w.lower() for w in _WORD.findall(html.unescape(html.unescape(text)))}


def article_of(text: str) -> Article:
    """The plain text of a benchmark article as an Article, one block per non-empty line."""
    blocks = tuple(Block(line.strip()) for line in text.splitlines() if line.strip())
    return Article(title="", blocks=blocks)


def gold_predictors(
    sentences: Sequence[str], statements: Sequence[dict[str, object]]
) -> dict[int, list[str]]:
    """The sentences the annotated statements align to, each with the statements' predictors."""
    sets = [words(s) for s in sentences]
    gold: dict[int, list[str]] = {}
    for st in statements:
        query = words(f"{st.get('Modality Evidence') or ''} {st.get('Predicted Attribute') or ''}")
        if not query or not sets:
            continue
        best = max(range(len(sets)), key=lambda k: len(query & sets[k]))
        if len(query & sets[best]) / len(query) >= MIN_OVERLAP:
            gold.setdefault(best, []).append(str(st.get("Predictor") or ""))
    return gold


def gold_sentences(sentences: Sequence[str], statements: Sequence[dict[str, object]]) -> set[int]:
    """Indices of the sentences the annotated statements align to."""
    return set(gold_predictors(sentences, statements))


def same_source(by: str, predictors: Sequence[str]) -> bool:
    """True when our `by` shares a content word with an annotated predictor ("the NHC" ~ "NHC")."""
    ours = {w for w in words(by) if len(w) > 2 and w not in _SOURCE_STOP}
    return any(ours & words(p) for p in predictors)


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
    paragraphs = [0, 0, 0]
    author = 0
    cueless = 0
    sources = [0, 0, 0, 0]  # found gold sentences: right source, other source, author, unattributed
    for item in data:
        lines = [line.strip() for line in item["original_text"].splitlines() if line.strip()]
        gold_lines = gold_sentences(lines, item["extracted"])
        predicted_lines = {i for i, t in enumerate(lines) if MODAL_BASELINE.search(t)}
        paragraphs[0] += len(predicted_lines & gold_lines)
        paragraphs[1] += len(predicted_lines - gold_lines)
        paragraphs[2] += len(gold_lines - predicted_lines)
        article = article_of(item["original_text"])
        sentences = segment(article)
        texts = [s.text for s in sentences]
        predictors = gold_predictors(texts, item["extracted"])
        gold = set(predictors)
        cueless += sum(1 for i in gold if not ANY_FUTURE_CUE.search(texts[i]))
        labelled = label_sentences(article, sentences, scorer.subjectivity(texts), scorer.threshold)
        found = find_predictions(article, labelled)
        author += sum(1 for p in found if p.by == "author")
        for p in found:
            if p.i in gold:
                kind = {"author": 2, UNATTRIBUTED: 3}.get(p.by)
                sources[kind if kind else (0 if same_source(p.by, predictors[p.i]) else 1)] += 1
        for counts, predicted in (
            (ours, {p.i for p in found}),
            (base, {i for i, t in enumerate(texts) if MODAL_BASELINE.search(t)}),
        ):
            counts[0] += len(predicted & gold)
            counts[1] += len(predicted - gold)
            counts[2] += len(gold - predicted)
    gold_n = ours[0] + ours[2]
    print(f"{len(data)} articles, {gold_n} gold forecast sentences ({path.name})")
    for name, (tp, fp, fn) in (
        ("unspin find_predictions", ours),
        ("modal-verb regex", base),
        ("modal regex, paragraphs", paragraphs),
    ):
        r, p, f = prf(tp, fp, fn)
        print(f"{name:24s} recall {r:.3f}  precision {p:.3f}  F1 {f:.3f}  (predicted {tp + fp})")
    print(f"of which labelled the author's own: {author}")
    right, other, own, none = sources
    print(
        f"`by` on found gold sentences: names the annotated predictor {right}, another source "
        f"{other}, author {own}, unattributed {none}"
    )
    print(
        f"gold sentences with no future cue at all: {cueless} of {gold_n}; recall ceiling of any "
        f"finder of forward-looking sentences: {1 - cueless / max(gold_n, 1):.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
