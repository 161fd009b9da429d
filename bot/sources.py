"""Turn a command-line SOURCE (file, stdin bytes or fetched page) into an Article."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from bot.decode import decode_body
from bot.errors import UsageError
from bot.extract import article_from_text, extract_article
from bot.models import Article

if TYPE_CHECKING:  # importing bot.fetch loads aiohttp, which reading a file never needs
    from bot.fetch import FetchedPage

# Magic numbers of formats people paste by mistake; naming them makes the error useful.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed"),
)
_HTML_START = re.compile(
    rb"^\s*(<!doctype html|<html|<head|<body|<!--|<meta|<article|<div|<p[\s>])", re.I
)
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data"
    return None


def looks_like_html(data: bytes) -> bool:
    """True when bytes start like an HTML document or fragment."""
    return bool(_HTML_START.match(data[:2048].lstrip(b"\xef\xbb\xbf")))


def article_from_bytes(data: bytes, *, name: str, html: bool | None = None) -> Article:
    """Decode and extract bytes read from a file or stdin; `html=None` sniffs the format."""
    if not data.strip():
        raise UsageError(f"{name} is empty.")
    kind = _binary_kind(data)
    if kind is not None:
        raise UsageError(f"{name} is {kind}, not an HTML page or plain text.")
    is_html = looks_like_html(data) if html is None else html
    text = decode_body(data, "text/html" if is_html else "text/plain")
    return extract_article(text) if is_html else article_from_text(text)


def read_file(path: str) -> Article:
    """Read an .html/.htm or .txt file (anything else is sniffed) into an Article."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"There is no file at {path}.")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path} could not be read ({exc.strerror}).") from None
    suffix = file.suffix.lower()
    html = True if suffix in HTML_SUFFIXES else False if suffix == ".txt" else None
    return article_from_bytes(data, name=path, html=html)


def article_from_page(page: FetchedPage) -> Article:
    """Extract a fetched page: plain text is split into paragraphs, HTML goes to the extractor."""
    if page.content_type == "text/plain":
        return article_from_text(page.text, url=page.final_url)
    return extract_article(page.text, url=page.final_url)


def is_url(source: str) -> bool:
    """True when SOURCE is meant as a link (has a scheme), not as a file path."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source.strip()))
