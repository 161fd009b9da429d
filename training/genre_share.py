"""Where the share of sentences the model finds subjective separates news from editorials.

`bot/analysis/labels.py` reads a piece as argued when more than GENRE_SUBJECTIVE of the author's
own (unquoted) sentences score above the model's threshold. This script prints, for the shipped
model, that share's distribution over news (the CNN/DailyMail and BBC articles of FRANK and the
Wikinews articles of future-statements-dev.json) and over opinion (the Webis-Editorials-16
editorials), leaving out the twelve hand-labelled articles of evaluation/articles, and the cut
that misreads the fewest pieces of the two kinds (each kind weighted equally). Rerun it when the
model changes: the cut is a property of the model. Run from the repository root with
../shared/data present:

    python -m training.genre_share
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from bot.analysis.labels import GENRE_MIN_SENTENCES, GENRE_SUBJECTIVE
from bot.analysis.sentences import segment
from bot.analysis.subjectivity import MODEL_DIR, load_scorer
from evaluation import articles
from evaluation.predictions import article_of

CUTS = [round(0.05 * k, 2) for k in range(2, 13)]


def shares(texts: Iterable[str], model_dir: Path) -> np.ndarray:
    """Per text of GENRE_MIN_SENTENCES own sentences or more: the share scored above threshold."""
    scorer = load_scorer(model_dir)
    out = []
    for text in texts:
        own = [s.text for s in segment(article_of(text)) if not s.quoted]
        if len(own) >= GENRE_MIN_SENTENCES:
            p = np.array(scorer.subjectivity(own))
            out.append(float(np.mean(p > scorer.threshold)))
    return np.array(out)


def main() -> None:
    """Print the two distributions and the cut with the lowest balanced error."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    model_dir = ap.parse_args().model_dir
    news_items = json.loads((articles.DATA / "future-statements-dev.json").read_text("utf-8"))
    labelled = {
        (data["set"], data["id"])
        for data in (json.loads(f.read_text("utf-8")) for f in articles.LABELLED.glob("*.json"))
    }
    pool = {key: text for key, text in articles.texts().items() if key not in labelled}
    frank = [text for (name, _), text in pool.items() if name.startswith("frank-")]
    news = shares([*frank, *(item["original_text"] for item in news_items)], model_dir)
    eds = shares([text for (name, _), text in pool.items() if name.startswith("webis-")], model_dir)
    print(f"model {model_dir}: {len(news)} news articles, {len(eds)} editorials")
    print(f"median share: news {np.median(news):.3f}, editorials {np.median(eds):.3f}")
    print("cut    news above  editorials above  balanced error")
    best = min(CUTS, key=lambda c: (np.mean(news > c) + np.mean(eds <= c), -c))
    for cut in CUTS:
        err = (np.mean(news > cut) + np.mean(eds <= cut)) / 2
        mark = " <- lowest" if cut == best else ""
        above = f"{np.mean(news > cut):10.3f}  {np.mean(eds > cut):16.3f}"
        print(f"{cut:.2f}   {above}  {err:.3f}{mark}")
    print(f"GENRE_SUBJECTIVE in bot/analysis/labels.py: {GENRE_SUBJECTIVE}")


if __name__ == "__main__":
    main()
