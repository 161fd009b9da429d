"""`fetch.deny_addresses`: validated at load, applied to every hop and socket, over allows."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path

import aiohttp
import pytest
from fetch_support import SECRET, FakeResolver, RawServer, rig, secret_listener

from bot.cli import main
from bot.errors import ConfigError, FetchError, Refused
from bot.fetch import build_session, open_fetcher
from bot.fetch_addresses import DENIED, AddressPolicy, parse_network
from bot.fetch_guard import hop
from bot.settings import FetchSettings, load_settings
from bot.urlpolicy import DENIED_MESSAGE, PRIVATE_MESSAGE

NEWS = "news.example"


@pytest.fixture
async def secret() -> AsyncIterator[RawServer]:
    """A loopback listener that would answer SECRET if reached."""
    async with secret_listener() as server:
        yield server


def _settings(deny: list[str], *allow: str) -> FetchSettings:
    """Allow-listed hosts play public ones (their loopback answers pass), plus a deny list."""
    return FetchSettings(allow_hosts=list(allow), deny_addresses=deny)


# Settings: what is accepted, and the one-sentence refusal naming the bad entry.


def test_addresses_and_networks_of_both_families_are_accepted() -> None:
    """IPv4/IPv6 addresses and CIDR networks load, from TOML-style lists and env-style CSV."""
    entries = ["203.0.113.7", "169.254.0.0/16", "2001:db8::1", "fd00::/8"]
    assert load_settings(None, fetch={"deny_addresses": entries}).fetch.deny_addresses == entries
    csv = " 203.0.113.7 , 10.0.0.0/8 "
    assert FetchSettings.model_validate({"deny_addresses": csv}).deny_addresses == [
        "203.0.113.7",
        "10.0.0.0/8",
    ]


def test_env_variable_reaches_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """UNSPIN_FETCH__DENY_ADDRESSES is read as a comma-separated list."""
    monkeypatch.delenv("UNSPIN_CONFIG", raising=False)
    monkeypatch.setenv("UNSPIN_FETCH__DENY_ADDRESSES", "198.51.100.0/24,2001:db8::/32")
    settings = load_settings(None)
    assert settings.fetch.deny_addresses == ["198.51.100.0/24", "2001:db8::/32"]


@pytest.mark.parametrize(
    ("entry", "because"),
    [
        ("10.0.0.300", "is not an IP address or CIDR network"),
        ("metadata.example", "is not an IP address or CIDR network"),
        ("2001:db8::/129", "is not an IP address or CIDR network"),
        ("", "is not an IP address or CIDR network"),
        ("203.0.113.7/24", "has host bits set; write the network as 203.0.113.0/24"),
        ("fe80::1%eth0", "has an IPv6 zone id"),
    ],
)
def test_bad_entry_is_refused_at_load_naming_it(entry: str, because: str) -> None:
    """A bad entry stops loading with one sentence naming the setting, the entry and the fault."""
    with pytest.raises(ConfigError) as caught:
        load_settings(None, fetch={"deny_addresses": ["192.0.2.1", entry]})
    message = str(caught.value)
    assert message.startswith("Invalid setting fetch.deny_addresses: ")
    assert f"'{entry}' {because}" in message
    assert message.endswith(".") and message.count(". ") == 0


def test_cli_exits_2_on_a_bad_entry_in_the_config_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`unspin analyze --config` with a bad deny entry exits 2 and names the entry on stderr."""
    monkeypatch.delenv("UNSPIN_CONFIG", raising=False)
    config = tmp_path / "bad.toml"
    config.write_text('[fetch]\ndeny_addresses = ["203.0.113.7", "10.0.0.999/8"]\n')
    page = tmp_path / "page.txt"
    page.write_text("Never read: the configuration is refused first.\n")
    status = main(["analyze", "--config", str(config), str(page)])
    err = capsys.readouterr().err
    assert status == 2
    assert "fetch.deny_addresses" in err and "'10.0.0.999/8'" in err
    assert err.count("\n") == 1


# The pure policy.


def test_parse_network_reads_single_addresses_as_full_length_networks() -> None:
    """A bare address is a /32 or /128 network; a CIDR entry keeps its prefix."""
    assert parse_network(" 203.0.113.7 ") == IPv4Network("203.0.113.7/32")
    assert parse_network("2001:db8::/32") == IPv6Network("2001:db8::/32")


@pytest.mark.parametrize(
    ("address", "denied"),
    [
        ("8.8.8.8", True),
        ("8.8.8.255", True),
        ("8.8.9.1", False),
        ("::ffff:8.8.8.8", True),
        ("2606:4700::1111", True),
        ("2606:4701::1", False),
    ],
)
def test_policy_denies_inside_configured_networks_for_exempt_hosts_too(
    address: str, denied: bool
) -> None:
    """Addresses in a denied network (IPv4-mapped too) are denied, exempt or not; others pass."""
    policy = AddressPolicy(denied=(parse_network("8.8.8.0/24"), parse_network("2606:4700::/32")))
    for verdict in (policy.classify(address), policy.classify_exempt(address)):
        assert verdict.allowed is not denied
        assert verdict.reason == (DENIED if denied else "")


def test_ipv4_mapped_entry_denies_the_plain_ipv4_address_too() -> None:
    """An entry written as ::ffff:a.b.c.d/n is the IPv4 network it names: both forms denied."""
    assert parse_network("::ffff:198.51.100.0/120") == IPv4Network("198.51.100.0/24")
    policy = AddressPolicy(denied=(parse_network("::ffff:198.51.100.0/120"),))
    for address in ("198.51.100.5", "::ffff:198.51.100.5"):
        assert policy.classify_exempt(address).reason == DENIED


# Fetching: refused with no connection, under every way a hop can reach the address.


async def test_control_allow_listed_name_reaches_the_listener(secret: RawServer) -> None:
    """Control: with no deny the allow-listed name reaches SECRET, so zero counts mean something."""
    resolver = FakeResolver({NEWS: ["127.0.0.1"]}, port=secret.port)
    async with rig(_settings([], f"{NEWS}:{secret.port}"), resolver) as r:
        page = await r.fetcher.fetch(f"http://{NEWS}:{secret.port}/")
    assert SECRET in page.text
    assert secret.accepts == 1


@pytest.mark.parametrize("deny", ["127.0.0.1", "127.0.0.0/8", "::ffff:127.0.0.1"])
async def test_name_resolving_to_a_denied_address_is_refused_without_connecting(
    deny: str, secret: RawServer
) -> None:
    """Deny wins over allow_hosts: the name is refused at DNS, no socket, no connection."""
    if deny.startswith("::ffff:"):
        resolver = FakeResolver({NEWS: [deny]}, port=secret.port)
        deny = "127.0.0.0/8"
    else:
        resolver = FakeResolver({NEWS: ["127.0.0.1"]}, port=secret.port)
    async with rig(_settings([deny], f"{NEWS}:{secret.port}"), resolver) as r:
        with pytest.raises(Refused) as caught:
            await r.fetcher.fetch(f"http://{NEWS}:{secret.port}/")
    assert str(caught.value) == DENIED_MESSAGE
    assert resolver.calls == [NEWS]
    assert r.spy.attempts == []
    assert secret.accepts == 0


async def test_public_answer_inside_a_denied_network_is_never_dialled() -> None:
    """A public DNS answer is dialled without a deny, and refused with no socket when denied."""
    resolver = FakeResolver({NEWS: ["8.8.8.8"]})
    async with rig(FetchSettings(), resolver) as control:
        with pytest.raises(FetchError):
            await control.fetcher.fetch(f"http://{NEWS}/")
    assert control.spy.attempts == ["8.8.8.8"]
    async with rig(FetchSettings(deny_addresses=["8.8.8.0/24"]), resolver) as r:
        with pytest.raises(Refused, match="configured to refuse"):
            await r.fetcher.fetch(f"http://{NEWS}/")
    assert r.spy.attempts == []


async def test_allow_listed_literal_in_a_denied_network_is_refused_before_any_lookup(
    secret: RawServer,
) -> None:
    """An IP literal in allow_hosts but inside deny_addresses never reaches DNS or a socket."""
    resolver = FakeResolver({})
    settings = _settings(["127.0.0.0/8"], f"127.0.0.1:{secret.port}")
    async with rig(settings, resolver) as r:
        with pytest.raises(Refused) as caught:
            await r.fetcher.fetch(f"http://127.0.0.1:{secret.port}/")
    assert str(caught.value) == DENIED_MESSAGE
    assert resolver.calls == [] and r.spy.attempts == []
    assert secret.accepts == 0


async def test_redirect_to_a_denied_address_is_refused(secret: RawServer) -> None:
    """An allowed page redirecting to a name on a denied address stops before that connection."""
    async with secret_listener("127.0.0.2") as target:

        async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            location = f"http://cdn.example:{target.port}/"
            writer.write(
                f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            await writer.drain()

        async with RawServer(redirect) as origin:
            resolver = FakeResolver({NEWS: ["127.0.0.1"], "cdn.example": ["127.0.0.2"]}, port=0)
            allow = (f"{NEWS}:{origin.port}", f"cdn.example:{target.port}")
            settings = _settings(["127.0.0.2"], *allow)
            async with rig(settings, resolver) as r:
                with pytest.raises(Refused) as caught:
                    await r.fetcher.fetch(f"http://{NEWS}:{origin.port}/")
    assert str(caught.value) == DENIED_MESSAGE
    assert origin.accepts == 1
    assert target.accepts == 0
    assert r.spy.opened == ["127.0.0.1"]


async def test_private_addresses_keep_their_own_message(secret: RawServer) -> None:
    """A non-allow-listed loopback answer is still 'private', not 'configured', with a deny set."""
    resolver = FakeResolver({NEWS: ["127.0.0.1"]}, port=secret.port)
    settings = FetchSettings(allowed_ports=[80, 443, secret.port], deny_addresses=["8.8.8.8"])
    async with rig(settings, resolver) as r:
        with pytest.raises(Refused) as caught:
            await r.fetcher.fetch(f"http://{NEWS}:{secret.port}/")
    assert str(caught.value) == PRIVATE_MESSAGE
    assert secret.accepts == 0


# Wiring: the production session and the fetchers the CLI and the service build.


async def test_production_session_applies_the_setting_to_exempt_hops(secret: RawServer) -> None:
    """build_session(settings) alone denies the configured address even inside an exempt hop."""
    for deny, reached in (([], 1), (["127.0.0.1"], 0)):
        session = build_session(FetchSettings(deny_addresses=deny))
        try:
            with hop(exempt=True):
                try:
                    async with session.get(f"http://127.0.0.1:{secret.port}/") as resp:
                        assert SECRET in await resp.text()
                except aiohttp.ClientConnectorError:
                    assert deny
        finally:
            await session.close()
        assert secret.accepts == reached
        secret.accepts = 0


async def test_open_fetcher_used_by_the_service_applies_the_setting(secret: RawServer) -> None:
    """open_fetcher (the service's composition root uses it) refuses a denied allow-listed host."""
    settings = _settings(["127.0.0.1"], f"127.0.0.1:{secret.port}")
    async with open_fetcher(settings) as fetcher:
        with pytest.raises(Refused, match="configured to refuse"):
            await fetcher.fetch(f"http://127.0.0.1:{secret.port}/")
    assert secret.accepts == 0


def test_cli_refuses_a_denied_allow_listed_host_with_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`unspin analyze` reads deny_addresses from --config: exit 3, one sentence, no connection."""
    monkeypatch.delenv("UNSPIN_CONFIG", raising=False)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = tmp_path / "unspin.toml"
    config.write_text(
        f'[fetch]\nallow_hosts = ["127.0.0.1:{port}"]\ndeny_addresses = ["127.0.0.1"]\n'
    )
    try:
        status = main(["analyze", "--config", str(config), f"http://127.0.0.1:{port}/"])
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()
    err = capsys.readouterr().err
    assert status == 3
    assert err.strip().endswith(DENIED_MESSAGE) and err.count("\n") == 1
