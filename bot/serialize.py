"""Pure conversion of an Analysis to the public `unspin.analysis/1` JSON contract."""

from __future__ import annotations

from typing import Any

from bot.models import Analysis, SummaryItem

SCHEMA = "unspin.analysis/1"
ERROR_SCHEMA = "unspin.error/1"


def _items(items: tuple[SummaryItem, ...]) -> list[dict[str, Any]]:
    return [{"i": item.i, "text": item.text} for item in items]


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """Return the contract object for one analysed article (see ARCHITECTURE.md)."""
    article = analysis.article
    return {
        "schema": SCHEMA,
        "source": {
            "url": article.url,
            "title": article.title,
            "site": article.site,
            "author": article.author,
            "published": article.published,
            "language": article.language,
            "words": article.words,
            "warnings": list(article.warnings),
        },
        "sentences": [
            {
                "i": s.sentence.i,
                "text": s.sentence.text,
                "paragraph": s.sentence.paragraph,
                "quoted": s.sentence.quoted,
                "label": s.label,
                "confidence": round(s.confidence, 3),
                "attribution": s.attribution,
                "why": s.why,
            }
            for s in analysis.sentences
        ],
        "summary": {
            "tldr": analysis.summary.tldr,
            "points": _items(analysis.summary.points),
            "reported": _items(analysis.summary.reported),
            "argued": _items(analysis.summary.argued),
        },
        "predictions": [
            {
                "i": p.i,
                "by": p.by,
                "claim": p.claim,
                "question": p.question,
                "condition": p.condition,
                "resolve_by": p.resolve_by,
            }
            for p in analysis.predictions
        ],
        "composition": {
            label: analysis.composition.get(label, 0.0)
            for label in ("reported", "opinion", "prediction")
        },
    }


def error_to_json(source: str, message: str, exit_code: int) -> dict[str, Any]:
    """Return the line written in place of an analysis when one source of a batch fails."""
    return {"schema": ERROR_SCHEMA, "source": source, "error": message, "exit": exit_code}
