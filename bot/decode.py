"""Pure text decoding of fetched bytes: BOM, <meta>, XML prolog, header, then detection."""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

# Only the start of a document may declare its encoding (HTML spec: the first 1024 bytes).
PRESCAN_BYTES = 1024
_META = re.compile(rb"<\s*meta[^>]*charset\s*=\s*[\"']?\s*([a-z0-9_:.-]+)", re.IGNORECASE)
_XML = re.compile(rb"\s*<\s*\?\s*xml[^>]*encoding\s*=\s*[\"']([a-z0-9_:.-]+)[\"']", re.IGNORECASE)
_HEADER = re.compile(r";\s*charset\s*=\s*[\"']?\s*([^\"';\s]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels a page may declare that would let it smuggle markup past a decoder (HTML spec bans them).
_UNSAFE = frozenset({"utf-7", "utf_7", "u7", "unicode-1-1-utf-7", "csunicode11utf7"})
# Below this much non-ASCII evidence, statistical detection guesses worse than the web default.
_DETECT_MIN_BYTES = 64


def _codec(label: str) -> str | None:
    """The Python codec name for a declared label, or None when unknown or unsafe."""
    label = label.strip().strip("\"'").lower()
    if not label or label in _UNSAFE:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # Browsers decode pages labelled latin-1 or ASCII as windows-1252 (WHATWG Encoding).
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return None if name == "utf-7" else name


def _in_document(label: str) -> str | None:
    name = _codec(label)
    # A document readable as ASCII cannot really be UTF-16/32; browsers read it as UTF-8.
    if name is not None and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def declared_encodings(body: bytes, content_type: str | None) -> list[str]:
    """Encodings the document and the header declare, strongest first, duplicates removed."""
    head = body[:PRESCAN_BYTES]
    found: list[str | None] = []
    meta = _META.search(head)
    if meta:
        found.append(_in_document(meta.group(1).decode("ascii", "replace")))
    xml = _XML.match(head)
    if xml:
        found.append(_in_document(xml.group(1).decode("ascii", "replace")))
    header = _HEADER.search(content_type or "")
    if header:
        found.append(_codec(header.group(1)))
    result: list[str] = []
    for name in found:
        if name is not None and name not in result:
            result.append(name)
    return result


def _bom(body: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    return None


def _detect(body: bytes) -> str | None:
    non_ascii = sum(1 for byte in body[:65536] if byte > 0x7F)
    if non_ascii < _DETECT_MIN_BYTES:
        return None
    best = from_bytes(body[:65536]).best()
    return None if best is None else _codec(best.encoding)


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Decode a page to text, never raising: BOM, declarations, UTF-8, detection, then cp1252."""
    if not body:
        return ""
    bom = _bom(body)
    if bom is not None:
        return body[bom[1] :].decode(bom[0], errors="replace")
    candidates = declared_encodings(body, content_type)
    for name in candidates:
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for guess in (_detect(body), "cp1252"):
        if guess is None:
            continue
        try:
            return body.decode(guess)
        except (UnicodeDecodeError, LookupError):
            continue
    # A declared encoding was wrong somewhere in the middle: keep its reading, replace the rest.
    fallback = candidates[0] if candidates else "utf-8"
    log.debug("no clean decoding; using %s with replacement", fallback)
    return body.decode(fallback, errors="replace")
