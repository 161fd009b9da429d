"""Find the forecasts in an article, the author's first, each rewritten as a poll question."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.analysis.cues import GOING_TO, SPECULATION
from bot.analysis.questions import (
    clean_claim,
    ordinary_words,
    resolve_by,
    split_condition,
    strip_cues,
    to_question,
)
from bot.models import Article, LabelledSentence, Prediction

log = logging.getLogger(__name__)

UNATTRIBUTED = "unattributed"
# "will" as a noun ("the will of the people", "free will") is not future reference.
_NOUN_WILL = re.compile(
    r"\b(?:the|free|political|good|his|her|their|its|own|ill|popular|people['’]s)\s+will\b"
    r"|\bwill\s+of\b",
    re.I,
)
# Words that mark a statement about the future even without "will": forecasts, plans, odds.
_FORECAST_WORDS = re.compile(
    r"\b(?:will|won['’]t|expected|expects?|forecasts?|predict\w*|projected|projections?|likely|"
    r"unlikely|anticipat\w*|plans? to|planned|scheduled|(?:is|are) set to|(?:is|are) to|"
    r"(?:is|are) due to (?!the\b|a\b|an\b|his\b|her\b|their\b|its\b)\w+|"
    r"next (?:year|month|week|season)|by 20\d\d|upcoming|chance|possib\w*|\w+['’]ll|"
    r"threaten\w*|vow\w*|warns?|warned|promis\w*|pledg\w*|hopes? to|aims? to|intends? to|"
    r"seeks? to|potential\w*|future|soon|planning (?:to|on)|hoping to|intended to|"
    + GOING_TO
    + r")\b",
)
# Uses of those words that look back or describe, not forward: "as soon as", "as fast as possible".
_NOT_FORWARD = re.compile(
    r"\b(?:as (?:\w+ )?as possible|if possible|(?:made|make|makes|making) (?:\w+ )?possible|"
    r"where possible|whenever possible|soon after\w*|"
    r"as soon as|(?:could|would) not (?:be reached|comment|say|confirm|identify|disclose|reveal|"
    r"elaborate|speculate|discuss|give|provide|explain|specify|name|get|find|stop|believe)|"
    r"would (?:like|love|prefer|rather|say|have liked|be happy)|is to blame|are to blame)\b"
)
_READER_WILL = re.compile(
    r"\bas (?:any|anyone|everyone|most|many|every)\b[^,]{0,60}\bwill (?:know|tell you|agree|attest|"
    r"remember|recall|understand|notice|confirm)\b|\bI['’]ll (?:bet|wager)\b",
    re.I,
)
# Capitalised at the start of a statement these are names or months, not modals.
_NAME_OPENERS = frozenset({"Will", "May", "Promise", "Hope", "Chance"})
# Speculation a news report makes in its own words ("the death toll may rise").
_WEAK = re.compile(
    r"\b(?:(?:may|might)\s+(?!have\b)|could\s+(?!have\b|not\b))(?!be\s+(?:seen|found)\b)\w+"
)
# The future-in-the-past of reported speech, even when the speaker is not named.
_REPORTED_WOULD = re.compile(
    r"\b(?:said|says|declared|announced|indicated|stated|told \w+|assured? \w+|promised|"
    r"confirmed|predicted|expected|believed?|warned|added|insisted)\b[^.;]{0,80}?\bwould\s+"
    r"(?!have\b)\w+"
)


def _lower_first(text: str) -> str:
    """Lower-case only the sentence's first letter: mid-sentence "May" or "Promise" are names."""
    s = text.lstrip(" “\"‘'(")
    if s.split(" ", 1)[0] in _NAME_OPENERS:
        return s
    return s[:1].lower() + s[1:]


def is_forecast(item: LabelledSentence) -> bool:
    """True when a labelled sentence makes a forward-looking claim worth a poll."""
    text = item.sentence.text
    if text.rstrip(" ”\"’')").endswith("?"):
        return False
    if _READER_WILL.search(text):
        return False  # "as anyone who has shopped lately will know": an aside, no forecast
    if item.label == "prediction":
        return True
    if item.label != "reported":
        return False
    masked = _NOT_FORWARD.sub(" ", _NOUN_WILL.sub(" ", _lower_first(text)))
    if _FORECAST_WORDS.search(masked):
        return True
    if _WEAK.search(masked) or _REPORTED_WOULD.search(masked):
        return True
    # Attributed speculation ("officials said prices would fall") is a forecast too.
    return item.attribution is not None and SPECULATION.search(masked) is not None


def _make(
    item: LabelledSentence, by: str, published: str | None, ordinary: frozenset[str]
) -> Prediction | None:
    text = item.sentence.text
    condition, _ = split_condition(strip_cues(text))
    claim = clean_claim(text)
    if len(claim.split()) < 2:
        return None
    speaker = by if by not in ("author", UNATTRIBUTED) else None
    return Prediction(
        i=item.sentence.i,
        by=by,
        claim=claim,
        question=to_question(claim, condition, ordinary=ordinary, speaker=speaker),
        condition=condition,
        resolve_by=resolve_by(text, published),
    )


def find_predictions(article: Article, labelled: Sequence[LabelledSentence]) -> list[Prediction]:
    """Every forecast in the article: the author's (by="author") first, then attributed ones."""
    own: list[Prediction] = []
    others: list[Prediction] = []
    ordinary = ordinary_words([item.sentence.text for item in labelled])
    for item in labelled:
        if not is_forecast(item):
            continue
        by = "author" if item.label == "prediction" else (item.attribution or UNATTRIBUTED)
        prediction = _make(item, by, article.published, ordinary)
        if prediction is not None:
            (own if by == "author" else others).append(prediction)
    return own + others
