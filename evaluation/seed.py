"""Score the labeller and prediction finder on the seed article against its careful labels.

Run: python -m evaluation.seed [SEEDS_DIR]   (default ../shared/seeds)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.analysis.labels import label_sentences
from bot.analysis.predictions import find_predictions
from bot.analysis.sentences import segment
from bot.extract import article_from_text, extract_article
from bot.models import Article, LabelledSentence, Prediction
from bot.ports import SubjectivityScorer

DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@dataclass(frozen=True, slots=True)
class SeedResult:
    """How one version of the seed article fared."""

    name: str
    scored: int
    agreed: int
    mismatches: tuple[str, ...]
    quoted_reported: int
    quoted_total: int
    required_found: int
    required_total: int
    listed_found: int
    listed_total: int
    questions: tuple[str, ...]

    @property
    def accuracy(self) -> float:
        """Share of non-ambiguous sentences labelled as in the labels file."""
        return self.agreed / max(self.scored, 1)

    @property
    def passed(self) -> bool:
        """All the bars of the issue: 90 %, quoted paragraphs, required and 5 of 7 predictions."""
        return (
            self.accuracy >= 0.9
            and self.quoted_reported == self.quoted_total
            and self.required_found == self.required_total
            and self.listed_found >= min(5, self.listed_total)
        )


def article_from_txt(text: str) -> Article:
    """Plain text -> Article through the project's plain-text reader."""
    return article_from_text(text)


def article_from_html(html: str) -> Article:
    """HTML -> Article through the project's extractor."""
    return extract_article(html)


def _find(labelled: Sequence[LabelledSentence], prefix: str) -> LabelledSentence | None:
    key = " ".join(prefix.split())
    for item in labelled:
        if " ".join(item.sentence.text.split()).startswith(key):
            return item
    return None


def sensible(question: str) -> bool:
    """A poll question is sensible when it is a short yes/no question, not a copied sentence."""
    head = question.split(" ", 1)[0].rstrip(",")
    return (
        question.endswith("?")
        and len(question) <= 300
        and (head in {"Will", "Is", "Are", "Does", "Do", "Would"} or ", will " in question)
    )


def evaluate(
    name: str, article: Article, labels: dict[str, object], scorer: SubjectivityScorer
) -> SeedResult:
    """Label one version of the seed article and compare with the careful labels."""
    sentences = segment(article)
    scores = scorer.subjectivity([s.text for s in sentences])
    labelled = label_sentences(article, sentences, scores, scorer.threshold)
    predictions = find_predictions(article, labelled)
    gold = labels["sentences"]
    assert isinstance(gold, list)
    scored = agreed = 0
    mismatches: list[str] = []
    for entry in gold:
        item = _find(labelled, entry["prefix"])
        if entry["ambiguous"]:
            continue
        scored += 1
        got = item.label if item else "(missing)"
        if got == entry["label"]:
            agreed += 1
        else:
            why = item.why if item else ""
            mismatches.append(f"{entry['label']:>10} <- {got:<10} {entry['prefix'][:60]!r} [{why}]")
    quoted = [b for b in article.blocks if b.quoted]
    quoted_items = [x for x in labelled if article.blocks[x.sentence.paragraph].quoted]
    if quoted:
        quoted_ok = sum(1 for x in quoted_items if x.label == "reported")
        quoted_n = len(quoted_items)
    else:  # plain text: the three news paragraphs the blog quotes, found by their prefixes
        prefixes = [
            e["prefix"]
            for e in gold
            if "blockquote" in e["why"] or e["why"].startswith("attributed statement")
        ]
        found = [_find(labelled, p) for p in prefixes]
        quoted_ok = sum(1 for x in found if x is not None and x.label == "reported")
        quoted_n = len(prefixes)
    listed = labels["predictions"]
    assert isinstance(listed, list)
    by_i: dict[int, Prediction] = {p.i: p for p in predictions if p.by == "author"}
    req = req_ok = found_n = 0
    questions: list[str] = []
    for entry in listed:
        item = _find(labelled, entry["sentence_prefix"])
        pred = by_i.get(item.sentence.i) if item else None
        ok = pred is not None and sensible(pred.question)
        found_n += ok
        if entry["required"]:
            req += 1
            req_ok += ok
        questions.append(f"{'ok ' if ok else 'MISS'} {pred.question if pred else entry['claim']}")
    return SeedResult(
        name,
        scored,
        agreed,
        tuple(mismatches),
        quoted_ok,
        quoted_n,
        req_ok,
        req,
        found_n,
        len(listed),
        tuple(questions),
    )


def main(argv: Sequence[str] = ()) -> int:
    """Print accuracy, mismatches and predictions for the .txt and .html seeds."""
    from bot.analysis.subjectivity import load_default_scorer

    seeds = Path(argv[0]) if argv else DEFAULT_SEEDS
    scorer = load_default_scorer()
    ok = True
    for labels_path in sorted(seeds.glob("*.labels.json")):
        stem = labels_path.name.removesuffix(".labels.json")
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
        versions = [("txt", article_from_txt((seeds / f"{stem}.txt").read_text(encoding="utf-8")))]
        versions.append(("html", article_from_html((seeds / f"{stem}.html").read_text("utf-8"))))
        for kind, article in versions:
            r = evaluate(f"{stem}.{kind}", article, labels, scorer)
            ok &= r.passed
            print(
                f"{r.name}: {r.agreed}/{r.scored} = {r.accuracy:.1%} non-ambiguous agree; "
                f"quoted reported {r.quoted_reported}/{r.quoted_total}; required predictions "
                f"{r.required_found}/{r.required_total}; listed {r.listed_found}/{r.listed_total}"
                f" -> {'PASS' if r.passed else 'FAIL'}"
            )
            for line in r.mismatches:
                print("   mismatch", line)
            for line in r.questions:
                print("   ", line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
