"""Helpers for the Slack adapter tests: a client that signs what it sends, recorded payloads."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from fakes.slack_fake import signed_headers

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "slack"


class SlackClient:
    """Sends what Slack sends: signed JSON events and form-encoded commands and interactions."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http = http
        self.url = url

    async def post(
        self,
        body: str,
        kind: str = "json",
        *,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        secret: str = SECRET,
    ) -> tuple[int, str, float]:
        """POST a signed body; returns (status, text, seconds until the answer)."""
        sent = {**signed_headers(secret, body, timestamp=timestamp, content_type=kind),
                **(headers or {})}  # fmt: skip
        started = time.monotonic()
        async with self.http.post(self.url, data=body.encode(), headers=sent) as resp:
            return resp.status, await resp.text(), time.monotonic() - started

    async def event(
        self, event: dict[str, Any], *, event_id: str = "Ev1", headers: dict[str, str] | None = None
    ) -> tuple[int, str, float]:
        """An event_callback wrapping `event`."""
        body = {"token": "x", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
                "event_id": event_id, "event_time": int(time.time()), "event": event}  # fmt: skip
        return await self.post(json.dumps(body), headers=headers)

    async def command(self, text: str, **extra: str) -> tuple[int, str, float]:
        """A /summarize slash command."""
        form = {"token": "x", "team_id": "T0001", "channel_id": "C1", "user_id": "U0ALICE",
                "user_name": "alice", "command": "/summarize", "text": text,
                "response_url": "http://127.0.0.1:9/x", "trigger_id": f"t{time.monotonic_ns()}",
                "api_app_id": "A0001", **extra}  # fmt: skip
        return await self.post(urlencode(form), "form")

    async def interaction(self, payload: dict[str, Any]) -> tuple[int, str, float]:
        """A block_actions or message_action payload, form-encoded as Slack sends it."""
        return await self.post(urlencode({"payload": json.dumps(payload)}), "form")


def load(name: str) -> dict[str, Any]:
    """A recorded payload."""
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data
