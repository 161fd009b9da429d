"""Extra, weaker training signal: Webis editorials units and Pang & Lee movie sentences."""

from __future__ import annotations

import json
import random

from training.common import SEED, SHARED

# Webis argumentative units: the author's own claim vs evidence the author reports.
WEBIS_LABELS = {"assumption": 1, "anecdote": 0, "statistics": 0, "testimony": 0}


def read_webis(min_words: int = 5) -> tuple[list[str], list[int]]:
    """Editorial units glued to their sentence-final piece, labelled 1 = author's claim."""
    texts: list[str] = []
    labels: list[int] = []
    for path in sorted((SHARED / "webis-editorials").glob("*/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for paragraph in doc["paragraphs"]:
            for k, unit in enumerate(paragraph):
                label = WEBIS_LABELS.get(unit["label"])
                text = unit["text"].strip()
                if label is None or len(text.split()) < min_words:
                    continue
                nxt = paragraph[k + 1]["text"].strip() if k + 1 < len(paragraph) else ""
                if nxt in {".", "?", "!"}:
                    text += nxt
                texts.append(text)
                labels.append(label)
    return texts, labels


def read_pang_lee(n: int = 2000) -> tuple[list[str], list[int]]:
    """A seeded sample of Pang & Lee sentences, labelled 1 = subjective (file label 0)."""
    rows = (SHARED / "subj-pang-lee-2004" / "subj.all").read_text(encoding="latin-1").splitlines()
    pairs = [
        (line[2:].strip(), 1 if line[0] == "0" else 0) for line in rows if line[:2] in ("0 ", "1 ")
    ]
    random.Random(SEED).shuffle(pairs)
    pairs = pairs[:n]
    return [t for t, _ in pairs], [y for _, y in pairs]
