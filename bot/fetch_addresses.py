"""Pure address policy: an explicit table of non-public ranges, with embedded-IPv4 unwrapping."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from pathlib import Path

log = logging.getLogger(__name__)

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

EMBEDDED = "embedded private IPv4"
TRANSLATED = "NAT64/6to4/Teredo"
OWN = "this host's own address"
DENIED = "denied by fetch.deny_addresses"

# The union of Smokescreen, Advocate, ssrf_filter, Synapse and Mastodon (see the reliability test
# plan's appendix), written out so the answer never depends on the interpreter's patch level.
_V4_TABLE: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), reason)
    for net, reason in (
        ("0.0.0.0/8", "this network"),
        ("10.0.0.0/8", "private network"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private network"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "former 6to4 relay"),
        ("192.168.0.0/16", "private network"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved or broadcast"),
    )
)

_V6_TABLE: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), reason)
    for net, reason in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("100::/64", "discard-only"),
        ("2001:10::/28", "ORCHID"),
        ("2001:20::/28", "ORCHID"),
        ("2001::/23", "IETF protocol assignments"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing"),
        ("fc00::/7", "unique local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)

# Prefixes that carry an IPv4 address inside an IPv6 one; all denied wholesale, as Smokescreen does.
_MAPPED = IPv6Network("::ffff:0:0/96")
_TRANSLATED_V4 = IPv6Network("::ffff:0:0:0/96")
_COMPATIBLE = IPv6Network("::/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = IPv6Network("64:ff9b:1::/48")
_SIX_TO_FOUR = IPv6Network("2002::/16")
_TEREDO = IPv6Network("2001::/32")
_GLOBAL_UNICAST = IPv6Network("2000::/3")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an address may be connected to, and if not, why."""

    allowed: bool
    reason: str = ""


ALLOWED = Verdict(True)


def parse_address(value: str | IPAddress) -> IPAddress | None:
    """Parse an address literal; None when it is not one (scope ids are kept, then denied)."""
    if isinstance(value, IPv4Address | IPv6Address):
        return value
    try:
        return ip_address(value)
    except ValueError:
        return None


def _classify_v4(ip: IPv4Address) -> Verdict:
    for net, reason in _V4_TABLE:
        if ip in net:
            return Verdict(False, reason)
    if not ip.is_global:
        # Stricter-only fallback: newer Pythons may learn about ranges this table predates.
        return Verdict(False, "not globally routable")
    return ALLOWED


def _nat64_local_v4(ip: IPv6Address) -> IPv4Address:
    """The IPv4 inside a /48 RFC 6052 address: bits 48-63, skip the u octet, then bits 72-87."""
    raw = ip.packed
    return IPv4Address(raw[6:8] + raw[9:11])


def embedded_ipv4(ip: IPv6Address) -> tuple[str, list[IPv4Address]] | None:
    """The embedding kind and IPv4 addresses carried inside an IPv6 address, if any."""
    low32 = IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _MAPPED:
        return "mapped", [low32]
    if ip in _TRANSLATED_V4:
        return "translated", [low32]
    if ip in _COMPATIBLE and int(ip) > 1:
        return "compatible", [low32]
    if ip in _NAT64:
        return TRANSLATED, [low32]
    if ip in _NAT64_LOCAL:
        return TRANSLATED, [_nat64_local_v4(ip)]
    if ip in _SIX_TO_FOUR:
        return TRANSLATED, [ip.sixtofour] if ip.sixtofour else []
    if ip in _TEREDO:
        return TRANSLATED, list(ip.teredo) if ip.teredo else []
    return None


def _classify_v6(ip: IPv6Address) -> Verdict:
    if ip.scope_id:
        return Verdict(False, "scoped (link-local) address")
    embedded = embedded_ipv4(ip)
    if embedded is not None:
        kind, inner = embedded
        if any(not _classify_v4(v4).allowed for v4 in inner):
            return Verdict(False, EMBEDDED)
        if kind == "mapped":
            # ::ffff:a.b.c.d is the same socket as a.b.c.d: decided by the IPv4 rules alone.
            return ALLOWED
        return Verdict(False, TRANSLATED if kind == TRANSLATED else "deprecated IPv4 embedding")
    for net, reason in _V6_TABLE:
        if ip in net:
            return Verdict(False, reason)
    if ip not in _GLOBAL_UNICAST:
        return Verdict(False, "not global unicast")
    if not ip.is_global:
        return Verdict(False, "not globally routable")
    return ALLOWED


_MAPPED6 = IPv6Network("::ffff:0:0/96")


def _as_ipv4(net: IPNetwork) -> IPNetwork:
    """An IPv4-mapped IPv6 network (::ffff:198.51.100.0/120) as the IPv4 network it names.

    The deny check unwraps mapped addresses to IPv4, so the entry must be IPv4 to match both.
    """
    if isinstance(net, IPv6Network) and net.prefixlen >= 96 and net.subnet_of(_MAPPED6):
        mapped = net.network_address.ipv4_mapped
        if mapped is not None:
            return ip_network(f"{mapped}/{net.prefixlen - 96}")
    return net


def parse_network(entry: str) -> IPNetwork:
    """Parse one `fetch.deny_addresses` entry (an address or a CIDR network, IPv4 or IPv6).

    A ValueError says in one sentence, without a final period, what is wrong with the entry.
    """
    text = entry.strip()
    if "%" in text:
        raise ValueError(f"'{text}' has an IPv6 zone id; write the address without %zone")
    try:
        return _as_ipv4(ip_network(text))
    except ValueError:
        pass
    try:
        loose = ip_network(text, strict=False)
    except ValueError:
        raise ValueError(
            f"'{text}' is not an IP address or CIDR network (such as 203.0.113.7 or 10.0.0.0/8)"
        ) from None
    # "203.0.113.7/24" could mean the host or the whole /24: refuse to guess which to block.
    address = text.partition("/")[0]
    raise ValueError(
        f"'{text}' has host bits set; write the network as {loose} or the address as {address}"
    )


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """The address table, this host's own addresses and the operator's denied networks.

    `denied` (fetch.deny_addresses) also applies to allow-listed hosts: a deny always wins.
    """

    own: frozenset[IPAddress] = frozenset()
    denied: tuple[IPNetwork, ...] = ()

    def classify(self, value: str | IPAddress) -> Verdict:
        """Decide one address; anything that does not parse is denied."""
        ip = parse_address(value)
        if ip is None:
            return Verdict(False, "not an IP address")
        if self._is_denied(ip):
            return Verdict(False, DENIED)
        if ip in self.own or _without_scope(ip) in self.own:
            return Verdict(False, OWN)
        if isinstance(ip, IPv4Address):
            return _classify_v4(ip)
        return _classify_v6(ip)

    def classify_exempt(self, value: str | IPAddress) -> Verdict:
        """Decide an address of an allow-listed host: only the operator's deny list applies."""
        ip = parse_address(value)
        if ip is not None and self._is_denied(ip):
            return Verdict(False, DENIED)
        return ALLOWED

    def _is_denied(self, ip: IPAddress) -> bool:
        if not self.denied:
            return False
        candidates: list[IPAddress] = [_without_scope(ip)]
        if isinstance(ip, IPv6Address):
            # ::ffff:a.b.c.d (and NAT64, 6to4, ...) reach the IPv4 inside: a v4 entry covers them.
            embedded = embedded_ipv4(ip)
            if embedded is not None:
                candidates.extend(embedded[1])
        return any(
            candidate in net
            for candidate in candidates
            for net in self.denied
            if net.version == candidate.version
        )


def classify_address(value: str | IPAddress) -> Verdict:
    """Decide one address with the table alone (no knowledge of this host's interfaces)."""
    return AddressPolicy().classify(value)


def _without_scope(ip: IPAddress) -> IPAddress:
    if isinstance(ip, IPv6Address) and ip.scope_id:
        return IPv6Address(int(ip))
    return ip


def _proc_ipv4(text: str) -> set[IPAddress]:
    # /proc/net/fib_trie lists each local address as "|-- a.b.c.d" followed by "/32 host LOCAL".
    found: set[IPAddress] = set()
    previous = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("/32 host LOCAL") and previous.startswith("|-- "):
            address = parse_address(previous[4:].strip())
            if address is not None:
                found.add(address)
        previous = stripped
    return found


def _proc_ipv6(text: str) -> set[IPAddress]:
    # /proc/net/if_inet6: 32 hex digits per address, then index, prefix, scope, flags, name.
    found: set[IPAddress] = set()
    for line in text.splitlines():
        parts = line.split()
        if parts and len(parts[0]) == 32:
            found.add(IPv6Address(int(parts[0], 16)))
    return found


@lru_cache(maxsize=1)
def local_interface_addresses() -> frozenset[IPAddress]:
    """This host's own interface addresses, read from /proc on Linux (no tools, no network)."""
    found: set[IPAddress] = set()
    readers = (("/proc/net/fib_trie", _proc_ipv4), ("/proc/net/if_inet6", _proc_ipv6))
    for path, reader in readers:
        try:
            found |= reader(Path(path).read_text(encoding="ascii", errors="replace"))
        except OSError:
            continue
    if not found:
        # Elsewhere, fall back to what the host name maps to (normally /etc/hosts, no query sent).
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, type=socket.SOCK_STREAM)
        except OSError:
            infos = []
        for info in infos:
            address = parse_address(str(info[4][0]))
            if address is not None:
                found.add(address)
    log.debug("own interface addresses: %d", len(found))
    return frozenset(found)


def build_policy(
    extra_denied: Iterable[str | IPAddress] = (), denied: Iterable[str] = ()
) -> AddressPolicy:
    """The production policy: the table, own interface and egress addresses, denied networks.

    `denied` entries are parsed with parse_network (settings validated them already).
    """
    own = set(local_interface_addresses())
    for value in extra_denied:
        address = parse_address(value)
        if address is not None:
            own.add(address)
    return AddressPolicy(frozenset(own), tuple(parse_network(entry) for entry in denied))
