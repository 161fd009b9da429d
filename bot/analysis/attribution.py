"""Find who a sentence attributes its content to: "X said", "according to X", "he noted"."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.analysis.cues import (
    ACCORDING_TO,
    ATTRIBUTION_TAIL,
    ATTRIBUTION_VERBS,
    AUXILIARIES,
    FIRST_PERSON_SUBJECTS,
    GENERIC_SOURCES,
    NON_NAMES,
    POSSESSIVES,
    PRONOUNS,
    TITLE_WORDS,
    words,
)
from bot.analysis.sentences import quote_spans

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w[\w’'.&-]*")
_DETERMINERS = words("the a an his her their its our some many several two three")
_LINKS = words("at of from")
_SENTENCE_PERIOD = re.compile(r"[a-z]{3,}\.$")


@dataclass(frozen=True, slots=True)
class Attribution:
    """A source the sentence credits; `source` is None when it cannot be named."""

    source: str | None
    evidence: str
    first_person: bool = False
    pronoun: bool = False


def blank_quotes(text: str) -> str:
    """Replace quoted spans by spaces so that words inside quotations are not read as the frame."""
    spans = quote_spans(text)
    if not spans:
        return text
    pieces: list[str] = []
    at = 0
    for start, end in spans:
        if start >= at:
            pieces.append(text[at:start] + " " * (end - start))
            at = end
    pieces.append(text[at:])
    return "".join(pieces)


def _is_name(token: str) -> bool:
    low = token.lower().rstrip("’'")
    return token[:1].isupper() and low not in NON_NAMES | PRONOUNS | FIRST_PERSON_SUBJECTS


def resolve(name: str, known: Sequence[str], pronoun: bool = False) -> str | None:
    """Resolve a surname or pronoun to the fullest earlier source it refers to."""
    if pronoun:
        named = [k for k in known if k[:1].isupper()]
        return named[-1] if named else None
    for k in reversed(known):
        if k != name and k.split()[-1] == name.split()[-1] and len(k) > len(name):
            return k
    return name


def _name_before(tokens: list[str], k: int) -> tuple[list[str], int]:
    """Collect the capitalised name that ends just before tokens[k]; return it and its start."""
    j = k - 1
    skipped = 0
    while j >= 0 and skipped < 2 and (tokens[j] in AUXILIARIES or tokens[j].endswith("ly")):
        j -= 1
        skipped += 1
    name: list[str] = []
    while j >= 0:
        tok = tokens[j]
        if _is_name(tok) or (tok == "of" and name and j > 0 and _is_name(tokens[j - 1])):
            name.insert(0, tok)
            j -= 1
            continue
        break
    return name, (j + 1 if name else j)


def _with_affiliation(tokens: list[str], start: int, name: list[str]) -> str:
    """Extend a named institution back over "researchers at": "Analysts at Acme Bank"."""
    if start >= 2 and tokens[start - 1] in _LINKS and tokens[start - 2].lower() in GENERIC_SOURCES:
        lead = start - 2
        if lead >= 1 and _is_name(tokens[lead - 1]):
            lead -= 1  # "Transit researchers at ...", an adjective capitalised at the start
        return " ".join(tokens[lead:start] + name)
    return " ".join(name)


def find_attribution(text: str, known: Sequence[str] = ()) -> Attribution | None:
    """Return the attribution of a sentence (its frame, outside quotations), if any."""
    frame = blank_quotes(text)
    m = ACCORDING_TO.search(frame)
    if m:
        source = m.group(1).rstrip(".,;:’'")
        if source.lower().startswith("the "):
            source = source[4:] if source[4:5].isupper() else source
        return Attribution(resolve(source, known), "according to")
    spans = list(_TOKEN.finditer(frame))
    tokens = [s.group(0) for s in spans]
    for k, token in enumerate(tokens):
        tok = token.rstrip(".")  # the token pattern keeps periods for "U.S.", not for "said."
        if tok not in ATTRIBUTION_VERBS:  # verbs are lower case: "United States" is not a verb
            continue
        tail = ATTRIBUTION_TAIL.match(frame, spans[k].end())
        evidence = tok + (tail.group(0) if tail else "")
        name, start = _name_before(tokens, k)
        prev = tokens[start].lower() if not name and start >= 0 else ""
        if name:
            joined = _with_affiliation(tokens, start, name)
            if _SENTENCE_PERIOD.search(joined):
                joined = joined[:-1]  # "said Ms Franov." ends the sentence, not the name
            if joined.lower() in GENERIC_SOURCES:
                return Attribution(joined.lower(), evidence)
            return Attribution(resolve(joined, known), evidence)
        if prev in FIRST_PERSON_SUBJECTS:
            return Attribution(None, evidence, first_person=True)
        if prev in PRONOUNS:
            return Attribution(resolve(prev, known, pronoun=True), evidence, pronoun=True)
        if prev in TITLE_WORDS and start >= 1 and tokens[start - 1].lower() == "the":
            # "The mayor added" is the mayor named earlier ("Mayor Tom Becker").
            titled = [k for k in known if prev in k.lower().split()]
            return Attribution(titled[-1] if titled else f"the {prev}", evidence)
        if prev in GENERIC_SOURCES:
            if start >= 1 and tokens[start - 1].lower() in POSSESSIVES:
                owner = resolve(tokens[start - 1].lower(), known, pronoun=True)
                return Attribution(owner or prev, evidence, pronoun=owner is not None)
            words = [tokens[start]]
            if start >= 1 and _is_name(tokens[start - 1]):
                words.insert(0, tokens[start - 1])  # "Google executives", not "dissipate officials"
            return Attribution(" ".join(words), evidence)
        before = text[: spans[k].start()].rstrip()
        if before.endswith((",", "”", '"')) and k + 1 < len(tokens):
            after = tokens[k + 1 : k + 6]
            forward: list[str] = []
            for t in after:
                named = _is_name(t) or (t == "of" and bool(forward))
                if named or (not forward and t.lower() in _DETERMINERS | GENERIC_SOURCES):
                    forward.append(t)
                else:
                    break
            if forward and any(_is_name(t) or t.lower() in GENERIC_SOURCES for t in forward):
                source = " ".join(forward)
                if _SENTENCE_PERIOD.search(source):
                    source = source[:-1]
                return Attribution(resolve(source, known), evidence)
    return None
