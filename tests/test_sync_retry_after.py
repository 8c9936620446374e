"""Retry-After from the platform: obeyed, capped when absurd, never blocking."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from email.utils import format_datetime
from datetime import timezone
from pathlib import Path

import pytest

from platform_server.faultproxy import FaultPlan, FaultProxy
from sync.client import parse_retry_after
from sync.engine import SyncConfig
from sync.outbox import Outbox
from sync.store import Store
from tests.platform_fixtures import Platform, platform, wait_until  # noqa: F401
from tests.test_sync_faults import paired_engine
from tests.trip_fixtures import add_closed_trips

#: The engine's defaults except the pause between healthy passes.
CAR = SyncConfig(interval_s=60)


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3600", 3600.0), ("0", 0.0), (" 120 ", 120.0), ("-5", None), ("soon", None),
     ("", None), ("1.5", None), (None, None)],
)
def test_retry_after_values(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_http_date() -> None:
    now = 1_750_000_000.0
    later = format_datetime(datetime.fromtimestamp(now + 90, timezone.utc), usegmt=True)
    earlier = format_datetime(datetime.fromtimestamp(now - 90, timezone.utc), usegmt=True)

    assert parse_retry_after(later, now=now) == 90.0
    assert parse_retry_after(earlier, now=now) == 0.0


def test_long_retry_after_is_obeyed(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    add_closed_trips(store, 30)
    token = platform.owner_token("wait@example.com")
    plan = FaultPlan(rates={"unavailable_503": 1.0}, retry_after="3600")

    with FaultProxy(platform.url, plan) as proxy:
        engine = paired_engine(store, proxy.url, token, CAR)
        before = time.time()
        engine.sync_once()
        for _ in range(5):
            engine.sync_once()
        status = engine.status

    expected_time = datetime.fromtimestamp(status.next_attempt_at).strftime("%H:%M")
    assert len(proxy.requests) == 1
    assert status.state == "waiting"
    assert status.next_attempt_at >= before + 3600
    assert status.next_attempt_at <= time.time() + 3600
    assert status.message() == f"waiting for the server, next try {expected_time} (30 pending)"
    assert Outbox(store).counts() == {"pending": 30}


def test_absurd_retry_after_is_capped_and_logged(
    platform: Platform, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(db_path)
    add_closed_trips(store, 3)
    token = platform.owner_token("cap@example.com")
    plan = FaultPlan(rates={"too_many_429": 1.0}, retry_after="2592000")

    with FaultProxy(platform.url, plan) as proxy, caplog.at_level(logging.WARNING):
        engine = paired_engine(store, proxy.url, token, CAR)
        engine.sync_once()
        waited = engine.status.next_attempt_at - time.time()
        engine.sync_once()

    capped = [r for r in caplog.records if "2592000" in r.getMessage()]
    assert CAR.retry_after_cap_s - 5 <= waited <= CAR.retry_after_cap_s
    assert len(capped) == 1
    assert len(proxy.requests) == 1
    assert Outbox(store).counts() == {"pending": 3}


def test_stop_while_waiting_is_prompt(platform: Platform, db_path: Path) -> None:
    store = Store(db_path)
    add_closed_trips(store, 3)
    token = platform.owner_token("stop@example.com")
    plan = FaultPlan(rates={"unavailable_503": 1.0}, retry_after="3600")

    with FaultProxy(platform.url, plan) as proxy:
        engine = paired_engine(store, proxy.url, token, CAR)
        stop = threading.Event()
        worker = threading.Thread(target=engine.run, args=(stop,))
        worker.start()
        assert wait_until(lambda: engine.status.state == "waiting")
        started = time.monotonic()
        stop.set()
        worker.join(timeout=2)
        elapsed = time.monotonic() - started

    assert not worker.is_alive()
    assert elapsed < 2
    assert len(proxy.requests) == 1
    assert Outbox(store).counts() == {"pending": 3}


def test_backoff_grows_with_full_jitter(db_path: Path) -> None:
    store = Store(db_path)
    add_closed_trips(store, 1)
    # Nothing listens on this loopback port, so every attempt fails to connect.
    from platform_server.runner import free_port

    engine = paired_engine(store, f"http://127.0.0.1:{free_port()}", "token",
                           SyncConfig(backoff_base_s=1, backoff_cap_s=8, connect_timeout_s=1))
    delays = []
    for _ in range(6):
        engine.sync_once()
        delays.append(engine.status.next_attempt_at - time.time())
        engine._set_status(next_attempt_at=None)

    bounds = [1, 2, 4, 8, 8, 8]
    assert engine.status.state == "offline"
    for delay, bound in zip(delays, bounds):
        assert -0.5 <= delay <= bound
    assert Outbox(store).counts() == {"pending": 1}


def test_head_unit_runs_while_platform_says_wait(platform: Platform, tmp_path: Path) -> None:
    from headunit.app import HeadUnit
    from headunit.platform_sync import CREDENTIALS_FILE
    from sync.credentials import Credentials, TokenStore
    from sync.privacy import Consent, Privacy

    db_path = tmp_path / "headunit.db"
    store = Store(db_path)
    Privacy(store).set_consent(Consent.SUMMARIES, now=0)
    add_closed_trips(store, 5)
    store.close()
    token = platform.owner_token("boot@example.com")
    plan = FaultPlan(rates={"unavailable_503": 1.0}, retry_after="3600")

    with FaultProxy(platform.url, plan) as proxy:
        TokenStore(tmp_path / CREDENTIALS_FILE).save(Credentials(proxy.url, token))
        headunit = HeadUnit.demo(db_path, time_scale=20, loop=True)
        started = time.monotonic()
        headunit.start()
        start_s = time.monotonic() - started
        assert wait_until(lambda: headunit.sync_status.state == "waiting")
        snapshot = headunit.state.snapshot()
        status = headunit.sync_status
        stopping = time.monotonic()
        headunit.stop()
        stop_s = time.monotonic() - stopping

    assert start_s < 1
    assert snapshot is not None
    assert status.pending == 5
    assert "waiting for the server, next try" in status.message()
    assert stop_s < 2
    assert len(proxy.requests) == 1
    assert Outbox(Store(db_path)).counts() == {"pending": 5}


def test_pairing_poll_honours_retry_after(platform: Platform) -> None:
    from sync.client import PlatformClient
    from sync.pairing import DeviceAuthorization, DevicePairing, PairingError

    plan = FaultPlan(rates={"too_many_429": 1.0}, retry_after="2")
    authorization = DeviceAuthorization("code", "BCDF-GHJK", "", "", expires_in=4, interval=1)
    with FaultProxy(platform.url, plan) as proxy:
        pairing = DevicePairing(PlatformClient(proxy.url), "unit-1")
        with pytest.raises(PairingError) as raised:
            pairing.poll(authorization)

    # Polls at 1 s and, after waiting the 2 s Retry-After, at 3 s; then the code expires.
    assert len(proxy.requests) == 2
    assert raised.value.reason == "expired_token"
