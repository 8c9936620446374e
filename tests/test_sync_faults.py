"""Syncing a trip backlog through a loopback proxy that injects network faults."""

from __future__ import annotations

import random
import threading
from pathlib import Path

from sqlalchemy import func, select

from platform_server import storage
from platform_server.faultproxy import FaultPlan, FaultProxy
from sync.client import PlatformClient
from sync.engine import SyncConfig, SyncEngine
from sync.outbox import Outbox
from sync.privacy import Consent, Privacy
from sync.store import Store
from tests.platform_fixtures import Platform, any_platform, platform, postgres_url  # noqa: F401
from tests.trip_fixtures import add_closed_trips

#: Short backoffs and timeouts so a faulty run ends in seconds; the engine
#: code is the same as on the car.
FAST = SyncConfig(connect_timeout_s=1.0, read_timeout_s=0.5, backoff_base_s=0.01,
                  backoff_cap_s=0.1, retry_after_cap_s=0.2, interval_s=60)


def paired_engine(store: Store, url: str, token: str, config: SyncConfig = FAST) -> SyncEngine:
    privacy = Privacy(store)
    privacy.set_consent(Consent.SUMMARIES, now=0)
    client = PlatformClient(url, token)
    return SyncEngine(store, client, model="Demo EV", config=config,
                      position=lambda: (31.2304, 121.4737), rng=random.Random(7))


def server_trip_ids(platform: Platform) -> list[str]:
    with platform.engine.connect() as connection:
        return list(connection.execute(select(storage.trips.c.id)).scalars())


def test_backlog_syncs_in_few_requests(any_platform: Platform, db_path: Path) -> None:
    platform = any_platform
    store = Store(db_path)
    add_closed_trips(store, 1000)
    token = platform.owner_token("backlog@example.com")

    with FaultProxy(platform.url) as proxy:
        engine = paired_engine(store, proxy.url, token)
        passes = engine.drain()

    assert passes == 1
    assert len(server_trip_ids(platform)) == 1000
    assert len(proxy.requests) <= 20
    assert engine.status.state == "synced"
    assert engine.status.pending == 0


def test_thousand_trips_survive_faults(any_platform: Platform, db_path: Path) -> None:
    platform = any_platform
    store = Store(db_path)
    add_closed_trips(store, 1000)
    token = platform.owner_token("faults@example.com")
    plan = FaultPlan(
        rates={"drop_request": 0.06, "drop_response": 0.08, "delay": 0.06, "reset": 0.06,
               "error_500": 0.06, "unavailable_503": 0.06, "too_many_429": 0.06,
               "duplicate": 0.08},
        delay_s=0.8, retry_after="1", seed=2024,
    )
    engine_config = SyncConfig(**{**FAST.__dict__, "batch_size": 50})

    with FaultProxy(platform.url, plan) as proxy:
        engine = paired_engine(store, proxy.url, token, engine_config)
        engine.drain(max_passes=500, stop=threading.Event())

    ids = server_trip_ids(platform)
    faults = proxy.fault_counts()
    with platform.engine.connect() as connection:
        distinct = connection.execute(
            select(func.count(func.distinct(storage.trips.c.id)))).scalar()
    print(f"{platform.backend}: {len(proxy.requests)} requests through the proxy, "
          f"faults {faults}")

    assert len(ids) == 1000
    assert distinct == 1000
    assert Outbox(store).counts() == {"sent": 1000}
    assert engine.status.state == "synced"
    for fault in plan.rates:
        assert faults.get(fault, 0) > 0, f"fault {fault} never injected"
