"""The real discord.py client running the adapter against the fake Discord on loopback."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fakes.discord_fake import FakeDiscord
from fakes.stub_core import StubCore

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.app import UnspinClient
from bot.errors import ConfigError
from bot.models import MessageRef
from bot.poll_models import PollState
from bot.render import poll_card
from bot.store import SqlStore

GUILDS, GUILD_MESSAGES, GUILD_REACTIONS, MESSAGE_CONTENT, GUILD_POLLS = 0, 9, 10, 15, 24
URL = "https://news.example.com/2026/rates"
StartAdapter = Callable[..., Awaitable[DiscordAdapter]]


def bits(value: int) -> set[int]:
    """The bit positions set in an intents value."""
    return {n for n in range(32) if value >> n & 1}


def card_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Messages the bot posted that carry an embed, oldest first."""
    return [m for m in fake.messages.values() if m.get("embeds") and m["author"]["bot"]]


def custom_ids(message: dict[str, Any]) -> list[str]:
    """Every button custom_id on a message."""
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def test_identify_without_message_content(
    fake: FakeDiscord, start_adapter: StartAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    """IDENTIFY asks for guilds, messages, reactions and polls only; the log names the flows."""
    caplog.set_level(logging.INFO, logger="adapters.discord")
    await start_adapter()
    sent = bits(fake.identifies[0]["intents"])
    assert {GUILDS, GUILD_MESSAGES, GUILD_REACTIONS, GUILD_POLLS} <= sent
    assert MESSAGE_CONTENT not in sent
    assert "links pasted in ordinary messages are not watched" in caplog.text


async def test_commands_synced_to_dev_guild_only(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    """Start-up syncs the slash commands and "Unspin this" to the dev guild only."""
    await start_adapter()
    puts = fake.find("PUT", "/commands")
    assert [c.path for c in puts] == [
        f"/applications/{fake.app_id}/guilds/{fake.guild_id}/commands"
    ]
    commands = {(c["name"], c["type"]) for c in puts[0].body}
    assert commands == {("summarize", 1), ("unspin-settings", 1), ("unspin-optout", 1),
                        ("unspin-optin", 1), ("Unspin this", 3)}  # fmt: skip


async def test_summarize_defers_then_follows_up_with_card(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """Slow work: the defer (type 5) beats the deadline, the card follows as a webhook post."""
    fake.interaction_deadline_s = 0.5
    core.delay_s = 1.0  # longer than the deadline: only the defer keeps the interaction alive
    await start_adapter()
    sent = await fake.slash("summarize", url=URL)
    t0 = fake.interactions[sent["id"]].sent_at
    (callback,) = await fake.wait_call("POST", f"/interactions/{sent['id']}/")
    assert callback.status == 200 and callback.body["type"] == 5
    assert callback.at - t0 < 0.5
    (follow,) = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}")
    assert follow.status == 200
    embed = follow.body["embeds"][0]
    assert embed["url"] == URL and embed["title"]
    assert follow.body["allowed_mentions"] == {"parse": []}
    card = card_messages(fake)[-1]
    assert custom_ids(card) == ["unspin:p:k1:3", "unspin:d:k1"]
    assert core.messages[0].trigger == "command" and core.messages[0].text == URL


async def test_interaction_without_undocumented_fields_is_answered(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """A slash command shaped like the docs' example (no version, size limit or app id) works."""
    await start_adapter()
    sent = await fake.slash("summarize", url=URL, sparse=True)
    assert "attachment_size_limit" not in sent and "version" not in sent
    (follow,) = await fake.wait_call("POST", f"/webhooks/{fake.app_id}/{sent['token']}")
    assert follow.status == 200 and follow.body["embeds"][0]["url"] == URL
    await fake.post_message(f"<@{fake.app_id}> {URL}/2")  # the client is still alive
    await fake.wait_until(lambda: len(core.answered) == 2)


async def test_fake_rejects_a_late_first_response(fake: FakeDiscord) -> None:
    """The fake answers "Unknown interaction" (404, 10062) after the 3-second window."""
    import aiohttp

    fake.interaction_deadline_s = 0.05
    sent = await fake.slash("summarize", url=URL)  # no client connected: nobody answers
    await asyncio.sleep(0.1)
    url = f"{fake.api_base}/interactions/{sent['id']}/{sent['token']}/callback"
    async with aiohttp.ClientSession() as http, http.post(url, json={"type": 5}) as resp:
        assert resp.status == 404
        assert (await resp.json())["code"] == 10062


async def test_message_command_works_without_intent(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """ "Unspin this" on a message answers from the resolved target, intent or not."""
    await start_adapter()
    target = fake.messages[(await fake.post_message(f"read {URL}"))["id"]]
    await fake.message_command("Unspin this", target)
    await fake.wait_call("POST", "/webhooks/")
    assert core.messages[-1].trigger == "context_menu"
    assert card_messages(fake)[-1]["embeds"][0]["url"] == URL


async def test_mention_answered_plain_link_ignored_without_intent(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """Without the intent a mention is answered in the channel; a bare link is not read."""
    await start_adapter()
    await fake.post_message(f"{URL} no mention here")
    await fake.post_message(f"<@{fake.app_id}> what about {URL}")
    posts = await fake.wait_call("POST", f"/channels/{fake.channel_id}/messages")
    assert [m.trigger for m in core.messages] == ["mention"]
    assert posts[0].body["allowed_mentions"] == {"parse": []}
    assert "message_reference" not in posts[0].body  # a reply reference would ping the poster


async def test_links_and_reactions_with_intent(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """With the intent granted and configured, pasted links and 📰 reactions are answered."""
    fake.grant_message_content = True
    await start_adapter(message_content=True)
    assert MESSAGE_CONTENT in bits(fake.identifies[0]["intents"])
    await fake.post_message(f"look {URL}")
    await fake.wait_until(lambda: len(core.messages) == 1)
    other = await fake.post_message("https://news.example.com/other")
    await fake.add_reaction(other["id"], "📰")
    await fake.wait_until(lambda: len(core.answered) == 3)
    assert [m.trigger for m in core.messages] == ["link", "link", "reaction"]
    assert core.messages[2].author.id == fake.human["id"]


async def test_privileged_intent_refused_names_the_portal_switch(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    """Intent requested but not granted: gateway closes 4014, start fails naming the switch."""
    with pytest.raises(ConfigError, match=r"Message Content Intent.*Developer Portal"):
        await start_adapter(message_content=True)


async def test_button_click_after_restart_records_the_vote(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """Card from client 1; client 2 (fresh process state) starts a poll and counts a vote."""
    first = await start_adapter()
    await fake.slash("summarize", url=URL)
    await fake.wait_call("POST", "/webhooks/")
    card = card_messages(fake)[-1]
    await first.stop()

    await start_adapter()
    await fake.wait_connected()
    await fake.click("unspin:p:k1:3", card)
    await fake.wait_call("POST", f"/channels/{card['id']}/messages")  # in the card's thread
    assert fake.threads[card["id"]]["parent_id"] == fake.channel_id
    poll_msg = card_messages(fake)[-1]
    vote_id = next(c for c in custom_ids(poll_msg) if c.startswith("unspin:v:"))
    await fake.click(vote_id, poll_msg)
    (edit,) = await fake.wait_call("PATCH", "/messages/@original")
    assert edit.status == 200 and "1 voted" in edit.body["embeds"][0]["description"]
    poll_id, option = (int(x) for x in vote_id.split(":")[2:])
    state = await store.get_poll(poll_id)
    assert state.voters == 1 and state.tally.counts[option] == 1


async def test_double_click_is_one_vote(
    fake: FakeDiscord, start_adapter: StartAdapter, store: SqlStore
) -> None:
    """Two clicks of the same vote button: both acknowledged, one vote row, same tally shown."""
    await start_adapter()
    await fake.slash("summarize", url=URL)
    await fake.wait_call("POST", "/webhooks/")
    await fake.click("unspin:p:k1:3", card_messages(fake)[-1])
    await fake.wait_call("POST", "/threads")
    await fake.wait_until(lambda: len(card_messages(fake)) == 2)
    poll_msg = card_messages(fake)[-1]
    vote_id = next(c for c in custom_ids(poll_msg) if c.startswith("unspin:v:"))
    clicks = await asyncio.gather(fake.click(vote_id, poll_msg), fake.click(vote_id, poll_msg))
    edits = await fake.wait_call("PATCH", "/messages/@original", count=2)
    assert [e.status for e in edits] == [200, 200]
    for click in clicks:
        (ack,) = fake.find("POST", f"/interactions/{click['id']}/")
        assert ack.status == 200 and ack.body["type"] == 6
    assert edits[0].body["embeds"] == edits[1].body["embeds"]
    state = await store.get_poll(int(vote_id.split(":")[2]))
    assert state.voters == 1


async def test_native_poll_within_limits_and_raw_vote_stored(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore, store: SqlStore
) -> None:
    """A native poll body the fake accepts (limits enforced) and a raw vote event stored."""
    core.text.prediction = "Will it happen? " + "x" * 400
    adapter = await start_adapter(native_polls=True)
    await fake.slash("summarize", url=URL)
    await fake.wait_call("POST", "/webhooks/")
    await fake.click("unspin:p:k1:3", card_messages(fake)[-1])
    await fake.wait_until(lambda: any(m.get("poll") for m in fake.messages.values()))
    (post,) = [c for c in fake.find("POST", "/messages") if c.body.get("poll")]
    assert post.status == 200
    body = post.body["poll"]
    assert len(body["question"]["text"]) <= 300
    assert 2 <= len(body["answers"]) <= 10
    assert all(len(a["poll_media"]["text"]) <= 55 for a in body["answers"])
    assert body["duration"] <= 768
    poll_msg = next(m for m in fake.messages.values() if m.get("poll"))
    state = await poll_shown_by(store, poll_msg["id"], lambda s: True)
    await fake.vote_native(poll_msg["id"], answer_id=2, user_id="1100000000000000042")
    state = await poll_shown_by(store, poll_msg["id"], lambda s: s.voters > 0)
    assert state.tally.counts == (0, 1, 0)[: len(state.tally.counts)]
    # Closing: a native poll is ended early (it cannot be edited into a tally card).
    closed = await store.close_poll(state.id)
    ref = MessageRef("discord", fake.channel_id, poll_msg["id"], poll_msg["channel_id"])
    conv = adapter.conversation(fake.channel_id, poll_msg["channel_id"])
    await conv.edit(ref, poll_card(closed, conv.capabilities))
    (expire,) = fake.find("POST", f"/polls/{poll_msg['id']}/expire")
    assert expire.status == 200 and not fake.find("PATCH", f"/messages/{poll_msg['id']}")


async def poll_shown_by(
    store: SqlStore, message_id: str, ready: Callable[[PollState], bool]
) -> PollState:
    """The stored poll shown by a message, once `ready` holds (5 s at most)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        state = await store.find_poll_by_message("discord", message_id)
        if state is not None and ready(state):
            return state
        await asyncio.sleep(0.02)
    raise AssertionError(f"no poll for message {message_id} in time")


async def test_inline_when_threads_not_permitted(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    """Without thread permission the poll goes inline in the channel (after a 403)."""
    fake.threads_allowed = False
    await start_adapter()
    await fake.slash("summarize", url=URL)
    await fake.wait_call("POST", "/webhooks/")
    await fake.click("unspin:p:k1:3", card_messages(fake)[-1])
    await fake.wait_call("POST", f"/channels/{fake.channel_id}/messages")
    assert [c.status for c in fake.find("POST", "/threads")] == [403]


async def test_hostile_card_pings_nobody_and_links_nothing_foreign(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore
) -> None:
    """@everyone, <@id>, <!channel> and a foreign URL in the card come out inert."""
    core.text.title = "@everyone <!channel> big news"
    core.text.tldr = "Ping @here and <@1100000000000000010>, then visit https://evil.example/x"
    core.text.reported = ("[click](https://evil.example/y) @everyone",)
    await start_adapter()
    await fake.slash("summarize", url=URL)
    (follow,) = await fake.wait_call("POST", "/webhooks/")
    assert follow.status == 200
    embed = follow.body["embeds"][0]
    shown = " ".join([embed["title"], embed["description"], *(f["value"] for f in embed["fields"])])
    for bad in ("@everyone", "@here", "<@1100000000000000010>", "https://evil"):
        assert bad not in shown
    assert not re.search(r"(?<!\\)\]\(", shown)  # no masked link survives unescaped
    assert embed["url"] == URL
    assert follow.body["allowed_mentions"] == {"parse": []}


async def test_gateway_resume_replay_is_answered_once(
    fake: FakeDiscord, start_adapter: StartAdapter, core: StubCore, caplog: pytest.LogCaptureFixture
) -> None:
    """A resumable close: the client resumes the session; a replayed message is answered once."""
    caplog.set_level(logging.WARNING, logger="adapters.discord")
    await start_adapter()
    await fake.post_message(f"<@{fake.app_id}> {URL}")
    seq = fake.seq
    await fake.wait_call("POST", f"/channels/{fake.channel_id}/messages")
    await fake.drop(4000, replay_from=seq)
    await fake.wait_until(lambda: len(fake.resumes) == 1, within=10)
    await fake.wait_until(lambda: len(core.messages) == 2)  # the replay reached the core
    await asyncio.sleep(0.2)
    assert fake.resumes[0]["session_id"] == "session-1" and len(fake.identifies) == 1
    assert len(fake.find("POST", f"/channels/{fake.channel_id}/messages")) == 1
    assert "may have been missed" not in caplog.text  # a resume replays: no gap to report


async def test_gateway_non_resumable_close_identifies_again(
    fake: FakeDiscord,
    start_adapter: StartAdapter,
    core: StubCore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A session that cannot resume (4009): identifies afresh, keeps answering, logs the gap."""
    caplog.set_level(logging.WARNING, logger="adapters.discord")

    async def no_wait(self: object, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py waits 5 s before identifying again (Discord's identify limit)

    monkeypatch.setattr(UnspinClient, "before_identify_hook", no_wait)
    await start_adapter()
    await fake.drop(4009)
    await fake.wait_until(lambda: len(fake.identifies) == 2, within=10)
    await fake.wait_connected()
    await fake.post_message(f"<@{fake.app_id}> {URL}")
    await fake.wait_call("POST", f"/channels/{fake.channel_id}/messages")
    assert fake.resumes == []
    # READY is dispatched once the guilds have streamed in, which may follow the answer.
    await fake.wait_until(lambda: "may have been missed" in caplog.text)
    (gap,) = [r for r in caplog.records if "may have been missed" in r.getMessage()]
    assert gap.levelno == logging.WARNING and "could not be resumed" in gap.getMessage()
    assert "offline" in gap.getMessage() and "unknown" not in gap.getMessage()
