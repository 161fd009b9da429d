"""Loopback test rig for the fetcher: SECRET listener, socket spy, fake resolver, raw servers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import aiohttp
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.fetch import AiohttpFetcher, build_session
from bot.settings import FetchSettings

SECRET = "SECRET-7f3a9c"
SECRET_RESPONSE = (
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {n}\r\n"
    "Connection: close\r\n\r\n{body}"
).format(n=len(f"<html><body>{SECRET}</body></html>"), body=f"<html><body>{SECRET}</body></html>")

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """An asyncio TCP server on loopback that counts accepted connections."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1") -> None:
        self._handler = handler
        self.host = host
        self.accepts = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepts += 1
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await self._handler(reader, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.sleep(0)


async def secret_handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer any request with a page containing SECRET (what a private service would leak)."""
    await reader.readuntil(b"\r\n\r\n")
    writer.write(SECRET_RESPONSE.encode())
    await writer.drain()


def secret_listener(host: str = "127.0.0.1") -> RawServer:
    """A loopback listener that answers SECRET if anything ever reaches it."""
    return RawServer(secret_handler, host)


@dataclass
class SocketSpy:
    """Wraps socket creation after the guard: records every destination, never leaves loopback."""

    opened: list[str] = field(default_factory=list)
    attempts: list[str] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)

    def __call__(self, addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        destination = str(sockaddr[0])
        self.attempts.append(destination)
        self.ports.append(int(sockaddr[1]))
        if not ip_address(destination.split("%")[0]).is_loopback:
            # The guard approved a public address: stop here so tests never send real traffic.
            raise OSError(f"test sandbox: refusing to connect to {destination}")
        self.opened.append(destination)
        return socket.socket(family=family, type=type_, proto=proto)


def answer(address: str, port: int) -> ResolveResult:
    """One resolver answer as aiohttp expects it."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return {
        "hostname": "",
        "host": address,
        "port": port,
        "family": family,
        "proto": 0,
        "flags": socket.AI_NUMERICHOST,
    }


Behaviour = Sequence[str] | BaseException | str


class FakeResolver(AbstractResolver):
    """Answers from a table: a list of addresses, an exception, "hang", or one list per call."""

    def __init__(self, table: dict[str, Any], port: int = 80) -> None:
        self._table = table
        self._port = port
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Look the host up in the table."""
        self.calls.append(host)
        entry = self._table.get(host)
        if callable(entry):
            entry = entry(len([h for h in self.calls if h == host]))
        if entry is None:
            raise OSError(socket.EAI_NONAME, "Name or service not known")
        if isinstance(entry, BaseException):
            raise entry
        if entry == "hang":
            await asyncio.sleep(3600)
        return [answer(address, self._port or port) for address in entry]

    async def close(self) -> None:
        """Nothing to release."""


@dataclass
class Rig:
    """A fetcher on a production session, with its spy and resolver exposed."""

    fetcher: AiohttpFetcher
    session: aiohttp.ClientSession
    spy: SocketSpy
    resolver: FakeResolver | None


@asynccontextmanager
async def rig(
    settings: FetchSettings | None = None,
    resolver: FakeResolver | None = None,
    **kwargs: Any,
) -> AsyncIterator[Rig]:
    """Build the production session with a socket spy behind the guard and an optional resolver."""
    settings = settings or FetchSettings()
    spy = SocketSpy()
    session = build_session(settings, resolver=resolver, socket_factory=spy, **kwargs)
    try:
        yield Rig(AiohttpFetcher(session, settings), session, spy, resolver)
    finally:
        await session.close()


def settings_for(*ports: int, **overrides: Any) -> FetchSettings:
    """Production settings plus allow-listed loopback ports (the 'public' test servers)."""
    allow = [f"127.0.0.1:{port}" for port in ports]
    return FetchSettings(allow_hosts=allow + list(overrides.pop("allow_hosts", [])), **overrides)


def rss_kib(field: str = "VmRSS:") -> int:
    """Resident set size (or another /proc/self/status field) of this process in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def reset_peak_rss() -> None:
    """Reset the kernel's peak-RSS mark (VmHWM) so a later reading is this operation's peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


class PeakRss:
    """Samples RSS every few milliseconds while running, to measure peak growth of one operation."""

    def __init__(self) -> None:
        self.start = 0
        self.peak = 0
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_kib())
            await asyncio.sleep(0.002)

    async def __aenter__(self) -> PeakRss:
        reset_peak_rss()
        self.start = rss_kib()
        self.peak = self.start
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        self.peak = max(self.peak, rss_kib(), rss_kib("VmHWM:"))

    @property
    def growth_mib(self) -> float:
        """Peak growth over the start, in MiB."""
        return (self.peak - self.start) / 1024
