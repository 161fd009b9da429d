"""The adapters' shared `cut`: text fits a platform limit and says when it was shortened."""

from __future__ import annotations

import pytest

from adapters.text import ELLIPSIS, cut


def test_text_within_the_limit_is_unchanged() -> None:
    """Text no longer than the limit comes back as it was, with no ellipsis."""
    assert cut("twelve chars", 12) == "twelve chars"


@pytest.mark.parametrize("limit", [1, 2, 5, 11])
def test_longer_text_is_cut_to_the_limit_with_an_ellipsis(limit: int) -> None:
    """Longer text is shortened to exactly `limit` characters, the last one an ellipsis."""
    shortened = cut("twelve chars", limit)
    assert len(shortened) == limit and shortened.endswith(ELLIPSIS)
    assert shortened[:-1] == "twelve chars"[: limit - 1]
