"""DiscordConversation: the per-event way back to Discord that the core posts through."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

import discord

from adapters.discord import translate as t
from adapters.discord.buttons import view_for
from adapters.outbound import ChannelPacer
from bot.models import Capabilities, MessageRef, PollBlock, Reply, TextBlock
from bot.poll_models import PollState

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
Postable = discord.TextChannel | discord.Thread | discord.PartialMessageable


def _kwargs(card: t.Card) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
    if card.embed is not None:
        kwargs["embed"] = discord.Embed.from_dict(card.embed)
        kwargs["view"] = view_for(card.rows)
    else:
        kwargs["content"] = card.content
        # No link previews on plain posts; cards carry no content, so nothing can unfurl there.
        kwargs["suppress_embeds"] = True
    return kwargs


def _edit_kwargs(card: t.Card) -> dict[str, Any]:
    kwargs = _kwargs(card)
    kwargs.pop("suppress_embeds", None)
    if card.embed is None:
        kwargs.update(embed=None, view=None)
    else:
        kwargs["content"] = None
    return kwargs


class DiscordConversation:
    """Posts a Reply into a channel: the first post inline, later ones in a thread under it.

    With an interaction, the first post is the interaction's follow-up (it was deferred) and
    private replies are ephemeral follow-ups. A thread is started from the bot's own post, so
    the person who asked is not pinged; where threads are not permitted, posts stay inline.

    Every public post waits for its channel's slot in the shared `pacer`; a 403 rests the
    channel. Channel posts carry a nonce derived from `event_key` and the post's number, sent
    with enforce_nonce, so the same post retried (by discord.py or by a replayed event) is
    created once.
    """

    def __init__(
        self,
        channel: Postable,
        *,
        native_polls: bool,
        pacer: ChannelPacer,
        interaction: discord.Interaction | None = None,
        anchor: discord.Message | None = None,
        event_key: str | None = None,
    ) -> None:
        self.channel = channel
        self.interaction = interaction
        self.pacer = pacer
        self._event_key = event_key
        self._posts = 0
        self._anchor = anchor
        self._thread: discord.Thread | None = (
            channel if isinstance(channel, discord.Thread) else None
        )
        self._threads_ok = True
        self._caps = t.capabilities(native_polls=native_polls, ephemeral=interaction is not None)
        self._answered = anchor is not None

    @property
    def capabilities(self) -> Capabilities:
        """Discord's limits for cards and polls."""
        return self._caps

    def _ref(self, message: discord.Message) -> MessageRef:
        channel = message.channel
        thread = str(channel.id) if isinstance(channel, discord.Thread) else None
        parent = str(getattr(channel, "parent_id", None) or channel.id)
        return MessageRef(t.PLATFORM, parent, str(message.id), thread, message.jump_url)

    async def _first(self, **kwargs: Any) -> discord.Message:
        self._answered = True
        msg: discord.Message
        if self.interaction is not None:
            async with self.pacer.slot(str(self.channel.id)):
                msg = await self.interaction.followup.send(wait=True, **kwargs)
        else:
            msg = await self._send(self.channel, **kwargs)
        self._anchor = msg
        return msg

    def _nonce(self) -> str | None:
        self._posts += 1
        if self._event_key is None:
            return None  # discord.py then picks a random one
        digest = hashlib.blake2b(f"{self._event_key}:{self._posts}".encode(), digest_size=8)
        return str(int.from_bytes(digest.digest(), "big") >> 1)  # at most 19 digits

    async def _send(self, target: Postable, **kwargs: Any) -> discord.Message:
        """One channel post: paced per channel, with a nonce; a 403 rests the channel."""
        key = str(target.id)
        nonce = self._nonce()
        if nonce is not None:
            kwargs["nonce"] = nonce
        async with self.pacer.slot(key):
            try:
                return await target.send(**kwargs)
            except discord.Forbidden:
                self.pacer.refused(key)
                raise

    async def _thread_target(self) -> Postable:
        if self._thread is not None:
            return self._thread
        if self._anchor is None or not self._threads_ok:
            return self.channel
        try:
            name = (
                t.cut(self._anchor.embeds[0].title or "Unspin", 100)
                if (self._anchor.embeds)
                else "Unspin"
            )
            self._thread = await self._anchor.create_thread(name=name)
        except discord.Forbidden:
            log.info("no permission to start threads in %s; replying inline", self.channel.id)
            self._threads_ok = False
            return self.channel
        except discord.HTTPException as exc:
            # A message has at most one thread, and it shares the message's id.
            found = await self._existing_thread(self._anchor.id)
            if found is None:
                log.info("could not start a thread (%s); replying inline", exc.text)
                self._threads_ok = False
                return self.channel
            self._thread = found
        return self._thread

    async def _existing_thread(self, thread_id: int) -> discord.Thread | None:
        guild: discord.Guild | None = getattr(self.channel, "guild", None)
        cached = guild.get_thread(thread_id) if guild is not None else None
        if cached is not None:
            return cached
        try:
            fetched = await self._anchor_client().fetch_channel(thread_id)
        except discord.HTTPException:
            return None
        if isinstance(fetched, discord.Thread):
            return fetched
        return None

    def _anchor_client(self) -> discord.Client:
        state: Any = self.channel._state  # discord.py keeps the client there
        client: discord.Client = state._get_client()
        return client

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        """Post `reply`: the answer itself inline, follow-ups in a thread under it."""
        kwargs = _kwargs(t.to_card(reply))
        if not self._answered:
            return self._ref(await self._first(**kwargs))
        target = await self._thread_target() if in_thread else self.channel
        return self._ref(await self._send(target, **kwargs))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        """Replace a bot message: via the interaction when it is the clicked message."""
        if self._caps.native_polls and reply.kind == "poll":
            await self._end_native_poll(ref, reply)
            return
        kwargs = _edit_kwargs(t.to_card(reply))
        clicked = self.interaction.message if self.interaction is not None else None
        if (
            self.interaction is not None
            and clicked is not None
            and str(clicked.id) == ref.message_id
        ):
            await self.interaction.edit_original_response(**kwargs)
            return
        await self._message(ref).edit(**kwargs)

    def _message(self, ref: MessageRef) -> discord.PartialMessage:
        channel = self._anchor_client().get_partial_messageable(
            int(ref.thread_id or ref.channel_id)
        )
        return channel.get_partial_message(int(ref.message_id))

    async def _end_native_poll(self, ref: MessageRef, reply: Reply) -> None:
        # A native poll shows its own counts and cannot be edited; closing it ends it early.
        closed = any(isinstance(b, PollBlock) and not b.is_open for b in reply.blocks)
        if closed:
            try:
                await self._message(ref).end_poll()
            except discord.HTTPException as exc:
                log.info("could not end native poll %s: %s", ref.message_id, exc.text)

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        """An ephemeral follow-up when answering an interaction; None otherwise."""
        if self.interaction is None:
            return None
        kwargs = _kwargs(t.to_card(reply))
        msg = await self.interaction.followup.send(wait=True, ephemeral=True, **kwargs)
        return self._ref(msg)

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        """A native poll when configured (limits enforced here), else the card with buttons."""
        if not self._caps.native_polls:
            return await self.reply(card)
        spec = t.native_poll(poll)
        native = discord.Poll(question=spec.question, duration=timedelta(hours=spec.hours))
        for answer in spec.answers:
            native.add_answer(text=answer)
        if not self._answered:
            return self._ref(await self._first(poll=native, allowed_mentions=NO_PINGS))
        target = await self._thread_target()
        return self._ref(await self._send(target, poll=native, allowed_mentions=NO_PINGS))

    async def say(self, text: str) -> MessageRef | None:
        """One plain sentence, in the thread when there is one (or the interaction's answer)."""
        return await self.reply(Reply("notice", (TextBlock(text),), text))
