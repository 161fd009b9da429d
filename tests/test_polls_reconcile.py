"""Pure reconciliation of stored votes with a platform's full voter lists (native polls)."""

from __future__ import annotations

import random

import pytest

from bot import polls
from bot.poll_errors import InvalidOption


def apply(stored: dict[str, int], changes: polls.VoteChanges) -> dict[str, int]:
    """The stored votes after the changes, applied as the store applies them."""
    after = dict(stored)
    for person, option in changes.withdrawn.items():
        if after.get(person) == option:
            del after[person]
    after.update(changes.cast)
    return after


def test_votes_missed_while_away_are_cast() -> None:
    """People the platform lists but the store lacks get their vote recorded."""
    changes = polls.reconcile_votes({"a": 0}, {0: ["a", "b"], 1: ["c"]}, 3)
    assert changes.cast == {"b": 0, "c": 1}
    assert changes.withdrawn == {}


def test_a_vote_the_platform_no_longer_shows_is_withdrawn() -> None:
    """A stored person listed on no answer took their vote back: withdrawn from its answer."""
    changes = polls.reconcile_votes({"a": 0, "b": 2}, {0: ["a"], 1: [], 2: []}, 3)
    assert changes.withdrawn == {"b": 2}
    assert changes.cast == {}


def test_a_changed_vote_moves_to_the_listed_answer() -> None:
    """Someone stored on one answer and listed on another has changed their vote."""
    changes = polls.reconcile_votes({"a": 0}, {1: ["a"]}, 2)
    assert changes.cast == {"a": 1}
    assert changes.withdrawn == {}


def test_matching_lists_change_nothing() -> None:
    """When the store already matches, there is nothing to do (and the changes are falsy)."""
    changes = polls.reconcile_votes({"a": 0, "b": 1}, {0: ["a"], 1: ["b"]}, 2)
    assert not changes
    assert changes == polls.VoteChanges()


def test_reconciling_twice_changes_nothing_the_second_time() -> None:
    """Applying the changes and reconciling again with the same lists yields no changes."""
    stored = {"a": 0, "b": 1, "gone": 2}
    lists = {0: ["b", "new"], 1: ["a"], 2: []}
    after = apply(stored, polls.reconcile_votes(stored, lists, 3))
    assert after == {"a": 1, "b": 0, "new": 0}
    assert not polls.reconcile_votes(after, lists, 3)


def test_one_vote_per_person_when_listed_on_several_answers() -> None:
    """A person on several answers keeps the stored one if listed there, else the first one."""
    lists = {2: ["a", "b"], 1: ["a", "b"]}
    changes = polls.reconcile_votes({"a": 2}, lists, 3)
    assert changes.cast == {"b": 1}  # "a" keeps answer 2, which the platform also shows
    assert polls.reconcile_votes({"a": 0}, lists, 3).cast == {"a": 1, "b": 1}


def test_an_answer_the_poll_lacks_is_refused() -> None:
    """Lists naming an answer the poll does not have belong to another poll: InvalidOption."""
    with pytest.raises(InvalidOption):
        polls.reconcile_votes({"a": 0}, {0: ["a"], 3: ["b"]}, 3)
    with pytest.raises(InvalidOption):
        polls.reconcile_votes({}, {-1: []}, 3)


def test_empty_lists_withdraw_everyone() -> None:
    """A platform that lists nobody means every stored vote was taken back."""
    changes = polls.reconcile_votes({"a": 0, "b": 1}, {}, 2)
    assert changes.withdrawn == {"a": 0, "b": 1}
    assert changes.cast == {}


def test_random_cases_end_equal_to_the_platform() -> None:
    """On random stores and single-answer lists, applying the changes yields the lists exactly."""
    rng = random.Random(7)
    people = [f"u{i}" for i in range(40)]
    for _ in range(200):
        n = rng.randint(2, 10)
        stored = {u: rng.randrange(n) for u in rng.sample(people, rng.randint(0, 40))}
        truth = {u: rng.randrange(n) for u in rng.sample(people, rng.randint(0, 40))}
        lists: dict[int, list[str]] = {}
        for person, option in truth.items():
            lists.setdefault(option, []).append(person)
        changes = polls.reconcile_votes(stored, lists, n)
        assert apply(stored, changes) == truth
        assert set(changes.cast).isdisjoint(changes.withdrawn)
        assert all(stored.get(u) != o for u, o in changes.cast.items())
