"""Pairing, data sharing and sync status in the settings, against a real platform."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from headunit import status as status_states
from headunit.app import HeadUnit
from headunit.config import PlatformSettings
from platform_server import accounts
from sync.engine import SyncStatus
from sync.privacy import Consent, Privacy
from tests.platform_fixtures import Platform, start_platform
from tests.test_hmi_shell import BEIJING_NOON, SIZE, T0, click, find, push
from headunit.display import pixels_per_dp
from ui import app as ui_app
from ui import gallery
from vehicle import vss

#: Folder for PNGs of the account screens to look at; unset writes none.
SHOTS = os.environ.get("HEADUNIT_UI_SHOTS")
SYNC_STATES = (
    status_states.SYNC_SYNCED,
    status_states.SYNC_PENDING,
    status_states.SYNC_OFFLINE,
    status_states.SYNC_WAITING,
    status_states.SYNC_SIGNED_OUT,
    status_states.SYNC_ERROR,
)


@pytest.fixture
def quick_platform(tmp_path: Path) -> Iterator[Platform]:
    """The platform with a 1 s polling interval, so pairing takes seconds."""
    yield from start_platform(
        f"sqlite:///{tmp_path / 'platform.db'}",
        "sqlite",
        device_poll_interval_s=1,
        device_code_lifetime_s=30,
    )


@pytest.fixture
def headunit(db_path: Path) -> Iterator[HeadUnit]:
    unit = HeadUnit.demo(db_path)
    yield unit
    unit.stop()


def open_ui(qapp, headunit: HeadUnit, language: str = "zh_CN") -> ui_app.LoadedUi:
    translations = ui_app.Translations(qapp, language)
    ui = ui_app.load_ui(headunit, size=SIZE, translations=translations)
    assert ui is not None
    ui.pump.stop()
    ui.shell.set_clock(BEIJING_NOON)
    ui.translations = translations  # type: ignore[attr-defined]
    return ui


def close_ui(ui: ui_app.LoadedUi) -> None:
    ui.close()
    ui.translations.remove()  # type: ignore[attr-defined]


@pytest.fixture
def shown(qapp, headunit) -> Iterator[ui_app.LoadedUi]:
    ui = open_ui(qapp, headunit)
    yield ui
    close_ui(ui)


def use_platform(headunit: HeadUnit, url: str) -> None:
    headunit.config = dataclasses.replace(headunit.config, platform=PlatformSettings(url))


def parked_on(ui: ui_app.LoadedUi, headunit: HeadUnit, section: str, t: float = T0) -> None:
    push(headunit, t, {vss.SPEED: 0.0})
    ui.pump.tick()
    ui.shell.showScreen("settings")
    ui.account.attach(headunit)
    ui.pump.tick()
    ui.shell.openSection(section)
    ui.pump.tick()


def decide(platform: Platform, user_code: str, approve: bool) -> None:
    owner_id = accounts.create_owner(platform.engine, f"{user_code}@example.com", "long password")
    outcome = accounts.decide_user_code(platform.engine, user_code, owner_id, approve)
    assert outcome == ("approved" if approve else "denied")


def save_shot(ui: ui_app.LoadedUi, name: str, tick: bool = True) -> None:
    """Render the window and write it to a PNG under SHOTS when that is set."""
    if tick:
        ui.pump.tick()
    for _ in range(2):
        QGuiApplication.processEvents()
    image = ui.grab()
    assert not image.isNull()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(SHOTS) / f"{name}.png"), "PNG")


def test_pair_from_screen_and_sign_out(shown, headunit, quick_platform, qtbot):
    use_platform(headunit, quick_platform.url)
    push(headunit, T0, {vss.SPEED: 0.0})
    shown.pump.tick()
    click(shown, "navSettings", qtbot)
    shown.account.attach(headunit)
    click(shown, "pairingButton", qtbot)
    assert shown.shell.currentSection == "pairing"
    assert find(shown, "pairButton").isVisible()

    click(shown, "pairButton", qtbot)
    qtbot.waitUntil(lambda: shown.account.pairingState == "waiting", timeout=5000)
    user_code = find(shown, "pairingUserCode").property("text")
    assert len(user_code) >= 8
    qr = find(shown, "pairingQr")
    # The data URI decodes asynchronously.
    qtbot.waitUntil(lambda: qr.implicitWidth() > 0, timeout=5000)
    assert qr.property("progress") == 1.0
    assert qr.isVisible()
    assert "打开" in find(shown, "pairingStateLabel").property("text")
    save_shot(shown, "pairing-waiting-day")

    decide(quick_platform, user_code, approve=True)
    qtbot.waitUntil(lambda: shown.account.pairingState == "paired", timeout=10_000)
    assert headunit.sync.engine.client is not None
    assert headunit.sync.tokens.load() is not None
    assert find(shown, "pairingStateLabel").property("text") == "已与您的账户配对。"
    assert not find(shown, "pairingUserCode").isVisible()
    save_shot(shown, "pairing-paired-day")

    click(shown, "signOutButton", qtbot)
    assert find(shown, "signOutQuestion").isVisible()
    assert headunit.sync.engine.client is not None
    save_shot(shown, "pairing-sign-out-confirm-day")
    click(shown, "signOutConfirmButton", qtbot)
    assert shown.account.pairingState == "signed_out"
    assert headunit.sync.engine.client is None
    assert headunit.sync.tokens.load() is None
    assert find(shown, "pairButton").isVisible()


def test_pairing_denied_offers_retry(shown, headunit, quick_platform, qtbot):
    use_platform(headunit, quick_platform.url)
    parked_on(shown, headunit, "pairing")
    click(shown, "pairButton", qtbot)
    qtbot.waitUntil(lambda: shown.account.pairingState == "waiting", timeout=5000)
    decide(quick_platform, shown.account.userCode, approve=False)
    qtbot.waitUntil(lambda: shown.account.pairingState == "denied", timeout=10_000)
    assert headunit.sync.engine.client is None
    assert find(shown, "pairRetryButton").isVisible()
    assert find(shown, "pairingStateLabel").property("text") == "平台拒绝了配对。"
    save_shot(shown, "pairing-denied-day")

    click(shown, "pairRetryButton", qtbot)
    qtbot.waitUntil(lambda: shown.account.pairingState == "waiting", timeout=5000)
    click(shown, "pairCancelButton", qtbot)
    assert shown.account.pairingState == "signed_out"


def test_pairing_without_platform_says_so(shown, headunit, qtbot):
    assert headunit.config.platform is None
    parked_on(shown, headunit, "pairing")
    assert shown.account.pairingState == "unconfigured"
    assert "未配置" in find(shown, "pairingStateLabel").property("text")
    assert not find(shown, "pairButton").isVisible()
    shown.account.startPairing()
    assert shown.account.pairingState == "unconfigured"


def test_consent_change_stored(shown, headunit, qtbot):
    parked_on(shown, headunit, "sharing")
    assert find(shown, "consentNothing").property("selected")
    click(shown, "consentSummaries", qtbot)
    assert Privacy(headunit.store).consent == Consent.SUMMARIES
    assert find(shown, "consentSummaries").property("selected")
    assert not find(shown, "consentNothing").property("selected")
    click(shown, "consentTraces", qtbot)
    assert Privacy(headunit.store).consent == Consent.TRACES
    save_shot(shown, "sharing-parked-day")


def test_delete_my_data_after_confirmation(shown, headunit, qtbot):
    parked_on(shown, headunit, "syncStatus")
    outbox = headunit.sync.engine.outbox
    erases_before = len(outbox.pending("erase", 100))
    click(shown, "deleteDataButton", qtbot)
    assert find(shown, "deleteDataQuestion").isVisible()
    assert len(outbox.pending("erase", 100)) == erases_before
    click(shown, "keepDataButton", qtbot)
    assert not find(shown, "deleteDataQuestion").isVisible()
    assert len(outbox.pending("erase", 100)) == erases_before

    click(shown, "deleteDataButton", qtbot)
    click(shown, "deleteDataConfirmButton", qtbot)
    assert len(outbox.pending("erase", 100)) == erases_before + 1
    assert headunit.store.query("select count(*) as n from trips")[0]["n"] == 0
    assert find(shown, "syncDetailMessage").isVisible()


def test_moving_locks_account_changes(shown, headunit, quick_platform, qtbot):
    use_platform(headunit, quick_platform.url)
    parked_on(shown, headunit, "sharing")
    shown.account.ask("deleteData")
    assert shown.account.confirming == "deleteData"

    push(headunit, T0 + 1, {vss.SPEED: 60.0})
    shown.pump.tick()
    assert shown.shell.currentSection == ""
    assert shown.account.confirming == ""
    assert not find(shown, "pairingButton").isVisible()
    assert find(shown, "accountStateLabel").isVisible()
    shown.shell.openSection("pairing")
    assert shown.shell.currentSection == ""
    shown.account.setConsent("traces")
    assert Privacy(headunit.store).consent == Consent.NOTHING
    shown.account.startPairing()
    assert shown.account.pairingState == "signed_out"
    shown.account.ask("signOut")
    assert shown.account.confirming == ""


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_sync_state_has_text(qapp, headunit, language):
    ui = open_ui(qapp, headunit, language)
    try:
        push(headunit, T0, {vss.SPEED: 0.0})
        ui.pump.tick()
        ui.shell.showScreen("settings")
        ui.shell.openSection("syncStatus")
        bar_texts = set()
        detail_texts = set()
        for state in SYNC_STATES:
            ui.shell._apply_status(status_states.Status(sync=state, sync_pending=3))
            ui.account.apply(
                False,
                SyncStatus(
                    state,
                    pending=3,
                    last_error="HTTP 503" if state in ("error", "waiting") else None,
                    next_attempt_at=T0 + 60 if state in ("waiting", "offline") else None,
                    last_synced_at=T0 if state != "signed_out" else None,
                ),
            )
            bar = find(ui, "syncLabel").property("text")
            detail = find(ui, "syncDetailState").property("text")
            assert bar, state
            assert detail, state
            if language == "zh_CN":
                assert not any("a" <= char.lower() <= "z" for char in bar), bar
                assert not any("a" <= char.lower() <= "z" for char in detail), detail
            bar_texts.add(bar)
            detail_texts.add(detail)
            if language == "zh_CN":
                save_shot(ui, f"sync-status-{state}-day", tick=False)
        assert len(bar_texts) == len(SYNC_STATES)
        assert len(detail_texts) == len(SYNC_STATES)
    finally:
        close_ui(ui)


@pytest.mark.parametrize("size", gallery.SIZES)
def test_pairing_code_meets_driving_rules(qapp, headunit, quick_platform, qtbot, size):
    use_platform(headunit, quick_platform.url)
    translations = ui_app.Translations(qapp, "zh_CN")
    ui = ui_app.load_ui(headunit, size=size, translations=translations)
    assert ui is not None
    try:
        ui.pump.stop()
        parked_on(ui, headunit, "pairing")
        ui.account.startPairing()
        assert ui.account.pairingState == "waiting"
        qr = find(ui, "pairingQr")
        qtbot.waitUntil(lambda: qr.implicitWidth() > 0, timeout=5000)
        for _ in range(2):
            QGuiApplication.processEvents()
        image = ui.grab()
        finding = gallery.Finding("settings.pairing", "parked", "day", size)
        finding.pixels_per_dp = pixels_per_dp(*size)
        gallery.inspect(ui, image, finding, moving=False)
        assert finding.problems == []
        assert finding.text_count > 0
        assert finding.target_count > 0
        if SHOTS:
            width, height = size
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            image.save(str(Path(SHOTS) / f"pairing-waiting-{width}x{height}.png"), "PNG")
    finally:
        ui.account.cancelPairing()
        ui.close()
        translations.remove()


@pytest.fixture
def short_code_platform(tmp_path: Path) -> Iterator[Platform]:
    """The platform with user codes that expire after 2 s."""
    yield from start_platform(
        f"sqlite:///{tmp_path / 'short.db'}",
        "sqlite",
        device_poll_interval_s=1,
        device_code_lifetime_s=2,
    )


def test_expired_code_offers_retry(shown, headunit, short_code_platform, qtbot):
    use_platform(headunit, short_code_platform.url)
    parked_on(shown, headunit, "pairing")
    click(shown, "pairButton", qtbot)
    qtbot.waitUntil(lambda: shown.account.pairingState == "waiting", timeout=5000)
    qtbot.waitUntil(lambda: shown.account.pairingState == "expired", timeout=10_000)
    assert find(shown, "pairRetryButton").isVisible()
    assert find(shown, "pairingStateLabel").property("text") == "配对码在输入前已过期。"
    assert headunit.sync.engine.client is None


def test_sync_detail_shows_monthly_data(shown, headunit):
    privacy = Privacy(headunit.store)
    privacy.set_monthly_budget_bytes(50_000_000)
    privacy.count_data(12_300_000)
    parked_on(shown, headunit, "syncStatus")
    shown.pump.tick()

    usage = find(shown, "syncDetailDataUsage")

    assert usage.isVisible()
    assert usage.property("text") == "本月移动数据：12.3 / 50 MB"

    privacy.count_data(40_000_000)
    shown.account.apply(False, dataclasses.replace(headunit.sync_status, traces_deferred=True))
    assert "完整轨迹下月再传" in usage.property("text")


def test_hide_current_place_while_parked(shown, headunit, qtbot):
    parked_on(shown, headunit, "sharing")
    home = find(shown, "hideHomeButton")
    assert not home.property("enabled")

    push(headunit, T0 + 1, {
        vss.SPEED: 0.0, vss.LATITUDE: 30.2741, vss.LONGITUDE: 120.1551,
    })
    shown.pump.tick()
    click(shown, "hideHomeButton", qtbot)
    places = Privacy(headunit.store).hidden_places()

    assert len(places) == 1
    assert places[0].name == "home"
    assert places[0].latitude == pytest.approx(30.2741)
    assert places[0].radius_m == 500.0
    assert find(shown, "hiddenPlacesLabel").property("text") == "隐藏地点：1 个"

    push(headunit, T0 + 2, {vss.SPEED: 40.0})
    shown.pump.tick()
    shown.account.hideHere("work")
    assert len(Privacy(headunit.store).hidden_places()) == 1
