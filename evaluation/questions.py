"""Print the poll questions Unspin writes for N articles of each data set, for a person to eyeball.

Run: python -m evaluation.questions [N]   (default 4 articles per set; the examples always)
Sets: the seed (.txt), examples/*.html, frank-validation news, webis-editorials, future-statements.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.analysis import Analyzer
from bot.extract import article_from_text, extract_article
from bot.models import Article
from bot.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _seed(n: int) -> Iterator[tuple[str, Article]]:
    for path in sorted((SHARED / "seeds").glob("*.txt"))[:n]:
        yield path.name, article_from_text(path.read_text(encoding="utf-8"))


def _examples(n: int) -> Iterator[tuple[str, Article]]:
    for path in sorted((ROOT / "examples").glob("*.htm*"))[:n]:
        yield path.name, extract_article(path.read_text(encoding="utf-8"))


def _frank(n: int) -> Iterator[tuple[str, Article]]:
    path = SHARED / "data" / "frank-validation.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    step = max(len(lines) // max(n, 1), 1)
    for line in lines[::step][:n]:
        item = json.loads(line)
        yield f"frank {item['dataset']} {item['hash'][:8]}", article_from_text(item["article"])


def join_units(units: Sequence[str]) -> str:
    """Argument units are sub-sentence pieces: rejoin them with spaces, not before punctuation."""
    text = ""
    for unit in units:
        piece = unit.strip()
        glue = "" if not text or piece[:1] in ".,;:!?)’”" else " "
        text += glue + piece
    return text


def _webis(n: int) -> Iterator[tuple[str, Article]]:
    folder = SHARED / "data" / "webis-editorials"
    paths = sorted(folder.glob("*/*.json")) if folder.exists() else []
    step = max(len(paths) // max(n, 1), 1)
    for path in paths[::step][:n]:
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [join_units([u["text"] for u in p]) for p in data["paragraphs"]]
        text = "\n\n".join(p.strip() for p in paragraphs[1:] if p.strip())
        yield f"webis {path.parent.name}/{path.stem}", article_from_text(text, title=paragraphs[0])


def _future(n: int) -> Iterator[tuple[str, Article]]:
    path = SHARED / "data" / "future-statements-dev.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    step = max(len(data) // max(n, 1), 1)
    for k in range(0, min(len(data), step * n), step):
        yield f"future-statements #{k}", article_from_text(data[k]["original_text"])


def main(argv: Sequence[str] = ()) -> int:
    """Print sentence, source and poll question of every prediction in the sampled articles."""
    from bot.analysis.subjectivity import load_default_scorer

    n = int(argv[0]) if argv else 4
    analyzer = Analyzer(load_default_scorer(), AnalysisSettings())
    for source in (_seed, _examples, _frank, _webis, _future):
        for name, article in source(n):
            analysis = analyzer.analyze(article)
            print(f"=== {name}: {len(analysis.predictions)} predictions")
            for p in analysis.predictions:
                text = analysis.sentences[p.i].sentence.text
                print(f"  [{p.i}] {text[:200]}")
                print(f"      by {p.by}: {p.question}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
