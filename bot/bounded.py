"""A small mapping that forgets its oldest entries beyond a size limit (long-lived caches)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")


class BoundedMap(Generic[K, V]):
    """Insertion-ordered map of at most `limit` entries; setting an entry makes it the newest.

    For in-process lookups that have a slower source of truth behind them (the store), so that
    a service running for months keeps a bounded amount of memory.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._items: OrderedDict[K, V] = OrderedDict()

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: V) -> V: ...

    def get(self, key: K, default: V | None = None) -> V | None:
        """The value for `key`, or `default` when it is unknown or was forgotten."""
        return self._items.get(key, default)

    def __setitem__(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
