"""After READY, bring stored native-poll votes in line with Discord's voter lists.

Votes are gateway events (MESSAGE_POLL_VOTE_ADD / _REMOVE). Events missed while the bot was
down, or during a session that could not be resumed, are never replayed, so each open native
poll is read back over REST (Get Answer Voters, 100 per page) and the core is handed the full
voter list per answer. A resumed session needs none of this: Discord replays what it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from adapters.discord.translate import PLATFORM
from bot.models import MessageRef
from bot.ports import ChatCore

log = logging.getLogger(__name__)

MAX_VOTERS_PER_ANSWER = 10_000
"""Beyond this (100 requests for one answer) the poll is skipped rather than read in part."""

VotersByOption = dict[int, list[str]]


def option_of(answer_id: int) -> int:
    """The stored answer index of a Discord answer id (ids count from 1 in the answers' order)."""
    return answer_id - 1


class PollReconciler:
    """Reads each open native poll's voters, one request at a time, and hands them to the core.

    While one poll is read, live vote events for it wait (`hold`) and apply afterwards, so a
    vote cast during the read is never undone by a list read just before it.
    """

    def __init__(
        self,
        client: discord.Client,
        core: ChatCore,
        *,
        max_voters: int = MAX_VOTERS_PER_ANSWER,
    ) -> None:
        self.client = client
        self.core = core
        self.max_voters = max_voters
        self._holds: dict[str, asyncio.Event] = {}
        self._task: asyncio.Task[int] | None = None
        self.rounds = 0
        """Reconcile rounds finished (tests wait on it)."""
        self.settled = False
        """True once the current session's votes are in: its round ended (or it resumed)."""

    def start(self) -> None:
        """Reconcile in the background; a new READY restarts a round still running."""
        self.settled = False
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = asyncio.create_task(self._round(), name="discord-poll-reconcile")

    def unsettle(self) -> None:
        """The gateway went away: votes may be missed until it resumes or a round ends."""
        self.settled = False

    def resumed(self) -> None:
        """A resumed session gets every missed event replayed, so nothing is left to read."""
        if self._task is None or self._task.done():
            self.settled = True

    async def stop(self) -> None:
        """Cancel a round in progress (at shutdown)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def hold(self, message_id: int) -> None:
        """Wait while the poll on `message_id` is being reconciled (live votes come after)."""
        gate = self._holds.get(str(message_id))
        if gate is not None:
            await gate.wait()

    async def _round(self) -> int:
        try:
            done = await self.reconcile_all()
        except Exception:
            # Polls must still close: a round that failed is logged, not retried forever.
            log.exception("Discord: reconciling native polls failed")
            done = 0
        finally:
            self.rounds += 1
        self.settled = True  # not reached when a new READY cancelled this round
        return done

    async def reconcile_all(self) -> int:
        """Reconcile every open poll the core knows on Discord; return how many were native."""
        done = 0
        for ref in await self.core.native_poll_messages(PLATFORM):
            try:
                done += await self.reconcile(ref)
            except discord.HTTPException as exc:
                # One poll we cannot read (deleted, access lost) must not stop the others.
                log.info("Discord: cannot read poll message %s: %s", ref.message_id, exc.text)
        if done:
            log.info("Discord: %d native polls reconciled", done)
        return done

    async def reconcile(self, ref: MessageRef) -> bool:
        """Read one poll's voters and hand them to the core; False when it is not native."""
        gate = asyncio.Event()
        self._holds[ref.message_id] = gate
        try:
            voters = await self.read_voters(ref)
            if voters is None:
                return False
            await self.core.reconcile_native_poll(PLATFORM, ref.message_id, voters)
            return True
        finally:
            if self._holds.get(ref.message_id) is gate:  # a newer round may hold it now
                del self._holds[ref.message_id]
            gate.set()

    async def read_voters(self, ref: MessageRef) -> VotersByOption | None:
        """Every voter per answer, or None for a poll with buttons or one too large to read."""
        channel = self.client.get_partial_messageable(int(ref.thread_id or ref.channel_id))
        message = await channel.fetch_message(int(ref.message_id))
        poll = message.poll
        if poll is None:
            return None  # a poll with buttons: its votes arrive as clicks and are stored then
        voters: VotersByOption = {}
        for answer in poll.answers:
            # Not voters()'s default: it stops at the answer's vote count, which Discord calls
            # approximate while the poll runs. Paging until an empty page reads everyone.
            people = [v async for v in answer.voters(limit=self.max_voters + 1)]
            if len(people) > self.max_voters:
                log.warning(
                    "Discord: poll %s has over %d voters on one answer; not reconciled",
                    ref.message_id, self.max_voters,
                )  # fmt: skip
                return None
            voters[option_of(answer.id)] = [str(p.id) for p in people if not p.bot]
            if poll.is_finalised() and answer.vote_count != len(people):
                # A finished poll's counts are exact; the lists are still the per-person truth.
                log.warning(
                    "Discord: poll %s answer %d: final count %d but %d voters listed",
                    ref.message_id, answer.id, answer.vote_count, len(people),
                )  # fmt: skip
        return voters
