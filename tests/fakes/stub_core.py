"""A scripted core for adapter tests: real store and renderer, no fetching or analysis."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.models import (
    Action,
    ActionEvent,
    ActionsBlock,
    BulletsBlock,
    Capabilities,
    IncomingMessage,
    MessageRef,
    PredictionBlock,
    Reply,
    TextBlock,
    TitleBlock,
    User,
)
from bot.poll_models import PollSpec
from bot.ports import Conversation
from bot.render import poll_card
from bot.store import SqlStore

_URL = re.compile(r"https?://[^\s<>|]+")


@dataclass
class CardText:
    """What the stub's card says; tests put hostile text here."""

    title: str = "Rates will fall, says the bank"
    tldr: str = "The central bank cut rates; the author argues more cuts will follow."
    reported: tuple[str, ...] = ("The bank cut its rate to 3%, its governor said.",)
    argued: tuple[str, ...] = ("The cut came too late.",)
    prediction: str = "Will the bank cut rates again by June?"


@dataclass
class StubCore:
    """Implements the adapters' Core protocol with canned cards and the real SqlStore."""

    store: SqlStore
    delay_s: float = 0.0
    text: CardText = field(default_factory=CardText)
    messages: list[IncomingMessage] = field(default_factory=list)
    actions: list[ActionEvent] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    """Set it to end every `delay_s` wait at once (so slow tests finish quickly)."""

    def card(self, url: str, caps: Capabilities) -> Reply:
        """A card shaped like the real one (title, tldr, bullets, a prediction, details)."""
        t = self.text
        blocks = (
            TitleBlock(t.title, url),
            TextBlock("example.com · 400 words", "byline"),
            TextBlock("Reported 60% · Opinion 30% · Prediction 10%", "composition"),
            TextBlock(t.tldr, "tldr"),
            BulletsBlock("Reported", t.reported),
            BulletsBlock("Argued", t.argued),
            PredictionBlock(t.prediction, "the author", None,
                            Action("start_poll", "Start a poll", "k1:3", "primary")),
            ActionsBlock((Action("details", "Details", "k1"),)),
        )  # fmt: skip
        return Reply("card", blocks, f"Unspin: {t.title}")

    async def handle_message(self, message: IncomingMessage, conversation: Conversation) -> None:
        """Dedupe by event id (like the real core), wait `delay_s`, answer with a card."""
        self.messages.append(message)
        if not await self.store.mark_event_processed(message.platform, message.event_id):
            return
        found = _URL.search(message.text)
        if self.delay_s:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.gate.wait(), self.delay_s)
        if found is None:
            await conversation.say("I found no link to an article in that message.")
            return
        self.answered.append(found.group(0))
        await conversation.reply(self.card(found.group(0), conversation.capabilities))

    async def handle_action(self, action: ActionEvent, conversation: Conversation) -> None:
        """Details privately, polls in the store, votes as upserts then an edit of the poll."""
        self.actions.append(action)
        caps = conversation.capabilities
        if action.kind == "details":
            details = Reply("details", (BulletsBlock("Details", ("[0] REPORTED — text",)),), "x")
            if await conversation.reply_private(details) is None:
                await conversation.reply(details)
        elif action.kind == "start_poll":
            spec = PollSpec(self.text.prediction, ("Will happen", "Won't happen"),
                            timedelta(hours=24), prediction_i=3)  # fmt: skip
            state = await self.store.create_poll(
                spec, platform=action.platform, channel_id=action.channel_id,
                starter_id=action.user.id,
            )  # fmt: skip
            ref = await conversation.post_poll(state, poll_card(state, caps))
            await self.store.set_poll_message(state.id, ref.message_id, thread_id=ref.thread_id)
        elif action.kind == "vote":
            poll_id, option = (int(x) for x in action.ref.split(":"))
            await self.store.cast_vote(poll_id, action.user.id, option,
                                       event_key=f"vote:{action.event_id}")  # fmt: skip
            state = await self.store.get_poll(poll_id)
            ref = MessageRef(action.platform, action.channel_id, action.message_id or "",
                             action.thread_id)  # fmt: skip
            await conversation.edit(ref, poll_card(state, caps))

    async def handle_native_vote(
        self, platform: str, message_ref: str, user: User, option: int, event_id: str
    ) -> None:
        """Store a native poll vote against the poll shown by that message."""
        state = await self.store.find_poll_by_message(platform, message_ref)
        if state is not None:
            await self.store.cast_vote(state.id, user.id, option, event_key=event_id)

    async def handle_native_unvote(
        self, platform: str, message_ref: str, user: User, option: int
    ) -> None:
        """Withdraw a native poll vote from the poll shown by that message."""
        state = await self.store.find_poll_by_message(platform, message_ref)
        if state is not None:
            await self.store.remove_vote(state.id, user.id, option)

    async def native_poll_messages(self, platform: str) -> list[MessageRef]:
        """Where the platform's open polls are shown."""
        return [
            MessageRef(platform, s.channel_id, s.message_ref, s.message_thread)
            for s in await self.store.list_open_polls()
            if s.platform == platform and s.message_ref
        ]

    async def reconcile_native_poll(
        self, platform: str, message_ref: str, voters_by_option: Mapping[int, Iterable[str]]
    ) -> None:
        """Sync a native poll's stored votes to the platform's voter lists."""
        state = await self.store.find_poll_by_message(platform, message_ref)
        if state is not None and state.is_open:
            await self.store.sync_votes(state.id, voters_by_option)
