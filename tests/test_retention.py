"""Bounded storage: synced samples thinned then evicted, unsynced data kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.retention import enforce_budget, used_bytes
from sync.store import Store
from sync.triplog import TripLog, TripLogError


def fill(log: TripLog, trips: int, seconds: int) -> list[str]:
    ids = []
    for number in range(trips):
        start = 1_000_000.0 + number * 10_000
        trip_id = log.start_trip("demo", start)
        log.add_samples(trip_id, [
            (start + s, {"speed_kmh": 50.0, "distance_m": 13.9 * s,
                         "latitude": 48.0 + s * 1e-5, "longitude": 11.0})
            for s in range(seconds)
        ])
        log.close_trip(trip_id, start + seconds, "parked")
        ids.append(trip_id)
    return ids


def test_synced_trips_thinned_before_evicted(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    ids = fill(log, 4, 1800)
    log.mark_synced(ids[:3], 2_000_000.0)
    before = {trip_id: log.get(trip_id) for trip_id in ids}
    full = used_bytes(store)

    # A budget that thinning three of four trips to 1 sample in 10 meets.
    report = enforce_budget(store, int(full * 0.5))

    assert report.thinned_trips == ids[:3]
    assert report.evicted_trips == []
    assert report.used_bytes <= full * 0.5
    assert len(log.samples(ids[0])) == 181
    assert len(log.samples(ids[3])) == 1800
    assert log.get(ids[0]).distance_m == before[ids[0]].distance_m
    assert log.get(ids[0]).samples_state == "thinned"
    store.close()


def test_eviction_oldest_first_keeps_summaries(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    ids = fill(log, 4, 1800)
    log.mark_synced(ids[:3], 2_000_000.0)
    full = used_bytes(store)

    report = enforce_budget(store, int(full * 0.3))

    assert report.evicted_trips[0] == ids[0]
    assert ids[3] not in report.evicted_trips
    assert log.samples(ids[0]) == []
    assert log.get(ids[0]).samples_state == "evicted"
    assert log.get(ids[0]).distance_m == pytest.approx(13.9 * 1799)
    assert len(log.samples(ids[3])) == 1800
    store.close()


def test_unsynced_data_never_evicted_warns(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    ids = fill(log, 2, 1800)
    full = used_bytes(store)

    report = enforce_budget(store, int(full * 0.5))

    assert report.thinned_trips == []
    assert report.evicted_trips == []
    assert all(len(log.samples(trip_id)) == 1800 for trip_id in ids)
    assert report.warning is not None
    assert "2 trips are not synced" in report.warning
    store.close()


def test_mark_synced_only_closed_trips(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    closed = fill(log, 1, 10)[0]
    running = log.start_trip("demo", 5_000_000.0)

    flagged = log.mark_synced([closed, running], 6_000_000.0)

    assert flagged == 1
    assert log.get(closed).synced
    assert not log.get(running).synced
    assert [trip.id for trip in log.unsynced_trips()] == []
    store.close()


def test_rating_validated_and_stored(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    trip_id = fill(log, 1, 10)[0]

    rated = log.rate_trip(trip_id, drive_rating=4, car_rating=5,
                          tags=["scenic", " night "], purpose="business")

    assert rated.drive_rating == 4
    assert rated.tags == ("scenic", "night")
    assert rated.purpose == "business"
    with pytest.raises(TripLogError, match="1 to 5"):
        log.rate_trip(trip_id, drive_rating=6)
    with pytest.raises(TripLogError, match="purpose"):
        log.rate_trip(trip_id, purpose="holiday")
    store.close()


def test_headunit_shows_storage_warning(db_path: Path) -> None:
    from headunit.app import HeadUnit
    from headunit.tripconfig import TripSettings

    store = Store(db_path)
    fill(TripLog(store), 2, 1800)
    store.close()
    # A budget of 0.1 MB, far below the two unsynced trips.
    headunit = HeadUnit.demo(db_path, trip_settings=TripSettings(storage_budget_mb=0.1))

    headunit.check_storage()
    status = headunit.trip_log_status
    headunit.store.close()

    assert status.writer.ok
    assert status.storage_warning is not None
    assert status.warning == status.storage_warning
    assert "not synced" in status.warning
