"""Response bodies: the content-type gate, sniffing, and decompression capped on the output side."""

from __future__ import annotations

import logging
import zlib
from typing import Any, Protocol

import brotli
import zstandard

from bot.errors import FetchError, NotHtml, TooLarge

log = logging.getLogger(__name__)

PREFIX = "I can't fetch that link: "
ALLOWED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
# Small output steps keep memory flat however large the compression ratio is.
STEP = 64 * 1024

_TYPE_NAMES = {
    "application/pdf": "a PDF",
    "application/x-pdf": "a PDF",
    "application/octet-stream": "a binary file",
    "application/zip": "a ZIP archive",
    "application/x-zip-compressed": "a ZIP archive",
    "application/gzip": "a compressed archive",
    "application/x-gzip": "a compressed archive",
    "application/json": "JSON data",
    "application/javascript": "a script",
    "text/javascript": "a script",
    "text/css": "a style sheet",
}
_FAMILY_NAMES = {
    "image": "an image",
    "video": "a video",
    "audio": "an audio file",
    "font": "a font",
}
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"WEBP", 8, "a WebP image"),
    (b"%PDF-", 0, "a PDF"),
    (b"PK\x03\x04", 0, "a ZIP archive"),
    (b"\x1f\x8b", 0, "a compressed archive"),
    (b"ftyp", 4, "a video"),
    (b"ID3", 0, "an audio file"),
    (b"OggS", 0, "an audio or video file"),
    (b"\x1aE\xdf\xa3", 0, "a video"),
    (b"\x7fELF", 0, "a program"),
    (b"MZ", 0, "a program"),
)
SNIFF_BYTES = 16


def mime_type(header: str | None) -> str:
    """The bare, lower-case media type of a Content-Type header ("" when absent)."""
    return (header or "").split(";", 1)[0].strip().lower()


def describe_type(mime: str) -> str:
    """A human name for a media type, used in "it is a PDF, not a web page"."""
    if mime in _TYPE_NAMES:
        return _TYPE_NAMES[mime]
    family = mime.partition("/")[0]
    if family in _FAMILY_NAMES:
        return _FAMILY_NAMES[family]
    if mime.endswith(("+zip", "-compressed")) or "zip" in mime:
        return "an archive"
    return f"a {mime} file" if mime else "an unlabelled file"


def gate_content_type(mime: str) -> None:
    """Refuse, before any body byte is read, responses that are not HTML, XHTML or plain text."""
    if mime and mime not in ALLOWED_TYPES:
        raise NotHtml(f"{PREFIX}it is {describe_type(mime)}, not a web page.")


def sniff(head: bytes) -> None:
    """Refuse bodies whose first bytes show a binary format, whatever the label said."""
    for magic, offset, name in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            raise NotHtml(f"{PREFIX}it is {name}, not a web page.")


def guess_text_type(head: bytes) -> str:
    """For a response without Content-Type: HTML if it looks like markup, else plain text."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        "text/html" if start.startswith((b"<!doctype", b"<html", b"<?xml", b"<")) else "text/plain"
    )


class _Sink(Protocol):
    def write(self, data: bytes) -> None: ...


class CappedBuffer:
    """Collects decoded bytes; raises TooLarge as soon as the total passes the cap."""

    def __init__(self, cap: int, cap_text: str) -> None:
        self._cap = cap
        self._cap_text = cap_text
        self._parts: list[bytes] = []
        self.total = 0

    def write(self, data: bytes) -> None:
        """Append decoded bytes, refusing the page once it is over the cap."""
        if not data:
            return
        self.total += len(data)
        if self.total > self._cap:
            self._parts.clear()
            raise TooLarge(f"{PREFIX}the page is larger than {self._cap_text}.")
        self._parts.append(bytes(data))

    def head(self, size: int = SNIFF_BYTES) -> bytes:
        """The first bytes collected so far."""
        return b"".join(self._parts)[:size] if self.total < size else self._first(size)

    def _first(self, size: int) -> bytes:
        out = b""
        for part in self._parts:
            out += part[: size - len(out)]
            if len(out) >= size:
                break
        return out

    def getvalue(self) -> bytes:
        """Everything collected."""
        return b"".join(self._parts)


class _Identity:
    def __init__(self, sink: _Sink) -> None:
        self._sink = sink

    def write(self, data: bytes) -> None:
        self._sink.write(data)

    def finish(self) -> None:
        return None


class _Zlib:
    """gzip (any number of concatenated members) or deflate (zlib-wrapped or raw)."""

    def __init__(self, sink: _Sink, gzip: bool) -> None:
        self._sink = sink
        self._gzip = gzip
        self._obj: zlib._Decompress | None = zlib.decompressobj(31) if gzip else None

    def write(self, data: bytes) -> None:
        while data:
            if self._obj is None:
                # "deflate" is zlib-wrapped by the standard, raw in the wild; the header tells.
                wrapped = (
                    len(data) > 1 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
                )
                self._obj = zlib.decompressobj(15 if wrapped else -15)
            obj = self._obj
            self._sink.write(obj.decompress(data, STEP))
            data = obj.unconsumed_tail
            if obj.eof:
                rest = obj.unused_data
                if not self._gzip or not rest.strip(b"\x00"):
                    return
                self._obj = zlib.decompressobj(31)
                data = rest

    def finish(self) -> None:
        if self._obj is not None and not self._obj.eof:
            self._sink.write(self._obj.flush(STEP))


class _Brotli:
    def __init__(self, sink: _Sink) -> None:
        self._sink = sink
        self._obj = brotli.Decompressor()

    def write(self, data: bytes) -> None:
        self._sink.write(self._obj.process(data, output_buffer_limit=STEP))
        while not self._obj.can_accept_more_data():
            self._sink.write(self._obj.process(b"", output_buffer_limit=STEP))

    def finish(self) -> None:
        return None


class _SinkAdapter:
    """The file-like object zstandard's stream_writer wants, forwarding to a sink."""

    def __init__(self, sink: _Sink) -> None:
        self._sink = sink

    def write(self, data: bytes) -> int:
        self._sink.write(bytes(data))
        return len(data)


class _Zstd:
    def __init__(self, sink: _Sink) -> None:
        # stream_writer pushes output to the sink in STEP pieces, so the cap can stop it mid-frame.
        adapter: Any = _SinkAdapter(sink)
        self._writer = zstandard.ZstdDecompressor().stream_writer(
            adapter, write_size=STEP, write_return_read=True, closefd=False
        )

    def write(self, data: bytes) -> None:
        self._writer.write(data)

    def finish(self) -> None:
        self._writer.flush()  # type: ignore[no-untyped-call]


class Decoder(Protocol):
    """Undoes one Content-Encoding, writing bounded pieces to the next stage."""

    def write(self, data: bytes) -> None: ...
    def finish(self) -> None: ...


def build_decoder(content_encoding: str | None, sink: _Sink) -> Decoder:
    """A chain undoing the listed encodings (last applied, first undone) into `sink`."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    stage: Decoder = _Identity(sink)
    # Content-Encoding lists codings in the order applied, so the outermost is undone first:
    # build the chain from the innermost (first listed) outwards.
    for coding in codings:
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            stage = _Zlib(stage, gzip=True)
        elif coding == "deflate":
            stage = _Zlib(stage, gzip=False)
        elif coding == "br":
            stage = _Brotli(stage)
        elif coding == "zstd":
            stage = _Zstd(stage)
        else:
            raise FetchError(f"{PREFIX}the server used an unsupported compression ({coding[:20]}).")
    return stage


def corrupt() -> FetchError:
    """The error for a body that does not decompress."""
    return FetchError(f"{PREFIX}the server sent a corrupt compressed page.")


DECODE_ERRORS: tuple[type[Exception], ...] = (zlib.error, brotli.error, zstandard.ZstdError)
