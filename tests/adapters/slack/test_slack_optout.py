"""/unspin-optout and /unspin-optin: the real AsyncApp and the real core over signed HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from adapter_support import OPTED_IN, OPTED_OUT, A, B, C, Watched, eventually, watched_core
from fakes.slack_fake import Call, FakeSlack
from slack_support import FIXTURES, SlackClient

from adapters.slack import translate as t

ROOT = Path(__file__).resolve().parents[3]
_ts = iter(range(1, 1000))


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Watched]:
    """The real core (on SQLite, three articles behind a static fetcher) for the adapter."""
    async with watched_core(tmp_path) as (watched, _):
        yield watched


async def command(slack: SlackClient, fake: FakeSlack, name: str, **extra: str) -> float:
    """Run a slash command as Alice; returns how long the ack took (it must carry no text)."""
    status, text, took = await slack.command(
        "", command=name, response_url=fake.hook_url(), **extra
    )
    assert status == 200 and text == ""
    return took


async def paste(slack: SlackClient, core: Watched, url: str) -> object:
    """Alice posts a link in C1; returns what the core made of it."""
    before = len(core.handled)
    n = next(_ts)
    event = {"type": "message", "channel": "C1", "user": "U0ALICE", "text": f"see <{url}>",
             "ts": f"1700000000.{n:06d}", "channel_type": "channel"}  # fmt: skip
    status, _, _ = await slack.event(event, event_id=f"EvPASTE{n}")
    assert status == 200
    await eventually(lambda: len(core.handled) > before)
    return core.handled[before][1]


def cards(fake: FakeSlack) -> list[Call]:
    """Every card the bot posted (chat.postMessage with blocks), oldest first."""
    return [c for c in fake.find("chat.postMessage") if c.args.get("blocks")]


async def confirmations(fake: FakeSlack, count: int) -> list[Call]:
    """The ephemeral confirmations to Alice, once `count` of them arrived."""
    said = await fake.wait_call("chat.postEphemeral", count=count)
    assert all(c.args["user"] == "U0ALICE" and c.args["channel"] == "C1" for c in said)
    return said


async def test_opt_out_silences_links_and_opt_in_restores_them(
    slack: SlackClient, fake: FakeSlack, core: Watched
) -> None:
    """After /unspin-optout her pasted link gets no card; after /unspin-optin the next one does."""
    await paste(slack, core, A)
    await eventually(lambda: len(cards(fake)) == 1)
    took = await command(slack, fake, t.OPT_OUT_COMMAND)
    assert took < 1.0
    (said,) = await confirmations(fake, 1)
    assert OPTED_OUT in said.args["text"] and "run /unspin-optin" in said.args["text"]
    assert await core.store.opted_out_users() == {("slack", "U0ALICE")}
    assert await paste(slack, core, B) == []
    await command(slack, fake, t.OPT_IN_COMMAND)
    assert OPTED_IN in (await confirmations(fake, 2))[1].args["text"]
    await paste(slack, core, C)
    await eventually(lambda: len(cards(fake)) == 2)
    assert C in str(cards(fake)[1].args["blocks"])
    assert fake.find("hook:cmd") == []  # the bot is in C1: no detour through response_url


async def test_opt_out_twice_is_harmless(
    slack: SlackClient, fake: FakeSlack, core: Watched
) -> None:
    """Repeating /unspin-optout confirms again and keeps one opt-out; /unspin-optin twice too."""
    await command(slack, fake, t.OPT_OUT_COMMAND)
    await command(slack, fake, t.OPT_OUT_COMMAND)
    first, second = await confirmations(fake, 2)
    assert first.args["text"] == second.args["text"]
    assert await core.store.opted_out_users() == {("slack", "U0ALICE")}
    assert await paste(slack, core, A) == []
    await command(slack, fake, t.OPT_IN_COMMAND)
    await command(slack, fake, t.OPT_IN_COMMAND)
    assert all(OPTED_IN in c.args["text"] for c in (await confirmations(fake, 4))[2:])
    assert await core.store.opted_out_users() == set()
    await paste(slack, core, B)
    await eventually(lambda: len(cards(fake)) == 1)


async def test_opt_out_where_the_bot_is_not_a_member_answers_via_response_url(
    slack: SlackClient, fake: FakeSlack, core: Watched
) -> None:
    """In a channel the bot was not invited to, the confirmation is an ephemeral response_url."""
    fake.unjoined_channels.add("G0PRIVATE")
    await command(slack, fake, t.OPT_OUT_COMMAND, channel_id="G0PRIVATE")
    (hook,) = await fake.wait_call("hook:cmd")
    assert hook.args["response_type"] == "ephemeral" and OPTED_OUT in hook.args["text"]
    assert await core.store.opted_out_users() == {("slack", "U0ALICE")}
    assert await paste(slack, core, A) == []  # and it holds in every channel


async def test_summarize_still_answers_an_opted_out_person(
    slack: SlackClient, fake: FakeSlack, core: Watched
) -> None:
    """Opting out only stops automatic answers: her /summarize still gets the card."""
    await command(slack, fake, t.OPT_OUT_COMMAND)
    await confirmations(fake, 1)
    status, _, _ = await slack.command(A, response_url=fake.hook_url())
    assert status == 200
    await eventually(lambda: len(cards(fake)) == 1)


def test_opt_choice_from_the_command() -> None:
    """The documented form body maps /unspin-optout to True, /unspin-optin to False, else None."""
    form = dict(parse_qsl((FIXTURES / "slash_command.txt").read_text().strip()))
    assert t.opt_out_choice(form) is None  # /summarize
    assert t.opt_out_choice({**form, "command": t.OPT_OUT_COMMAND}) is True
    assert t.opt_out_choice({**form, "command": t.OPT_IN_COMMAND}) is False
    assert t.opt_out_choice({**form, "command": "/unspin-settings"}) is None
    msg = t.incoming_from_command({**form, "command": t.OPT_OUT_COMMAND, "text": ""})
    assert (msg.author.id, msg.trigger, msg.text) == ("U2147483697", "command", "")


async def test_manifest_declares_every_slash_command_the_app_answers(
    slack: SlackClient, fake: FakeSlack
) -> None:
    """The manifest's commands (opt-out and opt-in among them) each reach a listener (200)."""
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load((ROOT / "adapters" / "slack" / "manifest.yaml").read_text())
    declared = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert {t.OPT_OUT_COMMAND, t.OPT_IN_COMMAND} < set(declared)
    for name, entry in declared.items():
        assert 0 < len(entry["description"]) <= 100
        status, _, _ = await slack.command("", command=name, response_url=fake.hook_url())
        assert status == 200, name
    status, _, _ = await slack.command("", command="/unspin-nothing")
    assert status == 404  # bolt's answer when no listener matches


async def test_a_failed_save_is_told_privately(
    slack: SlackClient, fake: FakeSlack, core: Watched
) -> None:
    """When the choice cannot be stored, Alice is told in one ephemeral sentence."""
    from adapters.slack.app import OPT_OUT_FAILED

    async def broken(*_: object) -> None:
        raise RuntimeError("database is locked")

    core.opt_out = broken  # type: ignore[method-assign]
    await command(slack, fake, t.OPT_OUT_COMMAND)
    (said,) = await confirmations(fake, 1)
    assert said.args["text"] == OPT_OUT_FAILED
