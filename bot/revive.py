"""Rebuild an Analysis from its `unspin.analysis/1` JSON (the store's analyses cache)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.models import (
    LABELS,
    Analysis,
    Article,
    Block,
    Label,
    LabelledSentence,
    Prediction,
    Sentence,
    Summary,
    SummaryItem,
)
from bot.serialize import SCHEMA


class StaleCache(ValueError):
    """The cached JSON is not in the schema this version reads; analyse again."""


def _items(rows: Any) -> tuple[SummaryItem, ...]:
    return tuple(SummaryItem(int(r["i"]), str(r["text"])) for r in rows)


def analysis_from_json(data: Mapping[str, Any]) -> Analysis:
    """The Analysis `analysis_to_json` wrote; paragraphs are rebuilt from the sentences."""
    if data.get("schema") != SCHEMA:
        raise StaleCache(f"cached analysis has schema {data.get('schema')!r}")
    try:
        src = data["source"]
        labelled = []
        paragraphs: dict[int, list[str]] = {}
        quoted: dict[int, bool] = {}
        for row in data["sentences"]:
            label: Label = row["label"] if row["label"] in LABELS else "reported"
            s = Sentence(
                int(row["i"]), str(row["text"]), int(row["paragraph"]), bool(row["quoted"])
            )
            paragraphs.setdefault(s.paragraph, []).append(s.text)
            quoted[s.paragraph] = quoted.get(s.paragraph, True) and s.quoted
            labelled.append(
                LabelledSentence(
                    s, label, float(row["confidence"]), str(row["why"]), row["attribution"]
                )
            )
        blocks = tuple(Block(" ".join(paragraphs[p]), quoted[p]) for p in sorted(paragraphs))
        article = Article(
            title=str(src["title"]),
            blocks=blocks,
            url=src["url"],
            site=src["site"],
            author=src["author"],
            published=src["published"],
            language=str(src["language"]),
            warnings=tuple(src["warnings"]),
        )
        summ = data["summary"]
        tldr_ids = tuple(p.i for p in _items(summ["points"]) if p.text in summ["tldr"])
        summary = Summary(
            str(summ["tldr"]),
            tldr_ids,
            _items(summ["points"]),
            _items(summ["reported"]),
            _items(summ["argued"]),
        )
        predictions = tuple(
            Prediction(
                int(p["i"]), str(p["by"]), str(p["claim"]), str(p["question"]),
                p["condition"], p["resolve_by"],
            )
            for p in data["predictions"]
        )  # fmt: skip
        composition: dict[Label, float] = {
            k: float(data["composition"].get(k, 0.0)) for k in LABELS
        }
    except (KeyError, TypeError, ValueError) as error:
        raise StaleCache(f"cached analysis is malformed: {error}") from error
    return Analysis(article, tuple(labelled), summary, predictions, composition)
