"""The console's Conversation: replies printed as text, actions shown as commands to type."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot.models import Action, Capabilities, MessageRef, PollBlock, Reply
from bot.poll_models import PollState
from bot.render import reply_text

log = logging.getLogger(__name__)

CAPABILITIES = Capabilities(
    message_chars=6000,
    block_chars=1500,
    native_polls=False,
    threads=True,
    ephemeral=True,
    buttons=False,
)


@dataclass(slots=True)
class ActionBook:
    """Numbers the actions shown so people can type `/poll 2` instead of an opaque ref."""

    predictions: list[str] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)

    def hint(self, action: Action) -> str:
        """The command that performs `action`, registering it when it is new."""
        if action.kind == "start_poll":
            if action.ref not in self.predictions:
                self.predictions.append(action.ref)
            return f"(/poll {self.predictions.index(action.ref) + 1})"
        if action.kind == "details":
            if action.ref not in self.cards:
                self.cards.append(action.ref)
            return f"(/details {self.cards.index(action.ref) + 1})"
        if action.kind == "vote":
            poll, option = action.ref.split(":")
            return f"(/vote {poll} {int(option) + 1})"
        return f"(/close {action.ref})"


class ConsoleConversation:
    """Prints what the core posts; one per console event, sharing the output and action book."""

    _ids = itertools.count(1)

    def __init__(
        self,
        out: TextIO,
        book: ActionBook,
        *,
        channel_id: str,
        user: Callable[[], str],
    ) -> None:
        self._out = out
        self._book = book
        self._channel_id = channel_id
        self._user = user

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES

    def _print(self, text: str) -> None:
        self._out.write(text.rstrip("\n") + "\n")
        self._out.flush()

    def _ref(self, thread: str | None) -> MessageRef:
        n = next(self._ids)
        return MessageRef("console", self._channel_id, f"m{n}", thread)

    def _body(self, reply: Reply) -> str:
        return reply_text(reply, self._book.hint)

    async def reply(self, reply: Reply, *, in_thread: bool = True) -> MessageRef:
        where = " (in thread)" if in_thread else ""
        self._print(f"unspin{where}:\n" + _indent(self._body(reply)) + "\n")
        return self._ref("thread" if in_thread else None)

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        poll = next((b for b in reply.blocks if isinstance(b, PollBlock)), None)
        if poll is not None and poll.is_open:
            self._print(f"  (poll #{poll.poll_id} updated: {poll.summary})")
        elif poll is None:
            self._print(f"  (message {ref.message_id} updated)")

    async def reply_private(self, reply: Reply) -> MessageRef | None:
        self._print(f"unspin (only {self._user()} sees this):\n" + _indent(self._body(reply)))
        return self._ref(None)

    async def post_poll(self, poll: PollState, card: Reply) -> MessageRef:
        self._print("unspin (in thread):\n" + _indent(self._body(card)) + "\n")
        return self._ref("thread")

    async def say(self, text: str) -> MessageRef | None:
        self._print(f"unspin: {text}")
        return self._ref(None)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())
