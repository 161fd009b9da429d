"""Find what a forecast is about: the subject before its future verb, or what a pronoun names."""

from __future__ import annotations

import logging
import re

from bot.analysis.claims import CONNECTIVES, QUOTES
from bot.analysis.cues import words

log = logging.getLogger(__name__)

MAX_SUBJECT_WORDS = 12
# Where a clause starts: the subject of the forecast is the last piece before the future verb.
CLAUSE_BREAK = re.compile(
    r"([,;:—–]\s+|\s-\s|\b(?:that|and|but|because|as|while|if|when|which|who|so|whether|where|"
    r"although|though|since|until|unless|what|how|why|whose)\s+)",
    re.I,
)
_SUBORDINATOR = re.compile(
    r"\b(?:that|because|while|if|when|which|who|whose|where|although|though|since|until|unless|"
    r"so|but)\b|[;:]"
)
_RELATIVE = words("who which whose")
_COORDINATORS = words("and or")
_EMBEDDED_QUESTION = words("what how why")
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
# A frame around the forecast that says who hopes or how sure: "it is hoped (that)", "there is
# speculation", "I'm sure", "the charity is now hoping". The subject follows it.
_FRAME = re.compile(
    r"\b(?:it|this)\s+(?:is|was|has been|had been|seems|seemed|appears|remains)\s+"
    r"(?:(?:widely|now|also|generally|still|increasingly|very|highly|quite)\s+)?"
    r"(?:hoped|expected|thought|believed|feared|understood|assumed|anticipated|rumou?red|likely|"
    r"unlikely|possible|probable|clear|certain|inevitable)(?:\s+that)?\s+"
    r"|\bthere\s+(?:is|are|was|were|has been)\s+(?:(?:some|growing|widespread|much|little|no|"
    r"real|now|also|a)\s+)*(?:speculation|concerns?|hopes?|fears?|chance|risk|possibility|talk|"
    r"suggestions?|expectations?|signs?|doubt|danger)(?:\s+that)?\s+"
    r"|\b(?:i|we|he|she|they)(?:['’]m|['’]re|\s+am|\s+are|\s+is|\s+was|\s+were)\s+(?:\w+ly\s+)?"
    r"(?:sure|confident|certain|convinced|hopeful|optimistic|afraid|worried|concerned)"
    r"(?:\s+that)?\s+"
    r"|\b(?:is|are|was|were)\s+(?:(?:now|still|also|\w+ly)\s+)?(?:hoping|expecting|predicting|"
    r"warning|betting|confident|optimistic|hopeful|adamant|convinced)(?:\s+that)?\s+",
    re.I,
)
_ADVERB_ASIDE = re.compile(
    r",\s+(?:however|though|meanwhile|too|also|moreover|therefore|instead|nonetheless|in turn|"
    r"for example|for instance|in fact|of course),\s+",
    re.I,
)
_OPENING_ADVERB = re.compile(
    r"^(?:meanwhile|additionally|furthermore|nevertheless|nonetheless|instead|ultimately|"
    r"eventually|finally|overall|today|now|soon)\s+(?=\S+\s)",
    re.I,
)
_RUN_ON_THE = re.compile(r"^.*?(?:\s|(?<=[a-z]))(The\s.+)$")
_MOST_IF_NOT_ALL = re.compile(r"\bmost,? if not all,?", re.I)
_PREPOSITIONS = words("of to for with about from by in on at into over under after before")
_DANGLING = words(
    "of to for with about from by in on at no the a an his her their its any new and or but nor "
    "never not ever also still"
)
# Case-sensitive: "on May 7" is a date. A possessive "pilots' " is no quotation mark.
MODAL_OR_QUOTE = re.compile(
    r"\b(?:will|would|could|should|can|may|might|must|shall)\b|[“”\"‘]|\s'|(?<!s)'\s|^'"
)
_QUOTED_TERM = re.compile(r"[\"“]([^\"“”]{1,40})[\"”]")
_ENDS_RELATIVE = re.compile(r"\b(?:who|which|that)$", re.I)
_PARENTHETICAL = re.compile(r",\s+(?:who|which|whose|where)\b[^,]*(?:,[^,]*)*$", re.I)
SUBJECT_PRONOUNS = words("I we you he she it they We You He She It They")
# A finite verb in the subject means the forecast sits in a clause: "I thought the world will".
FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|am|has|have|had|do|does|did|said|says|think|thinks|thought|believe|"
    r"believes|imagine|know|knew|hope|fear|suspect|guess|bet|expect|predict|doubt|wonder|found|"
    r"knows|hopes|fears|suspects|guesses|bets|expects|predicts|predicted|doubts|wonders|estimated|"
    r"estimates|announced|announces|stated|states|reported|revealed|confirmed|insisted|"
    r"promised|speculated|"
    r"finds|shows?|showed|suggests?|suggested|warns?|warned|argues?|argued|claims?|claimed|"
    r"notes?|noted|adds?|added)\b"
)  # case-sensitive: "the United States" is a name, not "states"
# The first verb of a clause whose subject a later "and will" shares: "England are ... and will".
_FIRST_VERB = re.compile(r"\b(?:is|are|am|was|were|has|have|had|[a-z]{3,}ed)\b")
# Words that open a noun phrase ("the", "another"): where a phrase read backwards starts.
DETERMINERS = words("the a an this that these those its their his her our my your another")
LOWER_FIRST = words(
    "the a an it they we he she this that there these those our their its his her some many most "
    "all both each any no several such every either neither nearly almost about around only just "
    "more fewer less one two three four five six seven eight nine ten"
)
# Sentence-initial words with these endings are ordinary nouns, not names ("Ridership will").
_COMMON_ENDINGS = (
    "ship", "tion", "sion", "ment", "ness", "ity", "ism", "ists", "ers", "ance", "ence", "ings",
    "ies", "ants", "ents", "ures", "ages", "ics", "ors",
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z][\w’'-]*")


def ordinary_words(texts: list[str]) -> frozenset[str]:
    """Words an article writes in lower case somewhere: not names when they open a sentence."""
    return frozenset(w for t in texts for w in _WORD.findall(t) if w[:1].islower())


def _joined(parts: list[str]) -> tuple[str, bool] | None:
    """Join a relative clause or a coordinated noun to the noun before it, when that is a noun."""
    sep = parts[-2].strip().lower()
    piece = parts[-1].strip()
    head = parts[-3].strip()
    verbs = list(FINITE_VERB.finditer(head))
    if sep in _COORDINATORS:
        if verbs and verbs[-1].group(0) not in _AUXILIARY:
            # "Egypt suggest the Freedom and Justice Party will": the name after the verb.
            head = head[verbs[-1].end() :].strip()
            first = head.split(" ", 1)[0]
            if not (first.lower() in DETERMINERS or first[:1].isupper()) or len(head.split()) > 4:
                return None
            verbs = []
        if (
            verbs
            or _CLAUSE_VERB.search(head)
            or _CLAUSE_VERB.search(piece)
            or FINITE_VERB.search(piece)
            or len(head.split()) > 6
            or piece.split()[0] in SUBJECT_PRONOUNS
        ):
            return None  # "sales are up and prices will", "... and we will": two clauses
    elif verbs:
        head = head[verbs[-1].end() :].strip()
    head = CONNECTIVES.sub("", head).strip(QUOTES + " ")
    joined = f"{head} {sep} {piece}"
    if head and piece and len(joined.split()) <= MAX_SUBJECT_WORDS:
        return joined, len(parts) == 3
    return None


def _shared(parts: list[str]) -> tuple[str, bool] | None:
    """The subject a clause shares with "and will": "England are in a good place and will"."""
    if parts[-1].strip() or parts[-2].strip().lower() != "and":
        return None
    if any(p.strip() for p in parts[2:-1:2]) or any(
        s.strip() not in (",", "and") for s in parts[1:-2:2]
    ):
        return None  # more than one clause before "and": whose subject is unclear
    verb = _FIRST_VERB.search(parts[0])
    subject = parts[0][: verb.start()].strip() if verb else ""
    first = subject.split(" ", 1)[0]
    if (
        not subject
        or len(subject.split()) > 6
        or MODAL_OR_QUOTE.search(subject)
        or not (first[:1].isupper() or first.lower() in LOWER_FIRST)
        or FINITE_VERB.search(subject)
    ):
        return None
    return subject, True


def _noun_verbs(piece: str) -> list[re.Match[str]]:
    """Finite verbs in a piece, without a last "verb" that ends it: "Some states" is a noun."""
    verbs = list(FINITE_VERB.finditer(piece))
    if not verbs or piece[verbs[-1].end() :].strip():
        return verbs
    last = verbs[-1].group(0)
    before = piece[: verbs[-1].start()].split()
    if (
        last not in _AUXILIARY | {"says", "said"}
        and before
        and before[-1] not in SUBJECT_PRONOUNS
        and (last.endswith("s") or before[-1].lower() in DETERMINERS)
    ):
        verbs.pop()  # nothing between it and "will": "the suspect may", "some states will"
    return verbs


def subject_of(prefix: str) -> tuple[str, bool] | None:
    """The subject of the future verb and whether it opens the sentence; None when unclear."""
    if prefix.rstrip().endswith(","):
        cut = _PARENTHETICAL.sub("", prefix.rstrip()[:-1])  # "Wright, who had ..., will"
        if cut == prefix.rstrip()[:-1]:
            # "The commission, set up by the council, will": the noun before the aside.
            pieces = prefix.rstrip()[:-1].split(", ")
            head = pieces[0].strip()
            if len(pieces) < 2:
                return None  # "those who complete the training, will": too long to ask about
            clause = _SUBORDINATOR.search(head) or _CLAUSE_VERB.search(head)
            limit = 6 if clause else MAX_SUBJECT_WORDS
            if len(head.split()) <= limit and not FINITE_VERB.search(head):
                return head, True  # "The correspondence of the Archbishop of X, ..., will"
            # "Police believe the suspect, described as ..., may": the subject ends the clause.
            found = subject_of(head + " ")
            if found and found[0].split()[0].lower() not in _PREPOSITIONS:
                return found
            return None
        prefix = cut
    prefix = _QUOTED_TERM.sub(r"\1", prefix)  # 'A "peacekeeping gap" is likely to'
    prefix = _ADVERB_ASIDE.sub(" ", prefix)  # "Growth, however, picked up and is expected to"
    prefix = _MOST_IF_NOT_ALL.sub("most", prefix)
    frames = list(_FRAME.finditer(prefix))
    if frames and prefix[frames[-1].end() :].strip():
        prefix = " " + prefix[frames[-1].end() :]  # "it is hoped the theatre will": the theatre
    there = _THERE_ARE_WHO.match(prefix.strip())
    if there and len(there.group(1).split()) <= MAX_SUBJECT_WORDS:
        return there.group(1), True  # "There are millions more who will": the millions
    prefix = _DASH_ASIDE.sub("", prefix)  # "a conflict - 3,500 dead last year - is going to"
    # Keep a space at the end so a prefix ending in "and" or "that" ends in an empty clause.
    parts = CLAUSE_BREAK.split(prefix.lstrip().rstrip(", ") + " ")
    piece = parts[-1].strip()
    at_start = len(parts) == 1 and prefix[:1] != " "
    if len(parts) >= 2 and parts[-2].strip().lower() in _EMBEDDED_QUESTION:
        return None  # "how a kitchen will look": an indirect question, not a claim
    if len(parts) >= 3 and parts[-2].strip().lower() in _RELATIVE | _COORDINATORS and piece:
        # "divorcees who stop work will", "the US and Britain will": one subject.
        joined = _joined(parts)
        if joined:
            return joined
    if len(parts) >= 3 and not piece:
        return _shared(parts)
    tokens = piece.split()
    if not tokens:
        return None
    if tokens[-1] in SUBJECT_PRONOUNS:
        return tokens[-1], at_start and len(tokens) == 1
    verbs = _noun_verbs(piece)
    if verbs:
        after = piece[verbs[-1].end() :].strip()
        nxt = after.split(" ", 1)[0]
        if verbs[-1].group(0).lower() in _AUXILIARY and not (
            nxt[:1].isupper() or nxt.lower() in LOWER_FIRST
        ):
            return None  # "whose rights have been violated will": a verb phrase, no subject
        piece, at_start = after, False
    stripped = CONNECTIVES.sub("", piece)
    if stripped and stripped != piece:
        piece = stripped
    piece = _COGNITION_ING.sub("", piece).strip(QUOTES + " ")
    piece = _OPENING_ADVERB.sub("", piece)  # "Meanwhile a US-funded programme will"
    run_on = _RUN_ON_THE.match(piece)
    if run_on:
        piece = run_on.group(1)  # "Canadian news The Green Party will": a section label first
    return checked_subject(piece, at_start)


def checked_subject(piece: str, at_start: bool) -> tuple[str, bool] | None:
    """The piece as a subject, or None when it is a clause, a verb phrase or a quotation."""
    size = len(piece.split())
    if MODAL_OR_QUOTE.search(piece):
        return None  # another clause or a quotation, not a subject
    last = piece.split()[-1] if piece.split() else ""
    nominal = size == 2 and piece.split()[0].lower() == "the"  # "the accused", "the injured"
    if size > 1 and participle(last) and not last.endswith("ing") and not nominal:
        return None  # "Biden announced plans to": "plans" is a noun after a verb ("speed" is not)
    if last.lower() in _DANGLING:
        return None  # "spoke of plans to": the verb is a noun here, there is no subject
    words_ = piece.split()
    if size > 1 and words_[0].endswith("ing") and words_[1].lower() in _PREPOSITIONS:
        return None  # "Performing at the show will be X": the subject comes after the verb
    if not piece or size > MAX_SUBJECT_WORDS or _ENDS_RELATIVE.search(piece):
        return None  # the forecast sits in a relative clause: "the man who will present"
    if size > 4 and _CLAUSE_VERB.search(piece):
        return None  # a whole clause, not a subject: "dancers won a case against ..."
    return piece, at_start


def subject_case(subject: str, opens: bool, ordinary: frozenset[str]) -> str:
    """Lower-case a sentence-initial ordinary word; keep names and mid-sentence capitals."""
    first, _, rest = subject.partition(" ")
    low = first.lower()
    if low in LOWER_FIRST or first in {"It", "They", "We", "He", "She", "You"}:
        first = low
    elif opens and first[:1].isupper() and not first.isupper():
        second = rest.split(" ", 1)[0]
        name_follows = second[:1].isupper()
        if low in ordinary or (not name_follows and low.endswith(_COMMON_ENDINGS)):
            first = low
    return f"{first} {rest}".strip()


def participle(token: str) -> bool:
    """A lower-case verb form ending a noun phrase: "debating", "made" (not "speed")."""
    low = token.lower()
    return token.islower() and low.endswith(("ing", "ed")) and not low.endswith("eed")
