"""Section C of the reliability plan: redirects are followed by hand, each hop re-checked."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from fetch_support import SECRET, FakeResolver, RawServer, rig, secret_listener, settings_for

from bot.errors import FetchError, HttpStatusError, Refused, Timeout, UsageError
from bot.settings import FetchSettings

PAGE = "<html><head><title>Landed</title></head><body><p>Arrived.</p></body></html>"


@dataclass
class Origin:
    """An allow-listed 'public' server whose handlers redirect as each test asks."""

    port: int = 0
    requests: list[web.Request] = field(default_factory=list)
    routes: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    delay_s: float = 0.0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve a redirect from the routes table, or the landing page."""
        self.requests.append(request)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(text=PAGE, content_type="text/html")
        status, location = route
        headers = {"Set-Cookie": "session=abc; Path=/"}
        if location is not None:
            headers["Location"] = location.format(port=self.port)
        return web.Response(status=status, headers=headers)


@pytest.fixture
async def origin() -> AsyncIterator[Origin]:
    """The 'public' origin server on loopback."""
    state = Origin()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", state.handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    state.port = server.port or 0
    yield state
    await server.close()


@pytest.fixture
async def secret() -> AsyncIterator[RawServer]:
    """A loopback listener that would answer SECRET if reached."""
    async with secret_listener() as server:
        yield server


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def _settings(
    origin: Origin, secret: RawServer | None = None, **overrides: object
) -> FetchSettings:
    ports = [80, 443] + ([secret.port] if secret else [])
    return settings_for(origin.port, allowed_ports=ports, **overrides)


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{secret}/secret",
        "http://private.example:{secret}/secret",
        "http://[::ffff:127.0.0.1]:{secret}/secret",
        "http://2130706433:{secret}/secret",
        "http://localhost:{secret}/secret",
        "//127.0.0.1:{secret}/secret",
        "file:///etc/passwd",
        "gopher://127.0.0.1:{secret}/_SECRET",
    ],
)
async def test_redirect_to_a_forbidden_target_is_refused_at_the_hop(
    location: str, origin: Origin, secret: RawServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A public page redirecting to loopback, private DNS or another scheme: refused, no SECRET."""
    origin.routes["/start"] = (302, location.replace("{secret}", str(secret.port)))
    resolver = FakeResolver({"private.example": ["127.0.0.1"]}, port=secret.port)
    async with rig(_settings(origin, secret), resolver) as r:
        with pytest.raises(Refused) as caught:
            await r.fetcher.fetch(f"http://127.0.0.1:{origin.port}/start")
    assert secret.accepts == 0
    assert secret.port not in r.spy.ports
    assert r.spy.ports == [origin.port]
    assert SECRET not in str(caught.value) and SECRET not in caplog.text


@pytest.mark.parametrize(("hops", "ok"), [(5, True), (6, False)])
async def test_at_most_five_redirects_are_followed(hops: int, ok: bool, origin: Origin) -> None:
    """A chain of five redirects is followed to the page; a sixth gives "too many redirects"."""
    for n in range(hops, 0, -1):
        origin.routes[f"/hop/{n}"] = (302, f"/hop/{n - 1}")
    async with rig(_settings(origin)) as r:
        url = f"http://127.0.0.1:{origin.port}/hop/{hops}"
        if ok:
            page = await r.fetcher.fetch(url)
            assert page.final_url == f"http://127.0.0.1:{origin.port}/hop/0"
            assert page.url == url
            assert "Arrived." in page.text
        else:
            with pytest.raises(FetchError, match="too many redirects"):
                await r.fetcher.fetch(url)
    assert len(origin.requests) == (hops + 1 if ok else 6)


async def test_redirect_loop_is_caught_before_the_cap(origin: Origin) -> None:
    """A -> B -> A is refused as a loop after two requests, well before five redirects."""
    origin.routes["/a"] = (302, "/b")
    origin.routes["/b"] = (302, "/a")
    async with rig(_settings(origin)) as r:
        with pytest.raises(FetchError, match="loop"):
            await r.fetcher.fetch(f"http://127.0.0.1:{origin.port}/a")
    assert [req.path for req in origin.requests] == ["/a", "/b"]


@pytest.mark.parametrize(
    ("start", "location", "landed"),
    [
        ("/a/b/c", "/next", "/next"),
        ("/a/b/c", "../x", "/a/x"),
        ("/a/b/c", "sibling", "/a/b/sibling"),
        ("/a", "//127.0.0.1:{port}/other", "/other"),
        ("/a", "http://127.0.0.1:{port}/abs?q=1", "/abs"),
    ],
)
async def test_relative_locations_resolve_against_the_current_url(
    start: str, location: str, landed: str, origin: Origin
) -> None:
    """Relative, dot-dot and scheme-relative Location headers resolve against the current URL."""
    origin.routes[start] = (302, location)
    async with rig(_settings(origin)) as r:
        page = await r.fetcher.fetch(f"http://127.0.0.1:{origin.port}{start}")
    assert origin.requests[-1].path == landed
    assert page.final_url.startswith(f"http://127.0.0.1:{origin.port}{landed}")


async def test_redirect_without_location_is_a_final_status(origin: Origin) -> None:
    """A 3xx without Location is reported as the server's answer, not followed or crashed on."""
    origin.routes["/nowhere"] = (302, None)
    async with rig(_settings(origin)) as r:
        with pytest.raises(HttpStatusError, match="302 Found"):
            await r.fetcher.fetch(f"http://127.0.0.1:{origin.port}/nowhere")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_every_redirect_status_uses_get_without_cookies_or_auth(
    status: int, origin: Origin
) -> None:
    """301/302/303/307/308 are all followed with GET; no Cookie or Authorization is ever sent."""
    origin.routes["/moved"] = (status, "/there")
    async with rig(_settings(origin)) as r:
        page = await r.fetcher.fetch(f"http://127.0.0.1:{origin.port}/moved")
    assert page.status == 200
    assert [req.method for req in origin.requests] == ["GET", "GET"]
    for request in origin.requests:
        assert "Cookie" not in request.headers
        assert "Authorization" not in request.headers
        assert request.headers["User-Agent"].startswith("UnspinBot/")


async def test_deadline_covers_all_hops(origin: Origin) -> None:
    """Five slow hops are aborted at the total deadline, not given a fresh budget each."""
    for n in range(5, 0, -1):
        origin.routes[f"/slow/{n}"] = (302, f"/slow/{n - 1}")
    origin.delay_s = 0.4
    async with rig(_settings(origin, timeout_s=1.0)) as r:
        started = time.monotonic()
        with pytest.raises(Timeout, match=r"timed out after 1 s"):
            await r.fetcher.fetch(f"http://127.0.0.1:{origin.port}/slow/5")
        elapsed = time.monotonic() - started
    assert 0.95 < elapsed < 1.0 * 1.1 + 0.1
    assert len(origin.requests) <= 3


@pytest.mark.parametrize("location", ["http://[::1/x", "http://exa mple.com/", "http://:80/"])
async def test_malformed_location_is_a_clean_error(location: str, origin: Origin) -> None:
    """A malformed Location header gives a one-sentence fetch error, not a crash or usage error."""
    origin.routes["/bad"] = (302, location)
    async with rig(_settings(origin)) as r:
        with pytest.raises(FetchError, match=r"malformed address|not allowed") as caught:
            await r.fetcher.fetch(f"http://127.0.0.1:{origin.port}/bad")
    assert not isinstance(caught.value, UsageError)
