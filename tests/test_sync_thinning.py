"""Trips the platform accepted become synced, so the storage budget may thin them."""

from __future__ import annotations

from pathlib import Path

from sync.outbox import Outbox
from sync.retention import enforce_budget, used_bytes
from sync.store import Store
from sync.triplog import TripLog
from tests.platform_fixtures import Platform, platform  # noqa: F401
from tests.test_sync_faults import paired_engine, server_trip_ids
from tests.trip_fixtures import add_closed_trips

SAMPLES = 600


def sample_count(store: Store, trip_id: str) -> int:
    rows = store.query("select count(*) as n from samples where trip_id = ?", [trip_id])
    return rows[0]["n"]


def test_uploaded_trip_synced_then_thinned(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    ids = add_closed_trips(store, 4, samples=SAMPLES)
    with store.write() as db:
        # Above the API's 1000 km/h bound, so the platform rejects this one.
        db.execute("update trips set max_speed_kmh = 5000 where id = ?", [ids[0]])
    log = TripLog(store)
    assert [trip.id for trip in log.unsynced_trips()] == ids

    engine = paired_engine(store, platform.url, platform.owner_token("thin@example.com"))
    engine.drain()

    assert sorted(server_trip_ids(platform)) == ids[1:]
    assert [trip.id for trip in log.unsynced_trips()] == [ids[0]]
    for trip_id in ids[1:]:
        assert log.get(trip_id).synced_at is not None

    # Just below what is in use: thinning the oldest synced trip is enough.
    report = enforce_budget(store, used_bytes(store) - 1)
    assert report.thinned_trips == [ids[1]]
    assert report.evicted_trips == []
    assert log.get(ids[1]).samples_state == "thinned"
    assert sample_count(store, ids[1]) < SAMPLES // 5
    for trip_id in ids[2:]:
        assert sample_count(store, trip_id) == SAMPLES

    # Nothing left to free: synced samples go, the rejected trip stays whole.
    report = enforce_budget(store, 1)
    assert set(report.evicted_trips) == set(ids[1:])
    assert log.get(ids[0]).samples_state == "full"
    assert sample_count(store, ids[0]) == SAMPLES
    assert report.warning is not None


def test_trip_with_pending_trace_not_synced(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    ids = add_closed_trips(store, 2, samples=60)
    # A trace queued by an earlier consent, not yet sendable at summaries level.
    Outbox(store).enqueue("trace", ref=ids[0], item_id=f"trace-{ids[0]}", now=0)

    engine = paired_engine(store, platform.url, platform.owner_token("trace@example.com"))
    engine.drain()

    log = TripLog(store)
    assert sorted(server_trip_ids(platform)) == ids
    assert log.get(ids[0]).synced_at is None
    assert log.get(ids[1]).synced_at is not None
