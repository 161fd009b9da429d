"""SlackConversation: the per-event way back to Slack that the core posts through."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.outbound import ChannelPacer
from adapters.slack import translate as t
from bot.models import Capabilities, MessageRef, Reply, TextBlock
from bot.poll_models import PollState

log = logging.getLogger(__name__)

# Web API errors saying the bot cannot post in the channel at all (not a member, private,
# archived): retrying soon only adds refused requests, so the channel rests.
REFUSALS = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "access_denied"}
)
# A slash command's response_url still reaches such a channel (Slack allows 5 posts in 30 min).
HOOK_REACHES = frozenset({"not_in_channel", "channel_not_found"})


class SlackConversation:
    """Posts into one channel, in the thread of the message that asked (`thread_ts`).

    Without a message to thread under (a slash command), the first post goes to the channel
    and later ones into its thread. Private replies are ephemeral messages to `user_id`.
    Every post has link and media unfurling off and no `link_names`, so nothing pings.

    Posts wait for the channel's slot in the shared `pacer` (Slack allows about one message a
    second per channel); a channel that refuses the bot rests. When the bot cannot post in the
    channel (a private channel it was not invited to) and the event came with a
    `response_url` (a slash command, a shortcut, a click), the answer goes there instead.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        *,
        pacer: ChannelPacer,
        thread_ts: str | None = None,
        user_id: str | None = None,
        response_url: str | None = None,
        clicked_ts: str | None = None,
    ) -> None:
        self.client = client
        self.channel = channel
        self.pacer = pacer
        self.thread_ts = thread_ts
        self.user_id = user_id
        self.response_url = response_url
        self.clicked_ts = clicked_ts
        self._via_hook = False
        self._caps = t.capabilities()

    @property
    def capabilities(self) -> Capabilities:
        """Block Kit limits."""
        return self._caps

    def _payload(self, reply: Reply) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "blocks": t.to_blocks(reply),
            "text": t.fallback(reply),
            "unfurl_links": False,
            "unfurl_media": False,
        }

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        """Post in the thread (or the channel); the first channel post anchors later replies."""
        if self._hook_first():
            return await self._hook(reply, "in_channel")
        payload = self._payload(reply)
        thread = self.thread_ts if in_thread else None
        if thread:
            payload["thread_ts"] = thread
        try:
            response = await self._paced(self.client.chat_postMessage, payload)
        except SlackApiError as error:
            if not self._can_fall_back(error):
                raise
            return await self._hook(reply, "in_channel")
        ts = str(response["ts"])
        if in_thread and self.thread_ts is None:
            self.thread_ts = ts
        return MessageRef(t.PLATFORM, self.channel, ts, thread)

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        """chat.update of a message this bot posted."""
        if not ref.message_id:
            log.info("slack: a message posted through a response_url cannot be updated")
            return
        payload = self._payload(reply)
        payload.pop("unfurl_media")
        payload["channel"] = ref.channel_id
        try:
            await self.client.chat_update(ts=ref.message_id, **payload)
        except SlackApiError as error:
            # Where the bot is no member, a click's response_url can still replace its message.
            clicked = self.clicked_ts is not None and ref.message_id == self.clicked_ts
            if not (clicked and self._can_fall_back(error)):
                raise
            await self._hook(reply, None, replace_original=True)

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        """An ephemeral message only the asking user sees."""
        if self.user_id is None:
            return None
        if self._hook_first():
            return await self._hook(reply, "ephemeral")
        payload = self._payload(reply)
        payload.pop("unfurl_links")
        payload.pop("unfurl_media")
        if self.thread_ts:
            payload["thread_ts"] = self.thread_ts
        try:
            response = await self._paced(
                self.client.chat_postEphemeral, {"user": self.user_id, **payload}
            )
        except SlackApiError as error:
            if not self._can_fall_back(error):
                raise
            return await self._hook(reply, "ephemeral")
        return MessageRef(t.PLATFORM, self.channel, str(response["message_ts"]), self.thread_ts)

    async def _paced(self, method: Any, payload: dict[str, Any]) -> AsyncSlackResponse:
        async with self.pacer.slot(self.channel):
            try:
                response: AsyncSlackResponse = await method(**payload)
            except SlackApiError as error:
                if error.response.get("error") in REFUSALS:
                    self.pacer.refused(self.channel)
                raise
        return response

    def _hook_first(self) -> bool:
        # Once the channel refused the bot, a response_url is the only way in: skip the API.
        if self.response_url is None:
            return False
        return self._via_hook or self.pacer.resting(self.channel) > 0

    def _can_fall_back(self, error: SlackApiError) -> bool:
        return self.response_url is not None and error.response.get("error") in HOOK_REACHES

    async def _hook(
        self, reply: Reply, response_type: str | None, *, replace_original: bool | None = None
    ) -> MessageRef:
        """Post through the event's response_url (the bot need not be in the channel)."""
        assert self.response_url is not None
        self._via_hook = True
        response = await AsyncWebhookClient(self.response_url).send(
            text=t.fallback(reply),
            blocks=t.to_blocks(reply),
            response_type=response_type,
            replace_original=replace_original,
            unfurl_links=False,
            unfurl_media=False,
        )
        if response.status_code != 200:
            raise RuntimeError(f"response_url answered {response.status_code}: {response.body}")
        # A response_url answer has no ts to thread under or edit later.
        return MessageRef(t.PLATFORM, self.channel, "", None)

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        """Slack has no native polls: the card with vote buttons, in the thread."""
        return await self.reply(card)

    async def say(self, text: str) -> MessageRef | None:
        """One plain sentence in the thread."""
        return await self.reply(Reply("notice", (TextBlock(text),), text))
