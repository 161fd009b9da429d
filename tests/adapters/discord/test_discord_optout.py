"""/unspin-optout and /unspin-optin: the real discord.py client and the real core on the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from adapter_support import OPTED_IN, OPTED_OUT, A, B, C, Watched, eventually, watched_core
from fakes.discord_fake import FakeDiscord

from adapters.discord import translate as t
from adapters.discord.adapter import DiscordAdapter, sync_commands
from adapters.discord.settings import DiscordAdapterSettings
from bot.settings import load_settings
from bot.store import SqlStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "discord"
EPHEMERAL = 1 << 6


@pytest.fixture
async def wired(tmp_path: Path) -> AsyncIterator[tuple[Watched, SqlStore]]:
    """The real core on SQLite, three articles behind a static fetcher."""
    async with watched_core(tmp_path) as parts:
        yield parts


@pytest.fixture
async def running(
    fake: FakeDiscord, wired: tuple[Watched, SqlStore]
) -> AsyncIterator[DiscordAdapter]:
    """The adapter with the message-content intent (so pasted links reach the core)."""
    fake.grant_message_content = True
    settings = DiscordAdapterSettings.model_validate(
        {"token": "t", "api_base_url": fake.api_base, "gateway_url": fake.gateway_url,
         "dev_guild": int(fake.guild_id), "message_content": True, "post_interval_s": 0.02}
    )  # fmt: skip
    adapter = DiscordAdapter(settings, wired[0], guild_ready_timeout=0.05)
    await adapter.start(within=10)
    yield adapter
    await adapter.stop()


def cards(fake: FakeDiscord) -> list[str]:
    """The article links of every card the bot posted, oldest first."""
    return [m["embeds"][0].get("url", "") for m in fake.messages.values()
            if m.get("embeds") and m["author"]["id"] == fake.app_id]  # fmt: skip


async def run_command(fake: FakeDiscord, name: str, *, dm: bool = False) -> dict[str, Any]:
    """Run a slash command; return the ephemeral follow-up once it arrived."""
    sent = await fake.slash(name, dm=dm)
    (ack,) = await fake.wait_call("POST", f"/interactions/{sent['id']}/")
    assert ack.status == 200 and ack.body == {"type": 5, "data": {"flags": EPHEMERAL}}
    (follow,) = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}")
    assert follow.status == 200 and follow.body["flags"] & EPHEMERAL
    body: dict[str, Any] = follow.body
    return body


async def paste(fake: FakeDiscord, core: Watched, url: str) -> object:
    """Alice pastes a link; returns what the core made of it."""
    before = len(core.handled)
    await fake.post_message(f"worth a read {url}")
    await eventually(lambda: len(core.handled) > before)
    return core.handled[before][1]


async def test_opt_out_silences_links_and_opt_in_restores_them(
    fake: FakeDiscord, running: DiscordAdapter, wired: tuple[Watched, SqlStore]
) -> None:
    """After /unspin-optout her pasted link gets no card; after /unspin-optin the next one does."""
    core, store = wired
    await paste(fake, core, A)
    await eventually(lambda: cards(fake) == [A])
    said = await run_command(fake, t.OPT_OUT_COMMAND)
    assert OPTED_OUT in said["content"] and "run /unspin-optin to opt back in" in said["content"]
    assert await store.opted_out_users() == {("discord", fake.human["id"])}
    assert await paste(fake, core, B) == []
    await run_command(fake, t.OPT_IN_COMMAND)
    await paste(fake, core, C)
    await eventually(lambda: cards(fake) == [A, C])
    assert await store.opted_out_users() == set()
    assert all(c.status < 400 for c in fake.calls), [(c.path, c.status) for c in fake.calls]


async def test_opt_out_twice_is_harmless(
    fake: FakeDiscord, running: DiscordAdapter, wired: tuple[Watched, SqlStore]
) -> None:
    """Repeating /unspin-optout confirms again and records one opt-out; /unspin-optin twice too."""
    core, store = wired
    first = await run_command(fake, t.OPT_OUT_COMMAND)
    second = await run_command(fake, t.OPT_OUT_COMMAND)
    assert first["content"] == second["content"] and OPTED_OUT in second["content"]
    assert await store.opted_out_users() == {("discord", fake.human["id"])}
    assert await paste(fake, core, A) == []
    for _ in range(2):
        assert OPTED_IN in (await run_command(fake, t.OPT_IN_COMMAND))["content"]
    assert await store.opted_out_users() == set()
    await paste(fake, core, B)
    await eventually(lambda: cards(fake) == [B])


async def test_opt_out_from_a_dm_applies_in_the_server(
    fake: FakeDiscord, running: DiscordAdapter, wired: tuple[Watched, SqlStore]
) -> None:
    """Run in a DM with the bot, /unspin-optout answers there and silences her server links."""
    core, _ = wired
    said = await run_command(fake, t.OPT_OUT_COMMAND, dm=True)
    assert OPTED_OUT in said["content"]
    (shown,) = [m for m in fake.messages.values() if OPTED_OUT in m["content"]]
    assert shown["channel_id"] == fake.dm_channel_id
    assert await paste(fake, core, A) == []
    assert cards(fake) == []


async def test_explicit_summarize_still_answers_an_opted_out_person(
    fake: FakeDiscord, running: DiscordAdapter, wired: tuple[Watched, SqlStore]
) -> None:
    """Opting out only stops automatic answers: her /summarize still gets the card."""
    await run_command(fake, t.OPT_OUT_COMMAND)
    await fake.slash("summarize", url=A)
    await eventually(lambda: cards(fake) == [A])


async def test_sync_publishes_the_opt_commands(fake: FakeDiscord) -> None:
    """`unspin discord sync` puts /unspin-optout and /unspin-optin among the global commands."""
    settings = load_settings(
        discord={"token": "t", "api_base_url": fake.api_base, "gateway_url": fake.gateway_url}
    )
    assert await sync_commands(settings) == 5
    (put,) = fake.find("PUT", "/commands")
    assert put.path == f"/applications/{fake.app_id}/commands"
    sent = {c["name"]: c for c in put.body}
    assert {"summarize", "unspin-settings", "Unspin this"} < set(sent)
    for name in (t.OPT_OUT_COMMAND, t.OPT_IN_COMMAND):
        assert sent[name]["type"] == 1 and sent[name]["options"] == []
        assert 1 <= len(sent[name]["description"]) <= 100


def test_opt_choice_from_the_command_name() -> None:
    """The two commands map to out/in; /summarize, a message command and a click map to None."""
    import json

    slash = json.loads((FIXTURES / "interaction_slash.json").read_text())
    for name, expected in ((t.OPT_OUT_COMMAND, True), (t.OPT_IN_COMMAND, False)):
        chosen = {**slash, "data": {**slash["data"], "name": name, "options": []}}
        assert t.opt_out_choice(chosen) is expected
        msg = t.incoming_from_command(chosen)
        assert msg is not None and msg.trigger == "command" and msg.text == ""
    assert t.opt_out_choice(slash) is None
    for other in ("interaction_message_command", "interaction_button"):
        assert t.opt_out_choice(json.loads((FIXTURES / f"{other}.json").read_text())) is None


async def test_a_failed_save_is_told_not_left_thinking(
    fake: FakeDiscord, running: DiscordAdapter, wired: tuple[Watched, SqlStore]
) -> None:
    """When the choice cannot be stored, the deferred answer says so in one sentence."""
    from adapters.discord.app import OPT_OUT_FAILED

    async def broken(*_: object) -> None:
        raise RuntimeError("database is locked")

    wired[0].opt_out = broken  # type: ignore[method-assign]
    said = await run_command(fake, t.OPT_OUT_COMMAND)
    assert said["content"] == OPT_OUT_FAILED
