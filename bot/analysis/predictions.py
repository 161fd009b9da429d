"""Find the forecasts in an article, the author's first, each rewritten as a poll question."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.analysis.cues import FUTURE, HORIZON, INTENT, WEAK_FUTURE
from bot.analysis.questions import clean_claim, resolve_by, split_condition, strip_cues, to_question
from bot.models import Article, LabelledSentence, Prediction

log = logging.getLogger(__name__)

UNATTRIBUTED = "unattributed"
# "will" as a noun ("the will of the people", "free will") is not future reference.
_NOUN_WILL = re.compile(r"\b(?:the|free|political|good|his|her|their|its|own|ill)\s+will\b", re.I)
# Forecast nouns and verbs that make an unattributed future statement a real prediction.
_FORECAST_WORDS = re.compile(
    r"\b(?:expected|forecasts?|predict(?:s|ed|ion)?|projected|projections?|likely|unlikely|"
    r"anticipate[sd]?|estimates?|outlook|chance|risk|plans?|scheduled|set to|due to|"
    r"next (?:year|month|week|season)|by 20\d\d|upcoming|future)\b",
    re.I,
)


def _future_in(text: str) -> str | None:
    masked = _NOUN_WILL.sub(" ", text)
    m = FUTURE.search(masked) or INTENT.search(masked)
    if m:
        return m.group(0)
    if HORIZON.search(masked) and WEAK_FUTURE.search(masked):
        return WEAK_FUTURE.search(masked).group(0)  # type: ignore[union-attr]
    return None


def is_forecast(item: LabelledSentence) -> bool:
    """True when a labelled sentence makes a forward-looking claim worth a poll."""
    text = item.sentence.text
    if text.rstrip(" ”\"’')").endswith("?"):
        return False
    if item.label == "prediction":
        return True
    if _future_in(text) is None:
        return False
    return item.label == "reported" and (
        item.attribution is not None or _FORECAST_WORDS.search(text) is not None
    )


def _make(item: LabelledSentence, by: str, published: str | None) -> Prediction | None:
    text = item.sentence.text
    condition, _ = split_condition(strip_cues(text))
    claim = clean_claim(text)
    if len(claim.split()) < 2:
        return None
    return Prediction(
        i=item.sentence.i,
        by=by,
        claim=claim,
        question=to_question(claim, condition),
        condition=condition,
        resolve_by=resolve_by(text, published),
    )


def find_predictions(article: Article, labelled: Sequence[LabelledSentence]) -> list[Prediction]:
    """Every forecast in the article: the author's (by="author") first, then attributed ones."""
    own: list[Prediction] = []
    others: list[Prediction] = []
    for item in labelled:
        if not is_forecast(item):
            continue
        by = "author" if item.label == "prediction" else (item.attribution or UNATTRIBUTED)
        prediction = _make(item, by, article.published)
        if prediction is not None:
            (own if by == "author" else others).append(prediction)
    return own + others
