"""What leaves the car: nothing before consent, trimmed traces, coarse pulls."""

from __future__ import annotations

import json
import math
from pathlib import Path

import requests

from platform_server import content
from platform_server.faultproxy import FaultProxy
from sync.client import PlatformClient
from sync.engine import SyncConfig, SyncEngine, cached_club_events, cached_tips
from sync.outbox import Outbox
from sync.privacy import CELL_DEG, Consent, HiddenPlace, Privacy, coarse_cell, distance_m
from sync.store import Store
from tests.platform_fixtures import Platform, platform  # noqa: F401
from tests.trip_fixtures import add_closed_trips

HOME = (31.2304, 121.4737)
CAR_POSITION = (31.23456, 121.47891)


def engine_for(store: Store, url: str, token: str) -> SyncEngine:
    return SyncEngine(store, PlatformClient(url, token), model="Demo EV",
                      position=lambda: CAR_POSITION, config=SyncConfig(interval_s=60))


def uploads(proxy: FaultProxy) -> list:
    return [r for r in proxy.requests if r.method != "GET"]


def export(platform: Platform, token: str) -> dict:
    return requests.get(platform.url + "/api/v1/me/export",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).json()


def test_nothing_uploaded_before_consent(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    add_closed_trips(store, 5, samples=120, start=1_700_000_000)
    content.seed_demo(platform.engine)
    token = platform.owner_token("private@example.com")
    outbox = Outbox(store)
    outbox.enqueue("rating", {"model": "Demo EV", "score": 4})

    with FaultProxy(platform.url) as proxy:
        engine = engine_for(store, proxy.url, token)
        engine.drain()
        before_consent = list(proxy.requests)
        Privacy(store).set_consent(Consent.SUMMARIES, now=1_750_000_000)
        engine.wake()
        engine.drain()
        old_trips_after_consent = uploads(proxy)

    event_pulls = [r for r in before_consent if r.path.startswith("/api/v1/club-events")]
    assert before_consent
    assert uploads(proxy)[0].path == "/api/v1/ratings/batch"
    assert [r for r in before_consent if r.method != "GET"] == []
    assert all(r.body == b"" for r in before_consent)
    assert len(event_pulls) == 1
    assert f"lat={coarse_cell(*CAR_POSITION)[0]}" in event_pulls[0].path
    assert str(CAR_POSITION[0]) not in event_pulls[0].path
    assert [r.path for r in old_trips_after_consent] == ["/api/v1/ratings/batch"]
    assert export(platform, token)["trips"] == []


def test_summaries_carry_no_position(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    add_closed_trips(store, 3, samples=300)
    token = platform.owner_token("summary@example.com")

    with FaultProxy(platform.url) as proxy:
        engine_for(store, proxy.url, token).drain()

    bodies = [r.decoded_body() for r in uploads(proxy)]
    assert [r.path for r in uploads(proxy)] == ["/api/v1/trips/batch"]
    assert b"lat" not in bodies[0]
    assert str(HOME[0]).encode() not in bodies[0]
    assert len(export(platform, token)["trips"]) == 3
    assert export(platform, token)["traces"] == []


def test_traces_trimmed_and_hidden_places_removed(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    privacy = Privacy(store)
    privacy.set_consent(Consent.TRACES, now=0)
    # The trips drive 15 m/s east for 600 s (9 km); a hidden place sits at 4 km.
    lon_per_m = 1 / (111_320 * math.cos(math.radians(HOME[0])))
    work = (HOME[0], HOME[1] + 4000 * lon_per_m)
    privacy.add_hidden_place(HiddenPlace("work", work[0], work[1], 800))
    add_closed_trips(store, 2, samples=600, origin=HOME)
    token = platform.owner_token("traces@example.com")

    engine_for(store, platform.url, token).drain()
    traces = export(platform, token)["traces"]

    assert len(traces) == 2
    for trace in traces:
        points = json.loads(trace["points"])
        start = (points[0]["lat"], points[0]["lon"])
        assert 300 < len(points) < 600
        for point in points:
            assert distance_m(point["lat"], point["lon"], *HOME) > 500
            assert distance_m(point["lat"], point["lon"], *work) > 800
        assert distance_m(*start, *HOME) < 600


def test_data_budget_defers_traces_not_summaries(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    privacy = Privacy(store)
    privacy.set_consent(Consent.TRACES, now=0)
    privacy.set_monthly_budget_bytes(1)
    privacy.count_data(10)
    add_closed_trips(store, 4, samples=200)
    token = platform.owner_token("budget@example.com")

    engine = engine_for(store, platform.url, token)
    engine.drain()
    status = engine.status
    mine = export(platform, token)
    privacy.set_monthly_budget_bytes(10**9)
    engine.wake()
    engine.drain()

    assert len(mine["trips"]) == 4
    assert mine["traces"] == []
    assert status.traces_deferred is True
    assert status.pending == 4
    assert len(export(platform, token)["traces"]) == 4
    assert privacy.data_used() > 10


def test_pulled_content_works_offline(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    content.seed_demo(platform.engine)
    engine = engine_for(store, platform.url, "unpaired-token")
    engine.drain()

    offline = engine_for(store, "http://127.0.0.1:9", "unpaired-token")
    offline.sync_once()

    assert offline.status.state == "offline"
    assert [t["id"] for t in cached_tips(store)] == ["charger-fees", "winter-range"]
    assert [e["id"] for e in cached_club_events(store)] == ["club-1", "club-2"]


def test_delete_my_data_here_and_on_platform(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    add_closed_trips(store, 3, samples=10)
    token = platform.owner_token("erase@example.com")
    engine = engine_for(store, platform.url, token)
    engine.drain()
    uploaded = len(export(platform, token)["trips"])

    with store.write() as db:
        db["events"].insert({"vehicle": "demo", "t": 1.0, "kind": "harsh_braking"})
        db["gaps"].insert({"vehicle": "demo", "kind": "gps_lost", "start_t": 1.0, "end_t": 2.0})
        db["charging_sessions"].insert(
            {"vehicle": "demo", "status": "closed", "started_at": 1.0}
        )
    engine.delete_my_data()
    left = {
        table: store.query(f"select count(*) as n from {table}")[0]["n"]
        for table in ("trips", "samples", "events", "gaps", "charging_sessions")
    }
    engine.drain()

    assert uploaded == 3
    assert left == {"trips": 0, "samples": 0, "events": 0, "gaps": 0,
                    "charging_sessions": 0}
    assert export(platform, token)["trips"] == []
    assert Outbox(store).counts() == {"sent": 1}


def test_coarse_cell_hides_position() -> None:
    centre = coarse_cell(*CAR_POSITION)
    neighbour = coarse_cell(CAR_POSITION[0] + 0.01, CAR_POSITION[1] - 0.01)

    assert centre == neighbour
    assert abs(centre[0] - CAR_POSITION[0]) <= CELL_DEG / 2
    assert abs(centre[1] - CAR_POSITION[1]) <= CELL_DEG / 2
    assert distance_m(*centre, *CAR_POSITION) > 100
