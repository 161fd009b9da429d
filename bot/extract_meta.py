"""Page metadata (title, site, author, date, language) and paywall signs from the HTML tree."""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.html import HtmlElement

log = logging.getLogger(__name__)

_WS = re.compile(r"\s+")
_ISO_DATE = re.compile(r"((?:19|20)\d\d)-([01]\d)-([0-3]\d)")
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")
# " | Site", " - Site", " — Site" suffixes that <title> and og:title often carry.
_TITLE_SEP = re.compile(r"\s+[|\-–—·:»]\s+")
_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report|Posting)$")
_NOT_FREE = {"false", "no", "0"}
# CMS account names that templates print where a byline belongs.
_NOT_AUTHORS = {"admin", "administrator", "editor", "webmaster", "root", "user"}


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the page says about itself, before the body is extracted."""

    title: str | None = None
    # Every headline the page states (JSON-LD, Open Graph, <h1>, <title>), to keep out of the body.
    headlines: tuple[str, ...] = ()
    site: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    # JSON-LD `isAccessibleForFree: false` somewhere on the page: a sign, not proof, of a paywall.
    paywalled: bool = False
    # The CSS selectors of the parts it marks not free (`hasPart` ... `cssSelector`).
    paywall_selectors: tuple[str, ...] = ()


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    # JSON-LD and some CMS templates carry entities (&#8216;) that the HTML parser left alone.
    text = _WS.sub(" ", html.unescape(value)).strip()
    return text or None


def _meta(tree: HtmlElement, *names: str) -> str | None:
    """First non-empty <meta> content among `names` (matched on property, name or itemprop)."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in names and key not in found:
            content = _clean(el.get("content"))
            if content:
                found[key] = content
    for name in names:
        if name in found:
            return found[name]
    return None


def _json_ld(tree: HtmlElement) -> list[Any]:
    docs: list[Any] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower().strip() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            docs.append(json.loads(raw, strict=False))
        except (ValueError, RecursionError):
            log.debug("skipping malformed JSON-LD block")
    return docs


def _objects(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD document, @graph and nested parts included."""
    if depth > 20:
        return
    if isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _objects(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _objects(item, depth + 1)


def _types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []


def _names(value: Any) -> list[str]:
    """Person or organisation names from a JSON-LD author/publisher value."""
    if isinstance(value, str):
        text = _clean(value)
        return [text] if text and not text.startswith("http") else []
    if isinstance(value, dict):
        text = _clean(value.get("name"))
        return [text] if text else []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def iso_date(value: str | None) -> str | None:
    """The YYYY-MM-DD date at the start of an ISO-like date string, if there is one."""
    if not value:
        return None
    match = _ISO_DATE.search(value)
    return "-".join(match.groups()) if match else None


def not_free(value: Any) -> bool:
    """True for the JSON-LD spellings of `isAccessibleForFree: false`."""
    if isinstance(value, bool):
        return not value
    return isinstance(value, str) and value.strip().lower() in _NOT_FREE


def _selectors(value: Any) -> list[str]:
    """The CSS selectors of a JSON-LD `cssSelector` value (one string or a list of them)."""
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _language(tree: HtmlElement) -> str | None:
    candidates = [
        tree.get("lang"),
        tree.get("xml:lang"),
        _meta(tree, "og:locale", "content-language", "language", "dc.language"),
    ]
    for el in tree.iter("meta"):
        if (el.get("http-equiv") or "").lower() == "content-language":
            candidates.append(el.get("content"))
    for value in candidates:
        match = _LANG.match((value or "").strip())
        if match:
            return match.group(1).lower()
    return None


def _strip_site(title: str, site: str | None) -> str:
    """Drop the site name that page titles often carry before or after a separator."""
    seps = list(_TITLE_SEP.finditer(title))
    if not site or not seps:
        return title
    name = site.lower()
    if title[seps[-1].end() :].strip().lower() == name:
        return title[: seps[-1].start()].strip()
    if title[: seps[0].start()].strip().lower() == name:
        return title[seps[0].end() :].strip()
    return title


def _site_from_title(page_title: str | None, title: str | None) -> str | None:
    """The site name a <title> adds after the headline ("Headline - Site"), if it does."""
    if not page_title or not title:
        return None
    seps = list(_TITLE_SEP.finditer(page_title))
    if seps and page_title[: seps[-1].start()].strip().lower() == title.strip().lower():
        return page_title[seps[-1].end() :].strip() or None
    return None


def _first_text(tree: HtmlElement, tag: str) -> str | None:
    for el in tree.iter(tag):
        text = _clean(el.text_content())
        if text:
            return text
    return None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _htmldate(tree: HtmlElement, url: str | None) -> str | None:
    """htmldate's quick search (URL, visible dates), for pages without date markup."""
    try:
        found = find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception as exc:  # a date is optional: a parser hiccup must not cost the article
        log.debug("htmldate failed: %r", exc)
        return None
    return iso_date(found) if isinstance(found, str) else None


def read_meta(tree: HtmlElement, url: str | None = None) -> PageMeta:
    """Metadata from JSON-LD first, then Open Graph and <meta> tags, then the markup itself."""
    articles: list[dict[str, Any]] = []
    paywalled = False
    selectors: list[str] = []
    publisher: list[str] = []
    for doc in _json_ld(tree):
        for obj in _objects(doc):
            if "isAccessibleForFree" in obj and not_free(obj["isAccessibleForFree"]):
                paywalled = True
                selectors.extend(_selectors(obj.get("cssSelector")))
            if any(_ARTICLE_TYPES.search(t) for t in _types(obj)):
                articles.append(obj)
                publisher = publisher or _names(obj.get("publisher"))
    ld: dict[str, Any] = articles[0] if articles else {}

    page_title = _first_text(tree, "title")
    headlines = [
        _clean(ld.get("headline")),
        _meta(tree, "og:title", "twitter:title"),
        _first_text(tree, "h1"),
        page_title,
    ]
    title = next((h for h in headlines if h), None)
    site = (
        _meta(tree, "og:site_name", "application-name", "twitter:site:name")
        or (publisher[0] if publisher else None)
        or _site_from_title(page_title, title)
        or _host(url)
    )
    if title:
        title = _strip_site(title, site)
    authors = _names(ld.get("author"))
    author = ", ".join(dict.fromkeys(authors)) if authors else None
    if not author:
        meta_author = _meta(tree, "author", "article:author", "parsely-author", "dc.creator")
        if meta_author and not meta_author.startswith("http"):
            author = meta_author
    if author and author.lower() in _NOT_AUTHORS:
        author = None
    published = iso_date(_clean(ld.get("datePublished"))) or iso_date(
        _meta(
            tree,
            "article:published_time",
            "datepublished",
            "og:published_time",
            "pubdate",
            "publishdate",
            "date",
            "dc.date",
            "dc.date.issued",
            "sailthru.date",
            "parsely-pub-date",
        )
    )
    if not published:
        for el in tree.iter("time"):
            published = iso_date(el.get("datetime"))
            if published:
                break
    if not published:
        published = _htmldate(tree, url)
    return PageMeta(
        title=title,
        headlines=tuple(dict.fromkeys(h for h in [title, *headlines] if h)),
        site=site,
        author=author,
        published=published,
        language=_language(tree),
        paywalled=paywalled,
        paywall_selectors=tuple(dict.fromkeys(selectors)),
    )


# A few frequent function words per language; the text's own words vote for its language.
_STOPWORDS = {
    "en": "the and of to is that in it with for was on are this be have not but by from",
    "de": "der die und das ist nicht mit den ein eine auch sich auf dem für wird von zu",
    "fr": "le la les et des est une du que pas pour dans qui sur au avec ce il sont",
    "es": "el la los las y que es del por una con para se como más pero su al lo",
    "pt": "o a os as e que do da não uma com para em dos é se no na ao mais",
    "it": "il la che di e un una per non sono della con del gli è le nel alla più",
    "nl": "de het en een van is dat niet op te zijn met voor ook die er aan bij",
}
_STOPSETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_SCRIPTS = (
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("uk", re.compile(r"[іїєґІЇЄҐ]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_LETTER = re.compile(r"[^\W\d_]")
_VOTES_NEEDED = 20


def guess_language(text: str) -> str | None:
    """The language a body is written in, when its script or function words make it clear."""
    sample = text[:20_000]
    letters = len(_LETTER.findall(sample)) or 1
    for lang, script in _SCRIPTS:
        hits = len(script.findall(sample))
        # Ukrainian shares the Cyrillic block: a handful of its own letters decides.
        if (lang == "uk" and hits >= 5) or hits >= letters * 0.3:
            return lang
    words = sample.lower().split()
    votes = sorted(
        ((sum(1 for w in words if w in stops), lang) for lang, stops in _STOPSETS.items()),
        reverse=True,
    )
    (best, lang), (second, _) = votes[0], votes[1]
    return lang if best >= _VOTES_NEEDED and best >= 2 * second else None
