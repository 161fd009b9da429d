"""The slack-bolt AsyncApp: messages, mentions, /summarize, the shortcut, 📰, poll buttons."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.outbound import ChannelPacer
from adapters.slack import translate as t
from adapters.slack.conversation import SlackConversation
from adapters.slack.settings import SlackAdapterSettings
from adapters.slack.unfurl import UnfurlConversation
from bot.models import IncomingMessage, Reply, TextBlock, User
from bot.ports import ChatCore

log = logging.getLogger(__name__)
OPT_OUT_FAILED = "Your choice could not be saved just now; please try the command again."
# The logger of bolt's request verification middleware (slack_bolt.logger.get_bolt_logger).
REFUSAL_LOGGER = "slack_bolt.RequestVerification"


def web_client(settings: SlackAdapterSettings) -> AsyncWebClient:
    """The Web API client, with the rate-limit retry handler the SDK leaves off by default."""
    return AsyncWebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_base_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=settings.rate_limit_retries),
        ],
    )


class WithholdRefusedBody(logging.Filter):
    """bolt logs the whole body of a request whose signature fails: message text, user ids.

    Anyone can send such a request, and the body may be a real, replayed message; the log
    keeps the refusal, its signature and timestamp, and drops the body.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Cut the body out of bolt's "Invalid request signature" line; keep every record."""
        message = record.getMessage()
        cut = message.find(", body: ")
        if message.startswith("Invalid request signature") and cut >= 0:
            record.msg = message[:cut] + ", body withheld)"
            record.args = ()
        return True


def _quiet_refusals() -> None:
    logger = logging.getLogger(REFUSAL_LOGGER)
    if not any(isinstance(f, WithholdRefusedBody) for f in logger.filters):
        logger.addFilter(WithholdRefusedBody())


def build_app(settings: SlackAdapterSettings, core: ChatCore, pacer: ChannelPacer) -> AsyncApp:
    """An AsyncApp wired to the core; acks first, then works (Slack re-sends after 3 s)."""
    _quiet_refusals()
    secret = settings.signing_secret.get_secret_value() if settings.signing_secret else None
    app = AsyncApp(
        client=web_client(settings),
        signing_secret=secret,
        request_verification_enabled=settings.mode == "http",
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    Listeners(app, core, pacer).register()
    return app


class Listeners:
    """The bolt listeners; each translates, builds a SlackConversation and calls the core."""

    def __init__(self, app: AsyncApp, core: ChatCore, pacer: ChannelPacer) -> None:
        self.app = app
        self.core = core
        self.pacer = pacer

    @property
    def client(self) -> AsyncWebClient:
        """The app's Web API client."""
        return self.app.client

    def register(self) -> None:
        """Attach every listener to the app."""
        self.app.event("message")(self.on_message)
        self.app.event("app_mention")(self.on_mention)
        self.app.event("reaction_added")(self.on_reaction)
        self.app.event("link_shared")(self.on_link_shared)
        self.app.command("/summarize")(self.on_command)
        self.app.command(t.SETTINGS_COMMAND)(self.on_settings)
        self.app.command(t.OPT_OUT_COMMAND)(self.on_opt_out)
        self.app.command(t.OPT_IN_COMMAND)(self.on_opt_out)
        self.app.shortcut(t.SHORTCUT_ID)(self.on_shortcut)
        self.app.action(re.compile(r"^unspin:"))(self.on_action)

    def _conversation(
        self,
        channel: str,
        thread_ts: str | None,
        user_id: str | None,
        response_url: str | None = None,
        clicked_ts: str | None = None,
    ) -> SlackConversation:
        return SlackConversation(
            self.client,
            channel,
            pacer=self.pacer,
            thread_ts=thread_ts,
            user_id=user_id,
            response_url=response_url,
            clicked_ts=clicked_ts,
        )

    async def on_message(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """Links in ordinary messages; the core answers only in channels whose mode is auto."""
        event = body["event"]
        if not t.is_plain_message(event) or t.mentions(event, context.bot_user_id):
            return
        msg = t.incoming_from_event(body, trigger="link")
        await self._answer(msg)

    async def on_mention(self, body: dict[str, Any]) -> None:
        """@Unspin with a link: answered whatever the channel's mode (unless off)."""
        await self._answer(t.incoming_from_event(body, trigger="mention"))

    async def _answer(self, msg: IncomingMessage, response_url: str | None = None) -> None:
        thread = msg.thread_id or msg.message_id
        conv = self._conversation(msg.channel_id, thread, msg.author.id, response_url)
        await self.core.handle_message(msg, conv)

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """`/summarize <url>`: ack at once, then post the card in the channel."""
        await ack()
        msg = t.incoming_from_command(body)
        conv = self._conversation(msg.channel_id, None, msg.author.id, _hook(body))
        await self.core.handle_message(msg, conv)

    async def on_settings(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """`/unspin-settings [setting]`: shown privately; workspace admins and owners may change."""
        await ack()
        msg = t.incoming_from_command(body, is_admin=await self._is_admin(str(body["user_id"])))
        conv = self._conversation(msg.channel_id, None, msg.author.id, _hook(body))
        await self.core.configure(msg, msg.text, conv)

    async def on_opt_out(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """`/unspin-optout` and `/unspin-optin`: the person's own choice, confirmed privately."""
        await ack()
        choice = t.opt_out_choice(body)
        if choice is None:
            return
        msg = t.incoming_from_command(body)
        conv = self._conversation(msg.channel_id, None, msg.author.id, _hook(body))
        try:
            await self.core.opt_out(msg, choice, conv, t.OPT_IN_COMMAND)
        except Exception:
            log.exception("slack: recording the opt-out choice of %s failed", msg.author.id)
            await conv.reply_private(Reply("notice", (TextBlock(OPT_OUT_FAILED),), OPT_OUT_FAILED))

    async def _is_admin(self, user_id: str) -> bool:
        try:
            info = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            log.info("slack: users.info failed for %s: %s", user_id, error.response.get("error"))
            return False
        user = info.get("user") or {}
        return bool(user.get("is_admin") or user.get("is_owner"))

    async def on_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """The "Unspin this" message shortcut: answer in the message's thread."""
        await ack()
        await self._answer(t.incoming_from_shortcut(body), _hook(body))

    async def on_link_shared(self, body: dict[str, Any]) -> None:
        """Links from registered domains in channels without the bot: the card as the unfurl."""
        for msg in t.incoming_from_link_shared(body):
            conv = UnfurlConversation(self.client, msg.channel_id, msg.message_id, msg.text)
            await self.core.handle_message(msg, conv)

    async def on_reaction(self, body: dict[str, Any]) -> None:
        """A :newspaper: reaction asks for the reacted message to be summarised."""
        event = body["event"]
        target = t.reaction_target(event)
        if target is None:
            return
        channel, ts = target
        message = await self._fetch_message(channel, ts)
        if message is None:
            log.info("slack: reacted message %s in %s is not readable", ts, channel)
            return
        reactor = str(event.get("user") or "")
        msg = IncomingMessage(
            platform=t.PLATFORM,
            event_id=str(body.get("event_id") or f"reaction:{channel}:{ts}:{reactor}"),
            channel_id=channel,
            message_id=ts,
            author=User(reactor, reactor),
            text=str(message.get("text") or ""),
            trigger="reaction",
            thread_id=str(message["thread_ts"]) if message.get("thread_ts") else None,
            guild_id=str(body.get("team_id") or "") or None,
        )
        await self._answer(msg)

    async def _fetch_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        try:
            found = await self.client.conversations_history(
                channel=channel, latest=ts, inclusive=True, limit=1
            )
            message = _with_ts(found.get("messages"), ts)
            if message is None:  # a reply inside a thread is only listed by conversations.replies
                found = await self.client.conversations_replies(channel=channel, ts=ts, limit=1)
                message = _with_ts(found.get("messages"), ts)
        except SlackApiError as error:
            log.info("slack: cannot read %s in %s: %s", ts, channel, error.response.get("error"))
            return None
        return message

    async def on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A click on a card or poll button: ack, then let the core act (votes are upserts)."""
        await ack()
        event = t.action_from_block_action(body)
        if event is None:
            return
        # Replies to a click go in the thread of the clicked message.
        thread = event.thread_id or event.message_id
        conv = self._conversation(
            event.channel_id, thread, event.user.id, _hook(body), clicked_ts=event.message_id
        )
        await self.core.handle_action(event, conv)


def _hook(body: dict[str, Any]) -> str | None:
    url = body.get("response_url")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def _with_ts(messages: Any, ts: str) -> dict[str, Any] | None:
    for message in messages or []:
        if isinstance(message, dict) and message.get("ts") == ts:
            return message
    return None
