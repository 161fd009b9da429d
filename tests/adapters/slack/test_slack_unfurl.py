"""link_shared: the card as the link's unfurl where the bot is no member (chat.unfurl)."""

from __future__ import annotations

import copy
import json

from fakes.slack_fake import FakeSlack
from fakes.stub_core import StubCore
from slack_sdk.models.blocks import Block
from slack_support import SlackClient, load

from adapters.slack import translate as t

URL = "https://news.example.com/2026/01/rates"


def test_link_shared_payload_translates_to_one_link_message() -> None:
    """The docs' link_shared example: one http(s) link, threaded, from the person who shared it."""
    (msg,) = t.incoming_from_link_shared(load("event_link_shared.json"))
    assert (msg.text, msg.trigger, msg.channel_id) == (URL, "link", "C123ABC456")
    assert (msg.message_id, msg.thread_id) == ("1355517523.000005", "1355517500.000001")
    assert msg.author.id == "U123ABC456" and msg.event_id == "Ev0LINK:0"


def test_member_channels_and_composer_previews_are_left_alone() -> None:
    """Where the bot is a member the message event answers; drafts in the composer are not read."""
    member = load("event_link_shared.json")
    member["event"]["is_bot_user_member"] = True
    composer = load("event_link_shared.json")
    composer["event"]["source"] = "composer"
    assert t.incoming_from_link_shared(member) == []
    assert t.incoming_from_link_shared(composer) == []


async def test_link_shared_is_unfurled_with_the_card(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """A signed link_shared event gets chat.unfurl of validated card blocks keyed by the URL."""
    body = load("event_link_shared.json")
    status, _, _ = await slack.post(json.dumps(body))
    assert status == 200
    (unfurl,) = await fake.wait_call("chat.unfurl")
    assert unfurl.args["channel"] == "C123ABC456" and unfurl.args["ts"] == "1355517523.000005"
    unfurls = unfurl.args["unfurls"]
    unfurls = json.loads(unfurls) if isinstance(unfurls, str) else unfurls
    assert list(unfurls) == [URL]
    blocks = unfurls[URL]["blocks"]
    assert all(Block.parse(b) is not None for b in blocks)
    assert URL in json.dumps(blocks)
    assert fake.find("chat.postMessage") == []


async def test_link_shared_in_member_channel_is_not_unfurled(
    slack: SlackClient, fake: FakeSlack, core: StubCore
) -> None:
    """With the bot in the channel, link_shared does nothing (the message event answers)."""
    body = copy.deepcopy(load("event_link_shared.json"))
    body["event"]["is_bot_user_member"] = True
    status, _, _ = await slack.post(json.dumps(body))
    assert status == 200
    # Then the same link from a channel without the bot: only that one is answered.
    other = copy.deepcopy(load("event_link_shared.json"))
    other["event_id"], other["event"]["channel"] = "Ev0LINK2", "C0OTHER"
    await slack.post(json.dumps(other))
    (unfurl,) = await fake.wait_call("chat.unfurl")
    assert unfurl.args["channel"] == "C0OTHER"
    assert [m.channel_id for m in core.messages] == ["C0OTHER"]
