"""What one sentence shows on its own: attribution, the author's voice, future reference."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.analysis import cues
from bot.analysis.attribution import Attribution, blank_quotes, find_attribution

log = logging.getLogger(__name__)

_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|do|does|did|will|would|can|could|may|"
    r"might|must|should|shall|\w+ed|\w+s)\b|\w['’](?:s|re|ll|ve|d)\b",
    re.IGNORECASE,
)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0).strip() if m else None


@dataclass(frozen=True, slots=True)
class Signals:
    """Evidence found in one sentence; frame signals ignore words inside quotation marks."""

    attribution: Attribution | None
    opinion_cue: str | None
    prediction_cue: str | None
    first_person: str | None
    evaluative: tuple[str, ...]
    mild: tuple[str, ...]
    hedge: str | None
    deontic: str | None
    question: bool
    counterfactual: bool
    future: str | None
    weak_future: str | None
    horizon: str | None
    past_fact: bool
    fragment: bool
    consequence: bool
    dated: bool
    quote_share: float

    @property
    def attributed(self) -> bool:
        """True when a source other than the author is credited."""
        return self.attribution is not None and not self.attribution.first_person

    @property
    def author_voice(self) -> bool:
        """True when the frame carries a marker of the author's own judgement."""
        return bool(
            self.opinion_cue
            or self.prediction_cue
            or self.first_person
            or self.evaluative
            or self.hedge
            or self.deontic
            or self.question
            or self.counterfactual
            or (self.attribution is not None and self.attribution.first_person)
        )


def read_signals(text: str, known: Sequence[str] = ()) -> Signals:
    """Collect the signals of one sentence; `known` are sources named earlier in the article."""
    frame = blank_quotes(text)
    total = len(text) - text.count(" ")
    quoted_chars = total - (len(frame) - frame.count(" "))
    stripped = frame.strip()
    words = stripped.split()
    attribution = find_attribution(text, known)
    low = frame.lower()
    future = _first(cues.FUTURE, low)
    weak = _first(cues.WEAK_FUTURE, low)
    counterfactual = cues.COUNTERFACTUAL.search(low) is not None
    return Signals(
        attribution=attribution,
        opinion_cue=_first(cues.OPINION_CUES, stripped),
        prediction_cue=_first(cues.PREDICTION_CUES, stripped),
        first_person=_first(cues.FIRST_PERSON, frame),
        evaluative=tuple(m.group(0) for m in cues.EVALUATIVE.finditer(low)),
        mild=tuple(m.group(0) for m in cues.MILD_EVALUATIVE.finditer(low)),
        hedge=_first(cues.HEDGES, low),
        deontic=_first(cues.DEONTIC, low),
        question=text.rstrip(" ”\"’')").endswith("?") and quoted_chars < total / 2,
        counterfactual=counterfactual,
        future=future,
        weak_future=weak,
        horizon=_first(cues.HORIZON, text.lower()),
        past_fact=cues.PAST_TENSE.search(low) is not None and future is None,
        fragment=len(words) <= 7 and _VERBISH.search(frame) is None,
        consequence=cues.CONSEQUENCE_OPENERS.search(stripped) is not None,
        dated=cues.NEWS_FACT.search(low) is not None,
        quote_share=quoted_chars / max(total, 1),
    )
