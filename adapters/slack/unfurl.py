"""UnfurlConversation: answers a shared link with the card as its unfurl (chat.unfurl)."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate as t
from bot.models import Capabilities, MessageRef, Reply
from bot.poll_models import PollState

log = logging.getLogger(__name__)


class UnfurlConversation:
    """The way back for a `link_shared` event in a channel the bot is not a member of.

    The card becomes the link's unfurl under the person's own message; nothing else can be
    posted there (the bot is no member), so notices are only logged and polls are refused.
    """

    def __init__(self, client: AsyncWebClient, channel: str, message_ts: str, url: str) -> None:
        self.client = client
        self.channel = channel
        self.message_ts = message_ts
        self.url = url
        self._caps = t.capabilities()

    @property
    def capabilities(self) -> Capabilities:
        """Block Kit limits (an unfurl holds the same blocks as a message)."""
        return self._caps

    def _ref(self) -> MessageRef:
        return MessageRef(t.PLATFORM, self.channel, self.message_ts, None)

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        """Unfurl the link with a card; other replies have nowhere to go and are logged."""
        if reply.kind != "card":
            log.info("slack: not unfurling a %s for %s", reply.kind, self.url)
            return self._ref()
        await self.client.chat_unfurl(
            channel=self.channel,
            ts=self.message_ts,
            unfurls={self.url: {"blocks": t.to_blocks(reply)}},
        )
        return self._ref()

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        """Re-unfurl with the new content (the unfurl is the only message the bot has here)."""
        await self.reply(reply)

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        """No ephemeral messages without membership."""
        return None

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        """Polls need a message of the bot's own in the channel."""
        raise RuntimeError("polls need the bot in the channel; invite it with /invite @Unspin")

    async def say(self, text: str) -> MessageRef | None:
        """Nowhere to say it: logged only."""
        log.info("slack: unfurl of %s not possible: %s", self.url, text)
        return None
