"""SlackConversation: the per-event way back to Slack that the core posts through."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate as t
from bot.models import Capabilities, MessageRef, Reply, TextBlock
from bot.poll_models import PollState

log = logging.getLogger(__name__)


class SlackConversation:
    """Posts into one channel, in the thread of the message that asked (`thread_ts`).

    Without a message to thread under (a slash command), the first post goes to the channel
    and later ones into its thread. Private replies are ephemeral messages to `user_id`.
    Every post has link and media unfurling off and no `link_names`, so nothing pings.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        *,
        thread_ts: str | None = None,
        user_id: str | None = None,
    ) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.user_id = user_id
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
        payload = self._payload(reply)
        thread = self.thread_ts if in_thread else None
        if thread:
            payload["thread_ts"] = thread
        response = await self.client.chat_postMessage(**payload)
        ts = str(response["ts"])
        if in_thread and self.thread_ts is None:
            self.thread_ts = ts
        return MessageRef(t.PLATFORM, self.channel, ts, thread)

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        """chat.update of a message this bot posted."""
        payload = self._payload(reply)
        payload.pop("unfurl_media")
        payload["channel"] = ref.channel_id
        await self.client.chat_update(ts=ref.message_id, **payload)

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        """An ephemeral message only the asking user sees."""
        if self.user_id is None:
            return None
        payload = self._payload(reply)
        payload.pop("unfurl_links")
        payload.pop("unfurl_media")
        if self.thread_ts:
            payload["thread_ts"] = self.thread_ts
        response = await self.client.chat_postEphemeral(user=self.user_id, **payload)
        return MessageRef(t.PLATFORM, self.channel, str(response["message_ts"]), self.thread_ts)

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        """Slack has no native polls: the card with vote buttons, in the thread."""
        return await self.reply(card)

    async def say(self, text: str) -> MessageRef | None:
        """One plain sentence in the thread."""
        return await self.reply(Reply("notice", (TextBlock(text),), text))
