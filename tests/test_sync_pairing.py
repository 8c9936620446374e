"""Pairing the head unit with an owner account by the device flow, and signing out."""

from __future__ import annotations

import logging
import stat
import threading
from pathlib import Path

import pytest
import requests

from headunit.platform_sync import PlatformSync, qr_data_uri
from platform_server import accounts
from sync.pairing import PairingError
from sync.store import Store
from tests.platform_fixtures import Platform, start_platform, wait_until


@pytest.fixture
def quick_platform(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The platform with a 1 s polling interval, so pairing tests take seconds."""
    yield from start_platform(f"sqlite:///{tmp_path / 'platform.db'}", "sqlite",
                              device_poll_interval_s=1, device_code_lifetime_s=30)


def approve_when_shown(platform: Platform, user_code: str, approve: bool = True) -> None:
    owner_id = accounts.create_owner(platform.engine, f"{user_code}@example.com", "long password")
    outcome = accounts.decide_user_code(platform.engine, user_code, owner_id, approve)
    assert outcome == ("approved" if approve else "denied")


def test_pairing_stores_token_privately(
    quick_platform: Platform, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(tmp_path / "headunit.db")
    credentials = tmp_path / "credentials.json"
    sync = PlatformSync(store, credentials)
    with caplog.at_level(logging.DEBUG):
        pairing, authorization = sync.start_pairing(quick_platform.url)
        threading.Timer(1.5, approve_when_shown,
                        (quick_platform, authorization.user_code)).start()
        sync.finish_pairing(pairing, authorization)
    token = sync.engine.client.token
    mode = stat.S_IMODE(credentials.stat().st_mode)
    logged = "\n".join(record.getMessage() for record in caplog.records)

    assert mode == 0o600
    assert token and token in credentials.read_text()
    assert token not in logged
    assert authorization.device_code not in logged
    assert token not in repr(sync.engine.client)
    assert authorization.device_code not in repr(authorization)
    assert PlatformSync(store, credentials).engine.client.token == token


def test_pairing_denied_by_owner(quick_platform: Platform, tmp_path: Path) -> None:
    store = Store(tmp_path / "headunit.db")
    sync = PlatformSync(store, tmp_path / "credentials.json")
    pairing, authorization = sync.start_pairing(quick_platform.url)
    threading.Timer(0.5, approve_when_shown,
                    (quick_platform, authorization.user_code, False)).start()

    with pytest.raises(PairingError) as raised:
        sync.finish_pairing(pairing, authorization)

    assert raised.value.reason == "access_denied"
    assert not (tmp_path / "credentials.json").exists()
    assert sync.status.state == "signed_out"


def test_sign_out_revokes_token(quick_platform: Platform, tmp_path: Path) -> None:
    store = Store(tmp_path / "headunit.db")
    credentials = tmp_path / "credentials.json"
    sync = PlatformSync(store, credentials)
    pairing, authorization = sync.start_pairing(quick_platform.url)
    threading.Timer(0.5, approve_when_shown, (quick_platform, authorization.user_code)).start()
    sync.finish_pairing(pairing, authorization)
    token = sync.engine.client.token

    sync.sign_out()
    after = requests.get(quick_platform.url + "/api/v1/me/export",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    sync.engine.sync_once()

    assert after.status_code == 401
    assert not credentials.exists()
    assert sync.status.state == "signed_out"


def test_revoked_token_shows_signed_out(quick_platform: Platform, tmp_path: Path) -> None:
    store = Store(tmp_path / "headunit.db")
    sync = PlatformSync(store, tmp_path / "credentials.json")
    pairing, authorization = sync.start_pairing(quick_platform.url)
    threading.Timer(0.5, approve_when_shown, (quick_platform, authorization.user_code)).start()
    sync.finish_pairing(pairing, authorization)
    sync.privacy.set_consent("summaries")
    accounts.revoke_token(quick_platform.engine, sync.engine.client.token)
    sync.engine.outbox.enqueue("rating", {"model": "Demo EV", "score": 5})

    sync.start()
    assert wait_until(lambda: sync.status.state == "signed_out")
    sync.stop()

    assert sync.status.pending == 1
    assert "access token" in sync.status.last_error


def test_pairing_qr_code_is_a_png_data_uri() -> None:
    uri = qr_data_uri("http://127.0.0.1:8765/device?user_code=BCDF-GHJK")

    assert uri.startswith("data:image/png;base64,")


def test_pair_command_shows_code(
    quick_platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import select

    from headunit import cli
    from platform_server import storage

    def approve_pending_code() -> None:
        with quick_platform.engine.connect() as connection:
            user_code = connection.execute(select(storage.device_codes.c.user_code)).scalar()
        approve_when_shown(quick_platform, user_code)

    threading.Timer(1.5, approve_pending_code).start()
    code = cli.main(["sync", "--db", str(tmp_path / "headunit.db"), "pair",
                     "--platform", quick_platform.url])
    output = capsys.readouterr().out

    assert code == 0
    assert f"Open {quick_platform.url}/device and enter the code" in output
    assert output.rstrip().endswith("paired")
    assert stat.S_IMODE((tmp_path / "platform-credentials.json").stat().st_mode) == 0o600
