"""Outbound pacing for the chat adapters: posts per channel spaced out, refused channels rested."""

# Platforms rate-limit posts per channel (Slack about one message a second, Discord five per five
# seconds) and count refused requests against the app (Discord bans an IP after 10,000 invalid
# requests in 10 minutes). So each adapter keeps one ChannelPacer: every post to a channel first
# takes the next free slot, and a channel that refused a post (no access, not a member) is not
# tried again until its rest is over. Neutral asyncio only, so it imports no platform SDK.

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class ChannelRested(Exception):
    """A post was not sent: the channel refused an earlier one and is resting."""

    def __init__(self, channel: str, seconds_left: float) -> None:
        super().__init__(
            f"channel {channel} refused an earlier post; not trying again for {seconds_left:.0f} s"
        )
        self.channel = channel
        self.seconds_left = seconds_left


class ChannelPacer:
    """Per-channel posts one at a time, `interval_s` apart; a rest after a refusal.

    A post holds its channel until its request is answered and the next starts `interval_s`
    after that answer, so posts to one channel go out in order and reach the platform at least
    an interval apart, however the event loop and the network schedule them.
    """

    def __init__(
        self,
        *,
        interval_s: float = 1.0,
        rest_s: float = 300.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval_s = interval_s
        self.rest_s = rest_s
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._rested_until: dict[str, float] = {}

    def resting(self, channel: str) -> float:
        """Seconds left of the channel's rest (0 when it may be tried)."""
        until = self._rested_until.get(channel)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._rested_until[channel]
            return 0.0
        return left

    def _check(self, channel: str) -> None:
        left = self.resting(channel)
        if left > 0:
            raise ChannelRested(channel, left)

    @contextlib.asynccontextmanager
    async def slot(self, channel: str) -> AsyncIterator[None]:
        """Hold the channel's next slot while posting; raise ChannelRested while it rests."""
        self._check(channel)
        lock = self._locks.get(channel)
        if lock is None:
            if len(self._locks) > 4096:
                self._forget_idle()
            lock = self._locks[channel] = asyncio.Lock()
        async with lock:
            self._check(channel)  # refused while this post waited its turn
            wait = self._next.get(channel, 0.0) - self._clock()
            if wait > 0:
                await self._sleep(wait)
            try:
                yield
            finally:
                # Counted from the answer, not the request: the platform saw this post no later
                # than it answered, so the next one reaches it at least `interval_s` after.
                self._next[channel] = self._clock() + self.interval_s

    def refused(self, channel: str) -> None:
        """The channel refused a post (403, not a member): rest it for `rest_s`."""
        if self.resting(channel) <= 0:
            log.warning("channel %s refused a post; resting it for %.0f s", channel, self.rest_s)
        self._rested_until[channel] = self._clock() + self.rest_s

    def _forget_idle(self) -> None:
        # Channels nobody is posting to carry no state worth keeping; bound the tables.
        now = self._clock()
        for channel, lock in list(self._locks.items()):
            if not lock.locked() and self._next.get(channel, 0.0) <= now:
                del self._locks[channel]
                self._next.pop(channel, None)
