"""Section D of the reliability plan: slow, silent, unreachable, untrusted and malformed peers."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
import ssl
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import trustme
from fetch_support import PeakRss, RawServer, rig, settings_for

from bot.errors import FetchError, Timeout, TooLarge
from bot.fetch import size_text

HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"


class LagMeter:
    """A ticker task measuring the event loop's worst scheduling lag."""

    def __init__(self, period_s: float = 0.01) -> None:
        self.period_s = period_s
        self.worst_s = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.period_s)
            self.worst_s = max(self.worst_s, loop.time() - before - self.period_s)

    async def __aenter__(self) -> LagMeter:
        self._task = asyncio.create_task(self._tick())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def _read_request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


async def test_slowloris_is_cut_at_the_total_deadline() -> None:
    """Headers then a byte every 0.1 s: aborted at the whole-fetch deadline; the loop stays free."""

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write((HEAD + "\r\n<html>").encode())
        while True:
            await asyncio.sleep(0.1)
            writer.write(b"a")
            await writer.drain()

    async with (
        RawServer(drip) as server,
        rig(settings_for(server.port, timeout_s=1.5)) as r,
        LagMeter() as lag,
    ):
        started = time.monotonic()
        with pytest.raises(Timeout, match=r"timed out after 1\.5 s"):
            await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/")
        elapsed = time.monotonic() - started
    assert 1.45 < elapsed < 1.5 * 1.1 + 0.1
    assert lag.worst_s < 0.1


@pytest.mark.parametrize(
    ("read_s", "total_s", "expected", "message"),
    [(0.5, 3.0, 0.5, "nothing came for 0.5 s"), (10.0, 1.0, 1.0, "timed out after 1 s")],
)
async def test_silent_server_is_cut_at_read_timeout_or_deadline(
    read_s: float, total_s: float, expected: float, message: str
) -> None:
    """A server that accepts and never answers is dropped at sock_read or deadline, first wins."""

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    settings = {"read_timeout_s": read_s, "timeout_s": total_s}
    async with RawServer(silent) as server, rig(settings_for(server.port, **settings)) as r:
        started = time.monotonic()
        with pytest.raises(Timeout, match=message):
            await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/")
        elapsed = time.monotonic() - started
    assert expected * 0.95 < elapsed < expected * 1.1 + 0.1
    assert server.accepts == 1


@contextlib.contextmanager
def full_backlog() -> Iterator[int]:
    """A listener that never accepts, with its backlog filled so new SYNs are dropped."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


async def test_blackholed_connect_times_out_at_connect_timeout() -> None:
    """A connect that never completes is abandoned at the connect timeout, not the deadline."""
    with full_backlog() as port:
        settings = settings_for(port, connect_timeout_s=0.5, timeout_s=5.0)
        async with rig(settings) as r:
            started = time.monotonic()
            with pytest.raises(Timeout, match=r"connecting after 0\.5 s"):
                await r.fetcher.fetch(f"http://127.0.0.1:{port}/")
            elapsed = time.monotonic() - started
    assert 0.45 < elapsed < 0.5 * 1.1 + 0.2


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    """The test certificate authority the client is told to trust."""
    return trustme.CA()


def _server_context(cert: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context


@contextlib.asynccontextmanager
async def tls_server(context: ssl.SSLContext) -> AsyncIterator[int]:
    """An HTTPS server on loopback that serves a tiny page to whoever completes the handshake."""

    async def page(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            await _read_request(reader)
            writer.write((HEAD + "Content-Length: 13\r\n\r\n<p>secure</p>").encode())
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(page, "127.0.0.1", 0, ssl=context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


def _cert(authority: trustme.CA, kind: str) -> trustme.LeafCert:
    now = dt.datetime.now(dt.UTC)
    if kind == "untrusted":
        return trustme.CA().issue_cert("127.0.0.1")
    if kind == "expired":
        return authority.issue_cert(
            "127.0.0.1",
            not_before=now - dt.timedelta(days=30),
            not_after=now - dt.timedelta(days=1),
        )
    if kind == "wrong-host":
        return authority.issue_cert("other.example")
    return authority.issue_cert("127.0.0.1")


@pytest.mark.parametrize("kind", ["untrusted", "expired", "wrong-host", "valid"])
async def test_tls_certificates_are_verified_without_fallback(
    kind: str, authority: trustme.CA
) -> None:
    """Untrusted, expired and wrong-host certificates are refused, once; a valid one works."""
    client = ssl.create_default_context()
    authority.configure_trust(client)
    async with (
        tls_server(_server_context(_cert(authority, kind))) as port,
        rig(settings_for(port), ssl_context=client) as r,
    ):
        url = f"https://127.0.0.1:{port}/"
        if kind == "valid":
            page = await r.fetcher.fetch(url)
            assert "secure" in page.text
        else:
            with pytest.raises(FetchError, match="TLS certificate"):
                await r.fetcher.fetch(url)
    # One socket: no second attempt with verification switched off.
    assert len(r.spy.opened) == 1


async def test_huge_content_length_is_refused_before_reading() -> None:
    """Content-Length: 10 GB is refused at the headers, without waiting for a body."""

    async def huge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write((HEAD + "Content-Length: 10000000000\r\n\r\n").encode())
        await writer.drain()
        await asyncio.sleep(3600)

    async with RawServer(huge) as server, rig(settings_for(server.port)) as r:
        started = time.monotonic()
        with pytest.raises(TooLarge, match="larger than 2 MiB"):
            await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/")
    assert time.monotonic() - started < 1.0


def test_size_is_named_in_the_message() -> None:
    """The size cap is named the way people say it."""
    assert size_text(2 * 1024 * 1024) == "2 MiB"
    assert size_text(512 * 1024) == "512 KiB"
    assert size_text(1000) == "1000 bytes"


@pytest.mark.parametrize("chunked", [False, True])
async def test_unbounded_body_is_cut_at_the_cap(chunked: bool) -> None:
    """50 MB with no Content-Length (or chunked) is aborted at 2 MiB with small memory growth."""
    sent = [0]

    async def flood(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(
            (HEAD + ("Transfer-Encoding: chunked\r\n" if chunked else "") + "\r\n").encode()
        )
        block = b"<p>" + b"x" * 65530 + b"</p>\n"
        for _ in range(50 * 1024 * 1024 // len(block)):
            writer.write(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            sent[0] += len(block)
            await writer.drain()

    async with RawServer(flood) as server, rig(settings_for(server.port)) as r, PeakRss() as rss:
        with pytest.raises(TooLarge):
            await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/")
    assert rss.growth_mib < 10
    assert sent[0] < 20 * 1024 * 1024


@pytest.mark.parametrize(
    "head",
    [
        "".join(f"X-Filler-{n}: {n}\r\n" for n in range(200)),
        "X-Huge: " + "a" * 100_000 + "\r\n",
    ],
    ids=["200-headers", "100KB-header"],
)
async def test_header_abuse_is_a_clean_fetch_error(head: str) -> None:
    """200 headers or one 100 KB header line give "couldn't fetch", not a crash or a hang."""

    async def abuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write((HEAD + head + "Content-Length: 4\r\n\r\n<p/>").encode())
        await writer.drain()

    async with RawServer(abuse) as server, rig(settings_for(server.port)) as r:
        with pytest.raises(FetchError, match="couldn't fetch") as caught:
            await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/")
    assert type(caught.value) is FetchError
