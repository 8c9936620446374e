"""Workshops, trouble-code experience, clips and points: platform and head unit.

The platform runs on loopback over real HTTP; the head unit's sync engine
pulls from it into the store, and the community back end reads the store.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests
from sqlalchemy import insert

import assets
from headunit.community import Community
from platform_server import accounts, community_api, storage
from platform_server.faultproxy import FaultProxy
from sync.client import PlatformClient
from sync.community import ContentCache, PointsLedger, clip_cache_dir
from sync.engine import SyncConfig, SyncEngine
from sync.feedback_outbox import OutboxSink
from sync.privacy import Consent, Privacy, coarse_cell
from sync.store import Store
from tests.community_helpers import snapshot
from tests.platform_fixtures import Platform, any_platform, platform, postgres_url  # noqa: F401
from vehicle.profile import load_profile

#: Near West Lake, Hangzhou: the car's position.
CAR = (30.2571, 120.1423)
MODEL = "Aurora E5"
CLIP_BYTES = (assets.CLIPS_DIR / "demo-charging-port.mp4").read_bytes()


def workshop(workshop_id: str, latitude: float, longitude: float, rating: float = 4.5) -> dict:
    return {
        "id": workshop_id,
        "updated_at": "2026-12-01T10:00:00+08:00",
        "name": {"zh": "测试维修店", "en": f"Workshop {workshop_id}"},
        "address": {"en": "Test Road"},
        "latitude": latitude,
        "longitude": longitude,
        "rating": rating,
        "ratings": 40,
        "specialties": ["battery"],
    }


def experience(experience_id: str, dtc: str, models: list[str], workshops: list[str]) -> dict:
    return {
        "id": experience_id,
        "updated_at": "2026-12-02T10:00:00+08:00",
        "dtc": dtc,
        "models": models,
        "title": {"en": f"Owners on {dtc}"},
        "cause": {"en": "A loose connector behind the charge port."},
        "fix": {"en": "Reseat and clean the connector."},
        "cost": {"low": 100, "median": 200, "high": 900, "currency": "CNY"},
        "reports": 12,
        "warnings": [{"en": "One workshop quoted a new charger."}],
        "workshop_ids": workshops,
    }


def clip(clip_id: str, file_name: str) -> dict:
    return {
        "id": clip_id,
        "updated_at": "2026-12-03T10:00:00+08:00",
        "title": {"zh": "平台短片", "en": "Clip from the platform"},
        "author": {"name": "Platform owner", "role": "owner"},
        "duration_s": 4,
        "file": file_name,
    }


def publish_all(platform: Platform) -> None:
    community_api.publish_item(platform.engine, "workshops", workshop("ws-near", 30.26, 120.15))
    community_api.publish_item(platform.engine, "workshops",
                               workshop("ws-mid", 30.30, 120.20, rating=3.9))
    community_api.publish_item(platform.engine, "workshops", workshop("ws-beijing", 39.9, 116.4))
    community_api.publish_item(platform.engine, "dtc_experiences",
                               experience("exp-e5", "P0D55", ["aurora e5"], ["ws-near"]))
    community_api.publish_item(platform.engine, "dtc_experiences",
                               experience("exp-any", "P0D56", [], []))
    community_api.publish_item(platform.engine, "dtc_experiences",
                               experience("exp-other", "P0D57", ["other car"], []))
    community_api.publish_clip(platform.engine, clip("clip-platform", "platform-clip.mp4"),
                               CLIP_BYTES)


def get(platform: Platform, path: str, token: str | None = None, **params: object):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(platform.url + "/api/v1" + path, params=params, headers=headers,
                        timeout=10)


# -- platform -------------------------------------------------------------------


def test_workshops_near_area(any_platform: Platform) -> None:
    publish_all(any_platform)
    response = get(any_platform, "/workshops", lat=30.25, lon=120.15, radius_km=20)
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert ids == ["ws-near", "ws-mid"]
    assert response.json()["items"][1]["rating"] == 3.9


def test_dtc_experiences_per_model(any_platform: Platform) -> None:
    publish_all(any_platform)
    response = get(any_platform, "/models/Aurora%20E5/dtc-experiences")
    assert response.status_code == 200
    assert sorted(item["id"] for item in response.json()["items"]) == ["exp-any", "exp-e5"]


def test_clips_list_and_file(any_platform: Platform) -> None:
    publish_all(any_platform)
    listed = get(any_platform, "/clips").json()["items"]
    file = get(any_platform, "/clips/clip-platform/file")
    missing = get(any_platform, "/clips/no-such-clip/file")

    assert [item["id"] for item in listed] == ["clip-platform"]
    assert listed[0]["sha256"] == hashlib.sha256(CLIP_BYTES).hexdigest()
    assert listed[0]["bytes"] == len(CLIP_BYTES)
    assert file.status_code == 200
    assert file.headers["content-type"] == "video/mp4"
    assert file.content == CLIP_BYTES
    assert missing.status_code == 404


def test_points_need_sign_in(any_platform: Platform) -> None:
    token = any_platform.owner_token("li@example.com")
    other = any_platform.owner_token("wang@example.com")
    li = accounts.owner_for_token(any_platform.engine, token)
    wang = accounts.owner_for_token(any_platform.engine, other)
    community_api.grant_points(any_platform.engine, li, "g-1", "helpful_tip", 10, "tip-a")
    community_api.grant_points(any_platform.engine, li, "g-1", "helpful_tip", 10, "tip-a")
    community_api.grant_points(any_platform.engine, li, "g-2", "shared_trip", 5)
    community_api.grant_points(any_platform.engine, wang, "g-3", "shared_trip", 7)

    anonymous = get(any_platform, "/me/points")
    mine = get(any_platform, "/me/points", token).json()

    assert anonymous.status_code == 401
    assert mine["balance"] == 15
    assert [entry["id"] for entry in mine["entries"]] == ["g-2", "g-1"]


# -- head unit --------------------------------------------------------------


def engine_for(store: Store, url: str, token: str | None) -> SyncEngine:
    return SyncEngine(store, PlatformClient(url, token), model=MODEL,
                      position=lambda: CAR, config=SyncConfig(interval_s=60))


def test_head_unit_pulls_into_cache(platform: Platform, db_path: Path) -> None:
    publish_all(platform)
    token = platform.owner_token("li@example.com")
    owner = accounts.owner_for_token(platform.engine, token)
    community_api.grant_points(platform.engine, owner, "g-1", "helpful_tip", 12)
    store = Store(db_path)
    try:
        with FaultProxy(platform.url) as proxy:
            result = engine_for(store, proxy.url, token).sync_once()
        cache = ContentCache(store)

        assert result.errors == []
        assert result.pulled_community == 5
        assert sorted(item["id"] for item in cache.items("workshops")) == ["ws-mid", "ws-near"]
        assert sorted(item["id"] for item in cache.items("dtc_experiences")) == [
            "exp-any", "exp-e5"]
        assert (clip_cache_dir(store) / "platform-clip.mp4").read_bytes() == CLIP_BYTES
        assert PointsLedger(store).balance() == 12
        # Only the coarse cell leaves the car, never its position.
        (workshops,) = [r for r in proxy.requests if r.path.startswith("/api/v1/workshops")]
        query = parse_qs(urlparse(workshops.path).query)
        cell = coarse_cell(*CAR)
        assert (float(query["lat"][0]), float(query["lon"][0])) == cell
    finally:
        store.close()


def test_pulled_content_reaches_community(platform: Platform, db_path: Path) -> None:
    publish_all(platform)
    store = Store(db_path)
    try:
        community = Community(store, load_profile(assets.DEMO_PROFILE))
        engine_for(store, platform.url, None).sync_once()
        assert community.reload_if_changed()

        view = community.service_view(
            snapshot(moving=False, speed=0.0, dtcs=["P0D55"], latitude=CAR[0],
                     longitude=CAR[1]),
            "en",
        )
        rows = community.clip_rows(snapshot(moving=False, speed=0.0), "en")
        assert view is not None
        report = view.reports[0]
        assert report.title == "Owners on P0D55"
        assert report.workshops[0].workshop_id == "ws-near"
        assert report.workshops[0].recommended
        platform_rows = [row for row in rows if row.clip_id == "clip-platform"]
        assert platform_rows[0].playable
        assert platform_rows[0].path == clip_cache_dir(store) / "platform-clip.mp4"
    finally:
        store.close()


def test_second_pull_keeps_good_clip(platform: Platform, db_path: Path) -> None:
    publish_all(platform)
    store = Store(db_path)
    try:
        engine_for(store, platform.url, None).sync_once()
        with FaultProxy(platform.url) as proxy:
            engine_for(store, proxy.url, None).sync_once()
        downloads = [r for r in proxy.requests if r.path.endswith("/file")]
        assert downloads == []
    finally:
        store.close()


def test_malformed_items_skipped(platform: Platform, db_path: Path, caplog) -> None:
    publish_all(platform)
    with platform.engine.begin() as connection:
        connection.execute(insert(storage.community_items).values(
            kind="workshops", id="ws-broken", models="[]", latitude=30.26, longitude=120.15,
            body=json.dumps({"id": "ws-broken", "name": {"en": "No time"}}), updated_at=0,
        ))
        connection.execute(insert(storage.community_items).values(
            kind="clips", id="clip-escape", models="[]", latitude=None, longitude=None,
            body=json.dumps(dict(clip("clip-escape", "../../escape.mp4"))), updated_at=0,
        ))
    store = Store(db_path)
    try:
        with caplog.at_level(logging.WARNING):
            engine_for(store, platform.url, None).sync_once()
        community = Community(store, load_profile(assets.DEMO_PROFILE))
        messages = [record.getMessage() for record in caplog.records]

        assert sorted(item["id"] for item in ContentCache(store).items("workshops")) == [
            "ws-mid", "ws-near"]
        assert len([m for m in messages if "clip-escape" in m]) == 1
        assert not (db_path.parent.parent / "escape.mp4").exists()
        assert "clip-escape" not in community.clips.clips
        assert "clip-platform" in community.clips.clips
    finally:
        store.close()


def test_rsvp_and_vote_reach_platform(platform: Platform, db_path: Path) -> None:
    token = platform.owner_token("li@example.com")
    store = Store(db_path)
    try:
        community = Community(store, load_profile(assets.DEMO_PROFILE),
                              sink=OutboxSink(store))
        event_id = next(iter(community.clubs.events))
        community.rsvp(event_id, True, snapshot(moving=False, speed=0.0))
        community.tip_feedback.vote("tip-cold-range", helpful=True)
        # Votes and RSVPs leave the car only with the owner's consent.
        Privacy(store).set_consent(Consent.SUMMARIES)
        SyncEngine(store, PlatformClient(platform.url, token), model=MODEL).sync_once()
        export = requests.get(platform.url + "/api/v1/me/export",
                              headers={"Authorization": f"Bearer {token}"}, timeout=10).json()

        assert [(r["event_id"], r["going"]) for r in export["rsvps"]] == [(event_id, True)]
        assert [(v["tip_id"], v["helpful"]) for v in export["tip_votes"]] == [
            ("tip-cold-range", True)]
    finally:
        store.close()
