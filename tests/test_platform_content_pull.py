"""Tips and club events published on the platform reach the head unit's screens.

The reference platform runs on loopback over real HTTP. A sync pass of
the head unit's own engine pulls its flat records, converts them into the
content format and caches them, and ``HeadUnit.community`` reads them
layered over the bundled starter content.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests
from sqlalchemy import delete

import assets
from headunit.app import HeadUnit
from headunit.community import Community
from platform_server import accounts, community_api, content, storage
from sync.client import PlatformClient
from sync.community import ContentCache, clip_cache_dir
from sync.engine import SyncEngine, cached_club_events, cached_tips
from sync.feedback_outbox import OutboxSink
from sync.privacy import Consent, Privacy
from sync.store import Store
from tests.community_helpers import snapshot
from tests.platform_fixtures import Platform, platform  # noqa: F401
from vehicle.profile import load_profile

#: Near West Lake, Hangzhou: the car's position.
CAR = (30.2571, 120.1423)
#: A bundled tip that the platform publishes a newer version of.
BUNDLED_TIP = "tip-regen-stop-and-go"


def publish(platform: Platform) -> None:
    content.publish_tip(platform.engine, {
        "id": "pf-dtc-tip",
        "title": "Reset after P1A99",
        "body": "Owners cleared P1A99 by a 12 V battery reset at a workshop.",
        "conditions": {"dtc_any": ["P1A99"]},
        "author": "Chen Jie",
        "author_role": "club president",
        "helpful_votes": 40,
    })
    content.publish_tip(platform.engine, {
        "id": BUNDLED_TIP,
        "title": "Regen in traffic, updated",
        "body": "The new software release adds a stronger regen level for traffic.",
        "conditions": {"powertrain": ["BEV", "PHEV"], "moving": True},
        "author": "Li Wei",
    })
    content.add_club_event(platform.engine, {
        "id": "pf-lake-meet", "club": "West Lake EV Club", "title": "Lakeside meet",
        "latitude": 30.26, "longitude": 120.15, "starts_at": time.time() + 2 * 86_400,
        "place": "Broken Bridge car park",
    })


@pytest.fixture
def headunit(tmp_path: Path, platform: Platform) -> Iterator[HeadUnit]:
    unit = HeadUnit(assets.DEMO_PROFILE, tmp_path / "headunit.db")
    unit.sync.engine.use_client(PlatformClient(platform.url, None))
    unit.sync.engine.position = lambda: CAR
    try:
        yield unit
    finally:
        unit.store.close()


def test_pulled_tip_and_event_reach_community(platform: Platform, headunit: HeadUnit) -> None:
    publish(platform)
    result = headunit.sync.engine.sync_once()
    community = headunit.community
    assert community.reload_if_changed()
    parked = snapshot(moving=False, speed=0.0, dtcs=["P1A99"], latitude=CAR[0],
                      longitude=CAR[1])

    ranked = community.tips.ranked(parked)
    events = community.events_nearby(parked, "en")
    assert result.errors == []
    assert ranked[0].id == "pf-dtc-tip"
    assert ranked[0].author_role == "club_president"
    assert ranked[0].helpful == 40
    assert "pf-lake-meet" in [row.event_id for row in events]
    assert community.tips.tip(BUNDLED_TIP).text("title", "en") == "Regen in traffic, updated"


def test_withdrawn_content_removed(platform: Platform, headunit: HeadUnit) -> None:
    publish(platform)
    headunit.sync.engine.sync_once()
    content.publish_tip(platform.engine, {"id": "pf-dtc-tip", "title": "-", "body": "-",
                                          "author": "-", "deleted": True})
    content.publish_tip(platform.engine, {"id": BUNDLED_TIP, "title": "-", "body": "-",
                                          "author": "-", "deleted": True})
    with platform.engine.begin() as connection:
        connection.execute(delete(storage.club_events))
    headunit.sync.engine.wake()
    headunit.sync.engine.sync_once()
    community = headunit.community
    community.reload_if_changed()
    parked = snapshot(moving=False, speed=0.0, latitude=CAR[0], longitude=CAR[1])

    assert community.tips.tip("pf-dtc-tip") is None
    # The withdrawal also hides the bundled tip of the same id.
    assert community.tips.tip(BUNDLED_TIP) is None
    assert "pf-lake-meet" not in [row.event_id for row in community.events_nearby(parked, "en")]
    assert cached_club_events(headunit.store) == []


def test_malformed_pulled_tip_skipped(platform: Platform, headunit: HeadUnit, caplog) -> None:
    publish(platform)
    content.publish_tip(platform.engine, {
        "id": "pf-bad-condition", "title": "Odd", "body": "Odd condition",
        "conditions": {"phase_of_moon": "full"}, "author": "Zhao",
    })
    with caplog.at_level(logging.WARNING):
        headunit.sync.engine.sync_once()
    messages = [r.getMessage() for r in caplog.records if "pf-bad-condition" in r.getMessage()]

    assert len(messages) == 1
    assert "phase_of_moon" in messages[0]
    assert sorted(tip["id"] for tip in cached_tips(headunit.store)) == [
        "pf-dtc-tip", BUNDLED_TIP]


def test_pulled_content_read_offline(platform: Platform, headunit: HeadUnit) -> None:
    publish(platform)
    headunit.sync.engine.sync_once()
    # A fresh back end on the same database, with no platform at all.
    offline = Community(headunit.store, load_profile(assets.DEMO_PROFILE))
    parked = snapshot(moving=False, speed=0.0, dtcs=["P1A99"], latitude=CAR[0],
                      longitude=CAR[1])

    assert offline.tips.ranked(parked)[0].id == "pf-dtc-tip"
    assert "pf-lake-meet" in [row.event_id for row in offline.events_nearby(parked, "en")]


def test_withdrawn_clip_file_deleted(platform: Platform, headunit: HeadUnit) -> None:
    clip = {
        "id": "clip-gone", "updated_at": "2026-12-03T10:00:00+08:00",
        "title": {"en": "Soon withdrawn"}, "author": {"name": "Owner", "role": "owner"},
        "duration_s": 4, "file": "gone.mp4",
    }
    data = (assets.CLIPS_DIR / "demo-charging-port.mp4").read_bytes()
    community_api.publish_clip(platform.engine, clip, data)
    headunit.sync.engine.sync_once()
    cached = clip_cache_dir(headunit.store) / "gone.mp4"
    assert cached.read_bytes() == data

    with platform.engine.begin() as connection:
        connection.execute(delete(storage.community_items)
                           .where(storage.community_items.c.id == "clip-gone"))
        connection.execute(delete(storage.clip_files))
    headunit.sync.engine.wake()
    headunit.sync.engine.sync_once()
    headunit.community.reload_if_changed()

    assert not cached.exists()
    assert ContentCache(headunit.store).items("clips") == []
    assert "clip-gone" not in headunit.community.clips.clips
    # Clips bundled with the head unit stay.
    assert any(path.is_file() for path in assets.CLIPS_DIR.iterdir())


def test_report_lowers_tip_on_platform(platform: Platform, tmp_path: Path) -> None:
    publish(platform)
    store = Store(tmp_path / "headunit.db")
    try:
        token = platform.owner_token("li@example.com")
        community = Community(store, load_profile(assets.DEMO_PROFILE),
                              sink=OutboxSink(store))
        community.tip_feedback.report_no_longer_true("pf-dtc-tip", moving=False)
        engine = SyncEngine(store, PlatformClient(platform.url, token))
        engine.sync_once()
        assert requests_export(platform, token)["tip_reports"] == []

        # Reports leave the car only with the owner's consent.
        Privacy(store).set_consent(Consent.SUMMARIES)
        engine.wake()
        engine.sync_once()
        engine.wake()
        engine.sync_once()
        export = requests_export(platform, token)
        tips = requests.get(platform.url + "/api/v1/tips", timeout=10).json()["tips"]
        reported = [tip for tip in tips if tip["id"] == "pf-dtc-tip"]

        assert [r["tip_id"] for r in export["tip_reports"]] == ["pf-dtc-tip"]
        assert reported[0]["no_longer_true"] == 1
        assert community.queue.pending() == []
    finally:
        store.close()


def test_delete_covers_feedback_and_points(platform: Platform) -> None:
    token = platform.owner_token("li@example.com")
    owner = accounts.owner_for_token(platform.engine, token)
    community_api.grant_points(platform.engine, owner, "g-1", "helpful_tip", 12)
    headers = {"Authorization": f"Bearer {token}"}
    for path, body in (("/tip-votes/batch", {"votes": [
            {"id": "v1", "tip_id": "t1", "helpful": True}]}),
            ("/tip-reports/batch", {"reports": [{"id": "r1", "tip_id": "t1"}]}),
            ("/rsvps/batch", {"rsvps": [{"id": "s1", "event_id": "e1", "going": True}]})):
        response = requests.post(platform.url + "/api/v1" + path, json=body,
                                 headers=headers, timeout=10)
        assert response.status_code == 200, response.text

    before = requests_export(platform, token)
    deleted = requests.delete(platform.url + "/api/v1/me/data", headers=headers,
                              timeout=10).json()["deleted"]
    after = requests_export(platform, token)

    for table in ("tip_votes", "tip_reports", "rsvps", "points_entries"):
        assert len(before[table]) == 1, table
        assert deleted[table] == 1, table
        assert after[table] == [], table


def requests_export(platform: Platform, token: str) -> dict:
    response = requests.get(platform.url + "/api/v1/me/export",
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_report_on_newest_tip_reaches_cursor(platform: Platform) -> None:
    content.publish_tip(platform.engine, {"id": "pf-only", "title": "Only tip",
                                          "body": "The newest tip.", "author": "Wu"})
    cursor = requests.get(platform.url + "/api/v1/tips", timeout=10).json()["cursor"]
    token = platform.owner_token("li@example.com")
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(2):
        response = requests.post(platform.url + "/api/v1/tip-reports/batch", headers=headers,
                                 json={"reports": [{"id": "r1", "tip_id": "pf-only"}]},
                                 timeout=10)
        assert response.status_code == 200, response.text
    changed = requests.get(platform.url + "/api/v1/tips", params={"since": cursor},
                           timeout=10).json()["tips"]

    assert [(tip["id"], tip["no_longer_true"]) for tip in changed] == [("pf-only", 1)]
