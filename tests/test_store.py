"""The SQLite store: WAL, schema migrations, short transactions, recovery."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from sync.schema import SCHEMA_VERSION
from sync.store import Store
from sync.triplog import CLOSED, RECORDING, TripLog


def test_store_uses_wal_and_schema_version(db_path: Path) -> None:
    store = Store(db_path)
    mode = store.db.execute("PRAGMA journal_mode").fetchone()[0]
    version = store.schema_version
    store.close()

    assert mode == "wal"
    assert version == SCHEMA_VERSION
    assert SCHEMA_VERSION >= 1


def test_migrations_run_once_on_reopen(db_path: Path) -> None:
    Store(db_path).close()
    store = Store(db_path)
    applied = store.query("select name from _sqlite_migrations")
    store.close()

    assert len(applied) == SCHEMA_VERSION


def test_open_trip_recovered_from_samples(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    trip_id = log.start_trip("demo", 1000.0)
    for second in range(10):
        speed = 36.0 if second < 8 else 0.0
        log.add_sample(trip_id, 1000.0 + second, {
            "speed_kmh": speed, "distance_m": 10.0 * second, "energy_kwh": 0.01 * second,
        })
    # The process dies here: the trip is never closed. A new process opens
    # the same file with its own connection.
    del log, store

    reopened = Store(db_path)
    recovered = TripLog(reopened).recover_open_trips()
    again = TripLog(reopened).recover_open_trips()
    reopened.close()

    assert len(recovered) == 1
    trip = recovered[0]
    assert trip.status == CLOSED
    assert trip.end_reason == "recovered"
    assert trip.distance_m == 90.0
    assert trip.duration_s == 9.0
    assert trip.energy_used_kwh == pytest.approx(0.09)
    assert again == []


def test_writer_waits_for_another_writer(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    trip_id = log.start_trip("demo", 0.0)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("update trips set vehicle = 'x'")
    done = threading.Event()

    def write_sample() -> None:
        log.add_sample(trip_id, 1.0, {"speed_kmh": 5.0})
        done.set()

    writer = threading.Thread(target=write_sample)
    writer.start()
    assert not done.wait(0.3)
    other.execute("COMMIT")
    writer.join(5)
    other.close()

    assert done.is_set()
    assert len(log.samples(trip_id)) == 1
    store.close()


def test_failed_write_rolls_back(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    trip_id = log.start_trip("demo", 0.0)

    with pytest.raises(RuntimeError):
        with store.write() as db:
            db["samples"].insert({"trip_id": trip_id, "t": 1.0, "speed_kmh": 1.0})
            raise RuntimeError("power lost")

    assert log.samples(trip_id) == []
    assert log.get(trip_id).status == RECORDING
    store.close()


def test_recording_trip_listed_with_figures_so_far(db_path: Path) -> None:
    store = Store(db_path)
    log = TripLog(store)
    trip_id = log.start_trip("demo", 1000.0)
    for second in range(5):
        log.add_sample(trip_id, 1000.0 + second, {"speed_kmh": 36.0, "distance_m": 10.0 * second})

    listed = log.recent()[0]
    stored = log.get(trip_id)
    store.close()

    assert listed.status == RECORDING
    assert listed.distance_m == 40.0
    assert listed.duration_s == 4.0
    assert listed.max_speed_kmh == 36.0
    assert stored.distance_m == 0.0
