"""A fake Slack on loopback: Web API methods, response_url hooks and a Socket Mode websocket.

Built from Slack's method and event reference pages. Point `AsyncWebClient(base_url=...)` at
`api_base`; requests *to* the app are signed with `sign()` (Slack's documented v0 scheme).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from fakes.waiting import wait_until

JSON = dict[str, Any]
MAX_BLOCKS = 50
MAX_TEXT = 40_000


def sign(secret: str, body: bytes | str, timestamp: int | str) -> str:
    """The `X-Slack-Signature` value for `body` sent at `timestamp` (v0 HMAC-SHA256)."""
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes | str, *, timestamp: int | None = None, content_type: str = "json"
) -> dict[str, str]:
    """Headers Slack sends with an HTTP request to the app."""
    ts = int(time.time()) if timestamp is None else timestamp
    ctype = "application/json" if content_type == "json" else "application/x-www-form-urlencoded"
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(secret, body, ts),
        "Content-Type": ctype,
    }


@dataclass
class Call:
    """One Web API call the app made (or one POST to a response_url)."""

    method: str
    args: JSON
    at: float
    status: int = 200


@dataclass
class FakeSlack:
    """Loopback Slack Web API; start(), then use `api_base` as the client's base_url."""

    team_id: str = "T0001"
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0BOT"
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, JSON] = field(default_factory=dict)
    socket_acks: list[JSON] = field(default_factory=list)
    admins: set[str] = field(default_factory=set)
    unjoined_channels: set[str] = field(default_factory=set)
    """Private channels the bot was not invited to: posting there gives channel_not_found."""
    channel_post_interval_s: float = 0.0
    """Least time between two chat.postMessage calls to one channel; closer ones get 429."""

    def __post_init__(self) -> None:
        self.port = 0
        self._ts = 1_700_000_000.000100
        self._throttle: dict[str, list[int]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._last_post: dict[str, float] = {}

    @property
    def api_base(self) -> str:
        """The Web API base URL (ends with a slash, as slack_sdk expects)."""
        return f"http://127.0.0.1:{self.port}/api/"

    def hook_url(self, name: str = "cmd") -> str:
        """A response_url on this fake."""
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    async def start(self) -> None:
        """Serve on an ephemeral loopback port."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/hooks/{name}", self._hook)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close sockets and the server."""
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def throttle(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 and `Retry-After`."""
        self._throttle.setdefault(method, []).extend([retry_after] * times)

    def seed_message(self, channel: str, text: str, user: str = "U0ALICE") -> JSON:
        """A message people posted earlier (what conversations.history/replies return)."""
        msg = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": self._next_ts(),
            "channel": channel,
        }
        self.messages[msg["ts"]] = msg
        return msg

    def _next_ts(self) -> str:
        self._ts += 0.0001
        return f"{self._ts:.6f}"

    # Web API -----------------------------------------------------------------------------

    async def _args(self, request: web.Request) -> JSON:
        args: JSON = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(dict(parse_qsl(raw.decode())))
        for key in ("blocks", "attachments"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        call = Call(method, args, time.monotonic())
        pending = self._throttle.get(method)
        if not pending and self._too_soon(method, args):
            pending = [1]
        if pending:
            retry_after = pending.pop(0)
            call.status = 429
            await self._record(call)
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(retry_after)},
            )
        if not request.headers.get("Authorization", "").startswith(("Bearer xox", "Bearer xapp")):
            await self._record(call)
            return web.json_response({"ok": False, "error": "not_authed"})
        answer = self._answer(method, args)
        await self._record(call)
        return web.json_response(answer)

    def _answer(self, method: str, args: JSON) -> JSON:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "unspin",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": self.bot_id,
                "is_enterprise_install": False,
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            problem = self._message_problem(args)
            if problem:
                return {"ok": False, "error": problem}
        if method == "chat.postMessage":
            ts = self._next_ts()
            msg = {**args, "ts": ts, "user": self.bot_user_id, "bot_id": self.bot_id}
            self.messages[ts] = msg
            return {"ok": True, "channel": args["channel"], "ts": ts, "message": msg}
        if method == "chat.update":
            msg = self.messages.get(args.get("ts", ""))
            if msg is None:
                return {"ok": False, "error": "message_not_found"}
            msg.update(args)
            return {
                "ok": True,
                "channel": args["channel"],
                "ts": args["ts"],
                "text": msg.get("text"),
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in ("conversations.history", "conversations.replies"):
            ts = args.get("latest") or args.get("ts")
            found = [m for m in self.messages.values() if m["ts"] == ts]
            return {"ok": True, "messages": found, "has_more": False}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        if method == "users.info":
            uid = str(args.get("user"))
            admin = uid in self.admins
            return {"ok": True, "user": {"id": uid, "name": uid.lower(), "is_admin": admin,
                                         "is_owner": False, "is_bot": False}}  # fmt: skip
        if method in ("reactions.add", "chat.unfurl"):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    def _too_soon(self, method: str, args: JSON) -> bool:
        # Slack's per-channel limit on chat.postMessage: about one message a second.
        if method != "chat.postMessage" or not self.channel_post_interval_s:
            return False
        channel, now = str(args.get("channel")), time.monotonic()
        last = self._last_post.get(channel)
        if last is not None and now - last < self.channel_post_interval_s:
            return True
        self._last_post[channel] = now
        return False

    def _message_problem(self, args: JSON) -> str | None:
        if not args.get("channel") or args["channel"] in self.unjoined_channels:
            return "channel_not_found"
        blocks = args.get("blocks") or []
        if not args.get("text") and not blocks:
            return "no_text"
        if len(blocks) > MAX_BLOCKS:
            return "invalid_blocks"
        if len(str(args.get("text") or "")) > MAX_TEXT:
            return "msg_too_long"
        return None

    async def _hook(self, request: web.Request) -> web.Response:
        args = await self._args(request)
        await self._record(Call("hook:" + request.match_info["name"], args, time.monotonic()))
        return web.Response(text="ok")

    # Socket Mode -------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "connection_info": {"app_id": "A0001"},
                    "debug_info": {"host": "fake"},
                }
            )
        )
        async with self._changed:
            self._changed.notify_all()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
                async with self._changed:
                    self._changed.notify_all()
        if ws in self._sockets:
            self._sockets.remove(ws)
        return ws

    async def drop_sockets(self) -> None:
        """Close every Socket Mode websocket, as Slack does when it refreshes a connection."""
        for ws in list(self._sockets):
            await ws.close()

    async def socket_send(self, envelope: JSON) -> None:
        """Push an envelope (events_api, slash_commands, interactive) to connected apps."""
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(envelope))

    @property
    def socket_connected(self) -> bool:
        """True while an app holds the Socket Mode websocket."""
        return bool(self._sockets)

    # Assertions --------------------------------------------------------------------------

    def find(self, method: str) -> list[Call]:
        """Successful-or-not recorded calls of `method`."""
        return [c for c in self.calls if c.method == method]

    async def wait_until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `predicate()` holds (checked on every call and every 20 ms)."""
        await wait_until(self._changed, predicate, within)

    async def wait_call(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait until `count` calls of `method` were recorded, and return them."""
        await self.wait_until(lambda: len(self.find(method)) >= count, within)
        return self.find(method)
