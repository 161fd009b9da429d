"""Socket Mode: the real AsyncSocketModeHandler against a loopback websocket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from fakes.slack_fake import FakeSlack
from fakes.stub_core import StubCore
from slack_support import load

from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackAdapterSettings


@pytest.fixture
async def socket_adapter(fake: FakeSlack, core: StubCore) -> AsyncIterator[SlackAdapter]:
    """A started SlackAdapter in Socket Mode (the default) against the fake."""
    settings = SlackAdapterSettings.model_validate(
        {"bot_token": "xoxb-test", "app_token": "xapp-1-test", "api_base_url": fake.api_base}
    )
    adapter = SlackAdapter(settings, core)
    await adapter.start()
    yield adapter
    await adapter.stop()


def envelope(envelope_id: str, body: dict[str, object]) -> dict[str, object]:
    """An events_api envelope as Slack sends it over Socket Mode."""
    return {"envelope_id": envelope_id, "type": "events_api", "payload": body,
            "accepts_response_payload": False, "retry_attempt": 0, "retry_reason": ""}  # fmt: skip


async def test_socket_mode_event_acked_and_answered(
    socket_adapter: SlackAdapter, fake: FakeSlack, core: StubCore
) -> None:
    """An event over the websocket is acked by envelope id and answered in its thread."""
    assert socket_adapter.connected and fake.socket_connected
    assert fake.find("apps.connections.open")
    body = load("event_message.json")
    await fake.socket_send(envelope("env-1", body))
    (post,) = await fake.wait_call("chat.postMessage")
    assert post.args["thread_ts"] == body["event"]["ts"]
    await fake.wait_until(lambda: {"envelope_id": "env-1"} in fake.socket_acks)
    assert core.messages[0].event_id == body["event_id"]


async def test_socket_refresh_reconnects_and_redelivery_is_handled_once(
    socket_adapter: SlackAdapter, fake: FakeSlack, core: StubCore
) -> None:
    """Slack closes the socket: the client reconnects; the same event redelivered posts once."""
    body = load("event_message.json")
    await fake.socket_send(envelope("env-1", body))
    await fake.wait_call("chat.postMessage")
    await fake.drop_sockets()
    await fake.wait_call("apps.connections.open", count=2, within=10)
    await fake.wait_until(lambda: fake.socket_connected, within=10)
    retried = json.loads(json.dumps(envelope("env-2", body)))
    retried["retry_attempt"], retried["retry_reason"] = 1, "timeout"
    await fake.socket_send(retried)
    await fake.wait_until(lambda: {"envelope_id": "env-2"} in fake.socket_acks)
    # The redelivery reaches the core, which dedupes it by event_id.
    await fake.wait_until(lambda: len(core.messages) >= 2)
    await asyncio.sleep(0.1)
    assert len(fake.find("chat.postMessage")) == 1
