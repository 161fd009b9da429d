"""Score Unspin's extraction against naive trafilatura (Zyte benchmark, trafilatura-eval-en).

Run from the repository root: python -m evaluation.extraction [DATA_DIR]   (default ../shared/data)

Zyte article-extraction-benchmark (181 pages): the benchmark's own metric, as its README describes
it: `\\w+` tokens, 4-gram shingle multisets, per-document TP/FP/FN normalised to sum to 1, mean
precision and mean recall over documents, F1 of the two means. Our score is computed on the text
of the returned sentences (bot.analysis.sentences.segment), and on Article.text for reference.

trafilatura-eval-en (160 pages): every `with` snippet must appear in the extracted text and
every `without` snippet must not (whitespace normalised); accuracy over all snippets.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import trafilatura

from bot.analysis.sentences import segment
from bot.decode import decode_body
from bot.errors import ExtractionError
from bot.extract import extract_article

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_TOKEN = re.compile(r"\w+")
_WS = re.compile(r"\s+")

Extractor = Callable[[str, str | None], str]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of n-token shingles of a text (a shorter text is one shingle)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def benchmark_scores(truth: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[float, ...]:
    """(F1, precision, recall) with the Zyte benchmark's per-document normalisation."""
    precisions: list[float] = []
    recalls: list[float] = []
    for key, body in truth.items():
        gold, got = shingles(body), shingles(predicted.get(key, ""))
        tp = sum((gold & got).values())
        fp = sum((got - gold).values())
        fn = sum((gold - got).values())
        if tp + fp + fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def _ours_sentences(html: str, url: str | None) -> str:
    try:
        article = extract_article(html, url=url)
    except ExtractionError:
        return ""
    return "\n".join(s.text for s in segment(article))


def _ours_blocks(html: str, url: str | None) -> str:
    try:
        return extract_article(html, url=url).text
    except ExtractionError:
        return ""


def _naive(html: str, url: str | None) -> str:
    return trafilatura.extract(html, url=url) or ""


def _run(
    extractor: Extractor, pages: Mapping[str, tuple[str, str | None]]
) -> tuple[dict[str, str], float]:
    start = time.perf_counter()
    out = {key: extractor(html, url) for key, (html, url) in pages.items()}
    return out, time.perf_counter() - start


def _decoded(path: Path) -> str:
    """A gzipped page as text, decoded the way the fetcher decodes bodies."""
    return decode_body(gzip.decompress(path.read_bytes()), None)


def zyte(data: Path) -> None:
    """Print F1 / precision / recall and time for ours and naive trafilatura on the 181 pages."""
    folder = data / "article-extraction-benchmark"
    truth_file = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {key: entry["articleBody"] for key, entry in truth_file.items()}
    pages = {
        key: (_decoded(folder / "html" / f"{key}.html.gz"), entry.get("url"))
        for key, entry in sorted(truth_file.items())
    }
    print(f"Zyte article-extraction-benchmark: {len(pages)} pages")
    print(f"{'extractor':38s} {'F1':>6s} {'prec':>6s} {'recall':>6s}")
    scored = (
        ("naive trafilatura.extract()", _naive),
        ("unspin extract_article (Article.text)", _ours_blocks),
        ("unspin, text of returned sentences", _ours_sentences),
    )
    for name, extractor in scored:
        predicted, _ = _run(extractor, pages)
        f1, precision, recall = benchmark_scores(truth, predicted)
        print(f"{name:38s} {f1:6.4f} {precision:6.4f} {recall:6.4f}")
    # Timed after a warm run (imports and caches), alternating so machine load hits both alike.
    naive_s = ours_s = 0.0
    for _ in range(2):
        naive_s += _run(_naive, pages)[1]
        ours_s += _run(_ours_blocks, pages)[1]
    print(
        f"time over the pages: trafilatura.extract() {naive_s / 2:.2f} s, "
        f"extract_article {ours_s / 2:.2f} s, ratio {ours_s / naive_s:.2f}"
    )


def _snippet_accuracy(
    cases: Mapping[str, Mapping[str, list[str]]], predicted: Mapping[str, str]
) -> tuple[float, float, float]:
    """(accuracy, share of `with` found, share of `without` wrongly kept)."""
    found = missed = leaked = clean = 0
    for url, case in cases.items():
        text = _WS.sub(" ", predicted.get(url, ""))
        for snippet in case["with"]:
            if _WS.sub(" ", snippet).strip() in text:
                found += 1
            else:
                missed += 1
        for snippet in case["without"]:
            if _WS.sub(" ", snippet).strip() in text:
                leaked += 1
            else:
                clean += 1
    total = found + missed + leaked + clean
    return (found + clean) / total, found / (found + missed), leaked / (leaked + clean)


def trafilatura_eval(data: Path) -> None:
    """Print with/without snippet accuracy for ours and naive trafilatura on trafilatura-eval-en."""
    folder = data / "trafilatura-eval-en"
    cases = json.loads((folder / "evaldata_en.json").read_text(encoding="utf-8"))
    pages = {
        url: (
            decode_body(gzip.decompress((folder / "html" / f"{c['file']}.gz").read_bytes()), None),
            url,
        )
        for url, c in cases.items()
    }
    print(f"\ntrafilatura-eval-en: {len(pages)} pages")
    print(f"{'extractor':38s} {'acc':>6s} {'with':>6s} {'w/out!':>6s}")
    for name, extractor in (
        ("naive trafilatura.extract()", _naive),
        ("unspin extract_article", _ours_blocks),
    ):
        predicted, _ = _run(extractor, pages)
        accuracy, found, leaked = _snippet_accuracy(cases, predicted)
        print(f"{name:38s} {accuracy:6.4f} {found:6.4f} {leaked:6.4f}")
    print("(with = share of must-keep snippets found; w/out! = share of boilerplate snippets kept)")


def main(argv: list[str]) -> int:
    """Run both evaluations; exit 2 with a message when the shared data is absent."""
    data = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA
    if not (data / "article-extraction-benchmark").is_dir():
        print(f"Shared data not found at {data} (expected ../shared/data next to the repository).")
        return 2
    zyte(data)
    if (data / "trafilatura-eval-en").is_dir():
        trafilatura_eval(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
