"""Three-way labels of `unspin analyze` on whole, hand-labelled articles (news and editorials).

Run: python -m evaluation.articles            score the labelled articles in evaluation/articles/
     python -m evaluation.articles --select   print the articles the fixed seed picks (no labels)
     python -m evaluation.articles --split SET ID   print one article's sentences, to label it

The labels follow the seed article's rules (../shared/seeds/*.labels.json): quoted or attributed
speech is `reported` even when it is the source's opinion or forecast; the author's own forecasts
are `prediction`; the author's judgements, recommendations and rhetorical questions are `opinion`.
Sentences marked ambiguous are not scored. They were written before Unspin was run on the
articles. Article texts are not stored here (licenses): they are rebuilt from ../shared/data, and
the script skips when it is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.analysis.sentences import segment
from bot.extract import article_from_text
from bot.models import LABELS, Article, Label
from bot.ports import SubjectivityScorer
from evaluation.questions import join_units

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LABELLED = Path(__file__).resolve().parent / "articles"
SEED = 20261125
MIN_SENTENCES, MAX_SENTENCES = 15, 45
# How many articles of each set the seed picks: news from both FRANK halves, editorials from
# each of the three Webis outlets, so no single publisher's style dominates.
QUOTA = {
    "frank-cnndm": 3,
    "frank-xsum": 3,
    "webis-aljazeera": 2,
    "webis-foxnews": 2,
    "webis-guardian": 2,
}
PREFIX = 60


def _frank() -> Iterator[tuple[str, str, str]]:
    path = DATA / "frank-validation.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        yield f"frank-{item['dataset']}", item["hash"], item["article"]


def _webis() -> Iterator[tuple[str, str, str]]:
    for path in sorted((DATA / "webis-editorials").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [join_units([u["text"] for u in p]) for p in data["paragraphs"]]
        text = "\n\n".join(p for p in paragraphs if p.strip())  # the title is the first line
        yield f"webis-{path.parent.name}", path.stem, text


def texts() -> dict[tuple[str, str], str]:
    """Every candidate article's plain text, keyed by (set, id), as a user would paste it."""
    return {(s, i): t for s, i, t in (*_frank(), *_webis())}


def build(text: str) -> Article:
    """Plain text -> Article the way `unspin analyze file.txt` builds it (bot.sources)."""
    return article_from_text(text)


def sha256(text: str) -> str:
    """Hex digest of the article text, to notice when the shared data changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def select(seed: int = SEED) -> list[tuple[str, str]]:
    """The articles the seed picks among those of 15-45 sentences, per set quota, in order."""
    rng = random.Random(seed)
    pool = texts()
    chosen: list[tuple[str, str]] = []
    for name, n in QUOTA.items():
        fits = sorted(
            key
            for key, text in pool.items()
            if key[0] == name and MIN_SENTENCES <= len(segment(build(text))) <= MAX_SENTENCES
        )
        chosen.extend(rng.sample(fits, n))
    return chosen


@dataclass(frozen=True, slots=True)
class Gold:
    """One labelled article: its sentences' gold labels and ambiguity flags."""

    name: str
    labels: tuple[Label, ...]
    ambiguous: tuple[bool, ...]


def load_gold(path: Path, pool: dict[tuple[str, str], str]) -> tuple[Gold, Article] | str:
    """A labelled article and its rebuilt Article, or why it cannot be scored."""
    data = json.loads(path.read_text(encoding="utf-8"))
    key = (data["set"], data["id"])
    text = pool.get(key)
    if text is None:
        return f"{path.name}: article {key} is not in the shared data"
    if sha256(text) != data["sha256"]:
        return f"{path.name}: the article text changed (sha256 differs)"
    article = build(text)
    sentences = segment(article)
    entries = data["sentences"]
    if len(sentences) != len(entries):
        return f"{path.name}: {len(sentences)} sentences now, {len(entries)} labelled"
    for s, e in zip(sentences, entries, strict=True):
        if s.i != e["i"] or not s.text.startswith(e["prefix"]):
            return f"{path.name}: sentence {s.i} no longer starts with {e['prefix']!r}"
    gold = Gold(
        f"{data['set']}/{data['id']}",
        tuple(e["label"] for e in entries),
        tuple(bool(e["ambiguous"]) for e in entries),
    )
    return gold, article


@dataclass(frozen=True, slots=True)
class Scores:
    """Three-way per-class precision/recall/F1, macro-F1 and the confusion matrix."""

    n: int
    per_class: dict[Label, tuple[float, float, float, int]]
    macro_f1: float
    confusion: dict[tuple[Label, Label], int]


def score(gold: Sequence[Label], pred: Sequence[Label]) -> Scores:
    """Per-class P/R/F1 (support = gold count) and macro-F1 over the three labels."""
    confusion = Counter(zip(gold, pred, strict=True))
    per: dict[Label, tuple[float, float, float, int]] = {}
    for c in LABELS:
        tp = confusion[(c, c)]
        n_pred = sum(1 for p in pred if p == c)
        n_gold = sum(1 for g in gold if g == c)
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0
        per[c] = (p, r, f, n_gold)
    present = [c for c in LABELS if per[c][3] or any(p == c for p in pred)]
    macro = sum(per[c][2] for c in present) / max(len(present), 1)
    return Scores(len(gold), per, macro, dict(confusion))


def article_bootstrap(
    articles: Sequence[tuple[list[Label], list[Label]]], n: int = 2000, seed: int = SEED
) -> tuple[float, float]:
    """Percentile 95% interval of pooled macro-F1 when whole articles are resampled."""
    rng = random.Random(seed)
    values = []
    for _ in range(n):
        g: list[Label] = []
        p: list[Label] = []
        for k in (rng.randrange(len(articles)) for _ in articles):
            g.extend(articles[k][0])
            p.extend(articles[k][1])
        values.append(score(g, p).macro_f1)
    values.sort()
    return values[int(0.025 * n)], values[min(int(0.975 * n), n - 1)]


def _print_scores(title: str, s: Scores) -> None:
    print(f"{title}: macro-F1 {s.macro_f1:.3f} over {s.n} sentences")
    for c in LABELS:
        p, r, f, n = s.per_class[c]
        print(f"    {c:<10} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (gold {n})")
    print("    confusion (rows gold, columns predicted):")
    print("    " + " " * 12 + "".join(f"{c:>12}" for c in LABELS))
    for g in LABELS:
        print(f"    {g:<12}" + "".join(f"{s.confusion.get((g, p), 0):>12}" for p in LABELS))


def _scorer_alone(texts_: Sequence[str], scorer: SubjectivityScorer) -> list[Label]:
    """The subjectivity model on its own at its threshold: SUBJ -> opinion, OBJ -> reported."""
    scores = scorer.subjectivity(list(texts_))
    return ["opinion" if x >= scorer.threshold else "reported" for x in scores]


def evaluate(folder: Path = LABELLED, *, show_errors: bool = False) -> int:
    """Run the shipped Analyzer on every labelled article and print the three systems' scores."""
    if not DATA.is_dir():
        print(f"skipped: {DATA} is not here (the shared data sets are not in a user's clone)")
        return 0
    from bot.analysis import Analyzer
    from bot.analysis.subjectivity import load_default_scorer
    from bot.settings import AnalysisSettings
    from evaluation.checkthat import print_table, reliability

    scorer = load_default_scorer()
    analyzer = Analyzer(scorer, AnalysisSettings())
    pool = texts()
    pooled: dict[str, tuple[list[Label], list[Label]]] = {
        k: ([], []) for k in ("unspin", "all reported", "scorer alone")
    }
    by_kind: dict[str, tuple[list[Label], list[Label]]] = {}
    confidences: list[tuple[float, bool]] = []  # unspin's label confidence, and whether right
    per_article: dict[str, list[tuple[list[Label], list[Label]]]] = {k: [] for k in pooled}
    files = sorted(folder.glob("*.json"))
    print(f"{len(files)} labelled articles in {folder} (chosen with seed {SEED})")
    for path in files:
        loaded = load_gold(path, pool)
        if isinstance(loaded, str):
            print("  skipped:", loaded)
            continue
        gold, article = loaded
        analysis = analyzer.analyze(article)
        if len(analysis.sentences) != len(gold.labels):
            print(f"  skipped: {gold.name}: the analyzer split it into other sentences")
            continue
        texts_ = [x.sentence.text for x in analysis.sentences]
        systems: dict[str, list[Label]] = {
            "unspin": [x.label for x in analysis.sentences],
            "all reported": ["reported"] * len(texts_),
            "scorer alone": _scorer_alone(texts_, scorer),
        }
        keep = [i for i, amb in enumerate(gold.ambiguous) if not amb]
        g = [gold.labels[i] for i in keep]
        counts = Counter(g)
        line = f"  {gold.name:<55} {len(keep):>2}/{len(gold.labels):>2} scored "
        line += f"(r {counts['reported']}, o {counts['opinion']}, p {counts['prediction']})"
        for name, labels in systems.items():
            p = [labels[i] for i in keep]
            pooled[name][0].extend(g)
            pooled[name][1].extend(p)
            per_article[name].append((g, p))
            acc = sum(a == b for a, b in zip(g, p, strict=True)) / max(len(g), 1)
            line += f"  {name} {score(g, p).macro_f1:.3f}/{acc:.2f}"
        kind = gold.name.split("-")[0]
        by_kind.setdefault(kind, ([], []))
        by_kind[kind][0].extend(g)
        by_kind[kind][1].extend(systems["unspin"][i] for i in keep)
        confidences += [
            (analysis.sentences[i].confidence, analysis.sentences[i].label == gold.labels[i])
            for i in keep
        ]
        print(line)
        if show_errors:
            for i in keep:
                item = analysis.sentences[i]
                if item.label != gold.labels[i]:
                    print(f"      [{i}] gold {gold.labels[i]} <- {item.label}: ", end="")
                    print(f"{item.sentence.text[:140]!r}  why: {item.why}")
    print("  (per article: macro-F1 over the labels in its gold or output / accuracy)")
    print()
    for name, (g, p) in pooled.items():
        _print_scores(f"pooled, {name}", score(g, p))
        lo, hi = article_bootstrap(per_article[name])
        print(
            f"    95% interval of pooled macro-F1, resampling whole articles: [{lo:.3f}, {hi:.3f}]"
        )
    for kind, (g, p) in sorted(by_kind.items()):
        _print_scores(f"unspin on {kind} articles only", score(g, p))
    print()
    # A label's confidence is the P of the side it chose, so every one is >= 0.5: read it as
    # P(right) with threshold 0.5, and reliability's accuracy is the share of right labels.
    conf = np.array([c for c, _ in confidences])
    right = np.array([int(ok) for _, ok in confidences])
    title = "Reliability of unspin's label confidence, bins of width 0.1:"
    print_table(title, reliability(right, conf, 0.5))
    return 0


def main(argv: Sequence[str] = ()) -> int:
    """Score the labelled articles, list the seeded choice, or print one article's sentences."""
    parser = argparse.ArgumentParser(prog="python -m evaluation.articles")
    parser.add_argument("--select", action="store_true", help="print the seeded article choice")
    parser.add_argument("--split", nargs=2, metavar=("SET", "ID"), help="print one article")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    args = parser.parse_args(list(argv))
    if args.select or args.split:
        if not DATA.is_dir():
            print(f"skipped: {DATA} is not here")
            return 0
        if args.select:
            print(f"seed {SEED}, {MIN_SENTENCES}-{MAX_SENTENCES} sentences, quota {QUOTA}")
            for name, ident in select():
                print(name, ident)
            return 0
        text = texts()[(args.split[0], args.split[1])]
        print("sha256", sha256(text))
        for s in segment(build(text)):
            print(f"[{s.i}] (p{s.paragraph}{' q' if s.quoted else ''}) {s.text}")
        return 0
    return evaluate(show_errors=args.errors)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
