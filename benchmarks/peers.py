"""Peer pipelines timed against `unspin analyze`: run as `python peers.py TOOL FILE...`.

trafilatura-lexrank: trafilatura.extract, then sumy's LexRank for a 3-sentence summary.
newspaper: newspaper4k parse, then its nlp() (keywords and summary).
textblob-label / tfidf-label MODEL: label the sentences on stdin, one JSON line each.
Each prints one JSON line per page or sentence so the work cannot be skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def trafilatura_lexrank(paths: list[str]) -> None:
    """Extract with trafilatura and summarise with LexRank (3 sentences)."""
    import trafilatura
    from sumy.nlp.stemmers import Stemmer
    from sumy.nlp.tokenizers import Tokenizer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = Tokenizer("english")
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    for path in paths:
        text = trafilatura.extract(Path(path).read_bytes()) or ""
        parser = PlaintextParser.from_string(text, tokenizer)
        summary = [str(s) for s in summarizer(parser.document, 3)]
        print(json.dumps({"path": path, "words": len(text.split()), "summary": summary}))


def newspaper_nlp(paths: list[str]) -> None:
    """Parse with newspaper4k and run its nlp() step."""
    from newspaper import Article

    for path in paths:
        # fetch_images=False: by default newspaper downloads the page's images to pick a top
        # image, which only times out on this offline machine and is not article analysis.
        article = Article("https://example.com/article", language="en", fetch_images=False)
        article.download(input_html=Path(path).read_text(encoding="utf-8", errors="replace"))
        article.parse()
        try:
            article.nlp()
        except Exception as exc:  # newspaper raises on empty text; count it, don't stop
            print(json.dumps({"path": path, "error": type(exc).__name__}))
            continue
        print(json.dumps({"path": path, "words": len(article.text.split()),
                          "summary": article.summary}))  # fmt: skip


def textblob_label(_: list[str]) -> None:
    """TextBlob's subjectivity score per stdin line; SUBJ at 0.5 or more."""
    from textblob import TextBlob

    for line in sys.stdin:
        if text := line.strip():
            subj = TextBlob(text).sentiment.subjectivity
            print(json.dumps({"text": text, "label": "SUBJ" if subj >= 0.5 else "OBJ"}))


def tfidf_label(model: list[str]) -> None:
    """A pickled TF-IDF + logistic regression pipeline (fitted before timing) per stdin line."""
    import pickle

    with open(model[0], "rb") as fh:
        pipe = pickle.load(fh)
    texts = [t for line in sys.stdin if (t := line.strip())]
    for text, label in zip(texts, pipe.predict(texts), strict=True):
        print(json.dumps({"text": text, "label": "SUBJ" if label else "OBJ"}))


if __name__ == "__main__":
    tools = {
        "trafilatura-lexrank": trafilatura_lexrank,
        "newspaper": newspaper_nlp,
        "textblob-label": textblob_label,
        "tfidf-label": tfidf_label,
    }
    tools[sys.argv[1]](sys.argv[2:])
