"""Rewrite a forecast sentence as a clean claim, its condition, a horizon and a yes/no question."""

from __future__ import annotations

import calendar
import logging
import re
from datetime import date, timedelta

from bot.analysis.cues import HORIZON, OPINION_CUES, PREDICTION_CUES, words

log = logging.getLogger(__name__)

MAX_QUESTION = 300
_CONNECTIVES = re.compile(r"^(?:and|but|so|yet|still|however|moreover|also|then|now)\b,?\s*", re.I)
_CONDITION = re.compile(
    r"^((?:if|unless|once|when|whenever|until|as long as|the next time|should)\b[^,]{3,200}),\s*",
    re.I,
)
_TRAILING_CONDITION = re.compile(r",?\s+((?:if|unless|once|as long as)\s[^,]{3,200})$", re.I)
_CONCESSIVE = re.compile(
    r",?\s+(?:although|though|even though|while|whereas|but|and they know|and we know|"
    r"especially since|not least because)\b.*$",
    re.I,
)
# A second full forecast joined by "and" makes a poll ambiguous: keep the first.
_SECOND_CLAUSE = re.compile(
    r",?\s+and\s+(?:…\s*)?(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,4}?\s+(?:will|won['’]t|['’]ll)\b.*$"
    r"|\s+and\s+(?:might|may|could|would|will)\b.*$",
    re.I,
)
_HEDGE_WORDS = re.compile(
    r"\s+(?:likely|probably|surely|certainly|definitely|almost certainly|oft|undoubtedly|"
    r"in all likelihood|no doubt)\b",
    re.I,
)
_AUX = (
    r"will not|won['’]t|will|shall|['’]ll|(?:is|are|am) (?:not )?going to|(?:is|are) (?:un)?likely"
    r" to|(?:is|are) expected to|(?:is|are) set to|(?:is|are) poised to|(?:is|are) bound to|"
    r"(?:is|are) about to|(?:is|are) due to|(?:is|are) projected to|(?:is|are) forecast to|"
    r"(?:is|are) predicted to|(?:is|are) scheduled to|plans? to|intends? to|aims? to|"
    r"expects? to|could|may|might"
)
_FUTURE_VERB = re.compile(r"^(.{1,160}?)\s*\b(" + _AUX + r")\s+(?:(?:likely|probably)\s+)?", re.I)
_CONTRACTED = re.compile(r"^(.{1,160}?)(['’]ll)\s+", re.I)
# Where a clause starts: the subject of the forecast is the last piece before the future verb.
_CLAUSE_BREAK = re.compile(
    r"[,;:—–]\s+|\s-\s|\b(?:that|and|but|because|as|while|if|when|which|who|so|whether|where|"
    r"although|though|since|until|unless)\s+",
    re.I,
)
_MAX_SUBJECT_WORDS = 8
_SUBJECT_PRONOUNS = words("I we you he she it they We You He She It They")
# A finite verb in the subject means the forecast sits in a clause: "I thought the world will".
_FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|am|has|have|had|do|does|did|said|says|think|thinks|thought|believe|"
    r"believes|imagine|know|knew|hope|fear|suspect|guess|bet|expect|predict|doubt|wonder)\b",
    re.I,
)


def _subject(prefix: str) -> str | None:
    """The subject of the future verb: the end of the text before it, or None when unclear."""
    piece = _CLAUSE_BREAK.split(prefix)[-1].strip() if prefix else ""
    tokens = piece.split()
    if not tokens:
        return None
    if tokens[-1] in _SUBJECT_PRONOUNS:
        return _subject_case(tokens[-1])
    verbs = list(_FINITE_VERB.finditer(piece))
    if verbs:
        piece = piece[verbs[-1].end() :].strip()
    piece = _CONNECTIVES.sub("", piece) or piece
    if not piece or len(piece.split()) > _MAX_SUBJECT_WORDS:
        return None
    return _subject_case(piece)


_LOWER_FIRST = words(
    "the a an it they we he she this that there these those our their its his her some many most "
    "all both each any no several"
)
_NUMBERS = "one two three four five six seven eight nine ten eleven twelve"
_NUMBER_WORDS = {w: n for n, w in enumerate(_NUMBERS.split(), start=1)}
_NUMBER_WORDS["a"] = 1
_NUMBER_WORDS["an"] = 1


def strip_cues(text: str) -> str:
    """Remove a leading cue label ("Prediction:") and connective ("And") from a sentence."""
    s = text.strip()
    for pattern in (PREDICTION_CUES, OPINION_CUES):
        m = pattern.match(s)
        if m and m.group(0).rstrip().endswith((":", ",", "—", "-")):
            s = s[m.end() :].strip()
    s = _CONNECTIVES.sub("", s)
    return s[:1].upper() + s[1:] if s else s


def split_condition(text: str) -> tuple[str | None, str]:
    """Return (condition, main clause) of a sentence; the condition is None if there is none."""
    s = text.strip().rstrip(".!")
    m = _CONDITION.match(s)
    if m:
        main = _CONNECTIVES.sub("", s[m.end() :])
        return m.group(1), main[:1].upper() + main[1:]
    m = _TRAILING_CONDITION.search(s)
    if m:
        return m.group(1), s[: m.start()]
    return None, s


def clean_claim(text: str) -> str:
    """The forecast as a short statement: no cue label, condition or concessive tail."""
    _, main = split_condition(strip_cues(text))
    main = _CONCESSIVE.sub("", main).strip().rstrip(".,;:!")
    main = _SECOND_CLAUSE.sub("", main)
    main = main.strip('“”"')
    return (main[:1].upper() + main[1:] + ".") if main else ""


def _subject_case(subject: str) -> str:
    first, _, rest = subject.partition(" ")
    if first.lower() in _LOWER_FIRST or first in {"It", "They", "We", "He", "She", "You"}:
        first = first.lower()
    return f"{first} {rest}".strip()


def to_question(claim: str, condition: str | None = None) -> str:
    """Rewrite a claim as a neutral yes/no poll question of at most 300 characters."""
    body = claim.strip().rstrip(".!?")
    question = ""
    m = _FUTURE_VERB.match(body) or _CONTRACTED.match(body)
    subject = _subject(m.group(1).strip().rstrip(",")) if m else None
    if m and subject:
        rest = _HEDGE_WORDS.sub("", " " + body[m.end() :]).strip()
        rest = re.sub(r"^not\s+", "", rest)  # "won't" and "will not" become the neutral question
        if rest:
            question = f"Will {subject} {rest}?"
    if not question:
        question = f"Will this turn out to be true: “{body}”?"
    if condition:
        cond = condition[:1].lower() + condition[1:] if not condition[:2].isupper() else condition
        question = f"{cond[:1].upper() + cond[1:]}, {question[:1].lower() + question[1:]}"
    if len(question) > MAX_QUESTION:
        question = question[: MAX_QUESTION - 2].rsplit(" ", 1)[0] + "…?"
    return question


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _published_date(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def resolve_by(text: str, published: str | None) -> str | None:
    """The horizon a forecast names: an ISO date when computable, else the phrase itself."""
    m = HORIZON.search(text.lower())
    if not m:
        return None
    phrase = m.group(0)
    low = phrase.lower()
    year = re.search(r"20\d\d", low)
    if year and ("by" in low or "in " in low or "until" in low):
        return f"{year.group(0)}-12-31"
    start = _published_date(published)
    if start is None:
        return phrase
    amount = re.search(r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(\w+)", low)
    if amount and low.startswith(("within", "in ")) and "coming" not in low:
        count = (
            int(amount.group(1))
            if amount.group(1).isdigit()
            else _NUMBER_WORDS.get(amount.group(1), 1)
        )
        unit = amount.group(2)
        if unit.startswith("day"):
            return (start + timedelta(days=count)).isoformat()
        if unit.startswith("week"):
            return (start + timedelta(weeks=count)).isoformat()
        if unit.startswith("month"):
            return _add_months(start, count).isoformat()
        if unit.startswith("year"):
            return _add_months(start, 12 * count).isoformat()
    if low.endswith("next year"):
        return f"{start.year + 1}-12-31"
    if low.endswith(("this year", "later this year", "the end of the year")):
        return f"{start.year}-12-31"
    if low.endswith("next month"):
        nxt = _add_months(start.replace(day=1), 1)
        return nxt.replace(day=calendar.monthrange(nxt.year, nxt.month)[1]).isoformat()
    if low.endswith("next week"):
        return (start + timedelta(days=13 - start.weekday())).isoformat()
    return phrase
