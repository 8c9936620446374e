"""The reference platform over real HTTP on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import time

import requests

from platform_server import accounts, content
from platform_server.app import ServerConfig, create_app
from platform_server.cli import OPENAPI_FILE, openapi_text
from platform_server.runner import ServerThread
from tests.platform_fixtures import Platform, any_platform, platform, postgres_url  # noqa: F401

GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def trip(trip_id: str, model: str = "Demo EV", km: float = 10, kwh: float = 1.5) -> dict:
    return {"id": trip_id, "model": model, "started_at": 1_750_000_000,
            "ended_at": 1_750_000_900, "distance_m": km * 1000, "duration_s": 900,
            "avg_speed_kmh": 40, "max_speed_kmh": 90, "energy_used_kwh": kwh}


def post(url: str, token: str, path: str, body: dict, compress: bool = True) -> requests.Response:
    data = json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if compress:
        data = gzip.compress(data)
        headers["Content-Encoding"] = "gzip"
    return requests.post(url + "/api/v1" + path, data=data, headers=headers, timeout=10)


def test_served_openapi_matches_committed_document(platform: Platform) -> None:
    served = requests.get(platform.url + "/openapi.json", timeout=10).json()
    committed = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))

    assert served == committed, "run: python -m platform_server openapi --write"
    assert openapi_text() == OPENAPI_FILE.read_text(encoding="utf-8")


def test_trip_upload_is_idempotent(any_platform: Platform) -> None:
    token = any_platform.owner_token("li@example.com")
    batch = {"trips": [trip("a1"), trip("a2")]}

    first = post(any_platform.url, token, "/trips/batch", batch)
    second = post(any_platform.url, token, "/trips/batch",
                  {"trips": [trip("a2"), trip("a3")]}, compress=False)
    export = requests.get(any_platform.url + "/api/v1/me/export",
                          headers={"Authorization": f"Bearer {token}"}, timeout=10).json()

    assert first.status_code == 200
    assert first.json() == {"accepted": ["a1", "a2"], "duplicates": []}
    assert second.json() == {"accepted": ["a3"], "duplicates": ["a2"]}
    assert sorted(t["id"] for t in export["trips"]) == ["a1", "a2", "a3"]


def test_owners_see_only_their_own_data(any_platform: Platform) -> None:
    alice = any_platform.owner_token("alice@example.com")
    bob = any_platform.owner_token("bob@example.com")
    post(any_platform.url, alice, "/trips/batch", {"trips": [trip("same-id")]})

    bob_upload = post(any_platform.url, bob, "/trips/batch", {"trips": [trip("same-id")]})
    bob_export = requests.get(any_platform.url + "/api/v1/me/export",
                              headers={"Authorization": f"Bearer {bob}"}, timeout=10).json()
    deleted = requests.delete(any_platform.url + "/api/v1/me/data",
                              headers={"Authorization": f"Bearer {bob}"}, timeout=10).json()
    alice_export = requests.get(any_platform.url + "/api/v1/me/export",
                                headers={"Authorization": f"Bearer {alice}"}, timeout=10).json()

    assert bob_upload.json()["accepted"] == ["same-id"]
    assert bob_export["owner"]["email"] == "bob@example.com"
    assert len(bob_export["trips"]) == 1
    assert deleted["deleted"]["trips"] == 1
    assert [t["id"] for t in alice_export["trips"]] == ["same-id"]


def test_uploads_need_a_valid_token(any_platform: Platform) -> None:
    response = post(any_platform.url, "not-a-token", "/trips/batch", {"trips": [trip("x")]})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_satisfaction_and_consumption_per_model(any_platform: Platform) -> None:
    token = any_platform.owner_token("rater@example.com")
    ratings = [{"id": f"r{score}", "model": "Demo EV", "score": score} for score in (3, 4, 5)]
    post(any_platform.url, token, "/ratings/batch", {"ratings": ratings})
    trips = [trip(f"t{i}", km=10, kwh=1.0 + i * 0.1) for i in range(11)]
    trips.append(trip("short", km=0.5, kwh=9))
    post(any_platform.url, token, "/trips/batch", {"trips": trips})

    satisfaction = requests.get(any_platform.url + "/api/v1/models/Demo%20EV/satisfaction",
                                timeout=10).json()
    consumption = requests.get(any_platform.url + "/api/v1/models/Demo%20EV/consumption",
                               timeout=10).json()

    assert satisfaction["ratings"] == 3
    assert satisfaction["mean_score"] == 4.0
    assert satisfaction["index"] == 75.0
    assert consumption["trips"] == 11
    assert consumption["energy_kwh_per_100km"] == {"p10": 11.0, "p50": 15.0, "p90": 19.0}
    assert consumption["fuel_l_per_100km"] is None


def test_tips_pull_with_cursor(any_platform: Platform) -> None:
    for index in range(3):
        content.publish_tip(any_platform.engine, {"id": f"tip{index}", "title": "T",
                                                  "body": "B"})
    first = requests.get(any_platform.url + "/api/v1/tips", params={"limit": 2},
                         timeout=10).json()
    second = requests.get(any_platform.url + "/api/v1/tips",
                          params={"since": first["cursor"]}, timeout=10).json()
    content.publish_tip(any_platform.engine, {"id": "tip0", "title": "Edited", "body": "B"})
    third = requests.get(any_platform.url + "/api/v1/tips",
                         params={"since": second["cursor"]}, timeout=10).json()

    assert [t["id"] for t in first["tips"]] == ["tip0", "tip1"]
    assert first["more"] is True
    assert [t["id"] for t in second["tips"]] == ["tip2"]
    assert second["more"] is False
    assert [(t["id"], t["title"]) for t in third["tips"]] == [("tip0", "Edited")]


def test_club_events_near_a_point(any_platform: Platform) -> None:
    content.seed_demo(any_platform.engine)
    near = requests.get(any_platform.url + "/api/v1/club-events",
                        params={"lat": 31.25, "lon": 121.45, "radius_km": 20}, timeout=10).json()
    far = requests.get(any_platform.url + "/api/v1/club-events",
                       params={"lat": 39.9, "lon": 116.4, "radius_km": 50}, timeout=10).json()

    assert [e["id"] for e in near["events"]] == ["club-1", "club-2"]
    assert near["events"][0]["distance_km"] < near["events"][1]["distance_km"]
    assert far["events"] == []


def test_device_grant_polling_errors(any_platform: Platform) -> None:
    url = any_platform.url + "/api/v1/oauth"
    owner_id = accounts.create_owner(any_platform.engine, "pair@example.com", "long password")

    def token(device_code: str) -> requests.Response:
        return requests.post(url + "/token", data={"grant_type": GRANT, "client_id": "unit-1",
                                                   "device_code": device_code}, timeout=10)

    grant = requests.post(url + "/device_authorization", data={"client_id": "unit-1"},
                          timeout=10).json()
    pending = token(grant["device_code"])
    too_fast = token(grant["device_code"])
    denied_grant = requests.post(url + "/device_authorization", data={"client_id": "unit-1"},
                                 timeout=10).json()
    accounts.decide_user_code(any_platform.engine, denied_grant["user_code"], owner_id, False)
    denied = token(denied_grant["device_code"])
    unknown = token("no-such-code")

    assert grant["verification_uri"] == any_platform.url + "/device"
    assert grant["verification_uri_complete"].endswith("?user_code=" + grant["user_code"])
    assert grant["interval"] == 5
    assert pending.status_code == 400
    assert pending.json()["error"] == "authorization_pending"
    assert too_fast.json()["error"] == "slow_down"
    assert denied.json()["error"] == "access_denied"
    assert unknown.json()["error"] == "invalid_grant"


def test_device_code_expires(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(ServerConfig(database_url=f"sqlite:///{tmp_path / 'p.db'}",
                                  device_code_lifetime_s=1, device_poll_interval_s=0))
    with ServerThread(app) as server:
        grant = requests.post(server.url + "/api/v1/oauth/device_authorization",
                              data={"client_id": "unit-1"}, timeout=10).json()
        time.sleep(1.2)
        expired = requests.post(server.url + "/api/v1/oauth/token",
                                data={"grant_type": GRANT, "client_id": "unit-1",
                                      "device_code": grant["device_code"]}, timeout=10)

    assert expired.json()["error"] == "expired_token"


def test_fast_client_gets_429_with_retry_after(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(ServerConfig(database_url=f"sqlite:///{tmp_path / 'p.db'}",
                                  rate_per_s=0.5, burst=3))
    with ServerThread(app) as server:
        statuses = [requests.get(server.url + "/api/v1/tips", timeout=10) for _ in range(5)]

    assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
    assert statuses[3].status_code == 429
    assert int(statuses[3].headers["Retry-After"]) >= 1


def test_invalid_gzip_body_is_rejected(platform: Platform) -> None:
    token = platform.owner_token("gz@example.com")
    response = requests.post(platform.url + "/api/v1/trips/batch", data=b"not gzip",
                             headers={"Authorization": f"Bearer {token}",
                                      "Content-Type": "application/json",
                                      "Content-Encoding": "gzip"}, timeout=10)

    assert response.status_code == 400


def test_rate_limiter_forgets_idle_clients() -> None:
    from platform_server.app import RateLimiter

    limiter = RateLimiter(rate_per_s=10, burst=5)
    limiter.max_keys = 3
    for index in range(4):
        limiter.wait_time(f"client{index}", now=0.0)
    limiter.wait_time("late", now=100.0)

    assert list(limiter._buckets) == ["late"]
    assert [limiter.wait_time("late", now=100.0) for _ in range(5)][-1] > 0
