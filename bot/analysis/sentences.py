"""Sentence splitting for news prose: abbreviations, quotes, ellipses, headlines, cue labels."""

from __future__ import annotations

import logging
import re

from bot.analysis.cues import words
from bot.models import Article, Sentence

log = logging.getLogger(__name__)

# Titles and words that are never the last word of a sentence when written with a period.
_NEVER_FINAL = words(
    "mr mrs ms messrs dr prof gen sen rep gov lt col sgt capt cmdr adm maj cpl pvt pres supt "
    "rev fr sr st mt ft hon amb atty det insp brig cdr vs v e.g i.e cf al approx dept est "
    "fig figs vol vols pp op ed nos"
)
# Abbreviations that can end a sentence; we split after them only when a typical sentence opener
# follows ("moved to the U.S. The next day" but "the U.S. Army", "5 p.m. Friday").
_MAYBE_FINAL = words(
    "inc corp co ltd llc plc jr bros etc a.m p.m u.s u.k u.n u.s.a e.u d.c n.y l.a"
)
# Month abbreviations and "No." are abbreviations when a number follows ("Jan. 5", "No. 5").
_BEFORE_NUMBER = words("jan feb mar apr jun jul aug sep sept oct nov dec no art sec ch")
_OPENERS = words(
    "the a an he she it they we i you this that these those there his her its their our my "
    "but and or so yet however meanwhile still then now in on at for as if when while after "
    "before since although though because what who why how where one some many most all no "
    "both each such another other"
)
_CLOSERS = "\"'”’»)]"
_OPENING_QUOTES = "\"'“‘«(["
# A candidate boundary: terminal punctuation, optional closing quotes, then whitespace; or, in
# scraped text that lost the space ("the country.The Syrian", 'a job."We'), a lower-case word,
# the punctuation and a capitalised word.
_BOUNDARY = re.compile(
    r"(?:[.!?]+|…|\.\.\.)[" + re.escape(_CLOSERS) + r"]*\s+"
    r"|(?<=[a-z]{2})[.!?][\"”’]?(?=[\"“]?[A-Z][a-z])"
)
_PREV_WORD = re.compile(r"(\S+)$")
_QUOTE_CHAR = re.compile("[“”\"‘’']")
_SENTENCE_END = re.compile(r"[.!?…]+[\s“”\"’']*")
_NEXT_WORD = re.compile(r"[\"'“‘(\[]?([\w’']+)")
_CUE_ONLY = re.compile(r"^[A-Z][\w’' ]{0,30}:$")
_LINE_END = re.compile(r"[.!?…:;\"”’)]$")


def _is_boundary(text: str, start: int, end: int) -> bool:
    """Decide whether the punctuation run text[start:end] ends a sentence."""
    nxt = text[end : end + 2]
    if not nxt:
        return True
    first = nxt[0]
    if first in _OPENING_QUOTES:
        first = nxt[1:2] or first
    if not (first.isupper() or first.isdigit()):
        return False  # "“non-binding,” albeit", "and … this will be", "e.g. lower case"
    punct = text[start:end].rstrip()
    if not punct.startswith(".") or punct.startswith("..."):
        return True
    if punct.rstrip(_CLOSERS) != ".":
        return True  # "?", "!" and periods inside closing quotes end sentences
    match = _PREV_WORD.search(text, max(0, start - 60), start)
    if match is None:
        return True
    word = match.group(1).lstrip(_OPENING_QUOTES)
    key = word.lower()
    next_word = _NEXT_WORD.match(text, end)
    opener = next_word is not None and next_word.group(1).lower() in _OPENERS
    if key in _NEVER_FINAL:
        return False
    if key in _BEFORE_NUMBER and nxt[0].isdigit():
        return False
    if key in _MAYBE_FINAL or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return opener
    if len(word) == 1 and word.isupper():
        return opener  # initials: "George W. Bush", "J. K. Rowling"
    return True


def _split_line(text: str) -> list[str]:
    """Split one line of running text into sentences."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if _is_boundary(text, m.start(), m.end()):
            piece = text[start : m.end()].strip()
            if piece:
                out.append(piece)
            start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _lines(text: str) -> list[str]:
    """Group physical lines into logical lines: headings and blank-line paragraphs stand alone."""
    groups: list[str] = []
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if current:
                groups.append(" ".join(current))
                current = []
            continue
        if current:
            prev = current[-1]
            # A short line without final punctuation is a headline; hard-wrapped prose continues.
            if not _CUE_ONLY.match(prev) and (_LINE_END.search(prev) or len(prev.split()) < 8):
                groups.append(" ".join(current))
                current = []
        current.append(line)
    if current:
        groups.append(" ".join(current))
    return groups


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; a cue label such as "Prediction:" stays with what follows."""
    out: list[str] = []
    for line in _lines(text):
        out.extend(_split_line(line))
    return out


def quote_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of text inside quotation marks, marks included.

    Single quotes open after a space and close before a non-letter, so apostrophes ("don’t",
    "players’ union") are not read as quotation marks; an unclosed quote runs to the end.
    """
    spans: list[tuple[int, int]] = []
    double = single = -1
    n = len(text)
    lone = sum(text.count(mark) for mark in '“”"') == 1
    for m in _QUOTE_CHAR.finditer(text):
        k = m.start()
        ch = text[k]
        prev = text[k - 1] if k else " "
        nxt = text[k + 1] if k + 1 < n else " "
        # A straight double quote opens after a space and closes after a word or punctuation.
        opening = ch == "“" or (ch == '"' and (prev.isspace() or prev in "([—–-"))
        if ch in '“"' and opening:
            double = k if double < 0 else double
        elif ch in '”"':
            start = double if double >= 0 else _orphan_start(text, k, spans, lone)
            spans.append((start, k + 1))
            double = -1
        elif single < 0 and ch in "‘'" and (prev.isspace() or prev in '(“"—') and nxt.isalnum():
            single = k
        elif single >= 0 and ch in "’'" and not nxt.isalpha():
            spans.append((single, k + 1))
            single = -1
    spans.extend((start, n) for start in (double, single) if start >= 0)
    return spans


def _orphan_start(text: str, k: int, spans: list[tuple[int, int]], lone: bool) -> int:
    """Where a quotation closed at `k` with no opening mark began.

    A paragraph whose only mark is that close ends a quotation begun in an earlier paragraph
    (the convention for quotes over several paragraphs): all of it is quoted. Otherwise an
    opening mark was lost (text pasted without line breaks, `."I am` or `family."Mr`): only the
    sentence that ends at the mark is taken as quoted, never text before an earlier quotation.
    """
    if lone:
        return 0
    floor = spans[-1][1] if spans else 0
    ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, max(floor, k - 1))]
    return max(floor, ends[-1] if ends else floor)


def quote_flags(text: str) -> bytearray:
    """For each character, 1 when it sits inside quotation marks (marks included), else 0."""
    flags = bytearray(len(text))
    for start, end in quote_spans(text):
        flags[start:end] = b"\x01" * (end - start)
    return flags


_IGNORED = frozenset(" \t.,;:!?…—–-'’")


def _wholly_quoted(flags: bytearray, text: str, start: int, end: int) -> bool:
    """True when every meaningful character of text[start:end] is inside quotation marks."""
    seen = False
    for k in range(start, min(end, len(text))):
        if text[k] in _IGNORED:
            continue
        if not flags[k]:
            return False
        seen = True
    return seen


def inside_quotes(sentence: str) -> bool:
    """True when a sentence on its own is wholly a quotation."""
    return _wholly_quoted(quote_flags(sentence), sentence, 0, len(sentence))


def segment(article: Article) -> list[Sentence]:
    """Split every block of the article into indexed sentences, remembering quotation."""
    sentences: list[Sentence] = []
    carry = ""
    carry_block = 0
    for b, block in enumerate(article.blocks):
        pieces = split_sentences(block.text)
        if len(pieces) == 1 and _CUE_ONLY.match(pieces[0]) and len(pieces[0].split()) <= 4:
            carry, carry_block = pieces[0], b  # a lone "Prediction:" belongs to the next block
            continue
        flags = quote_flags(block.text)
        pos = 0
        for j, piece in enumerate(pieces):
            at = block.text.find(piece, pos)
            if at < 0:  # lines were joined with single spaces; fall back to the piece itself
                quoted = block.quoted or inside_quotes(piece)
            else:
                pos = at + len(piece)
                quoted = block.quoted or _wholly_quoted(flags, block.text, at, pos)
            paragraph = b
            if j == 0 and carry:
                piece, paragraph, carry = f"{carry} {piece}", carry_block, ""
            sentences.append(Sentence(len(sentences), piece, paragraph=paragraph, quoted=quoted))
    if carry:
        sentences.append(Sentence(len(sentences), carry, paragraph=carry_block))
    return sentences
