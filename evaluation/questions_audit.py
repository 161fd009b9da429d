"""Count poll questions that fall back to the quoted form or fail simple yes/no-question checks.

Runs the whole analysis (segmenting, the default subjectivity model, labels, find_predictions,
without the per-article cap) over the CNN/DM and XSum articles of frank-validation.jsonl and the
articles of future-statements-dev.json, then prints the number of predictions, the share whose
question is the fallback `Will this turn out to be true: “…”?`, the share that fails a simple
check (see MALFORMED_CHECKS), both split by author / attributed, and 20 random examples (seed 7).
Run: python -m evaluation.questions_audit [N_EXAMPLES] [SEED]
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.analysis.labels import label_sentences
from bot.analysis.predictions import find_predictions
from bot.analysis.questions import MAX_QUESTION
from bot.analysis.sentences import segment
from bot.errors import ExtractionError
from bot.extract import article_from_text
from bot.models import Article
from bot.ports import SubjectivityScorer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FALLBACK = "Will this turn out to be true:"
_YES_NO = re.compile(
    r"^(?:Will|Would|Is|Are|Was|Were|Do|Does|Did|Has|Have|Had|Can|Could|Should|Shall|May|Might|"
    r"Must)\b"
)
# A condition may open the question: "If the talks fail, will Germany leave?".
_CONDITION_THEN_ASK = re.compile(
    r"^(?:If|Unless|Once|When|Whenever|Until|As long as|The next time|Should)\b[^?]*?,\s+"
    r"(?:will|would|is|are|does|do|can|could)\b"
)
# A pronoun (or possessive) right after the auxiliary has no antecedent inside a poll question.
_DANGLING = re.compile(
    r"^(?:[^,]*,\s+)?(?:will|would|is|are|was|were|do|does|did|has|have|can|could)\s+"
    r"(?:he|she|they|it|him|her|them|his|its|their|i|me|my)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"^(?:[^,]*,\s+)?(?:will|is|are|do|does|can)\s+(?:we|our|you)\b", re.I)
_DOUBLE_MODAL = re.compile(r"^Will\s+\S+(?:\s+\S+){0,5}\s+(?:will|would|shall)\s", re.I)


def _quotes_unbalanced(q: str) -> bool:
    return q.count("“") != q.count("”") or q.count('"') % 2 == 1


MALFORMED_CHECKS: dict[str, Callable[[str], bool]] = {
    "no yes/no opening": lambda q: not (_YES_NO.match(q) or _CONDITION_THEN_ASK.match(q)),
    "no final '?'": lambda q: not q.endswith("?"),
    "dangling pronoun": lambda q: bool(_DANGLING.match(q)) and not q.startswith(FALLBACK),
    f"over {MAX_QUESTION} chars": lambda q: len(q) > MAX_QUESTION,
    "cut short (…)": lambda q: q.endswith(("…?", "…”?")),
    "unbalanced quotes": _quotes_unbalanced,
    "two future verbs (Will X will)": lambda q: bool(_DOUBLE_MODAL.match(q)),
}


@dataclass(frozen=True, slots=True)
class Asked:
    """One prediction's question with where it came from."""

    source: str
    by: str
    sentence: str
    question: str


def articles() -> Iterator[tuple[str, Article]]:
    """The CNN/DM and XSum articles of FRANK, then the Future Statements articles."""
    for line in (DATA / "frank-validation.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        try:
            yield item["dataset"], article_from_text(item["article"])
        except ExtractionError:
            continue
    data = json.loads((DATA / "future-statements-dev.json").read_text(encoding="utf-8"))
    for item in data:
        try:
            yield "future", article_from_text(item["original_text"])
        except ExtractionError:
            continue


def ask_all(scorer: SubjectivityScorer) -> list[Asked]:
    """Every prediction's question in every article (no per-article cap)."""
    asked: list[Asked] = []
    for source, article in articles():
        sentences = segment(article)
        texts = [s.text for s in sentences]
        labelled = label_sentences(article, sentences, scorer.subjectivity(texts), scorer.threshold)
        for p in find_predictions(article, labelled):
            asked.append(Asked(source, p.by, texts[p.i], p.question))
    return asked


def failed_checks(question: str) -> list[str]:
    """The names of the simple checks a question fails."""
    return [name for name, check in MALFORMED_CHECKS.items() if check(question)]


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / max(whole, 1):.1%}"


def report(asked: Sequence[Asked], examples: int = 20, seed: int = 7) -> None:
    """Print counts, shares, the failures by check and a fixed random sample."""
    print(f"predictions: {len(asked)}  by source: {dict(Counter(a.source for a in asked))}")
    groups = {
        "all": list(asked),
        "author": [a for a in asked if a.by == "author"],
        "attributed": [a for a in asked if a.by != "author"],
    }
    for name, items in groups.items():
        fallback = sum(1 for a in items if a.question.startswith(FALLBACK))
        malformed = sum(1 for a in items if failed_checks(a.question))
        print(
            f"{name:10s} n={len(items):4d}  fallback {_share(fallback, len(items)):18s}  "
            f"malformed {_share(malformed, len(items))}"
        )
    reasons = Counter(r for a in asked for r in failed_checks(a.question))
    for reason, count in reasons.most_common():
        print(f"  fails '{reason}': {count}")
    first = sum(1 for a in asked if _FIRST_PERSON.match(a.question))
    print(f"  (not counted) subject 'we'/'you'/'our': {first}")
    rng = random.Random(seed)
    print(f"--- {examples} random examples (seed {seed})")
    for a in rng.sample(list(asked), min(examples, len(asked))):
        flags = ", ".join(failed_checks(a.question))
        print(f"[{a.source}] by {a.by}: {a.sentence[:220]}")
        print(f"    -> {a.question}" + (f"   !! {flags}" if flags else ""))


def main(argv: Sequence[str] = ()) -> int:
    """Run the audit with the default subjectivity model."""
    from bot.analysis.subjectivity import load_default_scorer

    examples = int(argv[0]) if argv else 20
    seed = int(argv[1]) if len(argv) > 1 else 7
    report(ask_all(load_default_scorer()), examples, seed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
