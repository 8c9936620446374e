"""Charging sessions up to the platform and charging tariffs down, over loopback HTTP."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

import pytest
import requests
from sqlalchemy import select

from headunit.charging import platform_tariffs
from headunit.tripconfig import Tariff, TripSettings, most_specific_tariff
from platform_server import storage
from platform_server.charging_api import publish_tariff
from platform_server.faultproxy import FaultPlan, FaultProxy
from sync.charging_sync import cached_tariffs, tariff_problem
from sync.client import PlatformClient
from sync.engine import SyncConfig, SyncEngine
from sync.outbox import Outbox
from sync.privacy import Consent, HiddenPlace, Privacy, coarse_cell
from sync.retention import enforce_budget
from sync.store import Store
from sync.triplog import TripLog
from tests.platform_fixtures import Platform, any_platform, platform, postgres_url  # noqa: F401
from tests.trip_fixtures import add_closed_trips
from tests.tripfeed import make_rig

HOME = (48.1371, 11.5754)
CHARGER = (48.2049, 11.6102)
CAR_POSITION = (48.20512, 11.61049)
FAST = SyncConfig(connect_timeout_s=1.0, read_timeout_s=2.0, backoff_base_s=0.01,
                  backoff_cap_s=0.1, retry_after_cap_s=0.2, interval_s=60)
#: A tariff as an operator publishes it at the charger.
CHARGER_TARIFF = {
    "id": "fastcharge-night", "name": "night", "operator": "FastCharge",
    "price_per_kwh": 0.35, "currency": "EUR", "latitude": CHARGER[0],
    "longitude": CHARGER[1], "radius_m": 300, "starts": "00:00", "ends": "23:59",
    "charge_type": None,
}


def add_sessions(store: Store, count: int, *, start: float = 1_750_000_000.0,
                 place: tuple[float, float] | None = CHARGER,
                 tariff: str | None = "home night", prefix: str = "charge") -> list[str]:
    """Record ``count`` closed AC sessions through the trip log; return their ids."""
    log = TripLog(store)
    ids = []
    for index in range(count):
        began = start + index * 7200
        session_id = log.start_charging(
            "Demo EV", began, 40.0, "AC",
            None if place is None else place[0], None if place is None else place[1],
            session_id=f"{prefix}{index:04d}",
        )
        log.close_charging(session_id, "charging stopped", {
            "ended_at": began + 3600, "end_soc_percent": 60.0, "energy_added_kwh": 11.0,
            "energy_source": "power", "cost": 3.3 if tariff else None,
            "currency": "EUR" if tariff else None, "tariff": tariff,
        })
        ids.append(session_id)
    return ids


def engine_for(store: Store, url: str, token: str,
               position: tuple[float, float] | None = CAR_POSITION) -> SyncEngine:
    return SyncEngine(store, PlatformClient(url, token), model="Demo EV", config=FAST,
                      position=lambda: position)


def server_sessions(platform: Platform) -> list[dict]:
    with platform.engine.connect() as connection:
        rows = connection.execute(
            select(storage.charging_sessions).order_by(storage.charging_sessions.c.id)
        ).all()
    return [row._asdict() for row in rows]


def charging_posts(proxy: FaultProxy) -> list:
    return [r for r in proxy.requests if r.path == "/api/v1/charging-sessions/batch"]


def export(platform: Platform, token: str) -> dict:
    reply = requests.get(platform.url + "/api/v1/me/export",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    reply.raise_for_status()
    return reply.json()


class RewritingProxy(FaultProxy):
    """A loopback proxy that replaces the reply bodies of one path with ``rewrite``."""

    def __init__(self, upstream: str, path: str, rewrite: Callable[[bytes], bytes],
                 times: int = 1) -> None:
        super().__init__(upstream)
        self.path = path
        self.rewrite = rewrite
        self.times = times
        self._rewrite_lock = threading.Lock()

    def forward(self, method: str, path: str, headers: dict[str, str],
                body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        status, reply_headers, reply = super().forward(method, path, headers, body)
        with self._rewrite_lock:
            if not path.startswith(self.path) or self.times == 0:
                return status, reply_headers, reply
            self.times -= 1
        return status, reply_headers, self.rewrite(reply)


# -- uploads ------------------------------------------------------------------


def test_sessions_uploaded_and_synced(any_platform: Platform, db_path: Path) -> None:
    platform = any_platform
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    ids = add_sessions(store, 3)
    token = platform.owner_token("charge@example.com")
    log = TripLog(store)

    with FaultProxy(platform.url) as proxy:
        engine = engine_for(store, proxy.url, token)
        engine.drain()
        engine.wake()
        engine.drain()

    sessions = server_sessions(platform)
    assert [s["id"] for s in sessions] == ids
    assert len(charging_posts(proxy)) == 1
    assert sessions[0]["energy_added_kwh"] == pytest.approx(11.0)
    assert sessions[0]["cost"] == pytest.approx(3.3)
    assert sessions[0]["currency"] == "EUR"
    assert sessions[0]["model"] == "Demo EV"
    for session in log.charging_sessions():
        assert session.synced_at is not None
    assert engine.status.state == "synced"
    assert engine.status.pending == 0


def test_open_session_not_uploaded(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    TripLog(store).start_charging("Demo EV", 1_750_000_000.0, 30.0, "DC", *CHARGER,
                                  session_id="running")
    token = platform.owner_token("open@example.com")

    engine_for(store, platform.url, token).drain()

    assert server_sessions(platform) == []
    assert Outbox(store).counts() == {}


def test_session_upload_is_idempotent(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    add_sessions(store, 2)
    token = platform.owner_token("twice@example.com")

    # Every request is forwarded twice: the reply seen is the second one.
    with FaultProxy(platform.url, FaultPlan(rates={"duplicate": 1.0})) as proxy:
        engine_for(store, proxy.url, token).drain()

    assert len(server_sessions(platform)) == 2
    assert len(charging_posts(proxy)) == 1
    assert all(s.synced_at is not None for s in TripLog(store).charging_sessions())


def test_nothing_uploaded_before_consent(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    privacy = Privacy(store)
    before = add_sessions(store, 2, start=1_750_000_000.0, prefix="old")
    token = platform.owner_token("noconsent@example.com")

    with FaultProxy(platform.url) as proxy:
        engine = engine_for(store, proxy.url, token)
        engine.drain()
        uploads_without_consent = charging_posts(proxy)
        privacy.set_consent(Consent.SUMMARIES, now=1_760_000_000.0)
        after = add_sessions(store, 1, start=1_760_000_100.0, prefix="new")
        engine.wake()
        engine.drain()

    synced = {s.id: s.synced_at for s in TripLog(store).charging_sessions()}
    assert uploads_without_consent == []
    assert [s["id"] for s in server_sessions(platform)] == after
    assert [synced[session_id] for session_id in before] == [None, None]
    assert synced[after[0]] is not None


def test_summaries_carry_no_place(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    add_sessions(store, 2)
    token = platform.owner_token("noplace@example.com")

    with FaultProxy(platform.url) as proxy:
        engine_for(store, proxy.url, token).drain()

    body = charging_posts(proxy)[0].decoded_body()
    sent = json.loads(body)["sessions"]
    assert str(CHARGER[0]).encode() not in body
    assert b"home night" not in body
    assert [s["cell_latitude"] for s in sent] == [None, None]
    assert [s["tariff"] for s in sent] == [None, None]
    assert [s["cost"] for s in sent] == [3.3, 3.3]


def test_traces_send_coarse_cell_outside_hidden(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    privacy = Privacy(store)
    privacy.set_consent(Consent.TRACES, now=0)
    privacy.add_hidden_place(HiddenPlace("home", HOME[0], HOME[1], 500))
    add_sessions(store, 1, start=1_750_000_000.0, place=CHARGER, tariff="FastCharge night",
                 prefix="public")
    add_sessions(store, 1, start=1_750_100_000.0, place=(HOME[0] + 0.001, HOME[1]))
    token = platform.owner_token("cells@example.com")

    with FaultProxy(platform.url) as proxy:
        engine_for(store, proxy.url, token).drain()

    body = charging_posts(proxy)[0].decoded_body()
    sent = {s["id"]: s for s in json.loads(body)["sessions"]}
    assert str(CHARGER[0]).encode() not in body
    assert str(HOME[0] + 0.001).encode() not in body
    public = sent["public0000"]
    assert (public["cell_latitude"], public["cell_longitude"]) == coarse_cell(*CHARGER)
    assert public["tariff"] == "FastCharge night"
    assert sent["charge0000"]["cell_latitude"] is None
    assert sent["charge0000"]["cell_longitude"] is None
    assert sent["charge0000"]["tariff"] is None
    assert sent["charge0000"]["cost"] == 3.3


def test_place_shared_only_after_traces_consent(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    privacy = Privacy(store)
    privacy.set_consent(Consent.SUMMARIES, now=0)
    add_sessions(store, 1, start=1_750_000_000.0)
    privacy.set_consent(Consent.TRACES, now=1_760_000_000.0)
    token = platform.owner_token("later@example.com")

    engine_for(store, platform.url, token).drain()

    assert [s["cell_latitude"] for s in server_sessions(platform)] == [None]


def test_export_and_erase_include_sessions(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    ids = add_sessions(store, 2)
    token = platform.owner_token("mine@example.com")
    other = platform.owner_token("other@example.com")
    engine = engine_for(store, platform.url, token)
    engine.drain()

    mine = export(platform, token)
    theirs = export(platform, other)
    engine.delete_my_data()
    engine.drain()

    assert [s["id"] for s in mine["charging_sessions"]] == ids
    assert "owner_id" not in mine["charging_sessions"][0]
    assert theirs["charging_sessions"] == []
    assert export(platform, token)["charging_sessions"] == []
    assert server_sessions(platform) == []
    assert TripLog(store).charging_sessions() == []


def test_rejected_session_is_kept(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    ids = add_sessions(store, 4)
    with store.write() as db:
        # Above the API's 100 % bound, so the platform returns 422 for it.
        db.execute("update charging_sessions set end_soc_percent = 150 where id = ?", [ids[2]])
    token = platform.owner_token("reject@example.com")

    with FaultProxy(platform.url) as proxy:
        engine = engine_for(store, proxy.url, token)
        engine.drain()
        first_posts = len(charging_posts(proxy))
        engine.wake()
        engine.drain()

    rejected = store.query("select id, last_error from outbox where state = 'rejected'")
    log = TripLog(store)
    assert [s["id"] for s in server_sessions(platform)] == [ids[0], ids[1], ids[3]]
    assert [row["id"] for row in rejected] == [f"charging-{ids[2]}"]
    assert "HTTP 422" in rejected[0]["last_error"]
    assert len(charging_posts(proxy)) == first_posts
    assert log.charging_sessions()[2].synced_at is None
    assert log.charging_sessions()[2].end_soc_percent == 150


def test_garbled_reply_retried_nothing_lost(platform: Platform, db_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    ids = add_sessions(store, 3)
    token = platform.owner_token("garbled@example.com")
    caplog.set_level(logging.INFO, logger="sync")

    # The platform stores the batch, but the head unit gets half a reply.
    with RewritingProxy(platform.url, "/api/v1/charging-sessions/batch",
                        lambda reply: reply[: len(reply) // 2]) as proxy:
        engine = engine_for(store, proxy.url, token)
        engine.sync_once()
        after_garbled = [s.synced_at for s in TripLog(store).charging_sessions()]
        state_after_garbled = engine.status.state
        engine.drain()

    failures = [r for r in caplog.records if "invalid JSON" in r.getMessage()]
    assert after_garbled == [None, None, None]
    assert state_after_garbled == "offline"
    assert len(failures) == 1
    assert len(charging_posts(proxy)) == 2
    assert [s["id"] for s in server_sessions(platform)] == ids
    assert all(s.synced_at is not None for s in TripLog(store).charging_sessions())
    assert Outbox(store).counts() == {"sent": 3}


def test_reply_confirming_nothing_is_retried(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    add_sessions(store, 2)
    token = platform.owner_token("unconfirmed@example.com")

    with RewritingProxy(platform.url, "/api/v1/charging-sessions/batch",
                        lambda _reply: b'{"accepted": "charge0000"}', times=2) as proxy:
        engine = engine_for(store, proxy.url, token)
        engine.sync_once()
        unconfirmed = Outbox(store).counts()
        engine.drain()

    assert unconfirmed == {"pending": 2}
    assert len(charging_posts(proxy)) == 3
    assert Outbox(store).counts() == {"sent": 2}


def test_synced_sessions_survive_tight_budget(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    trips = add_closed_trips(store, 3, samples=600)
    sessions = add_sessions(store, 3)
    token = platform.owner_token("budget@example.com")
    engine_for(store, platform.url, token).drain()

    report = enforce_budget(store, 1)

    log = TripLog(store)
    remaining = log.charging_sessions()
    assert set(report.evicted_trips) == set(trips)
    assert [s.id for s in remaining] == sessions
    assert all(s.synced_at is not None for s in remaining)
    assert [s.energy_added_kwh for s in remaining] == [11.0, 11.0, 11.0]


# -- tariffs ------------------------------------------------------------------


def test_tariffs_pulled_for_coarse_cell(any_platform: Platform, db_path: Path) -> None:
    platform = any_platform
    publish_tariff(platform.engine, CHARGER_TARIFF)
    publish_tariff(platform.engine, dict(CHARGER_TARIFF, id="far-away", latitude=52.52,
                                         longitude=13.405))
    store = Store(db_path)

    with FaultProxy(platform.url) as proxy:
        engine_for(store, proxy.url, "unpaired").drain()

    pulls = [r for r in proxy.requests if r.path.startswith("/api/v1/tariffs")]
    cell = coarse_cell(*CAR_POSITION)
    assert len(pulls) == 1
    assert f"lat={cell[0]}" in pulls[0].path
    assert f"lon={cell[1]}" in pulls[0].path
    assert str(CAR_POSITION[0]) not in pulls[0].path
    assert "authorization" not in pulls[0].headers
    assert [t["id"] for t in cached_tariffs(store)] == ["fastcharge-night"]


def test_no_position_no_tariff_pull(platform: Platform, db_path: Path) -> None:
    publish_tariff(platform.engine, CHARGER_TARIFF)
    store = Store(db_path)

    with FaultProxy(platform.url) as proxy:
        engine_for(store, proxy.url, "unpaired", position=None).drain()

    assert [r for r in proxy.requests if r.path.startswith("/api/v1/tariffs")] == []
    assert cached_tariffs(store) == []


def test_invalid_tariffs_skipped_logged_once(platform: Platform, db_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    publish_tariff(platform.engine, CHARGER_TARIFF)
    store = Store(db_path)
    caplog.set_level(logging.WARNING, logger="sync.charging_sync")

    def add_invalid(reply: bytes) -> bytes:
        document = json.loads(reply)
        document["tariffs"] += [dict(CHARGER_TARIFF, id="negative", price_per_kwh=-1),
                                dict(CHARGER_TARIFF, id="bad-hours", starts="25:00"),
                                "not a tariff"]
        return json.dumps(document).encode()

    with RewritingProxy(platform.url, "/api/v1/tariffs", add_invalid) as proxy:
        engine = engine_for(store, proxy.url, "unpaired")
        engine.drain()

    warnings = [r for r in caplog.records if "invalid tariff" in r.getMessage()]
    assert [t["id"] for t in cached_tariffs(store)] == ["fastcharge-night"]
    assert len(warnings) == 1
    assert engine.charging.tariff_faults["invalid tariff"] == 3
    assert len(proxy.requests) > 0


def test_malformed_tariff_reply_keeps_cache(platform: Platform, db_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    publish_tariff(platform.engine, CHARGER_TARIFF)
    store = Store(db_path)
    engine_for(store, platform.url, "unpaired").drain()
    caplog.set_level(logging.WARNING, logger="sync.charging_sync")

    with RewritingProxy(platform.url, "/api/v1/tariffs",
                        lambda _reply: b'{"tariffs": "none today"}', times=2) as proxy:
        engine = engine_for(store, proxy.url, "unpaired")
        for _ in range(3):
            engine.wake()
            engine._set_status(next_attempt_at=None)
            engine.sync_once()

    pulls = [r for r in proxy.requests if r.path.startswith("/api/v1/tariffs")]
    warnings = [r for r in caplog.records if "invalid tariff reply" in r.getMessage()]
    assert len(pulls) == 3
    assert len(warnings) == 1
    assert engine.charging.tariff_faults["invalid reply"] == 2
    assert [t["id"] for t in cached_tariffs(store)] == ["fastcharge-night"]


def test_truncated_tariff_reply_retries_pass(platform: Platform, db_path: Path) -> None:
    publish_tariff(platform.engine, CHARGER_TARIFF)
    store = Store(db_path)

    with RewritingProxy(platform.url, "/api/v1/tariffs", lambda reply: reply[:10]) as proxy:
        engine = engine_for(store, proxy.url, "unpaired")
        engine.sync_once()
        state_after_truncated = engine.status.state
        engine.drain()

    assert state_after_truncated == "offline"
    assert [t["id"] for t in cached_tariffs(store)] == ["fastcharge-night"]


def test_tariff_problem_names_the_field() -> None:
    assert tariff_problem(CHARGER_TARIFF) is None
    assert "price_per_kwh" in tariff_problem(dict(CHARGER_TARIFF, price_per_kwh="free"))
    assert "latitude" in tariff_problem(dict(CHARGER_TARIFF, latitude=95))
    assert "radius_m" in tariff_problem(dict(CHARGER_TARIFF, radius_m=0))
    assert "go together" in tariff_problem(dict(CHARGER_TARIFF, ends=None))
    assert "HH:MM" in tariff_problem(dict(CHARGER_TARIFF, starts="7am", ends="9am"))
    assert "AC, DC" in tariff_problem(dict(CHARGER_TARIFF, charge_type="CCS"))
    assert "id" in tariff_problem(dict(CHARGER_TARIFF, id=""))
    assert "object" in tariff_problem(["list"])


# -- pricing order --------------------------------------------------------------


def charge_at(db_path: Path, place: tuple[float, float],
              settings: TripSettings | None = None) -> object:
    """Drive to ``place``, charge 5 kWh on AC and return the closed session."""
    rig = make_rig(db_path, settings)
    rig.drive([(5, 0), (20, 40), (70, 0)], latitude=place[0], longitude=place[1])
    # 50 kW into the pack (negative power) for 6 minutes is 5 kWh.
    rig.drive([(360, 0)], power_w=-50_000.0, charging=True, charging_type="AC")
    rig.drive([(5, 0)], power_w=500.0, charging=False, charging_type="NONE")
    session = rig.log.charging_sessions()[-1]
    rig.close()
    return session


def pull_tariffs(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    engine_for(store, platform.url, "unpaired").drain()
    store.close()


def test_platform_tariff_prices_session(platform: Platform, db_path: Path) -> None:
    publish_tariff(platform.engine, CHARGER_TARIFF)
    pull_tariffs(platform, db_path)

    session = charge_at(db_path, CHARGER)

    assert session.tariff == "FastCharge night"
    assert session.currency == "EUR"
    assert session.cost == pytest.approx(5.0 * 0.35, abs=0.02)


def test_configured_tariff_wins(platform: Platform, db_path: Path) -> None:
    publish_tariff(platform.engine, CHARGER_TARIFF)
    pull_tariffs(platform, db_path)
    settings = TripSettings(parked_timeout_s=60, tariffs=(Tariff("flat", 0.20, "EUR"),))

    session = charge_at(db_path, CHARGER, settings)

    assert session.tariff == "flat"
    assert session.cost == pytest.approx(5.0 * 0.20, abs=0.02)


def test_no_matching_tariff_no_cost(platform: Platform, db_path: Path) -> None:
    publish_tariff(platform.engine, CHARGER_TARIFF)
    pull_tariffs(platform, db_path)

    session = charge_at(db_path, (CHARGER[0] + 0.01, CHARGER[1]))

    assert session.tariff is None
    assert session.cost is None
    assert session.energy_added_kwh == pytest.approx(5.0, rel=0.01)


def test_unreadable_tariff_cache_no_cost(db_path: Path,
                                         caplog: pytest.LogCaptureFixture) -> None:
    store = Store(db_path)
    broken = {key: value for key, value in CHARGER_TARIFF.items() if key != "latitude"}
    with store.write() as db:
        db["cached_tariffs"].insert({"id": "broken", "tariff": json.dumps(broken),
                                     "area": "48.25,11.65", "fetched_at": 0.0})
    store.close()
    caplog.set_level(logging.WARNING, logger="headunit.charging")

    session = charge_at(db_path, CHARGER)

    warnings = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert session.status == "closed"
    assert session.energy_added_kwh == pytest.approx(5.0, rel=0.01)
    assert session.cost is None
    assert len(warnings) == 1


def test_platform_tariff_hours_and_type(platform: Platform, db_path: Path) -> None:
    publish_tariff(platform.engine, dict(CHARGER_TARIFF, id="dc-only", name="DC",
                                         charge_type="DC", price_per_kwh=0.79))
    publish_tariff(platform.engine, dict(CHARGER_TARIFF, id="day", name="day",
                                         starts="06:00", ends="22:00"))
    publish_tariff(platform.engine, dict(CHARGER_TARIFF, id="night", name="night",
                                         starts="22:00", ends="06:00", price_per_kwh=0.25))
    pull_tariffs(platform, db_path)
    store = Store(db_path)
    tariffs = platform_tariffs(store)
    store.close()
    noon = datetime(2026, 5, 4, 12, 0)
    midnight = datetime(2026, 5, 4, 23, 30)

    def chosen(at: datetime, charge_type: str) -> str | None:
        found = most_specific_tariff(tariffs, at, *CHARGER, charge_type)
        return None if found is None else found.name

    assert chosen(noon, "AC") == "FastCharge day"
    assert chosen(midnight, "AC") == "FastCharge night"
    assert chosen(noon, "DC") == "FastCharge DC"
    assert chosen(midnight, "DC") == "FastCharge DC"


# -- platform API ----------------------------------------------------------------


def post_sessions(platform: Platform, token: str, sessions: list[dict]) -> requests.Response:
    return requests.post(platform.url + "/api/v1/charging-sessions/batch",
                         json={"sessions": sessions},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)


VALID_SESSION = {"id": "s1", "model": "Demo EV", "started_at": 1_750_000_000.0,
                 "ended_at": 1_750_003_600.0, "energy_added_kwh": 11.0}


def test_api_reports_duplicates(any_platform: Platform) -> None:
    token = any_platform.owner_token("api@example.com")

    first = post_sessions(any_platform, token, [VALID_SESSION])
    second = post_sessions(any_platform, token, [VALID_SESSION, dict(VALID_SESSION, id="s2")])

    assert first.status_code == 200
    assert first.json() == {"accepted": ["s1"], "duplicates": []}
    assert second.json() == {"accepted": ["s2"], "duplicates": ["s1"]}


@pytest.mark.parametrize("change", [
    {"ended_at": 1_749_999_999.0},
    {"cell_latitude": 48.25},
    {"end_soc_percent": 101},
    {"charge_type": "CCS"},
    {"id": "no spaces"},
    {"energy_added_kwh": -1},
    {"location": "home"},
])
def test_api_rejects_invalid_session(platform: Platform, change: dict) -> None:
    token = platform.owner_token("invalid@example.com")

    reply = post_sessions(platform, token, [dict(VALID_SESSION, **change)])

    assert reply.status_code == 422
    assert server_sessions(platform) == []


def test_api_needs_sign_in_for_sessions(platform: Platform) -> None:
    reply = requests.post(platform.url + "/api/v1/charging-sessions/batch",
                          json={"sessions": [VALID_SESSION]}, timeout=10)

    assert reply.status_code == 401


def test_api_tariffs_by_distance(platform: Platform) -> None:
    publish_tariff(platform.engine, CHARGER_TARIFF)
    publish_tariff(platform.engine, dict(CHARGER_TARIFF, id="berlin", latitude=52.52,
                                         longitude=13.405))
    url = platform.url + "/api/v1/tariffs"

    near = requests.get(url, params={"lat": 48.25, "lon": 11.65, "radius_km": 50},
                        timeout=10).json()
    wide = requests.get(url, params={"lat": 48.25, "lon": 11.65, "radius_km": 500},
                        timeout=10).json()
    bad = requests.get(url, params={"lat": 91, "lon": 11.65}, timeout=10)

    assert [t["id"] for t in near["tariffs"]] == ["fastcharge-night"]
    assert [t["id"] for t in wide["tariffs"]] == ["fastcharge-night", "berlin"]
    assert bad.status_code == 422


def test_publish_tariff_rejects_invalid(platform: Platform) -> None:
    with pytest.raises(ValueError, match="starts"):
        publish_tariff(platform.engine, dict(CHARGER_TARIFF, starts="24:00"))
