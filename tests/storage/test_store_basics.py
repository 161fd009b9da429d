"""The store's operations, run on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_support import FakeClock, Target

from bot.poll_errors import InvalidOption, PollClosed, PollNotFound, StorageError
from bot.poll_models import PollSpec
from bot.storage.records import ChannelConfig, Share
from bot.storage.tables import processed_events, votes
from bot.store import SqlStore

SPEC = PollSpec(
    "Will rates fall by June?", ("Will happen", "Won't happen", "Too early"), timedelta(hours=24)
)


async def _new_poll(store: SqlStore, spec: PollSpec = SPEC, starter: str = "alice") -> int:
    state = await store.create_poll(spec, platform="console", channel_id="c1", starter_id=starter)
    return state.id


async def _vote_rows(store: SqlStore, poll_id: int) -> dict[str, int]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(votes.c.user_id, votes.c.option).where(votes.c.poll_id == poll_id)
        )
        return {user: option for user, option in rows}


async def test_analysis_round_trip_and_expiry(store: SqlStore, clock: FakeClock) -> None:
    """A cached analysis is returned until its TTL passes, and saving again replaces it."""
    await store.save_analysis("https://example.org/a", {"schema": "x", "n": 1}, ttl_s=60)
    assert await store.get_analysis("https://example.org/a") == {"schema": "x", "n": 1}
    assert await store.get_analysis("https://example.org/other") is None
    await store.save_analysis("https://example.org/a", {"n": 2}, ttl_s=60)
    assert await store.get_analysis("https://example.org/a") == {"n": 2}
    clock.advance(seconds=61)
    assert await store.get_analysis("https://example.org/a") is None
    assert await store.prune() == 1


async def test_recent_share_is_found_only_in_its_channel_and_window(
    store: SqlStore, clock: FakeClock
) -> None:
    """A repeat link finds the latest answer in the same channel within the window only."""
    url = "https://example.org/story"
    first = Share("console", "c1", url, clock.now, message_id="m1", user_id="alice")
    await store.record_share(first)
    clock.advance(minutes=5)
    await store.record_share(Share("console", "c1", url, clock.now, message_id="m2"))
    found = await store.find_recent_share("console", "c1", url, timedelta(minutes=10))
    assert found is not None and found.message_id == "m2"
    assert found.shared_at == clock.now
    assert await store.find_recent_share("console", "c2", url, timedelta(hours=1)) is None
    assert await store.find_recent_share("slack", "c1", url, timedelta(hours=1)) is None
    clock.advance(minutes=11)
    assert await store.find_recent_share("console", "c1", url, timedelta(minutes=10)) is None


async def test_channel_settings_round_trip(store: SqlStore) -> None:
    """Channel settings are absent until set, then read back exactly, and a second set replaces."""
    assert await store.get_channel_settings("console", "c1") is None
    config = ChannelConfig(
        "console",
        "c1",
        mode="reaction",
        reply="inline",
        languages=("en", "de"),
        allow_domains=("example.org",),
        deny_domains=("spam.example",),
        poll_duration_h=48.0,
        updated_by="admin",
    )
    await store.set_channel_settings(config)
    got = await store.get_channel_settings("console", "c1")
    assert got is not None and got.updated_at is not None
    assert got == ChannelConfig(**{**_fields(config), "updated_at": got.updated_at})
    await store.set_channel_settings(ChannelConfig("console", "c1", mode="off"))
    again = await store.get_channel_settings("console", "c1")
    assert again is not None and again.mode == "off" and again.languages == ()
    assert await store.get_channel_settings("console", "c2") is None


def _fields(config: ChannelConfig) -> dict[str, object]:
    return {name: getattr(config, name) for name in ChannelConfig.__slots__}


async def test_create_poll_stores_question_options_and_expiry(
    store: SqlStore, clock: FakeClock
) -> None:
    """A new poll is open, keeps its answers in order and closes start + duration later."""
    spec = PollSpec("Q?", ("yes", "no"), timedelta(hours=3), prediction_i=7, source_url="u")
    state = await store.create_poll(
        spec, platform="console", channel_id="c1", starter_id="alice", message_ref="m9"
    )
    assert state.is_open and state.voters == 0 and state.tally.counts == (0, 0)
    assert [o.text for o in state.options] == ["yes", "no"]
    assert state.closes_at - state.created_at == timedelta(hours=3)
    assert state.created_at == clock.now
    assert (state.prediction_i, state.source_url, state.message_ref) == (7, "u", "m9")
    assert await store.get_poll(state.id) == state
    assert [p.id for p in await store.list_open_polls()] == [state.id]


async def test_poll_message_lookup(store: SqlStore) -> None:
    """A poll can be found again by the platform message that shows it."""
    poll_id = await _new_poll(store)
    await store.set_poll_message(poll_id, "msg-42")
    found = await store.find_poll_by_message("console", "msg-42")
    assert found is not None and found.id == poll_id
    assert await store.find_poll_by_message("slack", "msg-42") is None


async def test_changing_a_vote_keeps_one_row(store: SqlStore) -> None:
    """A second click by the same person replaces the vote; a repeat click does not toggle it."""
    poll_id = await _new_poll(store)
    assert await store.cast_vote(poll_id, "bob", 0) == 1
    assert await store.cast_vote(poll_id, "bob", 2) == 1
    assert await store.cast_vote(poll_id, "bob", 2) == 1
    assert await store.cast_vote(poll_id, "carol", 2) == 2
    assert await _vote_rows(store, poll_id) == {"bob": 2, "carol": 2}
    assert (await store.get_poll(poll_id)).tally.counts == (0, 0, 2)


async def test_bad_votes_are_refused(store: SqlStore) -> None:
    """Votes for a missing poll or an answer the poll does not have are refused, nothing stored."""
    poll_id = await _new_poll(store)
    with pytest.raises(InvalidOption):
        await store.cast_vote(poll_id, "bob", 3)
    with pytest.raises(InvalidOption):
        await store.cast_vote(poll_id, "bob", -1)
    with pytest.raises(PollNotFound):
        await store.cast_vote(poll_id + 1000, "bob", 0)
    with pytest.raises(PollNotFound):
        await store.get_poll(poll_id + 1000)
    assert await _vote_rows(store, poll_id) == {}


async def test_close_reveals_tally_and_refuses_later_votes(store: SqlStore) -> None:
    """Closing returns the counted tally; later votes and a second close say the poll is closed."""
    poll_id = await _new_poll(store)
    for user, option in [("a", 0), ("b", 0), ("c", 1)]:
        await store.cast_vote(poll_id, user, option)
    closed = await store.close_poll(poll_id, closed_by="alice")
    assert closed.status == "closed" and closed.closed_by == "alice"
    assert closed.tally.counts == (2, 1, 0)
    with pytest.raises(PollClosed, match=r"^This poll is closed\.$"):
        await store.cast_vote(poll_id, "d", 2)
    with pytest.raises(PollClosed):
        await store.close_poll(poll_id)
    assert await store.list_open_polls() == []
    assert (await store.get_poll(poll_id)).tally == closed.tally


async def test_expired_poll_refuses_votes_and_is_due(store: SqlStore, clock: FakeClock) -> None:
    """Past its closing time a poll takes no votes and is listed as due until it is closed."""
    soon = await _new_poll(store, PollSpec("Q?", ("y", "n"), timedelta(hours=1)))
    later = await _new_poll(store, PollSpec("Q2?", ("y", "n"), timedelta(hours=5)))
    await store.cast_vote(soon, "a", 1)
    assert await store.list_due_polls() == []
    clock.advance(hours=1)
    with pytest.raises(PollClosed):
        await store.cast_vote(soon, "b", 0)
    assert [p.id for p in await store.list_due_polls()] == [soon]
    assert [p.id for p in await store.list_open_polls()] == [soon, later]
    closed = await store.close_poll(soon)
    assert closed.tally.counts == (0, 1) and closed.closed_by is None
    assert await store.list_due_polls() == []


async def test_event_keys_are_claimed_once(store: SqlStore) -> None:
    """An event id is new the first time only, per platform."""
    assert await store.mark_event_processed("slack", "evt-1") is True
    assert await store.mark_event_processed("slack", "evt-1") is False
    assert await store.mark_event_processed("discord", "evt-1") is True


async def test_redelivered_vote_event_does_not_undo_a_later_change(store: SqlStore) -> None:
    """A platform retry of an old click is ignored, so it cannot overwrite the newer vote."""
    poll_id = await _new_poll(store)
    await store.cast_vote(poll_id, "bob", 0, event_key="e1")
    await store.cast_vote(poll_id, "bob", 1, event_key="e2")
    assert await store.cast_vote(poll_id, "bob", 0, event_key="e1") == 1
    assert await _vote_rows(store, poll_id) == {"bob": 1}


async def test_refused_vote_leaves_its_event_unclaimed(store: SqlStore) -> None:
    """A vote refused for a bad answer does not burn its event key (the transaction rolls back)."""
    poll_id = await _new_poll(store)
    with pytest.raises(InvalidOption):
        await store.cast_vote(poll_id, "bob", 9, event_key="e1")
    async with store.engine.connect() as conn:
        n = (await conn.execute(sa.select(sa.func.count()).select_from(processed_events))).scalar()
    assert n == 0


async def test_prune_drops_old_event_keys_and_shares(store: SqlStore, clock: FakeClock) -> None:
    """Event keys and shares older than their retention are deleted, newer ones kept."""
    await store.mark_event_processed("slack", "old")
    await store.record_share(Share("slack", "c", "https://x.org/old", clock.now))
    clock.advance(days=3)
    await store.mark_event_processed("slack", "new")
    await store.record_share(Share("slack", "c", "https://x.org/new", clock.now))
    assert (
        await store.prune(events_older_than=timedelta(days=2), shares_older_than=timedelta(days=1))
        == 2
    )
    assert await store.mark_event_processed("slack", "new") is False
    assert await store.mark_event_processed("slack", "old") is True
    week = timedelta(days=7)
    assert await store.find_recent_share("slack", "c", "https://x.org/new", week) is not None
    assert await store.find_recent_share("slack", "c", "https://x.org/old", week) is None


async def test_restart_keeps_polls_and_votes(
    store: SqlStore, target: Target, clock: FakeClock
) -> None:
    """After closing and reopening, polls, votes and the open polls to re-arm are all there."""
    open_id = await _new_poll(store)
    closed_id = await _new_poll(store)
    await store.cast_vote(open_id, "a", 1)
    await store.cast_vote(closed_id, "b", 0)
    await store.close_poll(closed_id)
    before = await store.get_poll(open_id)
    await store.close()
    reopened = await SqlStore.open(target.url, schema=target.schema, clock=clock)
    try:
        assert [p.id for p in await reopened.list_open_polls()] == [open_id]
        assert await reopened.get_poll(open_id) == before
        assert (await reopened.get_poll(closed_id)).tally.counts == (1, 0, 0)
        assert await reopened.cast_vote(open_id, "c", 2) == 2
    finally:
        await reopened.close()


async def test_ping(store: SqlStore) -> None:
    """The health check answers True on a working database."""
    assert await store.ping() is True


@pytest.mark.parametrize(
    "url",
    ["sqlite+aiosqlite:///{tmp}/a-file/unspin.db", "postgresql+asyncpg://postgres@127.0.0.1:1/x"],
    ids=["sqlite-unwritable", "postgres-unreachable"],
)
async def test_an_unusable_database_is_one_plain_error(url: str, tmp_path: Path) -> None:
    """A database that cannot be created or reached gives one plain sentence, not a trace."""
    (tmp_path / "a-file").write_text("not a directory")
    with pytest.raises(StorageError, match=r"^The database could not be opened\.$"):
        await SqlStore.open(url.format(tmp=tmp_path))
