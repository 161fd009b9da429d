"""Unlabelled news and opinion sentences for distilling the subjectivity encoder.

Sources (all in ../shared/data, none of them CheckThat! dev or the speed-benchmark pages):
CNN/DM and XSum articles of FRANK, Wikinews articles of the future-statements set, the
Webis-16 editorials (whole paragraphs, re-split into sentences), the English pages of
trafilatura's evaluation set (extracted as `unspin analyze` does) and a sample of Pang & Lee.
Sentences are split with the runtime's splitter, deduplicated, and any sentence of CheckThat!
dev is dropped. The list is deterministic (fixed order, seeded sampling).
"""

from __future__ import annotations

import gzip
import json
import random
import re

from training.common import SEED, SHARED, read_checkthat, runtime_module

_WS = re.compile(r"\s+")
# FRANK's CNN/DM articles are PTB-tokenised: undo the brackets and the split clitics.
_PTB = [
    ("-LRB-", "("),
    ("-RRB-", ")"),
    ("-LSB-", "["),
    ("-RSB-", "]"),
    ("``", '"'),
    ("''", '"'),
    (" 's", "'s"),
    (" n't", "n't"),
    (" ,", ","),
    (" .", "."),
    (" ;", ";"),
    (" :", ":"),
    (" ?", "?"),
    (" !", "!"),
    ("( ", "("),
    (" )", ")"),
]


def _split(text: str) -> list[str]:
    runtime_module()  # bot/ on sys.path
    from bot.analysis.sentences import split_sentences

    return split_sentences(text)


def _key(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


def frank_sentences() -> list[str]:
    """Sentences of the FRANK CNN/DM and XSum articles."""
    out: list[str] = []
    for line in (SHARED / "frank-validation.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        text = doc["article"]
        if doc["dataset"] == "cnndm":
            for a, b in _PTB:
                text = text.replace(a, b)
        out += _split(text)
    return out


def future_sentences() -> list[str]:
    """Sentences of the future-statements (mostly Wikinews) articles."""
    data = json.loads((SHARED / "future-statements-dev.json").read_text(encoding="utf-8"))
    out: list[str] = []
    for doc in data:
        out += _split(doc["original_text"])
    return out


def webis_sentences() -> list[str]:
    """Sentences of the Webis-16 editorials, each paragraph re-joined from its units."""
    out: list[str] = []
    for path in sorted((SHARED / "webis-editorials").glob("*/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for paragraph in doc["paragraphs"]:
            text = " ".join(u["text"].strip() for u in paragraph)
            text = re.sub(r"\s+([.,;:?!])", r"\1", text)
            out += _split(text)
    return out


def trafilatura_sentences() -> list[str]:
    """Sentences of the English trafilatura evaluation pages, extracted as the bot does."""
    runtime_module()
    from bot.analysis.sentences import segment
    from bot.extract import extract_article

    meta = json.loads((SHARED / "trafilatura-eval-en" / "evaldata_en.json").read_text("utf-8"))
    out: list[str] = []
    for url, page in sorted(meta.items()):
        path = SHARED / "trafilatura-eval-en" / "html" / f"{page['file']}.gz"
        if not path.is_file():
            continue
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        try:
            article = extract_article(html, url=url)
        except Exception:  # a page the extractor rejects adds nothing
            continue
        out += [s.text for s in segment(article)]
    return out


def pang_lee_sentences(n: int) -> list[str]:
    """A seeded sample of Pang & Lee sentences (movie domain, lower-cased)."""
    rows = (SHARED / "subj-pang-lee-2004" / "subj.all").read_text(encoding="latin-1").splitlines()
    texts = [line[2:].strip() for line in rows if line[:2] in ("0 ", "1 ")]
    random.Random(SEED).shuffle(texts)
    return texts[:n]


def build_corpus(pang_n: int = 3000, min_words: int = 4, max_words: int = 80) -> list[str]:
    """The deduplicated unlabelled sentences, without CheckThat! dev or train sentences."""
    dev, _ = read_checkthat("dev")
    train, _ = read_checkthat("train")
    seen = {_key(t) for t in dev + train}
    out: list[str] = []
    for name, texts in (
        ("frank", frank_sentences()),
        ("future-statements", future_sentences()),
        ("webis", webis_sentences()),
        ("trafilatura-eval-en", trafilatura_sentences()),
        ("pang-lee", pang_lee_sentences(pang_n)),
    ):
        kept = 0
        for t in texts:
            t = _WS.sub(" ", t).strip()
            k = _key(t)
            if k in seen or not (min_words <= len(t.split()) <= max_words):
                continue
            seen.add(k)
            out.append(t)
            kept += 1
        print(f"  corpus: {name}: {kept} sentences", flush=True)
    return out


if __name__ == "__main__":
    corpus = build_corpus()
    print(len(corpus))
