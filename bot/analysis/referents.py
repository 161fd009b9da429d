"""What a relative clause or a pronoun in a forecast refers to ("X, which will", "X said he")."""

from __future__ import annotations

import logging
import re

from bot.analysis.claims import CONNECTIVES
from bot.analysis.cues import words
from bot.analysis.subjects import (
    CLAUSE_BREAK,
    DETERMINERS,
    FINITE_VERB,
    LOWER_FIRST,
    MODAL_OR_QUOTE,
    SUBJECT_PRONOUNS,
    checked_subject,
    participle,
)

log = logging.getLogger(__name__)

# Words that end a noun phrase read backwards from a relative pronoun: verbs and prepositions.
_NP_BOUNDARY = words(
    "in on at for with to from by about into onto over under after before during against between "
    "through without within among toward towards upon as like than via per across behind beyond "
    "is are was were be been being has have had said says told and or but it's that's there's "
    "what's here's"
)
_NOT_A_REFERENT = words(
    "no any some what whatever every none anyone anything something nothing those these this that "
    "one ones others"
)
_COPULAS = words("is are was were be been as")
_DEMONSTRATIVES = words("those these this that one ones others")
_RELATIVE_END = re.compile(r"(?:,\s*)?\b(?:which|that|who)\s*$")  # "That" opens a sentence


def relative_head(prefix: str) -> str | None:
    """The noun a relative clause hangs on: "Typhoon Lupit, which is expected to" -> the typhoon."""
    end = _RELATIVE_END.search(prefix)
    if not end or (end.group(0).startswith(",") and end.group(0).rstrip().endswith("that")):
        return None  # ", that will": "that" after a comma starts no relative clause
    tokens = prefix[: end.start()].rstrip(" ,").split()
    head: list[str] = []
    stop = ""
    for at in range(len(tokens) - 1, -1, -1):
        token = tokens[at]
        low = token.lower()
        if low in ("by", "in", "at", "near"):
            return None  # "items made by Gillows which", "the assault in St Louis, which"
        if (
            low in _NP_BOUNDARY
            or token[-1:] in ",;:()—–-"
            or FINITE_VERB.fullmatch(token)
            or (participle(token) and not (at > 0 and tokens[at - 1].lower() in DETERMINERS))
        ):
            stop = low
            break
        head.insert(0, token)
        if low in DETERMINERS:
            break  # "this study a new technique that": the noun phrase starts at "a"
    if not head or len(head) > 8:
        return None
    first = head[0]
    if first.lower() in _NOT_A_REFERENT - _DEMONSTRATIVES or first in SUBJECT_PRONOUNS:
        return None
    if first.lower() in _DEMONSTRATIVES and len(head) == 1:
        return None  # "those who will": no noun to ask about
    if stop == "to" and not head[0][:1].isupper():
        return None  # "is to cover eventual interpretations that": a verb phrase, not a noun
    # "These are anchor projects that", "described as volatile devices that": a bare plural.
    plural = stop in _COPULAS and len(head) > 1 and head[-1].islower() and head[-1].endswith("s")
    known = first.lower() in LOWER_FIRST | DETERMINERS
    if not (first[:1].isupper() or known or first[:1].isdigit() or plural):
        return None  # "anchor projects that will" is a noun phrase; "work that will" is unclear
    found = checked_subject(" ".join(head), False)
    return found[0] if found else None


# "X said (that) he will": the noun phrase before a speech verb, which the pronoun points back to.
_SPEECH_BEFORE = re.compile(
    r"\s+(?:(?:has|have|had)(?:n['’]t|\s+not)?\s+)?(?:\w+ly\s+)?(?:said|says|denied|denies|"
    r"announced|announces|decided|"
    r"confirmed|confirms|insisted|insists|warned|warns|promised|promises|pledged|vowed|claimed|"
    r"claims|stated|states|indicated|admitted|acknowledged|revealed|added|believes|believed|"
    r"expects|expected|hopes|hoped|told\s+[^,;]{1,40}?)\s+(?:(?:that|whether|if)\s+)?$"
)
_RUN_ON = re.compile(r"\w\.[A-Z]")  # "the UK.He said": two sentences run together
_PERSON_WORDS = words(
    "mr mrs ms miss dr sir dame lady lord professor prof spokesman spokeswoman minister president "
    "secretary senator governor mayor chairman chairwoman chief manager coach director leader "
    "captain judge officer boss executive ceo founder father mother son daughter wife husband man "
    "woman boy girl"
)
_ORG_WORDS = words(
    "company firm government council ministry department agency trust party university bank "
    "club board commission committee association union group office service court school "
    "corporation authority organisation organization institute bureau team network airline "
    "report study survey inc ltd plc"
)


def person_title(tokens: set[str]) -> bool:
    """True when lower-cased words include a title or role only a person has ("Mr", "mayor")."""
    return bool(tokens & _PERSON_WORDS)


def antecedent(pronoun: str, prefix: str) -> str | None:
    """The source a "he", "she", "it" or "they" after "X said" points back to, if it agrees.

    An earlier "X said he ..." in the same sentence names the source of a later "he" too.
    """
    ends = [len(prefix)] + [
        m.start() for m in re.finditer(rf"\b{re.escape(pronoun)}\b", prefix, flags=re.I)
    ]
    for end in ends:
        found = _named_before(pronoun, prefix[:end])
        if found:
            return found
    return None


def _named_before(pronoun: str, prefix: str) -> str | None:
    """The noun phrase before "said (that)" at the end of `prefix`, if the pronoun agrees."""
    speech = _SPEECH_BEFORE.search(prefix)
    if not speech:
        return None
    text = prefix[: speech.start()].strip()
    if text.endswith(","):
        text = text.split(", ")[0]  # "Mr Wright, of The Dell, said he": Mr Wright
    piece = CLAUSE_BREAK.split(text)[-1].strip()
    piece = CONNECTIVES.sub("", piece).strip()
    tokens = piece.split()
    if (
        not tokens
        or len(tokens) > 8
        or MODAL_OR_QUOTE.search(piece)
        or FINITE_VERB.search(piece)
        or _RUN_ON.search(piece)
        or not (tokens[0][:1].isupper() or tokens[0].lower() in DETERMINERS)
    ):
        return None
    low = {t.lower().strip(".,") for t in tokens}
    head = tokens[-1]
    named = head[:1].isupper() and not head.isupper()  # "BBC" is no person
    person = person_title(low) or (named and not low & _ORG_WORDS)
    org = bool(low & _ORG_WORDS)
    pron = pronoun.lower()
    if tokens[0] in SUBJECT_PRONOUNS or tokens[0].lower() in _NOT_A_REFERENT:
        return None
    if pron in ("he", "she") and person and not org and not (head.islower() and head.endswith("s")):
        return piece
    if pron == "it" and org and not person_title(low) and not head.endswith("s"):
        return piece
    if pron == "they" and (org or (head.islower() and head.endswith("s")) or head == "police"):
        return piece
    return None
