"""Sliding-window rate limits per key (user, channel), in memory, with an injectable clock."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most `limit` events per `window_s` seconds for each key."""

    def __init__(
        self, limit: int, window_s: float = 60.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    def _trim(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        return hits

    def allow(self, key: str) -> bool:
        """Count one event for `key` and return True, or return False when over the limit."""
        now = self._clock()
        hits = self._trim(key, now)
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > 10_000:
            self._sweep(now)
        return True

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may act again (0 when it may now)."""
        now = self._clock()
        hits = self._trim(key, now)
        return 0.0 if len(hits) < self.limit else max(hits[0] + self.window_s - now, 0.0)

    def _sweep(self, now: float) -> None:
        # Forget idle keys so a long-running service does not grow a key per user ever seen.
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window_s]:
            del self._hits[key]
