"""SSRF-safe aiohttp fetcher: each hop validated, each socket checked, bodies capped decoded."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import ssl
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http import HTTPStatus

import aiohttp
from aiohttp.abc import AbstractResolver

from bot.decode import decode_body
from bot.errors import FetchError, HttpStatusError, Refused, Timeout, TooLarge, UsageError
from bot.fetch_addresses import AddressPolicy, build_policy
from bot.fetch_body import (
    DECODE_ERRORS,
    SNIFF_BYTES,
    STEP,
    CappedBuffer,
    build_decoder,
    corrupt,
    gate_content_type,
    guess_text_type,
    mime_type,
    sniff,
)
from bot.fetch_guard import GuardedResolver, HopState, SocketCreator, guarded_socket_factory, hop
from bot.settings import FetchSettings
from bot.urlpolicy import (
    PREFIX,
    Target,
    blocked_message,
    check_url,
    parse_allow_hosts,
    redirect_target,
)

log = logging.getLogger(__name__)

FAILED = "I couldn't fetch that link: "
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRYABLE = frozenset({500, 502, 503, 504})
OK = frozenset({200, 203})
DEFAULT_RETRY_DELAY_S = 0.5
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched page: where it came from, what it is, and its bytes and text."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    text: str


def size_text(size: int) -> str:
    """A byte count as people say it: "2 MiB", "512 KiB", "1000 bytes"."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def build_session(
    settings: FetchSettings,
    *,
    resolver: AbstractResolver | None = None,
    socket_factory: SocketCreator | None = None,
    ssl_context: ssl.SSLContext | None = None,
    extra_denied: Iterable[str] = (),
) -> aiohttp.ClientSession:
    """The production session: guarded resolver and socket factory, no cookies, proxies or cache.

    `socket_factory` creates a socket only after the guard approved its destination (tests pass a
    spy); `ssl_context` replaces the system trust store (tests); `extra_denied` adds egress IPs.
    The operator's `settings.deny_addresses` always apply, even to allow-listed hosts.
    """
    policy = build_policy(extra_denied, settings.deny_addresses)
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(resolver or aiohttp.ThreadedResolver(), policy),
        socket_factory=guarded_socket_factory(policy, socket_factory),
        # No DNS cache: the answers checked are the answers connected to, every time.
        use_dns_cache=False,
        # No pooling: a socket opened for one checked hop is never reused by another.
        force_close=True,
        ssl=ssl_context if ssl_context is not None else True,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(
            total=None, sock_connect=settings.connect_timeout_s, sock_read=settings.read_timeout_s
        ),
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
        auto_decompress=False,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate, br, zstd",
        },
    )


@asynccontextmanager
async def open_fetcher(settings: FetchSettings) -> AsyncIterator[AiohttpFetcher]:
    """A fetcher on its own production session, closed on exit (for the command line)."""
    session = build_session(settings)
    try:
        yield AiohttpFetcher(session, settings)
    finally:
        await session.close()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True, slots=True)
class _Retry:
    """A 5xx answer: the error to report, and how long the server asked us to wait."""

    error: HttpStatusError
    delay_s: float


def _next_url(current: str, location: str) -> str:
    try:
        return redirect_target(current, location)
    except ValueError:
        raise FetchError(f"{FAILED}it redirects to a malformed address.") from None


def _status_error(status: int) -> HttpStatusError:
    # The standard phrase, never the server's: a reason line is text the server controls.
    try:
        phrase = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = str(status)
    return HttpStatusError(f"{PREFIX}the server answered {phrase}.")


class AiohttpFetcher:
    """Fetches one link at a time on a session made by build_session."""

    def __init__(self, session: aiohttp.ClientSession, settings: FetchSettings) -> None:
        self._session = session
        self._settings = settings
        self._allow = parse_allow_hosts(settings.allow_hosts)
        self._policy: AddressPolicy = build_policy(denied=settings.deny_addresses)

    def check(self, url: str) -> Target:
        """Validate a link without fetching it (UsageError or Refused when it is not fetchable)."""
        return check_url(
            url,
            allowed_ports=self._settings.allowed_ports,
            allow_hosts=self._allow,
            max_length=self._settings.max_url_length,
            policy=self._policy,
        )

    async def fetch(self, url: str) -> FetchedPage:
        """Fetch a page, following at most max_redirects checked redirects, within the deadline."""
        target = self.check(url)
        limit = self._settings.timeout_s
        try:
            async with asyncio.timeout(limit) as scope:
                return await self._follow(target, asyncio.get_running_loop().time() + limit)
        except TimeoutError:
            if not scope.expired():
                raise
            log.info("fetch of %s timed out after %g s", target.host, limit)
            raise Timeout(f"{PREFIX}it timed out after {limit:g} s.") from None

    async def _follow(self, first: Target, deadline: float) -> FetchedPage:
        target = first
        visited = {first.url}
        redirects = 0
        retried = False
        while True:
            outcome = await self._hop(target, first.url)
            if isinstance(outcome, FetchedPage):
                return outcome
            if isinstance(outcome, _Retry):
                remaining = deadline - asyncio.get_running_loop().time()
                # One retry at most, and never a wait that would outlast the deadline.
                if retried or outcome.delay_s >= remaining:
                    raise outcome.error
                retried = True
                await asyncio.sleep(outcome.delay_s)
                continue
            if outcome in visited:
                raise FetchError(f"{FAILED}it redirects in a loop.")
            redirects += 1
            if redirects > self._settings.max_redirects:
                raise FetchError(f"{FAILED}it redirects too many times (too many redirects).")
            visited.add(outcome)
            target = self._check_redirect(outcome)

    def _check_redirect(self, url: str) -> Target:
        try:
            return self.check(url)
        except UsageError:
            raise FetchError(f"{FAILED}it redirects to a malformed address.") from None
        except Refused as exc:
            log.info("refused redirect hop: %s", exc)
            raise

    async def _hop(self, target: Target, first_url: str) -> FetchedPage | str | _Retry:
        """One request: a page, the next URL to visit, or a delay before retrying a 5xx."""
        with hop(target.exempt) as state:
            try:
                async with self._session.get(target.url, allow_redirects=False) as resp:
                    if resp.status in REDIRECTS:
                        location = resp.headers.get("Location")
                        if location:
                            return _next_url(target.url, location)
                    if resp.status in RETRYABLE:
                        delay = _retry_after(resp.headers.get("Retry-After"))
                        wait = DEFAULT_RETRY_DELAY_S if delay is None else delay
                        return _Retry(_status_error(resp.status), wait)
                    if resp.status not in OK:
                        raise _status_error(resp.status)
                    return await self._read(first_url, target, resp)
            except (aiohttp.ClientError, OSError, ValueError) as exc:
                raise self._translate(exc, state, target) from None

    async def _read(
        self, first_url: str, target: Target, resp: aiohttp.ClientResponse
    ) -> FetchedPage:
        try:
            body = await self._read_body(resp)
        except DECODE_ERRORS:
            raise corrupt() from None
        finally:
            # Drop an unread or unfinished body at once: with force_close the socket goes too.
            if not resp.content.at_eof():
                resp.close()
        header = resp.headers.get("Content-Type")
        return FetchedPage(
            url=first_url,
            final_url=target.url,
            status=resp.status,
            content_type=mime_type(header) or guess_text_type(body[:512]),
            body=body,
            text=decode_body(body, header),
        )

    async def _read_body(self, resp: aiohttp.ClientResponse) -> bytes:
        """Gate on the headers, then read, decompress, sniff and cap the body."""
        gate_content_type(mime_type(resp.headers.get("Content-Type")))
        cap = self._settings.max_bytes
        if resp.content_length is not None and resp.content_length > cap:
            raise TooLarge(f"{PREFIX}the page is larger than {size_text(cap)}.")
        buffer = CappedBuffer(cap, size_text(cap))
        decoder = build_decoder(resp.headers.get("Content-Encoding"), buffer)
        sniffed = False
        async for chunk in resp.content.iter_chunked(STEP):
            decoder.write(chunk)
            if not sniffed and buffer.total >= SNIFF_BYTES:
                sniff(buffer.head())
                sniffed = True
        decoder.finish()
        body = buffer.getvalue()
        sniff(body[:SNIFF_BYTES])
        return body

    def _translate(self, exc: BaseException, state: HopState, target: Target) -> FetchError:
        settings = self._settings
        if state.blocked:
            return Refused(blocked_message(state.blocked))
        if state.unresolved or isinstance(exc, aiohttp.ClientConnectorDNSError):
            return FetchError(f"{PREFIX}I couldn't resolve its host name ({target.host}).")
        if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
            return FetchError(f"{PREFIX}its secure connection (TLS certificate) failed to verify.")
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return Timeout(
                f"{PREFIX}it timed out connecting after {settings.connect_timeout_s:g} s."
            )
        if isinstance(exc, TimeoutError):
            return Timeout(f"{PREFIX}it timed out: nothing came for {settings.read_timeout_s:g} s.")
        if isinstance(exc, aiohttp.ClientConnectorError):
            return FetchError(f"{FAILED}the connection to {target.host} failed.")
        log.info("fetch of %s failed: %s", target.host, type(exc).__name__)
        if isinstance(exc, aiohttp.ClientResponseError | aiohttp.ClientPayloadError):
            return FetchError(f"{FAILED}the server sent a malformed response.")
        return FetchError(f"{FAILED}the connection failed.")
