"""SSRF guard in aiohttp: a resolver checking each DNS answer, a factory checking each socket."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.fetch_addresses import AddressPolicy, Verdict

log = logging.getLogger(__name__)

DNS_TIMEOUT_S = 3.0

SocketCreator = Callable[[AddrInfoType], socket.socket]


class BlockedAddressError(OSError):
    """A DNS answer or a socket's destination is not a public address, or is denied by config."""


class ResolveError(OSError):
    """The host name could not be resolved (no answer, failure or timeout)."""


@dataclass(slots=True)
class HopState:
    """What the guard knows about the current request: is its host allow-listed, what it blocked."""

    exempt: bool = False
    blocked: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


# Set by the fetcher around each request; aiohttp connects inside the same task (or tasks that copy
# its context), so the guard sees it. Outside a fetch the default state applies: check everything.
_HOP: ContextVar[HopState | None] = ContextVar("unspin_fetch_hop", default=None)


@contextmanager
def hop(exempt: bool) -> Iterator[HopState]:
    """Mark the requests made inside this block as one hop, exempt or not from the address check."""
    state = HopState(exempt=exempt)
    token = _HOP.set(state)
    try:
        yield state
    finally:
        _HOP.reset(token)


def _state() -> HopState:
    return _HOP.get() or HopState()


def _verdict(policy: AddressPolicy, address: str) -> Verdict:
    # An allow-listed host skips the non-public table, never the operator's deny list.
    if _state().exempt:
        return policy.classify_exempt(address)
    return policy.classify(address)


def _deny(where: str, reason: str) -> BlockedAddressError:
    _state().blocked.append(reason)
    log.info("blocked %s: %s", where, reason)
    return BlockedAddressError(f"destination blocked by policy ({reason})")


class GuardedResolver(AbstractResolver):
    """Wraps a resolver: a deadline per lookup; the host is refused if ANY answer is not public."""

    def __init__(
        self,
        inner: AbstractResolver,
        policy: AddressPolicy,
        *,
        timeout_s: float = DNS_TIMEOUT_S,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._timeout_s = timeout_s

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve with a deadline, then check every answer against the address policy."""
        try:
            async with asyncio.timeout(self._timeout_s):
                answers = await self._inner.resolve(host, port, family)
        except TimeoutError:
            _state().unresolved.append("timeout")
            raise ResolveError(f"DNS lookup timed out after {self._timeout_s:g} s") from None
        except OSError as exc:
            _state().unresolved.append("failure")
            raise ResolveError(f"DNS lookup failed ({type(exc).__name__})") from None
        if not answers:
            _state().unresolved.append("empty")
            raise ResolveError("DNS lookup returned no address")
        for answer in answers:
            verdict = _verdict(self._policy, str(answer["host"]))
            if not verdict.allowed:
                raise _deny("DNS answer", verdict.reason)
        return answers

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()


def _plain_socket(addr_info: AddrInfoType) -> socket.socket:
    family, type_, proto, _, _ = addr_info
    return socket.socket(family=family, type=type_, proto=proto)


def guarded_socket_factory(
    policy: AddressPolicy, create: SocketCreator | None = None
) -> Callable[[AddrInfoType], socket.socket]:
    """The connector's socket_factory: refuse any socket whose destination the policy denies.

    This catches what a resolver never sees: IP-literal URLs and redirects to them.
    `create` makes the socket once approved (tests pass a spy here; it cannot skip the check).
    """
    make = create or _plain_socket

    def factory(addr_info: AddrInfoType) -> socket.socket:
        destination: Any = addr_info[4][0]
        verdict = _verdict(policy, str(destination))
        if not verdict.allowed:
            raise _deny("socket", verdict.reason)
        return make(addr_info)

    return factory
