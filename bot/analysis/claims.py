"""Clean a forecast sentence into a claim and find its condition and its future verbs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from bot.analysis.cues import ATTRIBUTION_VERBS, GOING_TO, OPINION_CUES, PREDICTION_CUES, words

log = logging.getLogger(__name__)

CONNECTIVES = re.compile(
    r"^(?:and|but|so(?! far\b)|yet|still|however|moreover|also|then|now)\b,?\s*", re.I
)
_CONDITION = re.compile(
    r"^((?:if|unless|once|when|whenever|until|as long as|the next time|should)\b"
    r"[^,;:“”\"]{3,200}),\s*",
    re.I,
)
_TRAILING_CONDITION = re.compile(
    r",?\s+((?:if|unless|once|as long as)\s(?!not\b)[^,]{3,200})$", re.I
)  # "most if not all" is no condition
_CONCESSIVE = re.compile(
    r",?\s+(?:although|though|even though|while|whereas|but|and they know|and we know|"
    r"especially since|not least because)\b.*$",
    re.I,
)
# A second full forecast joined by "and" makes a poll ambiguous: keep the first.
_SECOND_CLAUSE = re.compile(
    r",?\s+and\s+(?:…\s*)?(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,4}?\s+"
    r"(?:will|won['’]t|['’]ll|might|may|could|can)\b.*$"
    r"|\s+and\s+(?:might|may|could|would|will)\b.*$",
    re.I,
)
_TO_FORMS = r"expected|likely|set|poised|bound|about|due|projected|forecast|predicted|scheduled"
_INTENT_TO = (
    r"hopes?|hoped|plans?|planned|intends?|intended|aims?|vows?|vowed|pledges?|pledged|"
    r"promises?|promised|threatens?|threatened|seeks?|expects?"
)
_AUX = (
    r"will not|won['’]t|will|shall|['’]ll|" + GOING_TO + r"|"
    r"(?:is|are|was|were) (?:not |un)?(?:" + _TO_FORMS + r") to|"
    r"(?:" + _INTENT_TO + r") to|could|may|might"
)
_AUX_ANY = re.compile(r"\b(?:" + _AUX + r")\s+(?:(?:likely|probably)\s+)?|['’]ll\s+", re.I)
# "is to" announces a plan ("the wage is to rise") unless the subject is an aim ("the aim is to").
_IS_TO = re.compile(r"\b(?:is|are) (?:not )?to\s+(?!be\s+\w+ed\b\s*$)", re.I)
# "would" is a forecast only as the future-in-the-past of reported speech ("said prices would").
_WOULD = re.compile(r"\b(?:would(?: not)?)\s+(?!have\b)", re.I)
_SPEECH = ATTRIBUTION_VERBS | words("promised pledged vowed assured announced indicated declared")
# "He expects the launch to succeed": the forecast is about the launch.
EXPECT_NP_TO = re.compile(
    r"\b(?:expects?|expected|predicts?|predicted|forecasts?|anticipates?|believes?)\s+"
    r"(?P<np>(?:the|a|an|his|her|their|its|this|that)\s+[^,;]{1,60}?)\s+to\s+(?P<rest>.+)$",
    re.I,
)
# "Heavy rain is expected as the front moves", "a settlement is still possible".
THERE_BE = re.compile(
    r"(?:^|\bthat\s+)(?P<np>[^,;]{3,80}?)\s+(?:is|are)\s+(?:still\s+|now\s+|also\s+)?"
    r"(?P<kind>expected|likely|possible|forecast|predicted|planned|scheduled|due)\b(?!\s+to\b)"
    r"(?P<rest>[^,;]*)",
    re.I,
)
_AIMS = words("aim goal plan idea purpose task job objective intention hope point priority")
QUOTES = "‘’“”\"'«»"
_SAY = (
    r"(?:said|says|say|added|adds|noted|notes|warned|warns|argued|predicted|explained|stated|wrote|"
    r"vowed|insisted|claimed|promised|urged|reports|reported|told\s+[^,.;“”\"]{1,60}?)"
)
# "..., Councillor Reyes said (on Monday)" and "..., said Reyes": the source, not the claim.
_TRAILING_ATTRIBUTION = re.compile(
    r"\s*(?:[,;]\s*[”\"’']?|[”\"’']\s*,?)\s+(?:(?:[\w’'.-]+\s+){0,6}"
    + _SAY
    + r"|"
    + _SAY
    + r"\s+(?:the\s+[\w’'.-]+|(?:[a-z]+\s+){0,3}[A-Z][^“”]{0,80}?))"
    + r"(?:\s+(?:on|in|at|during|yesterday|today|last|this)\b[^,]{0,60})?$"
)
_LEADING_ATTRIBUTION = re.compile(
    r"^(?:[A-Z][\w’'.-]*\s+){1,6}(?:said|says|added|told\s+\w+|wrote|warned)\s*[,:]\s*[“\"‘]?"
)
_ACCORDING_TO = re.compile(r",?\s+according to\b.*$", re.I)


def strip_cues(text: str) -> str:
    """Remove a leading cue label ("Prediction:") and connective ("And") from a sentence."""
    s = text.strip()
    for pattern in (PREDICTION_CUES, OPINION_CUES):
        m = pattern.match(s)
        if m and m.group(0).rstrip().endswith((":", ",", "—", "-")):
            s = s[m.end() :].strip()
    s = CONNECTIVES.sub("", s)
    return s[:1].upper() + s[1:] if s else s


def split_condition(text: str) -> tuple[str | None, str]:
    """Return (condition, main clause) of a sentence; the condition is None if there is none."""
    s = text.strip().rstrip(".!")
    m = _CONDITION.match(s)
    if m:
        main = CONNECTIVES.sub("", s[m.end() :])
        return m.group(1), main[:1].upper() + main[1:]
    m = _TRAILING_CONDITION.search(s)
    if m:
        return m.group(1), s[: m.start()]
    return None, s


def clean_claim(text: str) -> str:
    """The forecast as a short statement: no cue label, condition or concessive tail."""
    _, main = split_condition(strip_cues(text))
    main = _CONCESSIVE.sub("", main).strip().rstrip(".,;:!")
    lead = _LEADING_ATTRIBUTION.match(main)
    if lead and len(main[lead.end() :].split()) >= 3:
        main = main[lead.end() :]
    for pattern in (_TRAILING_ATTRIBUTION, _ACCORDING_TO):
        tail = pattern.search(main)
        if tail and len(main[: tail.start()].split()) >= 3:
            main = main[: tail.start()]
    first = _SECOND_CLAUSE.sub("", main)
    if first != main and _has_future(first):
        main = first  # keep the second forecast when the first clause holds none
    main = main.strip(QUOTES + " ").rstrip(".,;:!")
    return (main[:1].upper() + main[1:] + ".") if main else ""


def future_spans(body: str) -> Iterator[tuple[int, int]]:
    """Where future verbs start and end, in the order a question should try them."""
    for m in _AUX_ANY.finditer(body):
        yield m.start(), m.end()
    for m in _IS_TO.finditer(body):
        before = body[: m.start()].split()
        if before and not _AIMS.intersection(w.lower() for w in before[-6:]):
            yield m.start(), m.end()
    for m in _WOULD.finditer(body):
        if any(w.strip(",:") in _SPEECH for w in body[: m.start()].lower().split()):
            yield m.start(), m.end()


def _has_future(text: str) -> bool:
    """True when a clause still holds something a question can be asked about."""
    if next(future_spans(text), None) is not None:
        return True
    return bool(THERE_BE.search(text) or EXPECT_NP_TO.search(text))
