"""Sections A (end to end) and B of the reliability plan: no request reaches a private listener."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from fetch_support import SECRET, FakeResolver, RawServer, rig, secret_listener, settings_for

from bot.errors import FetchError, Refused, UsageError
from bot.fetch import build_session
from bot.fetch_addresses import build_policy
from bot.fetch_guard import GuardedResolver
from bot.settings import FetchSettings


@pytest.fixture
async def secret() -> AsyncIterator[RawServer]:
    """A loopback listener that would answer SECRET if reached."""
    async with secret_listener() as server:
        yield server


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def _no_leak(error: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    assert SECRET not in str(error)
    assert SECRET not in caplog.text


async def test_control_the_listener_answers_secret_when_allowed(secret: RawServer) -> None:
    """Control: with the listener allow-listed the rig reaches it, so zero counts mean something."""
    async with rig(settings_for(secret.port)) as r:
        page = await r.fetcher.fetch(f"http://127.0.0.1:{secret.port}/")
    assert SECRET in page.text
    assert secret.accepts == 1
    assert r.spy.opened == ["127.0.0.1"]


TRICKS = [
    "http://evil.example@127.0.0.1:{p}/",
    "http://127.0.0.1:{p}#@evil.example/",
    "http://evil.example\\@127.0.0.1:{p}/",
    "http://127.0.0.1:{p}@evil.example/",
    "http://evil.example\x00.127.0.0.1:{p}/",
    "http://evil.exa\rmple:{p}/",
    "http://evil.exa\nmple:{p}/",
    "http://evil example:{p}/",
    "http://localhost.:{p}/",
    "http://[fe80::1%25eth0]:{p}/",
    "http://2130706433:{p}/",
    "http://017700000001:{p}/",
    "http://127.1:{p}/",
    "http://127.0.1:{p}/",
    "http://0177.0.0.1:{p}/",
    "http://0x7f.0.0.1:{p}/",
    "http://0:{p}/",
    "http://0.0.0.0:{p}/",
    "http://１２７.0.0.1:{p}/",
    "http://[::ffff:127.0.0.1]:{p}/",
    "http://[::1]:{p}/",
    "http://localhost:{p}/",
    "http://foo.localhost:{p}/",
    "http://printer.local:{p}/",
    "http://metadata.google.internal:{p}/",
    "http://x.onion:{p}/",
    "http://x.i2p:{p}/",
    "ftp://127.0.0.1:{p}/",
    "gopher://127.0.0.1:{p}/",
]


@pytest.mark.parametrize("template", TRICKS)
async def test_tricks_are_refused_before_any_lookup_or_connection(
    template: str, secret: RawServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Parser tricks, non-canonical IPv4 and local names: zero resolver calls, zero connections."""
    resolver = FakeResolver({}, port=secret.port)
    settings = FetchSettings(allowed_ports=[80, 443, secret.port])
    url = template.format(p=secret.port)
    expected = UsageError if any(ch.isspace() for ch in url) else Refused
    async with rig(settings, resolver) as r:
        with pytest.raises(expected) as caught:
            await r.fetcher.fetch(url)
    assert resolver.calls == []
    assert r.spy.attempts == []
    assert secret.accepts == 0
    _no_leak(caught.value, caplog)


@pytest.mark.parametrize("port", [22, 6379, 8080])
async def test_unlisted_port_is_refused_without_connection(port: int) -> None:
    """A public host on a port outside the allowed list is refused before any lookup."""
    resolver = FakeResolver({"site.example": ["8.8.8.8"]})
    async with rig(FetchSettings(), resolver) as r:
        with pytest.raises(Refused, match=f"port {port}"):
            await r.fetcher.fetch(f"http://site.example:{port}/")
    assert resolver.calls == []
    assert r.spy.attempts == []


PRIVATE_ANSWERS = [
    ["127.0.0.1"],
    ["169.254.169.254"],
    ["10.0.0.1"],
    ["100.64.0.1"],
    ["0.0.0.0"],
    ["::1"],
    ["::ffff:127.0.0.1"],
    ["fd00::1"],
    ["fe80::1"],
    ["8.8.8.8", "127.0.0.1"],
    ["127.0.0.1", "8.8.8.8"],
    ["2001:4860:4860::8888", "::1"],
]


@pytest.mark.parametrize("answers", PRIVATE_ANSWERS, ids=lambda a: "+".join(a))
async def test_any_private_dns_answer_refuses_the_whole_host(
    answers: list[str], secret: RawServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A host with any private answer is refused with a clear message and no connection at all."""
    resolver = FakeResolver({"private.example": answers}, port=secret.port)
    async with rig(FetchSettings(allowed_ports=[80, 443, secret.port]), resolver) as r:
        with pytest.raises(Refused) as caught:
            await r.fetcher.fetch(f"http://private.example:{secret.port}/")
    assert str(caught.value) == "I can't fetch that link: it points to a private network address."
    assert resolver.calls == ["private.example"]
    assert r.spy.attempts == []
    assert secret.accepts == 0
    _no_leak(caught.value, caplog)


async def test_rebinding_never_reaches_loopback(
    secret: RawServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Public on the first lookup, 127.0.0.1 on the second: only the checked address is dialled."""
    resolver = FakeResolver(
        {"rebind.example": lambda call: ["8.8.8.8"] if call == 1 else ["127.0.0.1"]},
        port=secret.port,
    )
    async with rig(FetchSettings(allowed_ports=[80, 443, secret.port]), resolver) as r:
        with pytest.raises(FetchError) as first:
            await r.fetcher.fetch(f"http://rebind.example:{secret.port}/")
        with pytest.raises(Refused) as second:
            await r.fetcher.fetch(f"http://rebind.example:{secret.port}/")
    # The first fetch dialled the address it checked (the spy stops it leaving loopback).
    assert r.spy.attempts == ["8.8.8.8"]
    assert "127.0.0.1" not in r.spy.opened
    assert resolver.calls == ["rebind.example", "rebind.example"]
    assert secret.accepts == 0
    _no_leak(first.value, caplog)
    _no_leak(second.value, caplog)


async def test_production_session_sets_the_guard() -> None:
    """CI guard: the production session sets socket_factory, no DNS cache, trust_env or cookies."""
    session = build_session(FetchSettings())
    try:
        connector = session.connector
        assert isinstance(connector, aiohttp.TCPConnector)
        assert connector._socket_factory is not None
        assert not connector.use_dns_cache
        assert connector.force_close
        assert session.trust_env is False
        assert isinstance(session.cookie_jar, aiohttp.DummyCookieJar)
        assert session.auto_decompress is False
    finally:
        await session.close()


async def test_socket_factory_stops_ip_literals_the_resolver_never_sees(secret: RawServer) -> None:
    """Using the production session directly, an IP-literal URL to loopback still never connects."""
    session = build_session(FetchSettings())
    try:
        with pytest.raises(aiohttp.ClientConnectorError):
            async with session.get(f"http://127.0.0.1:{secret.port}/"):
                pass
    finally:
        await session.close()
    assert secret.accepts == 0


async def test_canary_resolver_alone_does_not_stop_ip_literals(secret: RawServer) -> None:
    """Canary: a filtering resolver WITHOUT the socket factory lets an IP literal reach SECRET.

    If this starts failing, aiohttp changed how it resolves literals: re-read its changelog
    rather than deleting the test, since the socket factory exists because of this behaviour.
    """
    resolver = GuardedResolver(aiohttp.ThreadedResolver(), build_policy())
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.get(f"http://127.0.0.1:{secret.port}/") as resp,
    ):
        body = await resp.text()
    assert SECRET in body
    assert secret.accepts == 1


@pytest.mark.parametrize(
    "behaviour",
    [
        OSError(socket.EAI_NONAME, "Name or service not known"),
        OSError(socket.EAI_AGAIN, "Temporary failure in name resolution"),
        "hang",
    ],
    ids=["nxdomain", "servfail", "hang"],
)
async def test_dns_failure_is_reported_within_three_seconds(behaviour: object) -> None:
    """NXDOMAIN, SERVFAIL and a hanging resolver give "couldn't resolve" within 3 s, one lookup."""
    resolver = FakeResolver({"nowhere.example": behaviour})
    async with rig(FetchSettings(), resolver) as r:
        started = time.monotonic()
        with pytest.raises(FetchError, match="couldn't resolve") as caught:
            await r.fetcher.fetch("http://nowhere.example/")
        elapsed = time.monotonic() - started
    assert not isinstance(caught.value, Refused)
    assert elapsed < 3.3
    assert resolver.calls == ["nowhere.example"]
    assert r.spy.attempts == []


async def test_resolver_close_is_forwarded() -> None:
    """Closing the guarded resolver closes the wrapped one (no leaked threads or sockets)."""
    closed: list[bool] = []

    class Inner(FakeResolver):
        async def close(self) -> None:
            closed.append(True)

    await GuardedResolver(Inner({}), build_policy()).close()
    assert closed == [True]
    await asyncio.sleep(0)
