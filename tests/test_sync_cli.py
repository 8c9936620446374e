"""The ``headunit sync`` command and the head unit's sync status."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from headunit import cli
from headunit.app import HeadUnit
from sync.credentials import Credentials, TokenStore
from sync.store import Store
from sync.triplog import TripLog
from tests.platform_fixtures import Platform, platform  # noqa: F401
from tests.trip_fixtures import add_closed_trips


def test_sync_commands_end_to_end(
    platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "headunit.db"
    token = platform.owner_token("cli@example.com")
    TokenStore(tmp_path / "platform-credentials.json").save(Credentials(platform.url, token))
    base = ["sync", "--db", str(db)]

    consent = cli.main(base + ["consent", "summaries", "--trim", "800"])
    place = cli.main(base + ["hidden-place", "add", "home", "31.23", "121.47"])
    store = Store(db)
    add_closed_trips(store, 12, start=time.time() + 10)
    log = TripLog(store)
    charge = log.start_charging("Demo EV", time.time() + 20, 35.0, "AC", 31.25, 121.5)
    log.close_charging(charge, "charging stopped", {"ended_at": time.time() + 80,
                                                    "energy_added_kwh": 0.2})
    store.close()
    synced = cli.main(base + ["run", "--timeout", "30"])
    exported = cli.main(base + ["export", str(tmp_path / "mine.json")])
    deleted = cli.main(base + ["delete-my-data"])
    output = capsys.readouterr().out

    assert consent == 0
    assert place == 0
    assert synced == 0
    assert "sync: synced" in output
    assert exported == 0
    mine = json.loads((tmp_path / "mine.json").read_text())
    assert len(mine["trips"]) == 12
    assert [session["id"] for session in mine["charging_sessions"]] == [charge]
    assert "12 trips, 1 charging sessions" in output
    assert deleted == 0
    assert "platform: synced" in output


def test_invalid_trim_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["sync", "--db", str(tmp_path / "h.db"), "consent", "traces",
                     "--trim", "-1"])

    assert code == 2
    assert "trim distance must be 0..50000 m, got -1.0" in capsys.readouterr().err


def test_unpaired_head_unit_shows_signed_out(tmp_path: Path) -> None:
    headunit = HeadUnit.demo(tmp_path / "headunit.db", time_scale=50, loop=False)
    headunit.start()
    status = headunit.sync_status
    started = time.monotonic()
    headunit.stop()

    assert status.state == "signed_out"
    assert status.pending == 0
    assert time.monotonic() - started < 5


def test_ratings_votes_and_rsvps_upload(platform: Platform, tmp_path: Path) -> None:
    from headunit.platform_sync import PlatformSync
    from sync.privacy import Consent

    token = platform.owner_token("social@example.com")
    TokenStore(tmp_path / "credentials.json").save(Credentials(platform.url, token))
    sync = PlatformSync(Store(tmp_path / "headunit.db"), tmp_path / "credentials.json",
                        model="Demo EV")
    sync.privacy.set_consent(Consent.SUMMARIES)
    rating = sync.rate(4, tags=("quiet",))
    vote = sync.vote_tip("winter-range", True)
    rsvp = sync.rsvp("club-1", True)

    sync.engine.drain()
    mine = requests.get(platform.url + "/api/v1/me/export",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).json()

    assert [r["id"] for r in mine["ratings"]] == [rating]
    assert mine["ratings"][0]["score"] == 4
    assert [v["id"] for v in mine["tip_votes"]] == [vote]
    assert [r["id"] for r in mine["rsvps"]] == [rsvp]
    with pytest.raises(ValueError):
        sync.rate(6)


def test_closed_trip_uploads_without_waiting(platform: Platform, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from headunit.platform_sync import CREDENTIALS_FILE
    from platform_server import storage
    from sync.privacy import Consent, Privacy
    from tests.platform_fixtures import wait_until

    db_path = tmp_path / "headunit.db"
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    store.close()
    token = platform.owner_token("demo@example.com")
    TokenStore(tmp_path / CREDENTIALS_FILE).save(Credentials(platform.url, token))

    def platform_trips() -> int:
        with platform.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(storage.trips)).scalar()

    headunit = HeadUnit.demo(db_path, time_scale=40, loop=True, parked_timeout_s=3)
    headunit.start()
    try:
        uploaded = wait_until(lambda: platform_trips() >= 1, timeout_s=30, step_s=0.2)
    finally:
        headunit.stop()

    assert uploaded
    assert headunit.sync.engine.config.interval_s >= 300
