"""Requests and bytes to sync a 1,000-trip backlog, batched against one per trip.

Run: .venv/bin/python bench/sync_requests.py
Both runs use the reference platform on SQLite behind a recording proxy on
loopback, in this process. The last line is the batched run's request
count as a ratio of the one-trip-per-request baseline.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from platform_server import accounts, storage  # noqa: E402
from platform_server.app import ServerConfig, create_app  # noqa: E402
from platform_server.faultproxy import FaultProxy  # noqa: E402
from platform_server.runner import ServerThread  # noqa: E402
from sync.client import PlatformClient  # noqa: E402
from sync.engine import SyncConfig, SyncEngine  # noqa: E402
from sync.privacy import Consent, Privacy  # noqa: E402
from sync.store import Store  # noqa: E402

TRIPS = 1000
LIMIT = 20


def add_trips(store: Store) -> None:
    with store.write() as db:
        db["trips"].insert_all(
            {"id": f"trip{i:05d}", "vehicle": "Demo EV", "status": "closed",
             "started_at": 1.75e9 + i * 3600, "ended_at": 1.75e9 + i * 3600 + 900,
             "distance_m": 12_000.0, "duration_s": 900.0, "avg_speed_kmh": 48.0,
             "max_speed_kmh": 95.0, "energy_used_kwh": 1.9, "sample_count": 900}
            for i in range(TRIPS)
        )


def run(folder: Path, name: str, batch_size: int) -> tuple[int, int, float]:
    """Sync the backlog once; return requests, bytes sent and seconds."""
    database = f"sqlite:///{folder / (name + '-platform.db')}"
    engine = storage.connect(database)
    app = create_app(ServerConfig(database_url=database, rate_per_s=10_000, burst=10_000),
                     engine=engine)
    owner = accounts.create_owner(engine, "bench@example.com", "bench password")
    grant = accounts.start_device_authorization(engine, "bench", 600, 0)
    accounts.decide_user_code(engine, grant.user_code, owner, True)
    token = accounts.exchange_device_code(engine, grant.device_code, "bench")

    store = Store(folder / f"{name}-headunit.db")
    add_trips(store)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    with ServerThread(app) as server, FaultProxy(server.url) as proxy:
        sync = SyncEngine(store, PlatformClient(proxy.url, token), model="Demo EV",
                          position=lambda: (31.23, 121.47),
                          config=SyncConfig(batch_size=batch_size))
        started = time.perf_counter()
        sync.drain()
        elapsed = time.perf_counter() - started
        sent = sum(len(r.body) for r in proxy.requests)
        count = len(proxy.requests)
    state = sync.status.state
    store.close()
    engine.dispose()
    if state != "synced":
        raise SystemExit(f"{name} run ended {state}, not synced")
    return count, sent, elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        baseline = run(Path(folder), "baseline", batch_size=1)
        batched = run(Path(folder), "batched", batch_size=100)
    print(f"trips in the backlog: {TRIPS}")
    for name, (count, sent, elapsed) in (("one per request", baseline), ("batched", batched)):
        print(f"{name:>16}: {count:5d} requests, {sent / 1024:8.1f} KiB request bodies, "
              f"{elapsed:6.2f} s")
    verdict = "within" if batched[0] <= LIMIT else "OVER"
    print(f"batched requests: {batched[0]} ({verdict} the limit of {LIMIT})")
    print(f"requests, batched vs one per request: {batched[0] / baseline[0]:.3f}x")


if __name__ == "__main__":
    main()
