"""Interactions carrying only the documented required fields, and the private "Details" answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fakes.discord_fake import DOCUMENTED_REQUIRED, FakeDiscord
from fakes.discord_payloads import EPHEMERAL
from fakes.stub_core import StubCore

from adapters.discord.adapter import DiscordAdapter

URL = "https://news.example.com/2026/rates"
NOT_HERE = "I can only do that in a server channel."
StartAdapter = Callable[..., Awaitable[DiscordAdapter]]


def card_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Messages the bot posted that carry an embed, oldest first."""
    return [m for m in fake.messages.values() if m.get("embeds") and m["author"]["bot"]]


async def test_minimal_slash_command_gets_the_card(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """/summarize without the optional `channel` object is answered in its channel, not refused."""
    await start_adapter()
    sent = await fake.slash("summarize", url=URL, minimal=True)
    assert "channel" not in sent and set(sent) <= set(DOCUMENTED_REQUIRED)
    (follow,) = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}")
    assert follow.status == 200 and follow.body["embeds"][0]["url"] == URL
    assert core.messages[0].channel_id == fake.channel_id


async def test_minimal_slash_in_an_uncached_channel_fetches_it(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """A channel the gateway never announced is read over REST before the command runs."""
    await start_adapter()
    fake.channel_ids.append("1100000000000000099")  # created after GUILD_CREATE
    data = {"id": "1", "name": "summarize", "type": 1,
            "options": [{"name": "url", "type": 3, "value": URL}]}  # fmt: skip
    sent = await fake.interact(2, data, channel_id="1100000000000000099", minimal=True)
    (follow,) = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}")
    assert follow.body.get("content") != NOT_HERE and follow.body["embeds"][0]["url"] == URL
    assert [c.status for c in fake.find("GET", "/channels/1100000000000000099")] == [200]
    assert core.messages[0].channel_id == "1100000000000000099"


async def test_partial_channel_object_of_an_uncached_channel_is_completed(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """A partial `channel` (id, type, name, permissions) of an unknown channel: read over REST."""
    await start_adapter()
    fake.channel_ids.append("1100000000000000098")
    data = {"id": "1", "name": "summarize", "type": 1,
            "options": [{"name": "url", "type": 3, "value": URL}]}  # fmt: skip
    sent = await fake.interact(2, data, channel_id="1100000000000000098")
    assert "position" not in sent["channel"]  # discord.py needs it to build a TextChannel
    (follow,) = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}")
    assert follow.body["embeds"][0]["url"] == URL
    assert core.messages[0].channel_id == "1100000000000000098"
    await fake.post_message(f"<@{fake.app_id}> {URL}/2")  # the client is still alive
    await fake.wait_until(lambda: len(core.answered) == 2)


async def test_minimal_context_menu_and_buttons_work(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """The context menu, "Start a poll" and a vote work without any `channel` object."""
    await start_adapter()
    target = await fake.post_message(f"look {URL}")
    sent = await fake.message_command("Unspin this", target, minimal=True)
    (follow,) = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}")
    assert follow.body["embeds"][0]["url"] == URL
    card = card_messages(fake)[-1]
    await fake.click("unspin:p:k1:3", card, minimal=True)
    await fake.wait_until(lambda: len(card_messages(fake)) == 2)
    poll_msg = card_messages(fake)[-1]
    assert poll_msg["channel_id"] == card["id"]  # in the thread under the card
    vote_id = next(
        c["custom_id"]
        for row in poll_msg["components"]
        for c in row["components"]
        if c["custom_id"].startswith("unspin:v:")
    )
    await fake.click(vote_id, poll_msg, minimal=True)
    (edit,) = await fake.wait_call("PATCH", "/messages/@original")
    assert edit.status == 200 and "1 voted" in edit.body["embeds"][0]["description"]
    assert [a.kind for a in core.actions] == ["start_poll", "vote"]


async def test_details_are_ephemeral(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """The "Details" defer and the follow-up both carry the EPHEMERAL flag (64)."""
    await start_adapter()
    await fake.slash("summarize", url=URL)
    await fake.wait_call("POST", "/webhooks/")
    click = await fake.click("unspin:d:k1", card_messages(fake)[-1])
    (defer,) = await fake.wait_call("POST", f"/interactions/{click['id']}/")
    assert defer.body["type"] == 5 and defer.body["data"]["flags"] & EPHEMERAL
    (private,) = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{click['token']}")
    assert private.status == 200 and private.body["flags"] & EPHEMERAL
    assert core.actions[0].kind == "details"
    assert not fake.find("POST", f"/channels/{fake.channel_id}/messages")  # nothing public
