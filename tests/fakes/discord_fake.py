"""A fake Discord on loopback: REST under /api/v10 and a gateway websocket, recording every call.

Built from discord-api-docs (gateway-events, receiving-and-responding, message, poll, components).
The unmodified discord.py client talks to it once `discord.http.Route.BASE` and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` point here (the adapter's settings do that).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from fakes import discord_payloads as p
from fakes.discord_polls import PollVotes
from fakes.waiting import wait_until

JSON = dict[str, Any]
MESSAGE_CONTENT = 1 << 15
# The INTERACTION_CREATE fields the docs mark required (receiving-and-responding.mdx), "user"
# standing in for "member" outside guilds; `channel`, locale and the rest are optional.
DOCUMENTED_REQUIRED = ("id", "application_id", "type", "data", "guild_id", "channel_id",
                       "member", "user", "token", "version")  # fmt: skip
PRIVILEGED = (1 << 1) | (1 << 8) | MESSAGE_CONTENT


@dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    status: int = 200


@dataclass
class PendingInteraction:
    """An interaction sent to the bot and not yet answered."""

    payload: JSON
    sent_at: float
    answered: bool = False


@dataclass
class FakeDiscord:
    """Loopback Discord: start(), then point discord.py at `api_base` and `gateway_url`."""

    grant_message_content: bool = False
    threads_allowed: bool = True
    interaction_deadline_s: float = 3.0
    app_id: str = "1100000000000000001"
    guild_id: str = "1100000000000000002"
    channel_ids: list[str] = field(default_factory=lambda: ["1100000000000000003"])
    dm_channel_id: str = "1100000000000000004"
    """The human's DM channel with the bot (for interactions sent with `dm=True`)."""
    calls: list[Call] = field(default_factory=list)
    identifies: list[JSON] = field(default_factory=list)
    messages: dict[str, JSON] = field(default_factory=dict)
    interactions: dict[str, PendingInteraction] = field(default_factory=dict)
    threads: dict[str, JSON] = field(default_factory=dict)
    channel_post_interval_s: float = 0.0
    """Least time between two posts to one channel; closer ones get 429 (0: no limit)."""
    forbidden_channels: set[str] = field(default_factory=set)
    """Channels where the bot may not post: 403 Missing Access."""
    lose_responses: int = 0
    """The next N channel posts are created, but answered 502 (a response lost on the way)."""
    polls: PollVotes = field(default_factory=PollVotes)
    """Native poll votes (kept while no client is connected) and Get Answer Voters."""

    def __post_init__(self) -> None:
        self.bot_user = p.user(self.app_id, "Unspin", bot=True)
        self.human = p.user("1100000000000000010", "alice")
        self.port = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._tokens: dict[str, str] = {}
        self._sent: list[tuple[int, str, JSON]] = []
        self._replay_from: int | None = None
        self.resumes: list[JSON] = []
        self._resumable = True
        self._last_post: dict[str, float] = {}

    # Lifecycle ---------------------------------------------------------------------------

    @property
    def seq(self) -> int:
        """The sequence number of the last dispatch sent."""
        return self._seq

    @property
    def channel_id(self) -> str:
        """The first text channel of the test guild."""
        return self.channel_ids[0]

    @property
    def api_base(self) -> str:
        """The value for discord.http.Route.BASE."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The value for DiscordWebSocket.DEFAULT_GATEWAY."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        """Serve on an ephemeral loopback port."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close every websocket and the server."""
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # Gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            if frame["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif frame["op"] == 2:
                await self._identify(ws, frame["d"])
            elif frame["op"] == 6 and not self._resumable:
                # The session is gone (e.g. after 4009): INVALID_SESSION, not resumable.
                await ws.send_str(json.dumps({"op": 9, "d": False}))
            elif frame["op"] == 6:
                self.resumes.append(frame["d"])
                # Replay what the client may have missed, then RESUMED.
                since = self._replay_from or int(frame["d"].get("seq") or 0) + 1
                for seq, event, data in list(self._sent):
                    if seq >= since:
                        await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": data}))
                self._seq += 1
                await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": self._seq, "d": {}}))
                self._sockets.append(ws)
        if ws in self._sockets:
            self._sockets.remove(ws)
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: JSON) -> None:
        self.identifies.append(data)
        self._resumable = True
        async with self._changed:
            self._changed.notify_all()
        intents = int(data.get("intents", 0))
        if intents & MESSAGE_CONTENT and not self.grant_message_content:
            # What Discord does when code asks for a privileged intent the portal did not grant.
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": self.guild_id, "unavailable": True}],
            "session_id": "session-1",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.app_id, "flags": 0},
        }
        await self._send(ws, "READY", ready)
        await self._send(
            ws, "GUILD_CREATE", p.guild(self.guild_id, self.channel_ids, self.bot_user)
        )
        self._sockets.append(ws)

    async def _send(self, ws: web.WebSocketResponse, event: str, data: JSON) -> None:
        self._seq += 1
        self._sent.append((self._seq, event, data))
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    async def drop(self, code: int = 4000, *, replay_from: int | None = None) -> None:
        """Close every gateway socket with `code` (4000 lets the client resume, 4009 not).

        With `replay_from`, a resume replays events from that sequence on, as Discord does with
        events the client may not have seen.
        """
        if replay_from is not None:
            self._replay_from = replay_from
        self._resumable = code not in (4007, 4009)
        for ws in list(self._sockets):
            self._sockets.remove(ws)
            await ws.close(code=code)

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send a DISPATCH event to every identified client."""
        for ws in list(self._sockets):
            await self._send(ws, event, data)

    async def wait_connected(self, count: int = 1, within: float = 5.0) -> None:
        """Wait until `count` clients have identified and received READY."""
        await self.wait_until(lambda: len(self._sockets) >= count, within)

    # Events the tests inject ------------------------------------------------------------

    def _sees_content(self, content: str, author: JSON) -> bool:
        mentioned = f"<@{self.app_id}>" in content or f"<@!{self.app_id}>" in content
        return self.grant_message_content or mentioned or author["id"] == self.app_id

    async def post_message(self, content: str, *, author: JSON | None = None) -> JSON:
        """A person posts in the channel: store it and send MESSAGE_CREATE (content per intent)."""
        author = author or self.human
        mid = p.snowflake()
        mentions = [self.bot_user] if f"<@{self.app_id}>" in content else []
        msg = p.message(
            message_id=mid,
            channel_id=self.channel_id,
            author=author,
            content=content,
            guild_id=self.guild_id,
            mentions=mentions,
        )
        self.messages[mid] = msg
        await self.dispatch("MESSAGE_CREATE", {**self._visible(msg), "member": p.member(author)})
        return msg

    def _visible(self, msg: JSON) -> JSON:
        if self._sees_content(msg["content"], msg["author"]):
            return msg
        return {**msg, "content": "", "embeds": [], "attachments": [], "components": []}

    async def add_reaction(
        self, message_id: str, emoji: str, *, user_id: str | None = None
    ) -> None:
        """A person reacts to a message with a unicode emoji (MESSAGE_REACTION_ADD)."""
        uid = user_id or self.human["id"]
        msg = self.messages[message_id]
        await self.dispatch(
            "MESSAGE_REACTION_ADD",
            {
                "user_id": uid,
                "channel_id": msg["channel_id"],
                "message_id": message_id,
                "guild_id": self.guild_id,
                "member": p.member(p.user(uid, "reactor")),
                "emoji": {"id": None, "name": emoji},
                "burst": False,
                "type": 0,
            },
        )

    async def vote_native(
        self, message_id: str, answer_id: int, user_id: str, *, remove: bool = False
    ) -> None:
        """A person votes in a native poll (MESSAGE_POLL_VOTE_ADD), or takes it back (_REMOVE).

        The vote counts in the poll whether or not a client is connected to hear about it.
        """
        self.polls.record(message_id, answer_id, user_id, remove=remove)
        await self.dispatch(
            "MESSAGE_POLL_VOTE_REMOVE" if remove else "MESSAGE_POLL_VOTE_ADD",
            {
                "user_id": user_id,
                "channel_id": self.messages[message_id]["channel_id"],
                "message_id": message_id,
                "guild_id": self.guild_id,
                "answer_id": answer_id,
            },
        )

    async def interact(
        self,
        itype: int,
        data: JSON,
        *,
        message: JSON | None = None,
        user: JSON | None = None,
        channel_id: str | None = None,
        permissions: str = "2147483647",
        sparse: bool = False,
        minimal: bool = False,
        dm: bool = False,
    ) -> JSON:
        """Send INTERACTION_CREATE; the 3-second deadline starts now.

        `permissions` are the member's resolved permissions (the default includes ADMINISTRATOR;
        "1024" is a plain member who can only view the channel). `sparse` leaves out the fields
        the docs' example interactions lack (application_id, version, attachment_size_limit).
        `minimal` keeps only the documented required fields (no `channel` object, no locale).
        `dm` sends it from the person's DM with the bot: `user` instead of `member`, no guild,
        a DM channel object (type 1) and context 1 (BOT_DM), as receiving-and-responding.mdx says.
        """
        iid = p.snowflake()
        payload: JSON = {
            "id": iid,
            "application_id": self.app_id,
            "type": itype,
            "data": data,
            "guild_id": self.guild_id,
            "channel_id": channel_id or self.channel_id,
            "channel": self._channel_object(channel_id or self.channel_id),
            "member": p.member(user or self.human, permissions=permissions),
            "token": f"token-{iid}",
            "version": 1,
            "app_permissions": "2147483647",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id},
            "context": 0,
            # discord.py 2.7 reads this unconditionally; the docs' examples lack it.
            "attachment_size_limit": 26214400,
        }
        if message is not None:
            payload["message"] = message
        if dm:
            person = user or self.human
            dm_id = channel_id or self.dm_channel_id
            del payload["guild_id"], payload["member"], payload["guild_locale"]
            payload.update(
                user=person, channel_id=dm_id, context=1, app_permissions="0",
                channel={"id": dm_id, "type": 1, "recipients": [person], "flags": 0},
                authorizing_integration_owners={"0": "0"},  # guild-installed, used in a DM
            )  # fmt: skip
        if sparse:
            for key in ("application_id", "version", "attachment_size_limit"):
                del payload[key]
        if minimal:
            # A component interaction always carries the message its button is on.
            keep = (*DOCUMENTED_REQUIRED, "message") if itype == 3 else DOCUMENTED_REQUIRED
            payload = {k: v for k, v in payload.items() if k in keep}
            # The docs' example member has no `flags` (discord.py reads it unconditionally).
            payload["member"] = {k: v for k, v in payload["member"].items() if k != "flags"}
        self.interactions[iid] = PendingInteraction(payload, time.monotonic())
        self._tokens[payload["token"]] = iid
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def _channel_object(self, cid: str) -> JSON:
        thread = self.threads.get(cid)
        if thread is not None:
            return {**thread, "permissions": "2147483647"}
        return {"id": cid, "type": 0, "guild_id": self.guild_id, "name": "channel-0",
                "permissions": "2147483647"}  # fmt: skip

    async def slash(
        self,
        name: str,
        *,
        sparse: bool = False,
        minimal: bool = False,
        dm: bool = False,
        **options: str,
    ) -> JSON:
        """A person runs a slash command with string options (in a channel, or in a DM)."""
        opts = [{"name": k, "type": 3, "value": v} for k, v in options.items()]
        data: JSON = {"id": p.snowflake(), "name": name, "type": 1, "options": opts}
        if not dm:
            data["guild_id"] = self.guild_id
        return await self.interact(2, data, sparse=sparse, minimal=minimal, dm=dm)

    async def message_command(self, name: str, target: JSON, *, minimal: bool = False) -> JSON:
        """A person runs a message context-menu command on `target` (content always included)."""
        data = {
            "id": p.snowflake(),
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "guild_id": self.guild_id,
            "resolved": {"messages": {target["id"]: target}},
        }
        return await self.interact(2, data, minimal=minimal)

    async def click(
        self,
        custom_id: str,
        message: JSON,
        *,
        user: JSON | None = None,
        permissions: str = "2147483647",
        minimal: bool = False,
    ) -> JSON:
        """A person clicks a button on `message`."""
        data = {"component_type": 2, "custom_id": custom_id}
        return await self.interact(
            3, data, message=message, user=user, channel_id=message["channel_id"],
            permissions=permissions, minimal=minimal,
        )  # fmt: skip

    # REST --------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = json.loads(raw) if raw and request.content_type == "application/json" else None
        call = Call(
            request.method,
            "/" + request.match_info["path"],
            dict(request.query),
            body,
            time.monotonic(),
        )
        status, answer = self._route(call)
        call.status = status
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        if answer is None:
            return web.Response(status=204)
        # discord.py parses JSON only when Content-Type is exactly application/json.
        headers = {"Content-Type": "application/json"}
        if status == 429:
            # discord.py takes a 429 without Via for a Cloudflare ban and gives up.
            headers.update({"Via": "1.1 google", "X-RateLimit-Scope": "user",
                            "Retry-After": str(answer["retry_after"])})  # fmt: skip
        return web.Response(status=status, body=json.dumps(answer).encode(), headers=headers)

    def _route(self, call: Call) -> tuple[int, Any]:
        parts = call.path.strip("/").split("/")
        m, body = call.method, call.body
        if parts == ["users", "@me"]:
            return 200, self.bot_user
        if parts == ["oauth2", "applications", "@me"]:
            return 200, self._application()
        if parts == ["gateway", "bot"]:
            return 200, {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        if parts[0] == "applications" and parts[-1] == "commands" and m == "PUT":
            guild = parts[3] if len(parts) == 5 else None
            return 200, [self._command(c, guild) for c in body]
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(parts[1], body)
        if parts[0] == "webhooks":
            return self._webhook(m, parts[2], parts[3:], body)
        if parts[0] == "channels" and parts[2::2] == ["polls", "answers"] and m == "GET":
            msg = self.messages.get(parts[3])
            msg = msg if msg is not None and msg["channel_id"] == parts[1] else None
            return self.polls.answer_voters(msg, parts[5], call.query)
        if parts[0] == "channels":
            return self._channel(m, parts[1], parts[2:], body)
        return 404, {"code": 0, "message": "404: Not Found"}

    def _application(self) -> JSON:
        return {
            "id": self.app_id,
            "name": "Unspin",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "00",
            "owner": p.user("1", "owner"),
            "flags": 0,
            "team": None,
        }

    def _command(self, cmd: JSON, guild: str | None) -> JSON:
        return {
            "id": p.snowflake(),
            "application_id": self.app_id,
            "version": p.snowflake(),
            "description": "",
            "default_member_permissions": None,
            **cmd,
            **({"guild_id": guild} if guild else {}),
        }

    def _callback(self, iid: str, body: JSON) -> tuple[int, Any]:
        pending = self.interactions.get(iid)
        if pending is None or time.monotonic() - pending.sent_at > self.interaction_deadline_s:
            return 404, {"code": 10062, "message": "Unknown interaction"}
        if pending.answered:
            return 400, {"code": 40060, "message": "Interaction has already been acknowledged."}
        data = body.get("data") or {}
        errors = p.message_errors(data)
        if errors:
            return 400, p.invalid_form(errors)
        pending.answered = True
        resource: JSON = {"type": body["type"]}
        if body["type"] in (4, 7):
            resource["message"] = self._store(
                pending.payload["channel_id"], data, webhook=True, interaction=pending.payload
            )
        return 200, {
            "interaction": {"id": iid, "type": pending.payload["type"]},
            "resource": resource,
        }

    def _webhook(self, m: str, token: str, rest: list[str], body: Any) -> tuple[int, Any]:
        iid = self._tokens.get(token)
        if iid is None:
            return 404, {"code": 10015, "message": "Unknown Webhook"}
        channel_id = self.interactions[iid].payload["channel_id"]
        if m == "POST" and not rest:
            errors = p.message_errors(body)
            if errors:
                return 400, p.invalid_form(errors)
            return 200, self._store(channel_id, body, webhook=True)
        if rest[:1] == ["messages"] and m in ("PATCH", "GET"):
            ident = rest[1]
            payload = self.interactions[iid].payload
            if ident == "@original" and payload["type"] == 3:
                # For a component interaction the original is the message the button was on.
                ident = payload["message"]["id"]
            found = [
                msg
                for msg in self.messages.values()
                if msg["id"] == ident
                or (ident == "@original" and msg.get("interaction_token") == token)
            ]
            if not found:
                return 404, {"code": 10008, "message": "Unknown Message"}
            if m == "PATCH":
                errors = p.message_errors(body)
                if errors:
                    return 400, p.invalid_form(errors)
                found[-1].update({k: v for k, v in body.items() if k != "allowed_mentions"})
            return 200, found[-1]
        return 404, {"code": 0, "message": "404: Not Found"}

    def _channel(self, m: str, cid: str, rest: list[str], body: Any) -> tuple[int, Any]:
        if rest == ["messages"] and m == "POST":
            return self._create_message(cid, body)
        if len(rest) == 2 and rest[0] == "messages":
            msg = self.messages.get(rest[1])
            if msg is None or msg["channel_id"] != cid:
                return 404, {"code": 10008, "message": "Unknown Message"}
            if m == "GET":
                self.polls.results(msg)
                return 200, self._visible(msg)
            if m == "PATCH":
                errors = p.message_errors(body)
                if errors:
                    return 400, p.invalid_form(errors)
                msg.update({k: v for k, v in body.items() if k != "allowed_mentions"})
                return 200, msg
        if len(rest) == 3 and rest[0] == "messages" and rest[2] == "threads" and m == "POST":
            return self._start_thread(cid, rest[1], body)
        if not rest and m == "GET":
            found = self.threads.get(cid)
            if found is None and cid in self.channel_ids:
                found = p.text_channel(self.guild_id, cid, self.channel_ids.index(cid))
            return (200, found) if found else (404, {"code": 10003, "message": "Unknown Channel"})
        if rest[:1] == ["polls"] and rest[-1] == "expire" and m == "POST":
            ended = self.messages.get(rest[1])
            if ended is None or not ended.get("poll"):
                return 404, {"code": 10008, "message": "Unknown Message"}
            self.polls.finalize(ended)
            return 200, ended
        if rest[:1] == ["messages"] and "reactions" in rest and m == "PUT":
            return 204, None
        return 404, {"code": 0, "message": "404: Not Found"}

    def _create_message(self, cid: str, body: JSON) -> tuple[int, Any]:
        if cid in self.forbidden_channels:
            return 403, {"code": 50001, "message": "Missing Access"}
        now = time.monotonic()
        last = self._last_post.get(cid)
        if last is not None and now - last < self.channel_post_interval_s:
            wait = self.channel_post_interval_s - (now - last)
            return 429, {"message": "You are being rate limited.", "retry_after": wait,
                         "global": False}  # fmt: skip
        errors = p.message_errors(body)
        if errors:
            return 400, p.invalid_form(errors)
        if body.get("enforce_nonce") and body.get("nonce"):
            # Discord: the same author and nonce within a few minutes returns the first message.
            for msg in self.messages.values():
                if msg["channel_id"] == cid and msg.get("nonce") == str(body["nonce"]):
                    return 200, msg
        self._last_post[cid] = now
        msg = self._store(cid, body)
        if body.get("nonce"):
            msg["nonce"] = str(body["nonce"])
        if self.lose_responses > 0:
            self.lose_responses -= 1
            return 502, {"message": "Bad Gateway", "code": 0}
        return 200, msg

    def bot_posts(self, channel_id: str) -> list[JSON]:
        """Messages the bot created in one channel, oldest first."""
        return [
            m
            for m in self.messages.values()
            if m["channel_id"] == channel_id and m["author"]["id"] == self.app_id
        ]

    def _start_thread(self, cid: str, message_id: str, body: JSON) -> tuple[int, Any]:
        if not self.threads_allowed:
            return 403, {"code": 50013, "message": "Missing Permissions"}
        if message_id in self.threads:
            return 400, {"code": 160004, "message": "A thread was already created for this message"}
        if len(body.get("name", "")) > 100:
            return 400, p.invalid_form(["thread name longer than 100"])
        # A thread started from a message shares the message's id.
        thread = {
            "id": message_id, "type": 11, "guild_id": self.guild_id, "parent_id": cid,
            "name": body.get("name", ""), "owner_id": self.app_id, "message_count": 0,
            "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                "archive_timestamp": p.now_iso(), "locked": False},
        }  # fmt: skip
        self.threads[message_id] = thread
        self.channel_ids.append(message_id)
        return 201, thread

    def _store(
        self, channel_id: str, body: JSON, *, webhook: bool = False, interaction: JSON | None = None
    ) -> JSON:
        mid = p.snowflake()
        poll = p.poll_object(body["poll"]) if body.get("poll") else None
        msg = p.message(
            message_id=mid,
            channel_id=channel_id,
            author=self.bot_user,
            content=body.get("content") or "",
            guild_id=self.guild_id,
            embeds=body.get("embeds"),
            components=body.get("components"),
            flags=int(body.get("flags") or 0),
            poll=poll,
            webhook_id=self.app_id if webhook else None,
        )
        if interaction is not None:
            msg["interaction_token"] = interaction["token"]
        self.messages[mid] = msg
        return msg

    def end_poll(self, message_id: str) -> None:
        """A native poll reaches its expiry: its results become final."""
        self.polls.finalize(self.messages[message_id])

    # Assertions --------------------------------------------------------------------------

    async def wait_until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `predicate()` holds after some call or event, or fail after `within` s."""
        await wait_until(self._changed, predicate, within)

    def find(self, method: str, path_part: str) -> list[Call]:
        """Recorded calls with this method whose path contains `path_part`."""
        return [c for c in self.calls if c.method == method and path_part in c.path]

    async def wait_call(
        self, method: str, path_part: str, count: int = 1, within: float = 5.0
    ) -> list[Call]:
        """Wait until at least `count` matching calls were recorded, and return them."""
        await self.wait_until(lambda: len(self.find(method, path_part)) >= count, within)
        return self.find(method, path_part)
