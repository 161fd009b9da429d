"""Paywall evidence: whether a page marked not free actually lacks its paywalled section."""

# Metered sites mark every article `isAccessibleForFree: false`, including the ones they serve
# whole, so the flag alone says nothing about this copy of the page. The JSON-LD `hasPart` names
# the paywalled section by CSS selector; the page is truncated when that section is in the markup
# but empty, or when the extracted text lacks most of it. A selector that matches nothing is no
# evidence either way: sites keep stale selectors in their templates (on the Zyte benchmark,
# wired.com names a `.paywall` it never uses and serves the whole article).

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from cssselect import HTMLTranslator, SelectorError
from lxml.etree import XPathError
from lxml.html import HtmlElement

log = logging.getLogger(__name__)

# The section is delivered when the extracted text holds at least this share of its words,
# counting a paragraph as held when this share of its 4-word shingles is in the text.
DELIVERED_SHARE = 0.5
PARAGRAPH_FOUND = 0.5
# Shorter <p> are bylines, captions and "Advertisement" labels, not the paywalled prose.
PARAGRAPH_MIN_WORDS = 6
_SHINGLE = 4
_WORD = re.compile(r"\w+")
_PROMPT = re.compile(
    r"subscribe (?:now )?to (?:continue|keep) reading|(?:to|and) continue reading"
    r"|(?:log|sign) ?in to (?:continue|read the (?:full|rest))|already a subscriber\?"
    r"|this (?:article|story|content) is (?:only )?(?:available )?(?:for|to) (?:paid )?subscribers"
    r"|(?:the )?rest of this (?:article|story) is"
    r"|you(?:'|’)ve (?:reached|used) (?:your|all your) (?:limit|free articles)"
    r"|become a (?:member|subscriber) to (?:read|continue)",
    re.IGNORECASE,
)
# Longer blocks that mention subscribing are article text, not a prompt.
PROMPT_MAX_WORDS = 40
_CSS = HTMLTranslator()
_TEXT = (
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def is_prompt(text: str) -> bool:
    """A short "subscribe to continue reading" style block: a paywall's prompt, not article text."""
    return len(text.split()) <= PROMPT_MAX_WORDS and bool(_PROMPT.search(text))


def selector_xpath(selector: str) -> str | None:
    """XPath for a CSS selector (cssselect, the translator lxml itself uses); None if malformed."""
    if not selector.strip():
        return None
    try:
        return _CSS.css_to_xpath(selector)
    except SelectorError:
        return None


def section_paragraphs(tree: HtmlElement, selectors: Iterable[str]) -> list[str] | None:
    """The paragraphs of the elements the selectors name; None when no element is found.

    Paragraphs are the sections' <p> elements of a few words or more (bylines, "Advertisement"
    and link lists are not), prompts left out; a section without any is one of its whole text.
    """
    found: list[HtmlElement] = []
    for selector in selectors:
        path = selector_xpath(selector)
        if path is None:
            log.debug("paywall selector not checkable: %r", selector[:80])
            continue
        try:
            hits = tree.xpath(path)
        except XPathError:
            continue
        found.extend(el for el in hits if isinstance(el, HtmlElement))
    chosen = set(found)
    outermost = [
        el
        for el in dict.fromkeys(found)
        if not any(parent in chosen for parent in el.iterancestors())
    ]
    if not outermost:
        return None
    paragraphs = [
        text
        for el in outermost
        for p in el.iter("p")
        if len((text := _text(p)).split()) >= PARAGRAPH_MIN_WORDS and not is_prompt(text)
    ]
    if paragraphs:
        return paragraphs
    whole = " ".join(_text(el) for el in outermost)
    return [whole] if len(whole.split()) >= PARAGRAPH_MIN_WORDS and not is_prompt(whole) else []


def _text(el: HtmlElement) -> str:
    return " ".join(" ".join(str(t) for t in el.xpath(_TEXT)).split())


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1))}


def section_missing(paragraphs: list[str] | None, text: str) -> bool:
    """True when the named section is delivered empty, or `text` lacks most of its paragraphs."""
    if paragraphs is None:
        return False
    got = _shingles(text)
    total = covered = 0
    for paragraph in paragraphs:
        wanted = _shingles(paragraph)
        words = len(paragraph.split())
        total += words
        if len(wanted & got) >= PARAGRAPH_FOUND * len(wanted):
            covered += words
    return total == 0 or covered < DELIVERED_SHARE * total
