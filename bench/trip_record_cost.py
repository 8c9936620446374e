"""Cost of recording one 1 Hz sample, against a plain sqlite3 insert loop.

Run: .venv/bin/python bench/trip_record_cost.py
Feeds a 20-minute drive at one update batch a second through the real
recorder (state, events, write queue, one transaction per sample) and
times it per stored sample. The baseline, measured in the same run on
the same disk, inserts as many rows of the same width with the sqlite3
module, one committed transaction each, in WAL mode with
synchronous=NORMAL like the store. The last line is recorder / baseline.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from tripbench import record

SECONDS = 1200
ROUNDS = 3


def baseline(db_path: Path, rows: int) -> float:
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(
        "create table samples (trip_id text, t float, speed_kmh float, distance_m float,"
        " soc_percent float, power_w float, energy_kwh float, fuel_percent float,"
        " latitude float, longitude float, odometer_km float, gear integer,"
        " climate_power_w float, logged text, primary key (trip_id, t))"
    )
    trip_id = "0" * 32
    started = time.perf_counter()
    for index in range(rows):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "insert into samples values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (trip_id, index, 50.0, index * 13.9, 80.0, 12_000.0, index * 0.003, None,
             48.1 + index * 1e-4, 11.5, 20_000.0 + index * 0.01, 127, 850.0,
             "[12.5,300000,16.4]"),
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed / rows


def recorder(db_path: Path) -> tuple[float, int]:
    store, elapsed = record(db_path, SECONDS, per_second=1)
    samples = store.query("select count(*) as n from samples")[0]["n"]
    store.close()
    return elapsed / samples, samples


def main() -> None:
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(ROUNDS):
            per_sample, samples = recorder(Path(folder) / f"recorder{number}.db")
            ours.append(per_sample)
            theirs.append(baseline(Path(folder) / f"plain{number}.db", samples))
    best_ours, best_theirs = min(ours), min(theirs)
    print(f"recorder: {best_ours * 1e6:.0f} us per stored sample (best of {ROUNDS})")
    print(f"plain sqlite3 insert and commit: {best_theirs * 1e6:.0f} us per row")
    print(f"{best_ours / best_theirs:.2f}x")


if __name__ == "__main__":
    main()
