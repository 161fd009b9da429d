"""Shared test fixtures: paths to our own fixtures and to the optional shared data sets."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
SHARED = TESTS.parent.parent / "shared"


@pytest.fixture
def fixtures() -> Path:
    """Directory of fixtures written for these tests."""
    return FIXTURES


@pytest.fixture
def shared_data() -> Path:
    """The shared, labelled data sets; tests using it skip when it is absent (a user's clone)."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is not present")
    return data


@pytest.fixture
def shared_seeds() -> Path:
    """The seed article and its labels; tests using it skip when it is absent."""
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not present")
    return seeds
