"""Plan cases 30 and 31 and the happy path: content-type gate, status answers, decoded pages."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from fetch_support import RawServer, rig, settings_for

from bot.errors import FetchError, HttpStatusError, NotHtml, Refused
from bot.fetch import FetchedPage, open_fetcher
from bot.fetch_body import describe_type, guess_text_type
from bot.settings import FetchSettings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("content_type", "named"),
    [
        ("video/mp4", "a video"),
        ("audio/mpeg", "an audio file"),
        ("application/octet-stream", "a binary file"),
        ("image/png", "an image"),
        ("application/zip", "a ZIP archive"),
        ("application/pdf", "a PDF"),
        ("application/json; charset=utf-8", "JSON data"),
    ],
)
async def test_content_type_gate_refuses_before_the_body(content_type: str, named: str) -> None:
    """Non-HTML types are refused from the headers alone, naming the type, without a body read."""

    async def headers_only(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: 9999999\r\n\r\n"
        writer.write(head.encode())
        await writer.drain()
        await asyncio.sleep(3600)  # the body never comes: reading it would hang the fetch

    async with RawServer(headers_only) as server, rig(settings_for(server.port)) as r:
        started = time.monotonic()
        with pytest.raises(NotHtml) as caught:
            await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/file")
    assert time.monotonic() - started < 1.0
    assert str(caught.value) == f"I can't fetch that link: it is {named}, not a web page."


@dataclass
class Site:
    """An allow-listed loopback site with a table of canned answers, counting requests per path."""

    port: int = 0
    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    seen_headers: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Pop the next canned answer for the path (the last one repeats)."""
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        self.seen_headers.append(dict(request.headers))
        queue = self.answers[request.path]
        return web.Response(**(queue.pop(0) if len(queue) > 1 else queue[0]))


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    """The loopback site."""
    state = Site()
    app = web.Application()
    app.router.add_get("/{tail:.*}", state.handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    state.port = server.port or 0
    yield state
    await server.close()


async def _fetch(site: Site, path: str, **settings: object) -> FetchedPage:
    async with rig(settings_for(site.port, **settings)) as r:
        return await r.fetcher.fetch(f"http://127.0.0.1:{site.port}{path}")


async def test_html_label_on_png_bytes_is_refused_by_sniffing(site: Site) -> None:
    """A text/html label on PNG bytes does not fool the gate."""
    site.answers["/img"] = [dict(body=PNG, content_type="text/html")]
    with pytest.raises(NotHtml, match="PNG image"):
        await _fetch(site, "/img")


@pytest.mark.parametrize(
    ("status", "phrase", "requests"),
    [
        (404, "404 Not Found", 1),
        (410, "410 Gone", 1),
        (451, "451 Unavailable For Legal Reasons", 1),
        (500, "500 Internal Server Error", 2),
        (503, "503 Service Unavailable", 2),
        (429, "429 Too Many Requests", 1),
    ],
)
async def test_error_statuses_get_a_clear_message_and_at_most_one_retry(
    status: int, phrase: str, requests: int, site: Site
) -> None:
    """Non-200 answers name the status; only 5xx is retried, once; 4xx never."""
    headers = {"Retry-After": "3600"} if status == 429 else {"Retry-After": "0"}
    site.answers["/x"] = [dict(status=status, text="SECRET-ish body", headers=headers)]
    with pytest.raises(HttpStatusError) as caught:
        await _fetch(site, "/x")
    assert str(caught.value) == f"I can't fetch that link: the server answered {phrase}."
    assert site.hits["/x"] == requests


async def test_retry_after_longer_than_the_deadline_is_not_waited_for(site: Site) -> None:
    """A 503 with Retry-After: 3600 is reported at once, not slept on or retried."""
    site.answers["/busy"] = [dict(status=503, headers={"Retry-After": "3600"})]
    started = time.monotonic()
    with pytest.raises(HttpStatusError, match="503"):
        await _fetch(site, "/busy", timeout_s=2.0)
    assert time.monotonic() - started < 0.5
    assert site.hits["/busy"] == 1


async def test_a_5xx_then_success_returns_the_page(site: Site) -> None:
    """One retry after a 502 recovers the page."""
    site.answers["/flaky"] = [
        dict(status=502, headers={"Retry-After": "0"}),
        dict(text="<p>Back.</p>", content_type="text/html"),
    ]
    page = await _fetch(site, "/flaky")
    assert page.text == "<p>Back.</p>"
    assert site.hits["/flaky"] == 2


async def test_server_reason_text_never_reaches_the_message() -> None:
    """The status message uses the standard phrase, not the server's own reason line."""

    async def liar(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 404 SECRET-token-here\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()

    async with RawServer(liar) as server, rig(settings_for(server.port)) as r:
        with pytest.raises(HttpStatusError) as caught:
            await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/")
    assert "SECRET" not in str(caught.value)
    assert "404 Not Found" in str(caught.value)


async def test_page_fields_and_request_headers(site: Site) -> None:
    """A page comes back decompressed and decoded; the request names the bot, sends no cookies."""
    html = "<html><head><title>Café</title></head><body>Señor</body></html>".encode("cp1252")
    site.answers["/page"] = [
        dict(
            body=gzip.compress(html),
            headers={
                "Content-Type": "text/html; charset=windows-1252",
                "Content-Encoding": "gzip",
                "Set-Cookie": "a=b",
            },
        )
    ]
    page = await _fetch(site, "/page?x=1#frag")
    assert page.url == f"http://127.0.0.1:{site.port}/page?x=1"
    assert page.final_url == page.url
    assert (page.status, page.content_type, page.body) == (200, "text/html", html)
    assert "Café" in page.text and "Señor" in page.text
    sent = site.seen_headers[0]
    assert sent["User-Agent"] == FetchSettings().user_agent
    assert "Cookie" not in sent and "Authorization" not in sent
    assert "gzip" in sent["Accept-Encoding"]


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/plain; charset=utf-8", "text/plain"),
        ("application/xhtml+xml", "application/xhtml+xml"),
    ],
)
async def test_plain_text_and_xhtml_are_accepted(
    content_type: str, expected: str, site: Site
) -> None:
    """Plain text and XHTML pass the gate, reported by their media type."""
    site.answers["/doc"] = [dict(body=b"Hello there.", headers={"Content-Type": content_type})]
    page = await _fetch(site, "/doc")
    assert page.content_type == expected
    assert page.text == "Hello there."


async def test_missing_content_type_is_sniffed() -> None:
    """Without Content-Type, markup is treated as HTML after the binary signatures are checked."""

    async def unlabelled(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = b"<!DOCTYPE html><html><body>hi</body></html>"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    async with RawServer(unlabelled) as server, rig(settings_for(server.port)) as r:
        page = await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/")
    assert page.content_type == "text/html"
    assert guess_text_type(b"just words") == "text/plain"


def test_type_names() -> None:
    """Media types get human names for the refusal sentence."""
    assert describe_type("application/pdf") == "a PDF"
    assert describe_type("image/webp") == "an image"
    assert describe_type("application/epub+zip") == "an archive"
    assert describe_type("application/x-thing") == "a application/x-thing file"


async def test_open_fetcher_validates_and_closes() -> None:
    """The command-line helper yields a working fetcher and closes its session afterwards."""
    async with open_fetcher(FetchSettings()) as fetcher:
        with pytest.raises(Refused):
            await fetcher.fetch("http://10.0.0.1/")
        session = fetcher._session
    assert session.closed


async def test_refusals_are_fetch_errors_for_the_cli() -> None:
    """Every refusal is a FetchError, so the command line maps them all to exit status 3."""
    assert issubclass(Refused, FetchError) and issubclass(NotHtml, FetchError)
