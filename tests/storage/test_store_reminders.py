"""Due reminders in the store: due dates kept with polls, listed when due, claimed once."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from store_support import FakeClock, Target

from bot.poll_models import PollSpec
from bot.storage import migrate
from bot.store import SqlStore

DUE = date(2027, 3, 3)


def _spec(resolve_by: date | None = DUE, by: str | None = "author") -> PollSpec:
    return PollSpec(
        "Will the bridge open by March 2027?",
        ("Will happen", "Won't happen"),
        timedelta(hours=24),
        resolve_by=resolve_by,
        predicted_by=by,
    )


async def _poll(store: SqlStore, spec: PollSpec) -> int:
    state = await store.create_poll(spec, platform="console", channel_id="c1", starter_id="ann")
    return state.id


async def test_due_date_and_forecaster_round_trip(store: SqlStore) -> None:
    """A poll keeps its due date and who predicted it; a poll without either keeps None."""
    dated = await store.get_poll(await _poll(store, _spec(by="CBS' Holly Williams")))
    plain = await store.get_poll(await _poll(store, _spec(None, None)))
    assert (dated.resolve_by, dated.predicted_by, dated.reminded_at) == (
        DUE,
        "CBS' Holly Williams",
        None,
    )
    assert (plain.resolve_by, plain.predicted_by) == (None, None)


async def test_unreminded_polls_are_listed_by_due_date_open_or_closed(store: SqlStore) -> None:
    """Listing returns polls due on or before the day, closed ones too, never undated ones."""
    early = await _poll(store, _spec(DUE - timedelta(days=1)))
    on_day = await _poll(store, _spec(DUE))
    later = await _poll(store, _spec(DUE + timedelta(days=1)))
    await _poll(store, _spec(None))
    await store.close_poll(early)
    listed = {p.id for p in await store.list_unreminded_polls(DUE)}
    assert listed == {early, on_day}
    assert later not in {p.id for p in await store.list_unreminded_polls(DUE)}


async def test_a_reminder_is_claimed_once(store: SqlStore, clock: FakeClock) -> None:
    """The first claim returns the poll stamped with the time, the second nothing."""
    poll_id = await _poll(store, _spec())
    await store.cast_vote(poll_id, "bob", 1)
    claimed = await store.claim_reminder(poll_id)
    assert claimed is not None and claimed.reminded_at == clock.now
    assert claimed.tally.counts == (0, 1)
    assert await store.claim_reminder(poll_id) is None
    assert await store.list_unreminded_polls(DUE) == []


async def test_two_stores_racing_for_one_reminder_get_it_once(
    store: SqlStore, target: Target, clock: FakeClock
) -> None:
    """Two processes' stores claiming the same reminder at once: exactly one wins."""
    poll_ids = [await _poll(store, _spec()) for _ in range(5)]
    other = await SqlStore.open(target.url, schema=target.schema, clock=clock)
    try:
        for poll_id in poll_ids:
            results = await asyncio.gather(
                store.claim_reminder(poll_id), other.claim_reminder(poll_id)
            )
            assert sum(r is not None for r in results) == 1
    finally:
        await other.close()


def _poll_columns(conn: Connection) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns("polls")}


async def _seed_old_poll(engine: AsyncEngine, clock: FakeClock) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO polls (id, platform, channel_id, question, starter_id, hide_results,"
                " created_at, closes_at, status) VALUES (1, 'console', 'c1', 'Q?', 's', :h,"
                " :t, :t, 'open')"
            ),
            {"t": clock.now, "h": True},
        )


async def test_polls_from_before_the_migration_owe_no_reminder(
    engine: AsyncEngine, target: Target, clock: FakeClock
) -> None:
    """A poll stored at revision 0005 has no due date after the upgrade and is never listed."""
    await migrate.upgrade(engine, "0005", schema=target.schema)
    await _seed_old_poll(engine, clock)
    await migrate.upgrade(engine, schema=target.schema)
    store = SqlStore(engine, clock=clock)
    old = await store.get_poll(1)
    assert (old.resolve_by, old.predicted_by, old.reminded_at) == (None, None, None)
    assert await store.list_unreminded_polls(date(2100, 1, 1)) == []


async def test_an_interrupted_reminder_migration_leaves_revision_0005(
    engine: AsyncEngine,
    target: Target,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Revision 0006 dying after its last step rolls back whole: 0005, no new columns, data kept."""
    await migrate.upgrade(engine, "0005", schema=target.schema)
    await _seed_old_poll(engine, clock)
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, scripts)
    revision = scripts / "versions" / "0006_poll_due_reminders.py"
    source = revision.read_text()
    last_step = '["reminded_at", "resolve_by"])\n'
    assert last_step in source
    revision.write_text(
        source.replace(last_step, last_step + '    raise RuntimeError("interrupted")\n', 1)
    )
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION", scripts)
    with pytest.raises(RuntimeError, match="interrupted"):
        await migrate.upgrade(engine, schema=target.schema)
    assert await migrate.current_revision(engine) == "0005"
    async with engine.connect() as conn:
        assert not {"resolve_by", "predicted_by", "reminded_at"} & await conn.run_sync(
            _poll_columns
        )
        assert (await conn.execute(sa.text("SELECT count(*) FROM polls"))).scalar() == 1
