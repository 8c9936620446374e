"""Storage of one driving hour at 1 Hz, against the goal of 1 MB.

Run: .venv/bin/python bench/trip_storage.py
Records an hour of driving with every demo signal through the real
recorder, then prints the bytes in use per hour (database pages minus
free pages, beyond an empty database) and, last, the ratio to 1 MB.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tripbench import record

from sync.retention import used_bytes
from sync.store import Store

GOAL_BYTES = 1_000_000
HOUR_S = 3600


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        empty = Store(Path(folder) / "empty.db")
        baseline = used_bytes(empty)
        empty.close()
        store, _ = record(Path(folder) / "hour.db", HOUR_S, per_second=2)
        samples = store.query("select count(*) as n from samples")[0]["n"]
        used = used_bytes(store) - baseline
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        size = (Path(folder) / "hour.db").stat().st_size
    print(f"samples stored: {samples}")
    print(f"bytes per sample: {used / samples:.0f}")
    print(f"database pages in use per driving hour: {used / 1e6:.3f} MB "
          f"(file after checkpoint {size / 1e6:.3f} MB)")
    print(f"{used / GOAL_BYTES:.2f}x")


if __name__ == "__main__":
    main()
