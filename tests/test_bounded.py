"""BoundedMap: the size cap that keeps long-lived in-process lookups from growing forever."""

from __future__ import annotations

import pytest

from bot.bounded import BoundedMap


def test_oldest_entries_are_forgotten_beyond_the_limit() -> None:
    """Past the limit the least recently set entries go first and the size stays at the limit."""
    seen: BoundedMap[str, int] = BoundedMap(3)
    for n, key in enumerate("abcde"):
        seen[key] = n
    assert len(seen) == 3
    assert seen.get("a") is None and seen.get("b") is None
    assert [seen.get(k) for k in "cde"] == [2, 3, 4]


def test_setting_again_makes_an_entry_newest() -> None:
    """Re-setting an old key protects it from the next eviction."""
    seen: BoundedMap[str, int] = BoundedMap(2)
    seen["a"] = 1
    seen["b"] = 2
    seen["a"] = 3
    seen["c"] = 4
    assert seen.get("a") == 3 and seen.get("b") is None and seen.get("c") == 4


def test_default_when_missing_and_limit_must_be_positive() -> None:
    """get() returns the default for unknown keys; a zero limit is refused."""
    seen: BoundedMap[str, float] = BoundedMap(1)
    assert seen.get("x", 0.0) == 0.0
    with pytest.raises(ValueError, match="at least 1"):
        BoundedMap(0)
