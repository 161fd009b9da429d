"""Request signing checked by slack_sdk itself, the 5-minute edge, quiet refusals, 429 limits."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest
from fakes.slack_fake import FakeSlack
from fakes.stub_core import StubCore
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import Clock, SignatureVerifier
from slack_support import SECRET, SlackClient

from adapters.slack.adapter import SlackAdapter

URL = "https://news.example.com/2026/rates"
# Slack's documented example (docs.slack.dev, "Verifying requests from Slack").
DOC_TIMESTAMP = 1531420618
DOC_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
    "-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977"
    "00885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d"
    "10d2c447fce8b6703c"
)
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


class FrozenClock(Clock):
    """slack_sdk's clock, stopped at a chosen second."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        """The frozen time."""
        return self._now


def event_body(text: str, event_id: str) -> str:
    """A signed-able event_callback carrying one message."""
    event = {"type": "message", "channel": "C1", "user": "U0ALICE", "text": text,
             "ts": "1700000000.000001", "channel_type": "channel"}  # fmt: skip
    return json.dumps({"type": "event_callback", "event_id": event_id, "team_id": "T0001",
                       "event": event})  # fmt: skip


def test_documented_example_with_slack_sdk_verifier() -> None:
    """slack_sdk's SignatureVerifier reproduces Slack's documented signature and accepts it."""
    verifier = SignatureVerifier(SECRET, clock=FrozenClock(DOC_TIMESTAMP + 10))
    assert verifier.generate_signature(timestamp=str(DOC_TIMESTAMP), body=DOC_BODY) == (
        DOC_SIGNATURE
    )
    assert verifier.is_valid(DOC_BODY, str(DOC_TIMESTAMP), DOC_SIGNATURE)
    assert not verifier.is_valid(DOC_BODY + "x", str(DOC_TIMESTAMP), DOC_SIGNATURE)


def test_sdk_verifier_refuses_older_than_five_minutes() -> None:
    """The documented signature is refused once its timestamp is more than 300 s old."""
    ts = str(DOC_TIMESTAMP)
    assert SignatureVerifier(SECRET, clock=FrozenClock(DOC_TIMESTAMP + 299)).is_valid(
        DOC_BODY, ts, DOC_SIGNATURE
    )
    assert not SignatureVerifier(SECRET, clock=FrozenClock(DOC_TIMESTAMP + 301)).is_valid(
        DOC_BODY, ts, DOC_SIGNATURE
    )


async def test_stale_edge_at_the_app(slack: SlackClient, core: StubCore) -> None:
    """Correctly signed: 301 s old is refused (401, no work), 299 s old is accepted."""
    now = int(time.time())
    stale = event_body(f"<{URL}/old>", "EvSTALE")
    assert (await slack.post(stale, timestamp=now - 301))[0] == 401
    fresh = event_body(f"<{URL}/fresh>", "EvFRESH")
    assert (await slack.post(fresh, timestamp=now - 299))[0] == 200
    await asyncio.sleep(0.05)
    assert [m.event_id for m in core.messages] == ["EvFRESH"]


async def test_refused_body_is_not_logged(
    slack: SlackClient, core: StubCore, caplog: pytest.LogCaptureFixture
) -> None:
    """A request with a bad signature is logged as refused, without the message text it held."""
    caplog.set_level(logging.DEBUG)
    # bolt copies the root level into its loggers when the app is built; a service run at INFO
    # level would print this refusal, so open the logger up as such a run would have it.
    caplog.set_level(logging.DEBUG, logger="slack_bolt.RequestVerification")
    secret_text = "confidential-merger-talk-7f3a"
    body = event_body(f"{secret_text} <{URL}>", "EvLEAK")
    assert (await slack.post(body, secret="not-the-secret"))[0] == 401
    assert (await slack.post(body, timestamp=int(time.time()) - 600))[0] == 401
    assert "Invalid request signature" in caplog.text  # the refusal itself is still logged
    assert secret_text not in caplog.text and "U0ALICE" not in caplog.text
    assert core.messages == []


async def test_rate_limit_retries_stop_after_the_configured_count(
    slack: SlackClient, fake: FakeSlack, adapter: SlackAdapter
) -> None:
    """429 every time: the post is tried once plus `rate_limit_retries` (2) times, then dropped."""
    (handler,) = [
        h for h in adapter.app.client.retry_handlers
        if isinstance(h, AsyncRateLimitErrorRetryHandler)
    ]  # fmt: skip
    assert handler.max_retry_count == adapter.settings.rate_limit_retries == 2
    fake.throttle("chat.postMessage", times=10, retry_after=0)
    await slack.event(json.loads(event_body(f"<{URL}>", "Ev429MAX"))["event"], event_id="Ev429MAX")
    await fake.wait_call("chat.postMessage", count=3, within=6)
    await asyncio.sleep(0.3)
    assert [c.status for c in fake.find("chat.postMessage")] == [429, 429, 429]
