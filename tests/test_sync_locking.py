"""The recorder, the sync engine and a long export read share one database file."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sync.engine import SyncConfig
from sync.outbox import Outbox
from sync.store import Store
from sync.triplog import TripLog
from tests.platform_fixtures import Platform, platform  # noqa: F401
from tests.test_sync_faults import paired_engine
from tests.trip_fixtures import add_closed_trips

SAMPLES = 600


def test_no_sample_lost_while_sync_and_export_run(platform: Platform, db_path: Path) -> None:
    setup = Store(db_path)
    add_closed_trips(setup, 400, samples=20)
    setup.close()
    token = platform.owner_token("locks@example.com")
    errors: list[BaseException] = []
    recording_done = threading.Event()

    recorder_store = Store(db_path)
    trip_log = TripLog(recorder_store)
    trip_id = trip_log.start_trip("Demo EV", 1_800_000_000.0)

    def record() -> None:
        # 600 samples at 1 Hz of trip time, written 200 times faster than real time.
        try:
            for second in range(SAMPLES):
                trip_log.add_sample(trip_id, 1_800_000_000.0 + second,
                                    {"speed_kmh": 50.0, "latitude": 31.2, "longitude": 121.4})
                time.sleep(0.005)
        except BaseException as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)
        finally:
            recording_done.set()

    def sync() -> None:
        store = Store(db_path)
        engine = paired_engine(store, platform.url, token,
                               SyncConfig(batch_size=10, backoff_base_s=0.01,
                                          backoff_cap_s=0.05, interval_s=60))
        try:
            while not recording_done.is_set():
                engine.drain(max_passes=50)
                engine._set_status(next_attempt_at=None)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            store.close()

    def export() -> None:
        # A plain connection, as an export tool would open: one long read
        # transaction over every sample, fetched slowly.
        connection = sqlite3.connect(db_path, timeout=10)
        try:
            while not recording_done.is_set():
                connection.execute("BEGIN")
                cursor = connection.execute("SELECT * FROM samples ORDER BY trip_id, t")
                while cursor.fetchmany(200):
                    time.sleep(0.01)
                connection.execute("COMMIT")
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target) for target in (record, sync, export)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    stored = recorder_store.query("select count(*) as n from samples where trip_id = ?",
                                  [trip_id])[0]["n"]
    outbox = Outbox(recorder_store).counts()
    assert errors == []
    assert stored == SAMPLES
    assert outbox.get("sent", 0) == 400
    assert recorder_store.integrity_check() == "ok"
