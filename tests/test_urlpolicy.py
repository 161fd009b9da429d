"""Section A of the reliability plan: the URL and address policy, pure, with no network."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_address

import pytest

from bot.errors import Refused, UsageError
from bot.fetch_addresses import (
    EMBEDDED,
    OWN,
    TRANSLATED,
    AddressPolicy,
    build_policy,
    classify_address,
    local_interface_addresses,
)
from bot.urlpolicy import check_url, is_local_name, parse_allow_hosts

# Each range of the plan's IPv4 table, with its first, last and a middle address.
V4_RANGES = [
    "0.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
    "127.0.0.0/8", "169.254.0.0/16", "192.0.0.0/24", "192.0.2.0/24", "198.51.100.0/24",
    "203.0.113.0/24", "192.88.99.0/24", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
]  # fmt: skip
V4_DENIED = sorted(
    {
        str(address)
        for net in map(IPv4Network, V4_RANGES)
        for address in (net[0], net[-1], net[net.num_addresses // 2])
    }
)
# The plan's IPv6 table, the Python pitfalls table and the anchors' own case lists.
V6_DENIED = [
    "::", "::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
    "::127.0.0.1", "::ffff:0:7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1",
    "2002:7f00:1::", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "fc00::1", "fd00::1",
    "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::1", "febf::1", "fec0::1", "fec0:cccc::",
    "ff02::1", "ff02::2", "ff00::", "100::", "100::ffff:ffff:ffff:ffff", "2001:db8::1",
    "3fff::1", "3fff:fff:ffff::1", "5f00::1", "2001:10::1", "2001:20::1", "64:ff9c::1",
]  # fmt: skip
SMOKESCREEN_DENIED = [
    "10.0.0.1", "172.16.0.1", "192.168.0.1", "100.64.0.1", "100.64.0.100", "100.127.255.254",
    "127.0.0.1", "127.255.255.255", "::1", "169.254.169.254", "255.255.255.255", "ff02::2",
    "64:ff9b::ac1c:5", "64:ff9b::c000:201", "64:ff9b::a00:1", "64:ff9b::808:808",
    "64:ff9b::ffff:ffff", "2002:c000:201::1", "2002:a00:1::1", "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:1234:5678:9abc:def0:1234:5678",
    "127.0.1.1", "192.168.1.100",
]  # fmt: skip
ADVOCATE_DENIED = [
    "::ffff:192.168.2.1", "2001:0000:4136:e378:8000:63bf:3f57:fdf2", "2002:c0a8:ffff::",
    "64:ff9b::192.168.2.1", "169.254.1.1", "fec0:cccc::", "127.0.0.1", "::1", "227.1.1.1",
    "192.168.2.1", "10.5.5.5", "0.0.0.0", "0.1.1.1", "100.64.0.0", "255.255.255.255",
    "192.88.99.0", "192.0.0.8", "192.88.99.1",
]  # fmt: skip
SSRF_FILTER_DENIED = ["64:ff9b:1:a00:0:100::", "64:ff9b:1:c0a8:1:100::", "64:ff9b:1:808:8:800::"]
# ssrf_filter's rule: every blacklisted IPv4 range's first and last address, mapped and compatible.
V4_EMBEDDED = [
    f"::{kind}{address}"
    for net in map(IPv4Network, V4_RANGES)
    for address in (net[0], net[-1])
    for kind in ("ffff:", "")
    if not (kind == "" and int(address) <= 1)  # ::0.0.0.0 and ::0.0.0.1 are :: and ::1
]
ALLOWED = [
    "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2001:4860:4860::8888", "100.63.255.254",
    "100.128.0.1", "::ffff:8.8.8.8", "93.184.216.34", "172.15.255.255", "172.32.0.0",
    "169.253.255.255", "2a00:1450:4001::1",
]  # fmt: skip


@pytest.mark.parametrize(
    "address",
    sorted(set(V4_DENIED + V6_DENIED + SMOKESCREEN_DENIED + ADVOCATE_DENIED + SSRF_FILTER_DENIED)),
)
def test_classifier_denies_every_listed_address(address: str) -> None:
    """Every address in the plan's tables and the anchors' case lists is denied, with a reason."""
    verdict = classify_address(address)
    assert not verdict.allowed
    assert verdict.reason


@pytest.mark.parametrize("address", sorted(set(V4_EMBEDDED)))
def test_embedded_forms_of_every_private_range_are_denied(address: str) -> None:
    """The mapped and compatible forms of each denied IPv4 range's ends are denied too."""
    assert classify_address(address) == classify_address(address)  # deterministic
    assert not classify_address(address).allowed


@pytest.mark.parametrize("address", ALLOWED)
def test_classifier_allows_public_addresses(address: str) -> None:
    """Public unicast addresses (including just outside CGNAT and 172.16/12) are allowed."""
    assert classify_address(address).allowed


def _teredo(client: str) -> str:
    # Teredo: 2001:0::/32, server IPv4 in bits 32-63, the client IPv4 inverted in the last 32.
    server = int(IPv4Address("65.54.227.120"))
    inverted = ~int(IPv4Address(client)) & 0xFFFFFFFF
    return str(IPv6Address((0x20010000 << 96) | (server << 64) | (0x8000 << 48) | inverted))


def _seven_forms(v4: str) -> list[str]:
    raw = IPv4Address(v4).packed
    return [
        f"::ffff:{v4}",
        f"::{v4}",
        f"::ffff:0:{v4}",
        str(IPv6Address(b"\x00\x64\xff\x9b" + bytes(8) + raw)),
        # RFC 6052 /48: two octets, the zero "u" octet, then the other two.
        str(IPv6Address(b"\x00\x64\xff\x9b\x00\x01" + raw[:2] + b"\x00" + raw[2:] + bytes(5))),
        str(IPv6Address(b"\x20\x02" + raw + bytes(10))),
        _teredo(v4),
    ]


@pytest.mark.parametrize(
    "address",
    [form for v4 in ("127.0.0.1", "169.254.169.254", "10.0.0.1") for form in _seven_forms(v4)],
)
def test_embedded_private_ipv4_is_unwrapped(address: str) -> None:
    """All seven IPv6 spellings of a private IPv4 are denied as embedded private or translated."""
    verdict = classify_address(address)
    assert not verdict.allowed
    assert verdict.reason in (EMBEDDED, TRANSLATED)


def test_plan_spellings_of_embedded_loopback() -> None:
    """The plan's literal spellings decode to the expected forms (the helper is not fooling us)."""
    assert _seven_forms("127.0.0.1")[4] == "64:ff9b:1:7f00:0:100::"
    assert _seven_forms("127.0.0.1")[5] == "2002:7f00:1::"
    assert ip_address(_teredo("127.0.0.1")).teredo[1] == IPv4Address("127.0.0.1")  # type: ignore[union-attr]


def test_nat64_of_a_public_address_is_still_denied() -> None:
    """NAT64 is denied wholesale: 8.8.8.8 under either NAT64 prefix is refused as translated."""
    assert classify_address("64:ff9b::808:808").reason == TRANSLATED
    assert classify_address("64:ff9b:1:808:8:800::").reason == TRANSLATED
    assert classify_address("2002:808:808::1").reason == TRANSLATED


@pytest.mark.parametrize(
    ("outside", "inside"),
    [
        ("100.63.255.255", "100.64.0.0"),
        ("100.128.0.0", "100.127.255.255"),
        ("172.15.255.255", "172.16.0.0"),
        ("172.32.0.0", "172.31.255.255"),
        ("169.253.255.255", "169.254.0.0"),
        ("169.255.0.0", "169.254.255.255"),
    ],
)
def test_range_boundaries_deny_exactly_inside(outside: str, inside: str) -> None:
    """Each range edge: the address just outside is allowed, the one just inside is denied."""
    assert classify_address(outside).allowed
    assert not classify_address(inside).allowed


def test_own_interface_addresses_and_egress_ip_are_denied() -> None:
    """Every local interface address, and a configured (public) egress IP, is denied."""
    own = local_interface_addresses()
    assert own, "no interface address found"
    policy = build_policy(extra_denied=["8.8.4.4"])
    for address in own:
        assert not policy.classify(address).allowed
    assert classify_address("8.8.4.4").allowed
    assert policy.classify("8.8.4.4").reason == OWN
    assert (
        AddressPolicy(frozenset({ip_address("2001:4860:4860::8844")}))
        .classify("2001:4860:4860::8844")
        .reason
        == OWN
    )


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/", "file:///etc/passwd", "gopher://example.com/", "data:text/html,hi",
     "javascript:alert(1)", "ws://example.com/", "//example.com/x", "example.com/x"],
)  # fmt: skip
def test_only_http_and_https_schemes_are_accepted(url: str) -> None:
    """Any scheme but http and https (or none) is refused."""
    with pytest.raises(Refused):
        check_url(url)


def test_upper_case_scheme_and_host_are_normalised() -> None:
    """HTTP:// and HTTPS:// in capitals are accepted and normalised to lower case."""
    assert check_url("HTTP://Example.COM/a?b=1#frag").url == "http://example.com/a?b=1"
    assert check_url("HTTPS://example.com").url == "https://example.com/"


TRICKS = [
    "http://evil.com@127.0.0.1/", "http://127.0.0.1#@evil.com/", "http://evil.com\\@127.0.0.1/",
    "http://127.0.0.1:80@evil.com/", "http://foo.baz.com\x00.example.com/", "http://exa\rmple.com/",
    "http://exa\nmple.com/", "http://exa mple.com/", "http://localhost./", "http://[fe80::1%25eth0]/",
    "https://www.exam\nple.com", "https://www.example.com/te\rst", "http://user:pw@example.com/",
    "http://example.com%2f@127.0.0.1/", "http://127.0.0.1./", "http://[::ffff:127.0.0.1]/",
]  # fmt: skip


@pytest.mark.parametrize("url", TRICKS)
def test_parser_tricks_are_refused(url: str) -> None:
    """Userinfo, fragments, backslashes, control characters, zone ids, trailing dots: refused.

    Spaces and line breaks make the link malformed (a usage error); either way nothing is fetched.
    """
    expected = UsageError if any(ch.isspace() for ch in url) else Refused
    with pytest.raises(expected):
        check_url(url)


NON_CANONICAL = [
    "2130706433", "017700000001", "127.1", "127.0.1", "0177.0.0.1", "01.2.3.4", "256.0.0.1",
    "999.0.0.1", "1.2.3.4.5", "127.0.0.", "12³.0.0.1", "１２７.0.0.1", "0xa.0.0.0",
    "0x7f.0.0.1", "0", "0.0.0.0", "0x7f000001",
]  # fmt: skip


@pytest.mark.parametrize("host", NON_CANONICAL)
def test_non_canonical_ipv4_is_refused(host: str) -> None:
    """Numeric hosts other than a plain dotted quad are refused (glibc would accept them)."""
    with pytest.raises(Refused):
        check_url(f"http://{host}/")


@pytest.mark.parametrize("host", [" 127.0.0.1", "127.0.0.1 "])
def test_hosts_with_spaces_are_refused(host: str) -> None:
    """Leading or trailing spaces inside the host are rejected, not silently stripped."""
    with pytest.raises(UsageError):
        check_url(f"http://{host}/x")


@pytest.mark.parametrize("port", ["22", "6379", "8080", "65536", "0", "-1", "99999999"])
def test_other_ports_are_refused(port: str) -> None:
    """Ports other than 80 and 443 are refused, as are impossible ones."""
    with pytest.raises(Refused):
        check_url(f"http://example.com:{port}/")


def test_default_and_configured_ports_are_allowed() -> None:
    """Ports 80 and 443 pass by default; 8080 passes once configured."""
    assert check_url("http://example.com:80/").port == 80
    assert check_url("http://example.com:443/").port == 443
    assert check_url("https://example.com/").port == 443
    assert check_url("http://example.com:8080/", allowed_ports=[80, 443, 8080]).port == 8080


@pytest.mark.parametrize(
    "host",
    ["localhost", "foo.localhost", "printer.local", "metadata.google.internal", "x.onion", "x.i2p",
     "LOCALHOST", "metadata", "router.home.arpa"],
)  # fmt: skip
def test_local_host_names_are_refused_without_lookup(host: str) -> None:
    """Names that only mean something on a local network are refused by name alone."""
    assert is_local_name(host.lower())
    with pytest.raises(Refused):
        check_url(f"http://{host}/")


def test_public_names_pass_the_pre_filter() -> None:
    """Ordinary and international names pass, the latter converted to ASCII (punycode)."""
    assert not is_local_name("www.example.com")
    assert check_url("http://bücher.example/x").host == "xn--bcher-kva.example"


def test_length_limit() -> None:
    """A URL over 2,048 characters is rejected as malformed; one at the limit passes."""
    base = "http://example.com/"
    assert check_url(base + "a" * (2048 - len(base))).url.endswith("a")
    with pytest.raises(UsageError):
        check_url(base + "a" * (2049 - len(base)))


@pytest.mark.parametrize(
    "url", ["", "   ", "http://", "http:///x", "http://[::1/", "http:example.com"]
)
def test_malformed_urls_are_usage_errors(url: str) -> None:
    """Empty, host-less and unparseable links are usage errors."""
    with pytest.raises(UsageError):
        check_url(url)


def test_allow_hosts_exempts_only_what_it_names() -> None:
    """allow_hosts exempts a named host (any allowed port) or host:port, and nothing else."""
    allow = parse_allow_hosts(["127.0.0.1:8081", "intranet.local", "[::1]:9000"])
    assert check_url("http://127.0.0.1:8081/", allow_hosts=allow).exempt
    assert check_url("http://intranet.local/", allow_hosts=allow).exempt
    assert check_url("http://[::1]:9000/", allow_hosts=allow).exempt
    for url in ("http://127.0.0.1:8082/", "http://127.0.0.1/", "http://intranet.local:8081/"):
        with pytest.raises(Refused):
            check_url(url, allow_hosts=allow)


def test_every_refusal_is_one_plain_sentence() -> None:
    """Refusals read as one sentence to a chat user and name the problem."""
    with pytest.raises(Refused) as caught:
        check_url("http://10.0.0.1/")
    assert str(caught.value) == "I can't fetch that link: it points to a private network address."
