"""Poll use cases: start a poll from a prediction, vote, close, and close polls that are due."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime, timedelta

from bot import polls as rules
from bot.bounded import BoundedMap
from bot.errors import UsageError
from bot.metrics import Metrics
from bot.models import ActionEvent, Analysis, Capabilities, MessageRef, Reply
from bot.poll_errors import PollClosed, PollError, PollNotFound
from bot.poll_models import PollLimits, PollState
from bot.ports import BotStore, Conversation, Outbox
from bot.render import due_reminder, notice, poll_card
from bot.sanitize import sanitize_reply
from bot.storage.records import ChannelConfig
from bot.storage_settings import PollSettings
from bot.store import utcnow
from bot.tasks import Supervisor

log = logging.getLogger(__name__)

# Poll message refs remembered in process; older polls use the ref stored with the poll.
POLLS_KEPT = 10_000
# How often due polls waiting for an unsettled adapter are looked at again.
UNSETTLED_RECHECK_S = 5.0


def _settled(outboxes: Mapping[str, Outbox], platform: str) -> bool:
    """A poll may close unless its platform's adapter runs and has not caught up yet."""
    outbox = outboxes.get(platform)
    return outbox is None or outbox.polls_settled


def limits_for(caps: Capabilities) -> PollLimits:
    """The poll limits a platform declares, as the poll rules take them."""
    return PollLimits(
        question_chars=caps.poll_question_chars,
        answer_chars=caps.poll_answer_chars,
        max_answers=caps.poll_max_answers,
        max_duration=timedelta(days=caps.poll_max_days),
    )


def _ints(ref: str, n: int) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in ref.split(":"))
    except ValueError:
        values = ()
    if len(values) != n:
        raise UsageError("That button is not one of mine any more.")
    return values


def _clean(reply: Reply) -> Reply:
    # Poll text comes from the article; links have no place in a poll, mentions never.
    return sanitize_reply(reply, frozenset())


class PollFlow:
    """The poll use cases; the store holds every vote, this class only orders the steps."""

    def __init__(
        self,
        *,
        store: BotStore,
        settings: PollSettings,
        metrics: Metrics,
        supervisor: Supervisor,
        analysis_for_key: Callable[[str], Awaitable[Analysis | None]],
        channel_config: Callable[[str, str], Awaitable[ChannelConfig]],
        edit_delay_s: float = 0.0,
    ) -> None:
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.supervisor = supervisor
        self._analysis_for_key = analysis_for_key
        self._channel_config = channel_config
        self.edit_delay_s = edit_delay_s
        # Where each poll was posted; forgotten polls fall back to the stored message ref.
        self._where: BoundedMap[int, MessageRef] = BoundedMap(POLLS_KEPT)
        self._edits_pending: set[int] = set()

    async def start(self, event: ActionEvent, conv: Conversation) -> PollState | None:
        """Start a poll on one of a card's predictions (ref "cardkey:sentence")."""
        key, _, index = event.ref.rpartition(":")
        (i,) = _ints(index, 1)
        analysis = await self._analysis_for_key(key)
        if analysis is None:
            await conv.say("That card has expired; share the link again to start a poll.")
            return None
        prediction = next((p for p in analysis.predictions if p.i == i), None)
        if prediction is None:
            await conv.say("That prediction is no longer on the card.")
            return None
        url = analysis.article.url
        for open_poll in await self.store.list_open_polls():
            if (
                open_poll.platform == event.platform
                and open_poll.channel_id == event.channel_id
                and open_poll.prediction_i == i
                and open_poll.source_url == url
            ):
                await conv.say(f"A poll on this prediction is already open (poll #{open_poll.id}).")
                return None
        config = await self._channel_config(event.platform, event.channel_id)
        hours = config.poll_duration_h or self.settings.duration_h
        spec = rules.spec_for_prediction(
            prediction,
            limits_for(conv.capabilities),
            options=self.settings.options,
            duration=timedelta(hours=hours),
            hide_results=self.settings.hide_results_until_close,
            source_url=url,
        )
        state = await self.store.create_poll(
            spec, platform=event.platform, channel_id=event.channel_id, starter_id=event.user.id
        )
        self.metrics.polls_open.inc()
        ref = await conv.post_poll(state, _clean(poll_card(state, conv.capabilities)))
        self._where[state.id] = ref
        await self.store.set_poll_message(state.id, ref.message_id, thread_id=ref.thread_id)
        log.info("poll %d started in %s:%s", state.id, event.platform, event.channel_id)
        return state

    def _message(self, state: PollState, event: ActionEvent | None = None) -> MessageRef | None:
        if event is not None and event.message_id:
            return MessageRef(event.platform, event.channel_id, event.message_id, event.thread_id)
        known = self._where.get(state.id)
        if known is not None:
            return known
        if state.message_ref:
            # After a restart only the store knows where the poll is: its thread included.
            return MessageRef(
                state.platform, state.channel_id, state.message_ref, state.message_thread
            )
        return None

    async def vote_native(
        self, platform: str, message_ref: str, user_id: str, option: int, event_id: str
    ) -> int | None:
        """A vote cast in a platform's own poll (Discord), found by the message showing it.

        Native polls show their own counts and cannot be edited, so nothing is re-rendered.
        """
        state = await self.store.find_poll_by_message(platform, message_ref)
        if state is None:
            return None
        try:
            voters = await self.store.cast_vote(
                state.id, user_id, option, event_key=f"vote:{event_id}"
            )
        except PollError as error:
            log.info("native vote on poll %d not counted: %s", state.id, error)
            return None
        self.metrics.votes.inc()
        return voters

    async def unvote_native(
        self, platform: str, message_ref: str, user_id: str, option: int
    ) -> int | None:
        """A vote taken back in a platform's own poll (Discord's MESSAGE_POLL_VOTE_REMOVE)."""
        state = await self.store.find_poll_by_message(platform, message_ref)
        if state is None:
            return None
        try:
            return await self.store.remove_vote(state.id, user_id, option)
        except PollError as error:
            log.info("native vote removal on poll %d not applied: %s", state.id, error)
            return None

    async def poll_messages(self, platform: str) -> list[MessageRef]:
        """Where the platform's open polls are shown, soonest closing first."""
        return [
            MessageRef(platform, state.channel_id, state.message_ref, state.message_thread)
            for state in await self.store.list_open_polls()
            if state.platform == platform and state.message_ref
        ]

    async def reconcile_native(
        self, platform: str, message_ref: str, voters_by_option: Mapping[int, Iterable[str]]
    ) -> rules.VoteChanges | None:
        """Make a native poll's stored votes equal the platform's full voter lists.

        Votes cast or taken back while the bot was away reach no event handler; the platform's
        lists are the truth. Only polls still open here change: one closed here (by its
        starter, or by the timer when it came due) has had its tally announced and stays final.
        Running twice changes nothing the second time.
        """
        state = await self.store.find_poll_by_message(platform, message_ref)
        if state is None or not state.is_open:
            return None
        try:
            changes = await self.store.sync_votes(state.id, voters_by_option)
        except PollError as error:
            log.info("native poll %d not reconciled: %s", state.id, error)
            return None
        if changes:
            self.metrics.votes.inc(len(changes.cast))
            log.info(
                "native poll %d reconciled: %d votes recorded, %d withdrawn",
                state.id, len(changes.cast), len(changes.withdrawn),
            )  # fmt: skip
        return changes

    async def vote(self, event: ActionEvent, conv: Conversation) -> int | None:
        """Set the person's vote (ref "poll:option"); a click sets, never toggles."""
        poll_id, option = _ints(event.ref, 2)
        try:
            voters = await self.store.cast_vote(
                poll_id, event.user.id, option, event_key=f"vote:{event.event_id}"
            )
        except PollError as error:
            await _tell(conv, str(error))
            return None
        self.metrics.votes.inc()
        state = await self.store.get_poll(poll_id)
        await self._refresh(state, conv, event)
        answer = state.options[option].text
        await _tell(
            conv,
            f"Your vote on poll #{poll_id}: {answer}. Click another answer to change it"
            + ("; results show when the poll closes." if state.hide_results else "."),
            private_only=True,
        )
        return voters

    async def _refresh(self, state: PollState, conv: Conversation, event: ActionEvent) -> None:
        ref = self._message(state, event)
        if ref is None:
            return
        if self.edit_delay_s <= 0:
            await conv.edit(ref, _clean(poll_card(state, conv.capabilities)))
            return
        # A vote storm becomes one edit per poll per delay, which platforms' rate limits allow.
        if state.id in self._edits_pending:
            return
        self._edits_pending.add(state.id)
        self.supervisor.spawn(self._edit_later(state.id, ref, conv), name=f"poll-edit:{state.id}")

    async def _edit_later(self, poll_id: int, ref: MessageRef, conv: Conversation) -> None:
        try:
            await asyncio.sleep(self.edit_delay_s)
            state = await self.store.get_poll(poll_id)
            await conv.edit(ref, _clean(poll_card(state, conv.capabilities)))
        finally:
            self._edits_pending.discard(poll_id)

    async def close(self, event: ActionEvent, conv: Conversation) -> PollState | None:
        """Close a poll early (ref "poll"): only its starter or a channel admin may."""
        (poll_id,) = _ints(event.ref, 1)
        state = await self.store.get_poll(poll_id)
        rules.check_close(state, event.user.id, is_channel_admin=event.user.is_admin)
        closed = await self.store.close_poll(poll_id, closed_by=event.user.id)
        await self._announce(closed, conv, self._message(closed, event))
        return closed

    async def _announce(
        self, closed: PollState, conv: Conversation, ref: MessageRef | None
    ) -> None:
        self.metrics.polls_open.dec()
        card = _clean(poll_card(closed, conv.capabilities))
        if ref is not None:
            try:
                await conv.edit(ref, card)
            except Exception:
                log.warning("could not update the card of poll %d", closed.id, exc_info=True)
        await conv.reply(card, in_thread=True)

    async def close_due(self, outboxes: Mapping[str, Outbox]) -> int:
        """Close every open poll past its time and announce the tally; return how many."""
        closed_n = 0
        for state in await self.store.list_due_polls():
            if not _settled(outboxes, state.platform):
                continue  # not before the adapter is back and has read the votes it missed
            try:
                closed = await self.store.close_poll(state.id)
            except (PollClosed, PollNotFound):
                continue  # closed by someone else meanwhile
            closed_n += 1
            outbox = outboxes.get(closed.platform)
            if outbox is None:
                log.warning("poll %d closed but no %s adapter runs", closed.id, closed.platform)
                continue
            ref = self._message(closed)
            conv = outbox.conversation(closed.channel_id, ref.thread_id if ref else None)
            try:
                await self._announce(closed, conv, ref)
            except Exception:
                log.exception("could not announce the close of poll %d", closed.id)
        return closed_n

    async def remind_due(self, outboxes: Mapping[str, Outbox]) -> int:
        """Post one reminder for each poll whose forecast has come due; return how many.

        Each reminder is claimed in the store before it is posted, so restarts and other
        processes never post it twice; a post that fails is logged, not retried.
        """
        store = self.store
        if not self.settings.remind_due:
            return 0
        hour = self.settings.remind_hour_utc
        now = self.store_now()
        posted = 0
        for state in await store.list_unreminded_polls(rules.reminder_cutoff(now, hour)):
            status = rules.reminder_status(state, now, hour=hour)
            outbox = outboxes.get(state.platform)
            if status == "due" and (outbox is None or not outbox.polls_settled):
                continue  # wait for the adapter: the reminder is the whole point
            if status not in ("due", "stale"):
                continue
            claimed = await store.claim_reminder(state.id)
            if claimed is None:
                continue  # another process took it
            if status == "stale" or outbox is None:
                log.info("poll %d: its forecast was due before it started; no reminder", state.id)
                continue
            ref = self._message(claimed)
            try:
                conv = outbox.conversation(claimed.channel_id, ref.thread_id if ref else None)
                await conv.reply(_clean(due_reminder(claimed, conv.capabilities)), in_thread=True)
            except Exception:
                log.exception("could not post the due reminder of poll %d", claimed.id)
                continue
            posted += 1
            log.info("poll %d: due reminder posted", claimed.id)
        return posted

    async def run_timers(self, outboxes: Mapping[str, Outbox], stop: asyncio.Event) -> None:
        """Close polls and remind of due forecasts until `stop` is set; times survive restarts."""
        self.metrics.polls_open.set(len(await self.store.list_open_polls()))
        while not stop.is_set():
            try:
                await self.close_due(outboxes)
                await self.remind_due(outboxes)
                pending = await self.store.list_open_polls()
            except Exception:
                log.exception("poll timer round failed")
                pending = []
            wait = self._next_wait(pending, outboxes)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)

    def _next_wait(self, pending: list[PollState], outboxes: Mapping[str, Outbox]) -> float:
        """Seconds to the next poll that can close; a few while an adapter is not settled."""
        ready = [p for p in pending if _settled(outboxes, p.platform)]
        wait = 30.0
        if ready:  # soonest first, as the store lists them
            left = (ready[0].closes_at - self.store_now()).total_seconds()
            wait = min(max(left, 0.5), 30.0)
        if len(ready) < len(pending):
            wait = min(wait, UNSETTLED_RECHECK_S)  # polls waiting for their adapter to settle
        return wait

    def store_now(self) -> datetime:
        """The store's clock when it has one (tests move it), else the wall clock."""
        now = getattr(self.store, "now", None)
        value = now() if callable(now) else None
        return value if isinstance(value, datetime) else utcnow()

    async def open_polls(self, platform: str, channel_id: str) -> list[PollState]:
        """The open polls of one channel, soonest closing first."""
        return [
            p
            for p in await self.store.list_open_polls()
            if p.platform == platform and p.channel_id == channel_id
        ]


async def _tell(conv: Conversation, text: str, *, private_only: bool = False) -> None:
    if await conv.reply_private(notice(text)) is None and not private_only:
        await conv.say(text)
