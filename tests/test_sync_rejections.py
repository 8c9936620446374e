"""Items the platform rejects are isolated and kept, never retried blindly."""

from __future__ import annotations

from pathlib import Path

from platform_server.faultproxy import FaultPlan, FaultProxy
from sync.outbox import Outbox
from sync.store import Store
from tests.platform_fixtures import Platform, platform  # noqa: F401
from tests.test_sync_faults import FAST, paired_engine, server_trip_ids
from tests.trip_fixtures import add_closed_trips


def test_invalid_trip_is_isolated(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    add_closed_trips(store, 10)
    with store.write() as db:
        # Above the API's 1000 km/h bound, so the platform returns 422.
        db.execute("update trips set max_speed_kmh = 5000 where id = 'trip00006'")
    token = platform.owner_token("reject@example.com")

    with FaultProxy(platform.url) as proxy:
        engine = paired_engine(store, proxy.url, token)
        engine.drain()
        first_run = len(proxy.requests)
        engine._set_status(next_attempt_at=None)
        engine.drain()
        uploads_again = [r for r in proxy.requests[first_run:] if r.method == "POST"]

    rejected = store.query("select id, last_error from outbox where state = 'rejected'")
    assert sorted(server_trip_ids(platform)) == [f"trip{i:05d}" for i in range(10) if i != 6]
    assert [row["id"] for row in rejected] == ["trip-trip00006"]
    assert "HTTP 422" in rejected[0]["last_error"]
    # The last term: the pull of workshops, code experience, clips and points.
    assert first_run <= 3 + 2 * 4 + 1 + 4
    assert uploads_again == []
    assert engine.status.state == "synced"


def test_conflict_is_not_retried(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    add_closed_trips(store, 1)
    token = platform.owner_token("conflict@example.com")
    plan = FaultPlan(rates={"conflict_409": 1.0})

    with FaultProxy(platform.url, plan) as proxy:
        engine = paired_engine(store, proxy.url, token, FAST)
        engine.drain()
        engine.drain()

    posts = [r for r in proxy.requests if r.method == "POST"]
    assert len(posts) == 1
    assert Outbox(store).counts() == {"rejected": 1}
    assert engine.status.state == "error"
    assert "HTTP 409" in engine.status.last_error
