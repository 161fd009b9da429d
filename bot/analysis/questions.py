"""Rewrite a forecast claim as a neutral yes/no poll question: its subject, its verb, its asides."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from bot.analysis.claims import (
    EXPECT_NP_TO,
    QUOTES,
    THERE_BE,
    clean_claim,
    future_spans,
    split_condition,
    strip_cues,
)
from bot.analysis.horizon import resolve_by
from bot.analysis.referents import antecedent, relative_head
from bot.analysis.subjects import (
    FINITE_VERB,
    LOWER_FIRST,
    MAX_SUBJECT_WORDS,
    SUBJECT_PRONOUNS,
    ordinary_words,
    subject_case,
    subject_of,
)

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
FALLBACK = "Will this turn out to be true:"
# Longer questions read badly in a poll: past this, trailing asides are cut at a clause break.
_COMFORTABLE = 160
_HEDGE_WORDS = re.compile(
    r"\s+(?:likely|probably|surely|certainly|definitely|almost certainly|oft|undoubtedly|"
    r"in all likelihood|no doubt|possibly|perhaps|potentially|quite possibly|in fact)\b",
    re.I,
)
# The author's stance right after the verb ("will inevitably fail"); elsewhere they say how.
_STANCE = re.compile(
    r"^(?:inevitably|clearly|obviously|sadly|thankfully|hopefully|doubtless|undoubtedly)\s+", re.I
)
_LEADING_ADVERB = re.compile(r"^(?:also|still|now|then|indeed|even|yet|actually|really)\s+", re.I)
_COLON_QUOTE = re.compile(r"\s*:\s*[\"“‘']")
_ANNOUNCED = re.compile(
    r"(?:\s(?:has|have|had))?(?:\s(?:also|now))?"
    r"\s(?:announced|unveiled|outlined|revealed|confirmed|has|have|had|also)"
    r"(?: its| their| his| her)?\s*$"
)
_POSSESSOR = re.compile(r"(?:^|\s)((?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})['’]s\s*$")
_MODAL_END = re.compile(r"\s(?:can|could|may|might|should|would|will)\s*$")
_PAST_AFTER_AND = re.compile(
    r",?\s+and\s+(?:then\s+)?[a-z]{3,}ed\s+(?:for|that|the|a|an|on|to|his|her|their|its)\s.*$"
)
_PERFECT = re.compile(r"\s(?:has|have|had)(?:\s(?:also|now|already|repeatedly|previously))?\s*$")
_REST_SECOND = re.compile(
    r",?\s+(?:and|but)\s+(?:(?:I|we|you|he|she|they|it)\s+|that\s+[^,]{1,60}?)?"
    r"(?:should|must|can|will|would|could|may|might|shall)\b.*$",
    re.I,
)  # "... and I will carry", "... and that the budget would": a second forecast
# Future verbs the claim cleaner does not list: adverbs inside "is also unlikely to", progressive
# plans ("is planning to"), and the future-in-the-past after "saying", "predicting" and the like.
_MORE_SPANS = re.compile(
    r"\b(?:is|are|was|were|['’]s|['’]re)\s+(?:(?:also|still|now|not|already|currently|widely|"
    r"increasingly|highly|very|\w+ly)\s+)*(?:un)?(?:likely|expected|set|poised|due|scheduled|"
    r"planned|projected|forecast|predicted|bound|slated|tipped|anticipated)\s+to\s+"
    r"|\b(?:is|are|was|were|['’]s|['’]re)\s+(?:(?:also|still|now|already|currently|\w+ly)\s+)?"
    r"(?:planning|hoping|preparing|aiming|looking|seeking|intending|expecting)\s+to\s+"
    r"|(?:\b(?:is|are|am)|['’](?:s|re|m))\s+(?:just\s+|not\s+)?gonna\s+",
    re.I,
)
_ING_SPEECH_WOULD = re.compile(
    r"\b(?:saying|predicting|forecasting|warning|expecting|believing|promising|insisting|"
    r"claiming|suggesting|indicating|stating|announcing|arguing|signalling|signaling)\b"
    r"[^.;]{0,80}?\b(would(?: not)?\s+)(?!have\b)",
    re.I,
)
# "is going to Aintree", "going to court": a journey, not the future.
_GOING_PLACE = re.compile(r"^(?:[A-Z]|(?:court|war|jail|prison|hospital|school|work|bed)\b)")
# "predicts 25 million more malnourished children by 2050": a forecast of a thing, not an act.
_PREDICTS_NP = re.compile(
    r"(?P<before>\S+)\s+(?:predicts|predicted|forecasts|foresees|anticipates|expects|"
    r"warns of|warned of)\s+(?P<np>(?!(?:that|to|it|them|him|her|us|me|you|this|what|how|when|"
    r"whether|if|by)\b)[^,;:]{3,120})(?:[,;:]\s.*)?$",
    re.I,
)
# Where a relative clause ends and the main clause resumes: "X, who will lead ..., was exposed".
_RELATIVE_CLAUSE_END = re.compile(
    r",\s+|\s[-–—]\s|\s(?=(?:is|are|was|were|has been|have been|had been)\b)"
)
_NAME_TO = re.compile(r"(?P<np>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,4})\s+to\s+(?P<rest>[a-z].*)$")
_IF_THEN = re.compile(r"^((?:if|unless)\s[^,;:]{3,150}?)\s+then\s+(\S.*)$", re.I)
_LEADING_ADVERBIAL = re.compile(r"^[A-Z][\w’']*(?:\s+[\w’']+){0,3},\s+")
_MODAL = re.compile(r"\b(?:will|would|could|should|can|may|might|must|shall)\b", re.I)
# Asides that make a question long without changing what it asks.
_ASIDE = re.compile(
    r"\s+[-–—]\s+|;\s+|\s+\(|,\s+(?:with|which|who|whose|where|as|after|including|"
    r"according to|amid|despite|even as|citing|saying|noting|adding|prompting)\b"
    r"|,\s+[\w’'. ]{2,60}\b(?:said|says|told|added|noted|reported)\b",
    re.I,
)
_CLAUSE_END = re.compile(r"[,;:]\s|\s[-–—]\s|\s\(")
_GLUED_SENTENCE = re.compile(r"(?<=[a-z0-9%)])[.!?][\"”’']?(?=[A-Z][a-z])")
_SAID_SO = re.compile(
    r",\s+(?:[\w’'.-]+\s+){0,5}(?:say|says|said|added|adds|noted|notes|warned|warns|believe|"
    r"believes|reported|reports|told\s+\w+)(?:\s+on\s+\w+)?\s*$"
)
# A quotation that opens after the forecast and never closes in it.
_OPENED_QUOTE = re.compile(r"\s[‘“][^’”]*$|'?\s+'[A-Z].*$")
# A passive after "it will be" names an act ("it will be sold"); otherwise "it" is a dummy.
_PASSIVE = re.compile(r"^be\s+\w+(?:ed|en)\b")


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
    glued = _GLUED_SENTENCE.search(rest)
    if glued and len(rest[: glued.start()].split()) >= 2:
        rest = rest[: glued.start()]  # "reopen in 2018.The theatre ...": the next sentence
    said_so = _SAID_SO.search(rest)
    if said_so and said_so.start() > 0:
        rest = rest[: said_so.start()]  # "..., the researchers say": the source, not the claim
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
    rest = _trim(_REST_SECOND.sub("", _LEADING_ADVERB.sub("", _STANCE.sub("", rest))))
    rest = re.sub(r"^no longer\s+(?:even\s+)?", "still ", rest)  # "no longer get": "still get"
    if not rest.startswith(("be ", "have ", "been ")):
        rest = _PAST_AFTER_AND.sub("", rest)  # "ban X and called for Y": the past is reported
    rest = re.sub(r"^be no (?!longer\b|doubt\b|one\b|more than\b)", "be any ", rest)
    rest = rest.rstrip(" ,;:")  # "..., in fact" loses its hedge and then its comma
    if not rest or rest.lower() in ("be", "have", "do"):
        return ""  # "what his duties will be" asks nothing
    return f"Will {subject} {rest}?"


def _balanced(text: str) -> str:
    """Drop quotation marks left open by a cut: a stray mark reads as an error in a poll."""
    if text.count('"') % 2:
        text = text.replace('"', "")
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    return text


def _fit(text: str, room: int) -> str:
    """Shorten text to `room` characters at the last clause break, else at a word with "…"."""
    if len(text) <= room:
        return text
    cut = text[: room - 1]
    breaks = [m.start() for m in _CLAUSE_END.finditer(cut) if m.start() >= room // 2]
    if breaks:
        return cut[: breaks[-1]].rstrip(" ,;:")
    return cut.rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _spans(body: str) -> Iterator[tuple[int, int]]:
    """Future verbs in the order a question should try them: the cleaner's, then the rest."""
    yield from future_spans(body)
    for m in _MORE_SPANS.finditer(body):
        yield m.start(), m.end()
    for m in _ING_SPEECH_WOULD.finditer(body):
        yield m.start(1), m.end(1)


def _there_be(body: str, opens: bool, ordinary: frozenset[str]) -> str:
    """ "Heavy rain is expected as the front moves" asks "Will there be heavy rain ...?"."""
    m = THERE_BE.search(body)
    if not m or len(m.group("np").split()) > MAX_SUBJECT_WORDS:
        return ""
    np = m.group("np").strip()
    verbs = list(FINITE_VERB.finditer(np))
    at_start = m.start() == 0 and not verbs
    np = np[verbs[-1].end() :].strip() if verbs else np
    first, _, after = np.partition(" ")
    if not np:
        return ""
    if at_start and not after[:1].isupper() and not first.isupper():
        np = first.lower() + (" " + after if after else "")  # "Heavy rain" opens a sentence
    np = subject_case(np, opens or m.start() > 0, ordinary)
    if np.split()[0].lower() in SUBJECT_PRONOUNS | {"this", "that", "it"}:
        return ""
    rest = _trim(m.group("rest"))
    return f"Will there be {np}{' ' + rest if rest else ''}?"


def _predicted_thing(body: str) -> str:
    """ "A report predicts 25 million more hungry children by 2050" asks "Will there be ...?"."""
    m = _PREDICTS_NP.search(body)
    before = m.group("before") if m else ""
    if not m or before.lower() in LOWER_FIRST or before.endswith(("'s", "’s")):
        return ""  # "the forecasts of ...", "the Bank's forecasts": a noun, not a verb
    np = _trim(m.group("np"))
    named = _NAME_TO.match(np)
    if named:  # "expects Vector Arena to be completed": a name, then what it will do
        return _ask(named.group("np"), named.group("rest"))
    if _MODAL.search(np) or FINITE_VERB.search(np) or np.split()[0] in SUBJECT_PRONOUNS:
        return ""
    return f"Will there be {np}?"


def _template(body: str, opens: bool, ordinary: frozenset[str]) -> str:
    """Questions for forecasts without a future verb: "expects X to", "X is expected"."""
    m = EXPECT_NP_TO.search(body)
    if m and not _MODAL.search(m.group("np")):  # "predicted the PM will be allowed to": a clause
        return _ask(subject_case(m.group("np"), True, ordinary), m.group("rest"))
    adverbial = _LEADING_ADVERBIAL.match(body)
    for text in (body, body[adverbial.end() :] if adverbial else ""):
        question = _there_be(text, opens, ordinary) if text else ""
        if question:
            return question
    return _predicted_thing(body)


def _resolved(
    subject: str, prefix: str, rest: str, speaker: str | None, ordinary: frozenset[str]
) -> str:
    """A pronoun subject replaced by the source it points back to, when the claim names one."""
    if subject == "I" and speaker and speaker[:1].isupper():
        return speaker  # a quoted "I will" credited to a named source
    if subject.lower() not in ("he", "she", "it", "they"):
        return subject
    if subject.lower() == "it" and rest.startswith("be ") and not _PASSIVE.match(rest):
        return subject  # "he said it will be difficult": "it" is no company
    named = antecedent(subject, prefix.rstrip()[: -len(subject)])
    return subject_case(named, False, ordinary) if named else subject


def _asked(body: str, condition: str | None, ordinary: frozenset[str], speaker: str | None) -> str:
    """The question about the first future verb with a clear subject, or ""."""
    relatives: list[tuple[str, str]] = []
    for start, end in _spans(body):
        prefix = body[:start]
        verb = body[start:end]
        owner = _POSSESSOR.search(prefix) if verb.lower().startswith("plan") else None
        if owner:
            prefix = owner.group(1) + " "  # "unhappy with Japan's plans to build": Japan will build
        elif verb.lower().startswith("plans"):
            prefix = _ANNOUNCED.sub(" ", prefix)  # "Ruiz announced plans to cut": Ruiz will cut
        elif verb.lower().startswith("expect"):
            prefix = _MODAL_END.sub(" ", prefix)  # "An artist can expect to earn": the artist will
        elif verb.lower().endswith("ed to "):
            prefix = _PERFECT.sub(" ", prefix)  # "Dundee have vowed to": Dundee will
        if "going to" in verb.lower() and _GOING_PLACE.match(body[end:]):
            continue  # "is going to Aintree": a journey
        found = subject_of(prefix) if start else None
        if found is None:
            head = relative_head(prefix) if start else None
            if head:
                relatives.append((head, body[end:]))
            continue
        subject = subject_case(found[0], found[1] or condition is not None, ordinary)
        subject = _resolved(subject, prefix, body[end:], speaker, ordinary)
        question = _ask(subject, body[end:])
        if question:
            return question
    for head, rest in relatives:  # "Typhoon Lupit, which is expected to hit": about the typhoon
        clause = _RELATIVE_CLAUSE_END.split(rest, maxsplit=1)[0]  # "..., was exposed": main clause
        question = _ask(subject_case(head, False, ordinary), clause)
        if question:
            return question
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
    if_then = None if condition else _IF_THEN.match(body)
    if if_then and _asked(if_then.group(2), if_then.group(1), ordinary, speaker):
        condition, body = if_then.group(1), if_then.group(2)  # "If X then Y will": no comma
    lead = ""
    if condition:
        cond = condition[:1].lower() + condition[1:] if not condition[:2].isupper() else condition
        cond = _balanced(cond.strip().rstrip(QUOTES + ".,").strip())
        lead = f"{cond[:1].upper() + cond[1:]}, "
    question = _asked(body, condition, ordinary, speaker)
    if not question:
        question = _template(body, condition is not None, ordinary)
    if question:
        question = _balanced(question)
    else:
        short = body
        cut = _ASIDE.search(body) if len(body) > _COMFORTABLE else None
        if cut and len(body[: cut.start()].split()) >= 8:
            short = body[: cut.start()]
        room = MAX_QUESTION - len(lead) - len(FALLBACK) - 4
        short = _fit(_balanced(short.strip(QUOTES + " ")).replace("“", "").replace("”", ""), room)
        question = f"{FALLBACK} “{short}”?"
    if lead:
        question = lead + question[:1].lower() + question[1:]
    question = re.sub(r"\s{2,}", " ", question)
    if len(question) > MAX_QUESTION:
        question = _fit(question[:-1], MAX_QUESTION - 1) + "?"
    return question
