"""Rewrite a forecast sentence as a clean claim, its condition and a neutral yes/no question."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from bot.analysis.cues import ATTRIBUTION_VERBS, OPINION_CUES, PREDICTION_CUES, words
from bot.analysis.horizon import resolve_by

log = logging.getLogger(__name__)

__all__ = ["clean_claim", "ordinary_words", "resolve_by", "split_condition", "to_question"]

MAX_QUESTION = 300
# Longer questions read badly in a poll: past this, trailing asides are cut at a clause break.
_COMFORTABLE = 160
_CONNECTIVES = re.compile(r"^(?:and|but|so|yet|still|however|moreover|also|then|now)\b,?\s*", re.I)
_CONDITION = re.compile(
    r"^((?:if|unless|once|when|whenever|until|as long as|the next time|should)\b[^,]{3,200}),\s*",
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
_HEDGE_WORDS = re.compile(
    r"\s+(?:likely|probably|surely|certainly|definitely|almost certainly|oft|undoubtedly|"
    r"in all likelihood|no doubt)\b",
    re.I,
)
_LEADING_ADVERB = re.compile(r"^(?:also|still|now|then|indeed)\s+", re.I)
_TO_FORMS = r"expected|likely|set|poised|bound|about|due|projected|forecast|predicted|scheduled"
_INTENT_TO = (
    r"hopes?|hoped|plans?|planned|intends?|intended|aims?|vows?|vowed|pledges?|pledged|"
    r"promises?|promised|threatens?|threatened|seeks?|expects?"
)
_AUX = (
    r"will not|won['’]t|will|shall|['’]ll|(?:is|are|am) (?:not )?going to|"
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
_EXPECT_NP_TO = re.compile(
    r"\b(?:expects?|expected|predicts?|predicted|forecasts?|anticipates?|believes?)\s+"
    r"(?P<np>(?:the|a|an|his|her|their|its|this|that)\s+[^,;]{1,60}?)\s+to\s+(?P<rest>.+)$",
    re.I,
)
# "Heavy rain is expected as the front moves", "a settlement is still possible".
_THERE_BE = re.compile(
    r"(?:^|\bthat\s+)(?P<np>[^,;]{3,80}?)\s+(?:is|are)\s+(?:still\s+|now\s+|also\s+)?"
    r"(?P<kind>expected|likely|possible|forecast|predicted|planned|scheduled|due)\b(?!\s+to\b)"
    r"(?P<rest>[^,;]*)",
    re.I,
)
_AIMS = words("aim goal plan idea purpose task job objective intention hope point priority")
# Where a clause starts: the subject of the forecast is the last piece before the future verb.
_CLAUSE_BREAK = re.compile(
    r"([,;:—–]\s+|\s-\s|\b(?:that|and|but|because|as|while|if|when|which|who|so|whether|where|"
    r"although|though|since|until|unless)\s+)",
    re.I,
)
_RELATIVE = words("who which")
# A past verb with its object inside a would-be subject: "dancers won a case against ...".
_CLAUSE_VERB = re.compile(
    r"\b(?:won|lost|said|told|made|took|went|came|held|met|left|sent|began|fell|rose|had|was|"
    r"were|\w{3,}ed\s+(?:the|a|an|his|her|their|its|our|my))\b"
)
# "Greece is hoping approval ... will": the subject follows the progressive verb.
_COGNITION_ING = re.compile(
    r"^(?:hoping|expecting|saying|warning|claiming|arguing|predicting|believing|thinking|"
    r"fearing|betting|insisting|suggesting|noting)\s+(?:that\s+)?",
    re.I,
)
_DANGLING = words("of to for with about from by in on at no the a an his her their its any new")
_MODAL_OR_QUOTE = re.compile(
    r"\b(?:will|would|could|should|can|may|might|must|shall)\b|[“”\"‘]|\s'|'\s|^'"
)  # case-sensitive: "on May 7" is a date
_REST_SECOND = re.compile(
    r",?\s+(?:and|but)\s+(?:should|must|can|will|would|could|may|might|shall)\b.*$", re.I
)
_ENDS_RELATIVE = re.compile(r"\b(?:who|which|that)$", re.I)
_PARENTHETICAL = re.compile(r",\s+(?:who|which|whose|where)\b[^,]*(?:,[^,]*)*$", re.I)
_MAX_SUBJECT_WORDS = 12
_SUBJECT_PRONOUNS = words("I we you he she it they We You He She It They")
# A finite verb in the subject means the forecast sits in a clause: "I thought the world will".
_FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|am|has|have|had|do|does|did|said|says|think|thinks|thought|believe|"
    r"believes|imagine|know|knew|hope|fear|suspect|guess|bet|expect|predict|doubt|wonder|found|"
    r"finds|shows?|showed|suggests?|suggested|warns?|warned|argues?|argued|claims?|claimed|"
    r"notes?|noted|adds?|added)\b",
    re.I,
)
_LOWER_FIRST = words(
    "the a an it they we he she this that there these those our their its his her some many most "
    "all both each any no several such every either neither nearly almost about around only just "
    "more fewer less one two three four five six seven eight nine ten"
)
# Sentence-initial words with these endings are ordinary nouns, not names ("Ridership will").
_COMMON_ENDINGS = (
    "ship", "tion", "sion", "ment", "ness", "ity", "ism", "ists", "ers", "ance", "ence", "ings",
    "ies", "ants", "ents", "ures", "ages",
)  # fmt: skip
# Asides that make a question long without changing what it asks.
_ASIDE = re.compile(
    r"\s+[-–—]\s+|;\s+|\s+\(|,\s+(?:with|which|who|whose|where|as|after|including|"
    r"according to|amid|despite|even as|citing|saying)\b|,\s+[\w’'. ]{2,60}\b(?:said|says|told|"
    r"added|noted|reported)\b",
    re.I,
)
_QUOTES = "‘’“”\"'«»"
_SAY = r"(?:said|says|added|adds|noted|notes|warned|warns|argued|predicted|explained|stated|wrote)"
# "..., Councillor Reyes said (on Monday)" and "..., said Reyes": the source, not the claim.
_TRAILING_ATTRIBUTION = re.compile(
    r"\s*(?:[,;]\s*[”\"’']?|[”\"’']\s*,?)\s+(?:(?:[\w’'.-]+\s+){0,6}"
    + _SAY
    + r"|"
    + _SAY
    + r"\s+(?:the\s+[\w’'.-]+|[A-Z][^“”\"]{0,80}?))"
    + r"(?:\s+(?:on|in|at|yesterday|today|last|this)\b[^,]{0,40})?$"
)
# A quotation that opens after the forecast and never closes in it.
_OPENED_QUOTE = re.compile(r"\s[‘“][^’”]*$|'?\s+'[A-Z].*$")
_LEADING_ATTRIBUTION = re.compile(
    r"^(?:[A-Z][\w’'.-]*\s+){1,6}(?:said|says|added|told\s+\w+|wrote|warned)\s*[,:]\s*[“\"‘]?"
)
_ACCORDING_TO = re.compile(r",?\s+according to\b.*$", re.I)
_WORD = re.compile(r"[A-Za-z][\w’'-]*")


def ordinary_words(texts: list[str]) -> frozenset[str]:
    """Words an article writes in lower case somewhere: not names when they open a sentence."""
    return frozenset(w for t in texts for w in _WORD.findall(t) if w[:1].islower())


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
    main = main.strip(_QUOTES + " ").rstrip(".,;:!")
    return (main[:1].upper() + main[1:] + ".") if main else ""


def _subject(prefix: str) -> tuple[str, bool] | None:
    """The subject of the future verb and whether it opens the sentence; None when unclear."""
    if prefix.rstrip().endswith(","):
        prefix = _PARENTHETICAL.sub("", prefix.rstrip()[:-1])  # "Wright, who had ..., will"
    # Keep a space at the end so a prefix ending in "and" or "that" ends in an empty clause.
    parts = _CLAUSE_BREAK.split(prefix.lstrip().rstrip(", ") + " ")
    piece = parts[-1].strip()
    at_start = len(parts) == 1
    if len(parts) >= 3 and parts[-2].strip().lower() in _RELATIVE and piece:
        # "one in five divorcees who stop work will": the antecedent belongs to the subject.
        head = parts[-3].strip()
        verbs = list(_FINITE_VERB.finditer(head))
        head = head[verbs[-1].end() :].strip() if verbs else head
        head = _CONNECTIVES.sub("", head).strip(_QUOTES + " ")
        joined = f"{head} {parts[-2].strip()} {piece}"
        if head and len(joined.split()) <= _MAX_SUBJECT_WORDS:
            return joined, len(parts) == 3
    tokens = piece.split()
    if not tokens:
        return None
    if tokens[-1] in _SUBJECT_PRONOUNS:
        return tokens[-1], at_start and len(tokens) == 1
    verbs = list(_FINITE_VERB.finditer(piece))
    if verbs:
        piece, at_start = piece[verbs[-1].end() :].strip(), False
    stripped = _CONNECTIVES.sub("", piece)
    if stripped and stripped != piece:
        piece = stripped
    piece = _COGNITION_ING.sub("", piece).strip(_QUOTES + " ")
    size = len(piece.split())
    if _MODAL_OR_QUOTE.search(piece):
        return None  # another clause or a quotation, not a subject
    if piece.split() and piece.split()[-1].lower() in _DANGLING:
        return None  # "spoke of plans to": the verb is a noun here, there is no subject
    if not piece or size > _MAX_SUBJECT_WORDS or _ENDS_RELATIVE.search(piece):
        return None  # the forecast sits in a relative clause: "the man who will present"
    if size > 4 and _CLAUSE_VERB.search(piece):
        return None  # a whole clause, not a subject: "dancers won a case against ..."
    return piece, at_start


def _subject_case(subject: str, opens: bool, ordinary: frozenset[str]) -> str:
    """Lower-case a sentence-initial ordinary word; keep names and mid-sentence capitals."""
    first, _, rest = subject.partition(" ")
    low = first.lower()
    if low in _LOWER_FIRST or first in {"It", "They", "We", "He", "She", "You"}:
        first = low
    elif opens and first[:1].isupper() and not first.isupper():
        second = rest.split(" ", 1)[0]
        name_follows = second[:1].isupper()
        if low in ordinary or (not name_follows and low.endswith(_COMMON_ENDINGS)):
            first = low
    return f"{first} {rest}".strip()


def _trim(rest: str) -> str:
    """Cut asides from a long question body at the first clause break that leaves enough."""
    rest = rest.strip().strip(_QUOTES).strip()
    opened = _OPENED_QUOTE.search(rest)
    if opened and len(rest[: opened.start()].split()) >= 4:
        rest = rest[: opened.start()].rstrip(" ,:")  # a caption or a new speaker's words follow
    if sum(rest.count(q) for q in '"“”') % 2:
        rest = re.sub('["“”]', "", rest)  # a quotation cut in half reads as a stray mark
    if len(rest) <= _COMFORTABLE:
        return rest
    for m in _ASIDE.finditer(rest):
        if len(rest[: m.start()].split()) >= 4:
            return rest[: m.start()].rstrip(" ,")
    return rest


def _future_spans(body: str) -> Iterator[tuple[int, int]]:
    """Where future verbs start and end, in the order a question should try them."""
    for m in _AUX_ANY.finditer(body):
        yield m.start(), m.end()
    for m in _IS_TO.finditer(body):
        before = body[: m.start()].split()
        if before and before[-1].lower() not in _AIMS:
            yield m.start(), m.end()
    for m in _WOULD.finditer(body):
        if any(w.strip(",:") in _SPEECH for w in body[: m.start()].lower().split()):
            yield m.start(), m.end()


def _has_future(text: str) -> bool:
    """True when a clause still holds something a question can be asked about."""
    if next(_future_spans(text), None) is not None:
        return True
    return bool(_THERE_BE.search(text) or _EXPECT_NP_TO.search(text))


def _ask(subject: str, rest: str) -> str:
    rest = _HEDGE_WORDS.sub("", " " + rest).strip()
    rest = re.sub(r"^not\s+", "", rest)  # "won't" and "will not" become the neutral question
    rest = re.sub(r"^never\s+", "ever ", rest)
    rest = _trim(_REST_SECOND.sub("", _LEADING_ADVERB.sub("", rest)))
    return f"Will {subject} {rest}?" if rest else ""


def _template(body: str, opens: bool, ordinary: frozenset[str]) -> str:
    """Questions for forecasts without a future verb: "expects X to", "X is expected"."""
    m = _EXPECT_NP_TO.search(body)
    if m:
        return _ask(_subject_case(m.group("np"), True, ordinary), m.group("rest"))
    m = _THERE_BE.search(body)
    if m and len(m.group("np").split()) <= _MAX_SUBJECT_WORDS:
        np = m.group("np").strip()
        verbs = list(_FINITE_VERB.finditer(np))
        at_start = m.start() == 0 and not verbs
        np = np[verbs[-1].end() :].strip() if verbs else np
        first, _, after = np.partition(" ")
        if not np:
            return ""
        if at_start and not after[:1].isupper() and not first.isupper():
            np = first.lower() + (" " + after if after else "")  # "Heavy rain" opens a sentence
        np = _subject_case(np, opens or m.start() > 0, ordinary)
        if np.split()[0].lower() not in _SUBJECT_PRONOUNS | {"this", "that", "it"}:
            rest = _trim(m.group("rest"))
            return f"Will there be {np}{' ' + rest if rest else ''}?"
    return ""


def to_question(
    claim: str,
    condition: str | None = None,
    *,
    ordinary: frozenset[str] = frozenset(),
    speaker: str | None = None,
) -> str:
    """Rewrite a claim as a neutral yes/no poll question of at most 300 characters.

    `ordinary` are words the article writes in lower case (a capitalised one opening the sentence
    is then not a name); `speaker` replaces a quoted "I" so the question says who made the claim.
    """
    body = claim.strip().rstrip(".!?").strip(_QUOTES + " ")
    question = ""
    for start, end in _future_spans(body):
        found = _subject(body[:start]) if start else None
        if found is None:
            continue
        subject = _subject_case(found[0], found[1] or condition is not None, ordinary)
        if subject == "I" and speaker and speaker[:1].isupper():
            subject = speaker
        question = _ask(subject, body[end:])
        if question:
            break
    if not question:
        question = _template(body, condition is not None, ordinary)
    if not question:
        short = body
        cut = _ASIDE.search(body) if len(body) > _COMFORTABLE else None
        if cut and len(body[: cut.start()].split()) >= 8:
            short = body[: cut.start()]
        question = f"Will this turn out to be true: “{short.strip(_QUOTES + ' ')}”?"
    if condition:
        cond = condition[:1].lower() + condition[1:] if not condition[:2].isupper() else condition
        question = f"{cond[:1].upper() + cond[1:]}, {question[:1].lower() + question[1:]}"
    if len(question) > MAX_QUESTION:
        question = question[: MAX_QUESTION - 2].rsplit(" ", 1)[0] + "…?"
    return question
