"""ROUGE of Unspin's summary points (CNN/DM) and tldr (XSum) next to Lead-k and LexRank.

Usage: python evaluation/summaries.py [--data PATH] [--cv] [--no-lexrank]

Prints ROUGE-1/2/L F-measure (rouge-score, Porter stemming) x 100 on the FRANK validation
articles: `points` joined against the CNN/DM highlights next to Lead-3, and `tldr` against the
XSum one-sentence summaries next to Lead-1. Every system sees the same sentences. With --cv it
also reruns the small weight grid in 5-fold cross-validation and reports the held-out scores.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import mean

from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis import Analyzer  # noqa: E402
from bot.analysis.salience import DEFAULT_WEIGHTS, Weights  # noqa: E402
from bot.analysis.subjectivity import load_default_scorer  # noqa: E402
from bot.analysis.summary import summarize  # noqa: E402
from bot.extract import article_from_text  # noqa: E402
from bot.models import Article, LabelledSentence  # noqa: E402
from bot.settings import AnalysisSettings  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "frank-validation.jsonl"
METRICS = ("rouge1", "rouge2", "rougeL")
SCORER = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)

# The FRANK texts lost their line breaks: "community.Dr Venter" is a paragraph boundary.
_GLUED = re.compile(r"(?<=[a-z0-9%)\]][.!?])(?=[\"\u201c\u2018]?[A-Z])")
_PTB = [
    (re.compile(r"-LRB-|-LSB-|-LCB-"), "("),
    (re.compile(r"-RRB-|-RSB-|-RCB-"), ")"),
    (re.compile(r"``|''|\\'\\'"), '"'),
    (re.compile(r" (n't|'s|'re|'ve|'m|'ll|'d)\b"), r"\1"),
    (re.compile(r" ([.,;:!?%)])"), r"\1"),
    (re.compile(r"([($]) "), r"\1"),
]


def normalise_reference(text: str) -> str:
    """Undo PTB tokenisation (-LRB-, ` 's`, `` quotes) so references tokenise like articles."""
    for pattern, repl in _PTB:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text).strip()


def build_article(text: str) -> Article:
    """Plain article text to an Article, restoring paragraph breaks lost in the data set."""
    return article_from_text(_GLUED.sub("\n", text))


@dataclass(frozen=True, slots=True)
class Item:
    """One evaluation article, prepared once for every system."""

    dataset: str
    reference: str
    article: Article
    labelled: list[LabelledSentence]


def load(path: Path) -> list[Item]:
    """Read the FRANK rows; split and label each article once with the real pipeline."""
    analyzer = Analyzer(load_default_scorer(), AnalysisSettings())
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        article = build_article(row["article"])
        labelled = list(analyzer.analyze(article).sentences)
        items.append(Item(row["dataset"], normalise_reference(row["reference"]), article, labelled))
    return items


def rouge(pairs: Iterable[tuple[str, str]]) -> list[dict[str, float]]:
    """Per-pair ROUGE F-measure x 100 over (reference, candidate) pairs."""
    return [
        {m: 100 * v.fmeasure for m, v in SCORER.score(ref, cand).items()} for ref, cand in pairs
    ]


def means(scores: Sequence[dict[str, float]]) -> dict[str, float]:
    """Mean of each metric."""
    return {m: mean(s[m] for s in scores) for m in METRICS}


def bootstrap_wins(
    ours: Sequence[dict[str, float]], base: Sequence[dict[str, float]], rounds: int = 2000
) -> dict[str, float]:
    """Share of paired bootstrap resamples of the articles in which ours beats the baseline."""
    rng = random.Random(0)
    n = len(ours)
    diffs = {m: [o[m] - b[m] for o, b in zip(ours, base, strict=True)] for m in METRICS}
    wins = dict.fromkeys(METRICS, 0)
    for _ in range(rounds):
        sample = [rng.randrange(n) for _ in range(n)]
        for m in METRICS:
            wins[m] += sum(diffs[m][k] for k in sample) > 0
    return {m: wins[m] / rounds for m in METRICS}


def lead(item: Item, k: int) -> str:
    """The first k sentences."""
    return " ".join(ls.sentence.text for ls in item.labelled[:k])


def lexrank(item: Item, k: int) -> str:
    """sumy's LexRank over the same sentences, k of them in article order."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    class Words:
        """Regex word tokenizer: sumy's own needs NLTK data we may not download."""

        language = "english"

        def to_words(self, text: str) -> list[str]:
            return re.findall(r"\w+", text)

    tok = Words()
    sents = [SumySentence(ls.sentence.text, tok) for ls in item.labelled]
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    chosen = summarizer(ObjectDocumentModel([Paragraph(sents)]), k)
    return " ".join(str(s) for s in chosen)


def ours_points(item: Item, weights: Weights) -> str:
    """Our summary points joined."""
    s = summarize(item.article, item.labelled, weights=weights)
    return " ".join(p.text for p in s.points)


def ours_tldr(item: Item, weights: Weights) -> str:
    """Our tldr."""
    return summarize(item.article, item.labelled, weights=weights).tldr


Row = tuple[str, str, list[dict[str, float]]]


def table(items: Sequence[Item], with_lexrank: bool) -> list[Row]:
    """Per-article ROUGE of every system on both halves of the data; ours first in each half."""
    rows: list[Row] = []
    for dataset, name, k, ours in (
        ("cnndm", "CNN/DM", 3, ours_points),
        ("xsum", "XSum", 1, ours_tldr),
    ):
        part = [i for i in items if i.dataset == dataset]
        label = f"{name} ({len(part)})"
        refs = [i.reference for i in part]
        output = "points" if k == 3 else "tldr"
        rows.append(
            (
                label,
                f"unspin {output}",
                rouge(zip(refs, (ours(i, DEFAULT_WEIGHTS) for i in part), strict=True)),
            )
        )
        rows.append((label, f"Lead-{k}", rouge(zip(refs, (lead(i, k) for i in part), strict=True))))
        if with_lexrank:
            rows.append(
                (
                    label,
                    f"LexRank-{k} (sumy)",
                    rouge(zip(refs, (lexrank(i, k) for i in part), strict=True)),
                )
            )
    return rows


GRID: dict[str, tuple[float, ...]] = {
    "centrality": (0.3, 0.5, 1.0),
    "decay": (0.05, 0.2, 0.4),
    "long_words": (30, 40),
    "tldr_centrality": (1.0, 2.0, 3.0),
}


def _per_article(item: Item, weights: Weights) -> dict[str, float]:
    """One article's ROUGE F for the output the bar measures (points or tldr)."""
    cand = ours_points(item, weights) if item.dataset == "cnndm" else ours_tldr(item, weights)
    s = SCORER.score(item.reference, cand)
    return {m: 100 * s[m].fmeasure for m in METRICS}


def _objective(
    table_: list[list[dict[str, float]]], items: Sequence[Item], combo: int, train: list[int]
) -> float:
    """Mean ROUGE-1/2/L on the training articles; both data sets count equally."""
    return sum(
        mean(mean(table_[combo][k].values()) for k in train if items[k].dataset == d)
        for d in ("cnndm", "xsum")
    )


def cross_validate(items: Sequence[Item], folds: int = 5) -> dict[str, dict[str, float]]:
    """Held-out ROUGE when the grid point is chosen on the other folds (stratified by data set)."""
    combos = [
        replace(DEFAULT_WEIGHTS, **dict(zip(GRID, values, strict=True)))  # type: ignore[arg-type]
        for values in itertools.product(*GRID.values())
    ]
    table_ = [[_per_article(item, w) for item in items] for w in combos]
    fold_of: dict[int, int] = {}
    for dataset in ("cnndm", "xsum"):
        for n, k in enumerate(k for k, it in enumerate(items) if it.dataset == dataset):
            fold_of[k] = n % folds
    held: dict[int, dict[str, float]] = {}
    picks: list[Weights] = []
    for f in range(folds):
        train = [k for k in range(len(items)) if fold_of[k] != f]

        best = max(range(len(combos)), key=lambda c: (_objective(table_, items, c, train), -c))
        picks.append(combos[best])
        for k in range(len(items)):
            if fold_of[k] == f:
                held[k] = table_[best][k]
    everyone = list(range(len(items)))
    overall = max(range(len(combos)), key=lambda c: (_objective(table_, items, c, everyone), -c))
    for name, p in [*(("fold pick", p) for p in picks), ("all-data pick", combos[overall])]:
        print(f"  {name}: " + ", ".join(f"{k}={getattr(p, k)}" for k in GRID))
    same = combos[overall] == DEFAULT_WEIGHTS
    print(f"  the shipped defaults are the all-data pick: {'yes' if same else 'NO'}")
    out = {}
    for dataset in ("cnndm", "xsum"):
        ks = [k for k in held if items[k].dataset == dataset]
        out[dataset] = {m: mean(held[k][m] for k in ks) for m in METRICS}
    return out


def _fmt(scores: dict[str, float]) -> str:
    return "  ".join(f"{scores[m]:6.2f}" for m in METRICS)


def main(argv: list[str] | None = None) -> int:
    """Print the ROUGE table (and optionally the cross-validated scores)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cv", action="store_true", help="5-fold CV of the weight grid")
    parser.add_argument("--no-lexrank", action="store_true", help="skip the sumy LexRank rows")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    items = load(args.data)
    t1 = time.perf_counter()
    for item in items:
        summarize(item.article, item.labelled)
    per = (time.perf_counter() - t1) / len(items) * 1000
    print(f"{'set':<14}{'system':<20}{'R-1':>6}  {'R-2':>6}  {'R-L':>6}")
    rows = table(items, not args.no_lexrank)
    for dataset, system, scores in rows:
        print(f"{dataset:<14}{system:<20}{_fmt(means(scores))}")
    for (dataset, _, ours), (_, system, base) in (
        pair for pair in itertools.pairwise(rows) if pair[1][1].startswith("Lead")
    ):
        wins = bootstrap_wins(ours, base)
        beats = all(means(ours)[m] >= means(base)[m] for m in METRICS)
        shares = ", ".join(f"{m} {wins[m]:.2f}" for m in METRICS)
        print(
            f"{dataset}: unspin >= {system} on all three: {'yes' if beats else 'NO'}; "
            f"share of bootstrap resamples where unspin is ahead: {shares}"
        )
    print(f"summarize: {per:.2f} ms per article (prep {time.perf_counter() - t0:.1f} s total)")
    if args.cv:
        held = cross_validate(items)
        print("5-fold cross-validated (grid chosen on the other folds):")
        print(f"{'CNN/DM':<14}{'unspin points':<20}{_fmt(held['cnndm'])}")
        print(f"{'XSum':<14}{'unspin tldr':<20}{_fmt(held['xsum'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
