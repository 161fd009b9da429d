"""Rewrite a forecast claim as a neutral yes/no poll question: its subject, its verb, its asides."""

from __future__ import annotations

import logging
import re

from bot.analysis.claims import (
    CONNECTIVES,
    EXPECT_NP_TO,
    QUOTES,
    THERE_BE,
    clean_claim,
    future_spans,
    split_condition,
    strip_cues,
)
from bot.analysis.cues import words
from bot.analysis.horizon import resolve_by

log = logging.getLogger(__name__)

__all__ = [
    "clean_claim",
    "ordinary_words",
    "resolve_by",
    "split_condition",
    "strip_cues",
    "to_question",
]

MAX_QUESTION = 300
# Longer questions read badly in a poll: past this, trailing asides are cut at a clause break.
_COMFORTABLE = 160
_HEDGE_WORDS = re.compile(
    r"\s+(?:likely|probably|surely|certainly|definitely|almost certainly|oft|undoubtedly|"
    r"in all likelihood|no doubt)\b",
    re.I,
)
_LEADING_ADVERB = re.compile(r"^(?:also|still|now|then|indeed)\s+", re.I)
# Where a clause starts: the subject of the forecast is the last piece before the future verb.
_CLAUSE_BREAK = re.compile(
    r"([,;:—–]\s+|\s-\s|\b(?:that|and|but|because|as|while|if|when|which|who|so|whether|where|"
    r"although|though|since|until|unless|what|how|why|whose)\s+)",
    re.I,
)
_RELATIVE = words("who which whose")
_COORDINATORS = words("and or")
_EMBEDDED_QUESTION = words("what how why")
_COLON_QUOTE = re.compile(r"\s*:\s*[\"“‘']")
_ANNOUNCED = re.compile(
    r"\s(?:announced|unveiled|outlined|revealed|confirmed|has|have|had|also)"
    r"(?: its| their| his| her)?\s*$"
)
_THERE_ARE_WHO = re.compile(r"^there (?:are|is|will be) (.+?) (?:who|that|which)$", re.I)
_DASH_ASIDE = re.compile(r"\s[-–—]\s[^-–—]{1,80}?\s?[-–—]\s*$")
_AUXILIARY = words("is are was were am has have had do does did")
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
_DANGLING = words(
    "of to for with about from by in on at no the a an his her their its any new and or but nor "
    "never not ever also still"
)
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
    r"knows|hopes|fears|suspects|guesses|bets|expects|predicts|doubts|wonders|estimated|"
    r"estimates|announced|announces|stated|states|reported|revealed|confirmed|insisted|"
    r"promised|speculated|"
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
    "ies", "ants", "ents", "ures", "ages", "ics", "ors",
)  # fmt: skip
# Asides that make a question long without changing what it asks.
_ASIDE = re.compile(
    r"\s+[-–—]\s+|;\s+|\s+\(|,\s+(?:with|which|who|whose|where|as|after|including|"
    r"according to|amid|despite|even as|citing|saying)\b|,\s+[\w’'. ]{2,60}\b(?:said|says|told|"
    r"added|noted|reported)\b",
    re.I,
)
# A quotation that opens after the forecast and never closes in it.
_OPENED_QUOTE = re.compile(r"\s[‘“][^’”]*$|'?\s+'[A-Z].*$")
_WORD = re.compile(r"[A-Za-z][\w’'-]*")


def ordinary_words(texts: list[str]) -> frozenset[str]:
    """Words an article writes in lower case somewhere: not names when they open a sentence."""
    return frozenset(w for t in texts for w in _WORD.findall(t) if w[:1].islower())


def _joined(parts: list[str]) -> tuple[str, bool] | None:
    """Join a relative clause or a coordinated noun to the noun before it, when that is a noun."""
    sep = parts[-2].strip().lower()
    piece = parts[-1].strip()
    head = parts[-3].strip()
    verbs = list(_FINITE_VERB.finditer(head))
    if sep in _COORDINATORS:
        if (
            verbs
            or _CLAUSE_VERB.search(head)
            or _CLAUSE_VERB.search(piece)
            or _FINITE_VERB.search(piece)
            or len(head.split()) > 6
            or piece.split()[0] in _SUBJECT_PRONOUNS
        ):
            return None  # "sales are up and prices will", "... and we will": two clauses
    elif verbs:
        head = head[verbs[-1].end() :].strip()
    head = CONNECTIVES.sub("", head).strip(QUOTES + " ")
    joined = f"{head} {sep} {piece}"
    if head and piece and len(joined.split()) <= _MAX_SUBJECT_WORDS:
        return joined, len(parts) == 3
    return None


def _subject(prefix: str) -> tuple[str, bool] | None:
    """The subject of the future verb and whether it opens the sentence; None when unclear."""
    if prefix.rstrip().endswith(","):
        cut = _PARENTHETICAL.sub("", prefix.rstrip()[:-1])  # "Wright, who had ..., will"
        if cut == prefix.rstrip()[:-1]:
            # "The commission, set up by the council, will": the noun before the aside.
            pieces = prefix.rstrip()[:-1].split(", ")
            head = pieces[0].strip()
            if len(pieces) >= 2 and len(head.split()) <= 6 and not _FINITE_VERB.search(head):
                return head, True
            return None  # "those who complete the training, will": too long to ask about
        prefix = cut
    there = _THERE_ARE_WHO.match(prefix.strip())
    if there and len(there.group(1).split()) <= _MAX_SUBJECT_WORDS:
        return there.group(1), True  # "There are millions more who will": the millions
    prefix = _DASH_ASIDE.sub("", prefix)  # "a conflict - 3,500 dead last year - is going to"
    # Keep a space at the end so a prefix ending in "and" or "that" ends in an empty clause.
    parts = _CLAUSE_BREAK.split(prefix.lstrip().rstrip(", ") + " ")
    piece = parts[-1].strip()
    at_start = len(parts) == 1
    if len(parts) >= 2 and parts[-2].strip().lower() in _EMBEDDED_QUESTION:
        return None  # "how a kitchen will look": an indirect question, not a claim
    if len(parts) >= 3 and parts[-2].strip().lower() in _RELATIVE | _COORDINATORS and piece:
        # "divorcees who stop work will", "the US and Britain will": one subject.
        joined = _joined(parts)
        if joined:
            return joined
    tokens = piece.split()
    if not tokens:
        return None
    if tokens[-1] in _SUBJECT_PRONOUNS:
        return tokens[-1], at_start and len(tokens) == 1
    verbs = list(_FINITE_VERB.finditer(piece))
    if verbs:
        after = piece[verbs[-1].end() :].strip()
        nxt = after.split(" ", 1)[0]
        if verbs[-1].group(0).lower() in _AUXILIARY and not (
            nxt[:1].isupper() or nxt.lower() in _LOWER_FIRST
        ):
            return None  # "whose rights have been violated will": a verb phrase, no subject
        piece, at_start = after, False
    stripped = CONNECTIVES.sub("", piece)
    if stripped and stripped != piece:
        piece = stripped
    piece = _COGNITION_ING.sub("", piece).strip(QUOTES + " ")
    size = len(piece.split())
    if _MODAL_OR_QUOTE.search(piece):
        return None  # another clause or a quotation, not a subject
    last = piece.split()[-1] if piece.split() else ""
    if len(piece.split()) > 1 and last.islower() and last.endswith("ed"):
        return None  # "Biden announced plans to": "plans" is a noun after a verb
    if last.lower() in _DANGLING:
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
    rest = rest.strip().strip(QUOTES).strip()
    opened = _OPENED_QUOTE.search(rest)
    if opened and len(rest[: opened.start()].split()) >= 4:
        rest = rest[: opened.start()].rstrip(" ,:")  # a caption or a new speaker's words follow
    said = _COLON_QUOTE.search(rest)
    if said and said.start() > 0:
        rest = rest[: said.start()]  # 'will coo: "I'm so delighted"': the words are an example
    if sum(rest.count(q) for q in '"“”') % 2:
        rest = re.sub('["“”]', "", rest)  # a quotation cut in half reads as a stray mark
    if len(rest) <= _COMFORTABLE:
        return rest
    for m in _ASIDE.finditer(rest):
        if len(rest[: m.start()].split()) >= 4:
            return rest[: m.start()].rstrip(" ,")
    return rest


def _ask(subject: str, rest: str) -> str:
    rest = _HEDGE_WORDS.sub("", " " + rest).strip()
    rest = re.sub(r"^not\s+", "", rest)  # "won't" and "will not" become the neutral question
    rest = re.sub(r"^never\s+", "ever ", rest)
    rest = _trim(_REST_SECOND.sub("", _LEADING_ADVERB.sub("", rest)))
    if not rest or rest.lower() in ("be", "have", "do"):
        return ""  # "what his duties will be" asks nothing
    return f"Will {subject} {rest}?"


def _template(body: str, opens: bool, ordinary: frozenset[str]) -> str:
    """Questions for forecasts without a future verb: "expects X to", "X is expected"."""
    m = EXPECT_NP_TO.search(body)
    if m:
        return _ask(_subject_case(m.group("np"), True, ordinary), m.group("rest"))
    m = THERE_BE.search(body)
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
    body = claim.strip().rstrip(".!?").strip(QUOTES + " ")
    question = ""
    for start, end in future_spans(body):
        prefix = body[:start]
        if body[start:end].lower().startswith("plans"):
            prefix = _ANNOUNCED.sub(" ", prefix)  # "Ruiz announced plans to cut": Ruiz will cut
        found = _subject(prefix) if start else None
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
        question = f"Will this turn out to be true: “{short.strip(QUOTES + ' ')}”?"
    if condition:
        cond = condition[:1].lower() + condition[1:] if not condition[:2].isupper() else condition
        question = f"{cond[:1].upper() + cond[1:]}, {question[:1].lower() + question[1:]}"
    if len(question) > MAX_QUESTION:
        question = question[: MAX_QUESTION - 2].rsplit(" ", 1)[0] + "…?"
    return question
