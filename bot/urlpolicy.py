"""Pure URL policy: which links may be fetched, decided before any DNS query or connection."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from urllib.parse import urljoin, urlsplit

from yarl import URL

from bot.errors import Refused, UsageError
from bot.fetch_addresses import DENIED, AddressPolicy, IPAddress, classify_address

log = logging.getLogger(__name__)

PREFIX = "I can't fetch that link: "
PRIVATE_MESSAGE = PREFIX + "it points to a private network address."
DENIED_MESSAGE = PREFIX + "it points to a network address this bot is configured to refuse."

DEFAULT_PORTS = {"http": 80, "https": 443}
# Names that only mean something inside a network, refused before any lookup.
_LOCAL_SUFFIXES = (
    "localhost",
    "local",
    "internal",
    "intranet",
    "localdomain",
    "lan",
    "home.arpa",
    "arpa",
    "onion",
    "i2p",
)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
_CANONICAL_V4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
)

AllowList = frozenset[tuple[str, int | None]]


@dataclass(frozen=True, slots=True)
class Target:
    """One validated link: the normalised URL and where it will connect."""

    url: str
    scheme: str
    host: str
    port: int
    ip: IPAddress | None
    exempt: bool


def _refuse(reason: str) -> Refused:
    return Refused(PREFIX + reason)


def _malformed(reason: str) -> UsageError:
    return UsageError(PREFIX + reason)


def _normalise_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    parsed = _parse_ip(host)
    if isinstance(parsed, IPv6Address):
        return str(parsed)
    return host.removesuffix(".")


def _parse_ip(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


def parse_allow_hosts(entries: Iterable[str]) -> AllowList:
    """Turn `fetch.allow_hosts` entries ("host", "host:port", "[v6]:port") into a lookup set."""
    allowed: set[tuple[str, int | None]] = set()
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        port: int | None = None
        if entry.startswith("["):
            host, _, rest = entry[1:].partition("]")
            if rest.startswith(":") and rest[1:].isdigit():
                port = int(rest[1:])
        elif entry.count(":") == 1:
            host, _, port_text = entry.partition(":")
            port = int(port_text) if port_text.isdigit() else None
        else:
            host = entry
        allowed.add((_normalise_host(host), port))
    return frozenset(allowed)


def is_exempt(allow: AllowList, host: str, port: int, allowed_ports: Iterable[int]) -> bool:
    """True when `host:port` is named in the allow list (a bare host only on allowed ports)."""
    host = _normalise_host(host)
    return (host, port) in allow or ((host, None) in allow and port in set(allowed_ports))


def is_local_name(host: str) -> bool:
    """True for names that can only mean something on a local network (no dot, .local, ...)."""
    if "." not in host:
        return True
    return any(host == suffix or host.endswith("." + suffix) for suffix in _LOCAL_SUFFIXES)


def _check_text(url: str, max_length: int) -> str:
    text = url.strip()
    if not text:
        raise _malformed("the link is empty.")
    if len(text) > max_length:
        raise _malformed(f"the link is longer than {max_length} characters.")
    # Whitespace, control characters and backslashes are where URL parsers disagree (and CR/LF
    # is how headers get injected): spaces and line breaks are simply malformed, the rest refused.
    if any(ch.isspace() for ch in text):
        raise _malformed("it contains spaces or line breaks, so it is not a valid web address.")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in text):
        raise _refuse("it contains characters that are not allowed in a web address.")
    return text


def _split_netloc(netloc: str) -> tuple[str, str]:
    """Split host and port text, keeping IPv6 brackets' contents intact."""
    if netloc.startswith("["):
        host, bracket, rest = netloc[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise _malformed("its address is malformed.")
        return "[" + host + "]", rest[1:] if rest else ""
    if netloc.count(":") > 1:
        raise _malformed("its address is malformed.")
    host, _, port = netloc.partition(":")
    return host, port


def _host_and_ip(raw_host: str) -> tuple[str, IPAddress | None]:
    if raw_host.startswith("["):
        inner = raw_host[1:-1]
        if "%" in inner:
            raise _refuse("it uses an IPv6 zone identifier.")
        literal = _parse_ip(inner)
        if not isinstance(literal, IPv6Address):
            raise _malformed("its IPv6 address is malformed.")
        return str(literal), literal
    if "%" in raw_host:
        raise _refuse("its host name is percent-encoded.")
    host = raw_host.removesuffix(".")
    if not host:
        raise _malformed("it has no host name.")
    try:
        ascii_host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host
    except UnicodeError:
        raise _malformed("its host name is not a valid domain name.") from None
    ascii_host = ascii_host.lower()
    labels = ascii_host.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        # Like a browser: a host ending in a number is an IPv4 address, and only the plain
        # dotted-quad spelling is accepted (127.1, 2130706433, 0x7f.0.0.1 all reach loopback).
        if not host.isascii() or not _CANONICAL_V4.fullmatch(ascii_host):
            raise _refuse("it uses a non-standard numeric address.")
        return ascii_host, IPv4Address(ascii_host)
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise _malformed("its host name is not a valid domain name.")
    return ascii_host, None


def _parse_port(port_text: str, scheme: str) -> int:
    if not port_text:
        return DEFAULT_PORTS[scheme]
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise _refuse(f"it uses an invalid port ({port_text[:8]}).")
    return int(port_text)


def _ports_phrase(ports: Iterable[int]) -> str:
    names = [str(p) for p in sorted(set(ports))]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def check_url(
    url: str,
    *,
    allowed_ports: Iterable[int] = (80, 443),
    allow_hosts: AllowList = frozenset(),
    max_length: int = 2048,
    policy: AddressPolicy | None = None,
) -> Target:
    """Validate a link: UsageError when malformed, Refused when policy forbids it."""
    text = _check_text(url, max_length)
    match = _SCHEME.match(text)
    if match is None:
        raise _refuse("it is not an http or https link.")
    scheme = match.group(1).lower()
    if scheme not in DEFAULT_PORTS:
        raise _refuse(f"it uses the {scheme}: scheme; I only fetch http and https links.")
    if not text[match.end() :].startswith("//"):
        raise _malformed("it is not a complete web address.")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _malformed("its address is malformed.") from None
    if "@" in parts.netloc:
        raise _refuse("it contains a user name or password.")
    raw_host, port_text = _split_netloc(parts.netloc)
    host, literal = _host_and_ip(raw_host)
    port = _parse_port(port_text, scheme)
    ports = list(allowed_ports)
    exempt = is_exempt(allow_hosts, host, port, ports)
    if port not in ports and not exempt:
        raise _refuse(f"it uses port {port}; I only fetch from ports {_ports_phrase(ports)}.")
    if not exempt and literal is None and is_local_name(host):
        raise _refuse("it points to a local or internal host name.")
    if literal is not None:
        policy = policy or AddressPolicy()
        # An allow-listed literal is still checked against the deny list: a deny always wins.
        verdict = policy.classify_exempt(literal) if exempt else policy.classify(literal)
        if not verdict.allowed:
            log.info("refused literal address: %s", verdict.reason)
            raise Refused(blocked_message([verdict.reason]))
    return Target(
        _rebuild(scheme, host, literal, port, parts.path, parts.query),
        scheme,
        host,
        port,
        literal,
        exempt,
    )


def _rebuild(
    scheme: str, host: str, literal: IPAddress | None, port: int, path: str, query: str
) -> str:
    netloc = f"[{host}]" if isinstance(literal, IPv6Address) else host
    if port != DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    url = f"{scheme}://{netloc}{path or '/'}" + (f"?{query}" if query else "")
    # A second parser must see the same host, or the two disagree about where we connect.
    parsed = URL(url)
    seen = parsed.raw_host or ""
    same = (_parse_ip(seen) == literal) if literal is not None else seen == host
    if not same or parsed.port != port or parsed.user is not None:
        raise _refuse("its address is ambiguous.")
    return url


def blocked_message(reasons: Iterable[str]) -> str:
    """The user's sentence for blocked addresses: configured deny, or not a public address."""
    return DENIED_MESSAGE if DENIED in reasons else PRIVATE_MESSAGE


def redirect_target(current: str, location: str) -> str:
    """Resolve a Location header against the current URL (relative, scheme-relative or absolute)."""
    return urljoin(current, location.strip())


__all__ = [
    "DENIED_MESSAGE",
    "PRIVATE_MESSAGE",
    "AllowList",
    "Target",
    "blocked_message",
    "check_url",
    "classify_address",
    "is_exempt",
    "is_local_name",
    "parse_allow_hosts",
    "redirect_target",
]
