"""The shell around the screens: settings, status bar, themes, restrictions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem

from headunit import theme
from headunit.app import HeadUnit
from headunit.restrictions import (
    MAX_NAVIGATION_DEPTH,
    SCREENS,
    restrictions_for,
)
from headunit.sun import is_daylight, sun_times
from tests.conftest import GENESIS_PROFILE
from ui import app as ui_app
from vehicle import vss
from vehicle.signals import SignalUpdate

T0 = 1_790_000_000.0
SIZE = (1280, 720)
#: Noon in Beijing, and one in the morning there.
BEIJING_NOON = datetime(2026, 12, 4, 4, 0, tzinfo=timezone.utc)
BEIJING_NIGHT = datetime(2026, 12, 4, 17, 0, tzinfo=timezone.utc)


@pytest.fixture
def headunit(db_path: Path) -> Iterator[HeadUnit]:
    unit = HeadUnit.demo(db_path)
    yield unit
    unit.stop()


@pytest.fixture
def shown(qapp, headunit) -> Iterator[ui_app.LoadedUi]:
    translations = ui_app.Translations(qapp, "zh_CN")
    ui = ui_app.load_ui(headunit, size=SIZE, translations=translations)
    assert ui is not None
    ui.pump.stop()
    ui.shell.set_clock(BEIJING_NOON)
    yield ui
    ui.close()
    translations.remove()


def push(headunit: HeadUnit, t: float, values: dict[str, object]) -> None:
    headunit.state.update([SignalUpdate(path, value, t) for path, value in values.items()])


def find(ui: ui_app.LoadedUi, name: str) -> QQuickItem:
    stack = [ui.window.contentItem()]
    while stack:
        item = stack.pop()
        if item.objectName() == name:
            return item
        stack.extend(item.childItems())
    raise AssertionError(f"no item named {name!r}")


def click(ui: ui_app.LoadedUi, name: str, qtbot) -> None:
    item = find(ui, name)
    point = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    qtbot.mouseClick(ui.window, Qt.MouseButton.LeftButton, pos=point)


def test_language_switches_at_run_time(shown, headunit, qtbot):
    push(headunit, T0, {vss.SPEED: 0.0})
    shown.pump.tick()
    assert find(shown, "navDrive").property("label") == "驾驶"
    click(shown, "navSettings", qtbot)
    click(shown, "languageEn", qtbot)

    assert shown.shell.language == "en"
    assert find(shown, "navDrive").property("label") == "Drive"
    assert find(shown, "navCommunity").property("label") == "Community"
    assert shown.shell.busText == "No vehicle bus"
    click(shown, "languageZh", qtbot)
    assert find(shown, "navCommunity").property("label") == "社区"


def test_units_switch_to_imperial(shown, headunit, qtbot):
    push(headunit, T0, {vss.SPEED: 0.0})
    shown.pump.tick()
    shown.shell.showScreen("settings")
    shown.pump.tick()
    click(shown, "unitsImperial", qtbot)
    push(headunit, T0 + 0.1, {vss.SPEED: 100.0, vss.RANGE: 160_934})
    shown.pump.tick()
    assert shown.drive_store.speed == pytest.approx(62.137, abs=0.01)
    assert shown.drive_store.rangeKm == pytest.approx(100.0, abs=0.01)
    assert shown.drive_store.speedUnit == "英里/时"


def test_settings_locked_while_moving(shown, headunit, qtbot):
    push(headunit, T0, {vss.SPEED: 0.0})
    push(headunit, T0 + 1, {vss.SPEED: 60.0})
    shown.shell.showScreen("settings")
    shown.pump.tick()
    assert shown.shell.moving
    click(shown, "languageEn", qtbot)
    shown.shell.setThemeMode("night")
    assert shown.shell.language == "zh_CN"
    assert shown.shell.themeMode == "auto"
    assert find(shown, "settingsLockedLabel").isVisible()
    assert not find(shown, "aboutButton").isVisible()


def test_about_section_is_third_level(shown, headunit, qtbot):
    push(headunit, T0, {vss.SPEED: 0.0})
    shown.shell.showScreen("settings")
    shown.pump.tick()
    click(shown, "aboutButton", qtbot)
    assert shown.shell.depth == 3 == MAX_NAVIGATION_DEPTH
    vehicle = find(shown, "aboutVehicleLabel").property("text")
    assert "Aurora E5" in vehicle
    assert "aurora-e5-demo" in vehicle
    assert find(shown, "aboutVersionLabel").property("text").startswith("软件版本：")
    shown.shell.closeSection()
    assert find(shown, "pairingButton").isVisible()
    click(shown, "aboutButton", qtbot)

    # Driving off closes the section: moving allows two levels only.
    push(headunit, T0 + 1, {vss.SPEED: 60.0})
    shown.pump.tick()
    assert shown.shell.depth == restrictions_for(True).max_navigation_depth == 2
    assert shown.shell.currentSection == ""
    shown.shell.openSection("about")
    assert shown.shell.depth == 2


def test_bus_lost_replaces_values(shown, headunit, qtbot):
    # The demo car drives the virtual bus until it is stopped.
    headunit.start()
    qtbot.waitUntil(lambda: headunit.bus_status == "receiving", timeout=10_000)
    qtbot.waitUntil(lambda: headunit.state.value(vss.SOC_DISPLAYED) is not None,
                    timeout=10_000)
    shown.pump.tick()
    assert shown.shell.busState == "receiving"
    assert find(shown, "speedLabel").property("text") != "–"

    headunit._simulator.stop()
    qtbot.waitUntil(lambda: headunit.bus_status == "lost", timeout=10_000)
    shown.pump.tick()
    assert shown.shell.busState == "lost"
    assert find(shown, "busLabel").property("text") == "车辆总线已断开"
    assert find(shown, "busLostBanner").isVisible()
    assert find(shown, "speedLabel").property("text") == "–"
    assert find(shown, "socReadoutValue").property("text") == "–"


def test_genesis_drive_screen_shows_engine(qapp, db_path):
    unit = HeadUnit(GENESIS_PROFILE, db_path)
    translations = ui_app.Translations(qapp, "zh_CN")
    ui = ui_app.load_ui(unit, size=SIZE, translations=translations)
    try:
        assert ui is not None
        ui.pump.stop()
        push(unit, T0, {
            vss.SPEED: 52.0, vss.ENGINE_SPEED: 2150.0,
            vss.COOLANT_TEMPERATURE: 88.0, vss.LOW_VOLTAGE_BATTERY_VOLTAGE: 14.1,
        })
        ui.pump.tick()
        for name, text in (
            ("engineSpeedReadoutValue", "2,150"),
            ("coolantReadoutValue", "88"),
            ("voltageReadoutValue", "14.1"),
        ):
            assert find(ui, name).property("text") == text
            assert find(ui, name.replace("Value", "")).isVisible()
        assert find(ui, "engineSpeedReadoutLabel").property("text") == "发动机转速"
        for name in ("socReadout", "rangeReadout", "powerReadout"):
            assert not find(ui, name).isVisible()
    finally:
        if ui is not None:
            ui.close()
        translations.remove()
        unit.stop()


def test_night_theme_by_light_sensor(shown, headunit):
    push(headunit, T0, {vss.LIGHT_INTENSITY: 80.0})
    shown.pump.tick()
    assert not shown.shell.night
    day_background = shown.window.property("color").name()
    push(headunit, T0 + 1, {vss.LIGHT_INTENSITY: 5.0})
    shown.pump.tick()
    assert shown.shell.night
    assert shown.shell.themeReasonText == "由光线传感器决定"
    assert shown.window.property("color").name() == theme.NIGHT.background
    assert day_background == theme.DAY.background
    # Between the two thresholds the theme stays as it is.
    push(headunit, T0 + 2, {vss.LIGHT_INTENSITY: 20.0})
    shown.pump.tick()
    assert shown.shell.night


def test_night_theme_by_sunset_at_car(shown, headunit):
    push(headunit, T0, {vss.SPEED: 0.0})
    shown.shell.set_clock(BEIJING_NIGHT)
    shown.pump.tick()
    assert shown.shell.night
    # The same instant is midday at the car's position in California.
    push(headunit, T0 + 1, {vss.LATITUDE: 37.77, vss.LONGITUDE: -122.42})
    shown.pump.tick()
    assert not shown.shell.night


def test_driver_theme_choice_wins(shown, headunit):
    push(headunit, T0, {vss.LIGHT_INTENSITY: 90.0})
    shown.shell.setThemeMode("night")
    shown.pump.tick()
    assert shown.shell.night
    assert shown.shell.themeReasonText == "由驾驶员选择"


@pytest.mark.parametrize(
    ("latitude", "longitude", "when", "sunrise", "sunset"),
    [
        # Beijing at midsummer: 04:46 and 19:46 local time (UTC+8).
        (39.9042, 116.4074, datetime(2026, 6, 21, tzinfo=timezone.utc),
         (20, 45), (11, 45)),
        # London in early December: 07:49 and 15:53 UTC.
        (51.5074, -0.1278, datetime(2026, 12, 4, tzinfo=timezone.utc),
         (7, 47), (15, 54)),
    ],
)
def test_sun_times_match_almanac(latitude, longitude, when, sunrise, sunset):
    times = sun_times(latitude, longitude, when)
    assert times.sunrise is not None and times.sunset is not None
    for got, (hour, minute) in ((times.sunrise, sunrise), (times.sunset, sunset)):
        minutes = got.hour * 60 + got.minute
        assert abs(minutes - (hour * 60 + minute)) <= 3


def test_sun_polar_day_and_night():
    svalbard = (78.22, 15.65)
    assert is_daylight(*svalbard, datetime(2026, 6, 21, 0, 0, tzinfo=timezone.utc))
    assert not is_daylight(*svalbard, datetime(2026, 12, 21, 12, 0, tzinfo=timezone.utc))


def test_palettes_meet_contrast():
    for palette in (theme.DAY, theme.NIGHT):
        for role in ("text", "secondary_text", "stale_text", "recording"):
            assert theme.contrast_ratio(getattr(palette, role), palette.surface) >= 4.5
            assert theme.contrast_ratio(getattr(palette, role), palette.background) >= 4.5
        assert theme.contrast_ratio(palette.text_on_accent, palette.accent) >= 4.5


def test_policy_forbids_while_moving():
    parked = restrictions_for(False, "zh_CN")
    moving = restrictions_for(True, "zh_CN")
    assert parked.allow_keyboard
    assert parked.allow_video
    assert parked.allow_community_list
    assert not moving.allow_keyboard
    assert not moving.allow_video
    assert not moving.allow_scrolling
    assert not moving.allow_community_list
    assert not moving.allow_settings_changes
    assert moving.max_list_items == 3
    assert moving.max_text_chars == 20
    assert restrictions_for(True, "en").max_text_chars == 40
    assert moving.max_navigation_depth < parked.max_navigation_depth
    assert parked.max_navigation_depth == MAX_NAVIGATION_DEPTH


def test_community_screen_lists_tips_parked_only(shown, headunit):
    push(headunit, T0, {vss.SPEED: 0.0})
    shown.shell.showScreen("community")
    shown.pump.tick()
    tips = find(shown, "tipsList")
    assert tips.property("count") == len(headunit.community.tips.fitting())
    assert tips.property("count") >= 40
    assert not find(shown, "communityLockedLabel").isVisible()
    push(headunit, T0 + 1, {vss.SPEED: 50.0})
    shown.pump.tick()
    assert shown.tip_model.rowCount() == 0
    assert find(shown, "communityLockedLabel").isVisible()
    assert not tips.isVisible()


def test_settings_survive_restart(qapp, db_path):
    first = HeadUnit.demo(db_path)
    ui = ui_app.load_ui(first, size=SIZE)
    try:
        assert ui is not None
        push(first, T0, {vss.SPEED: 0.0})
        ui.pump.tick()
        ui.shell.setUnits("imperial")
        ui.shell.setThemeMode("night")
        ui.shell.setLanguage("en")
    finally:
        if ui is not None:
            ui.close()
        first.stop()

    second = HeadUnit.demo(db_path)
    ui = ui_app.load_ui(second, size=SIZE, language="zh_CN")
    try:
        assert ui is not None
        assert ui.shell.units == "imperial"
        assert ui.shell.themeMode == "night"
        assert ui.shell.language == "en"
        assert ui.drive_store.speedUnit == "mph"
    finally:
        if ui is not None:
            ui.close()
        second.stop()


def test_saved_setting_with_bad_value_ignored(db_path, caplog):
    from headunit.preferences import load_preferences, save_preference

    unit = HeadUnit.demo(db_path)
    try:
        save_preference(unit.store, "units", "imperial")
        with unit.store.write() as db:
            db["settings"].upsert({"key": "ui.theme_mode", "value": "purple"}, pk="key")
        assert load_preferences(unit.store) == {"units": "imperial"}
        assert "ignored saved setting ui.theme_mode='purple'" in caplog.text
        with pytest.raises(ValueError, match="invalid UI setting units='furlongs'"):
            save_preference(unit.store, "units", "furlongs")
    finally:
        unit.stop()


def test_sunset_at_configured_default_position(qapp, headunit):
    # Without a position from the car, the configured place decides: it is
    # night in Beijing but midday in San Francisco at this instant.
    ui = ui_app.load_ui(headunit, size=SIZE, default_position=(37.77, -122.42))
    try:
        assert ui is not None
        ui.shell.set_clock(BEIJING_NIGHT)
        push(headunit, T0, {vss.SPEED: 0.0})
        ui.pump.tick()
        assert not ui.shell.night
    finally:
        if ui is not None:
            ui.close()


LIGHT_DBC = """VERSION ""

NS_ :

BS_:

BU_: BCM HU

BO_ 1328 BCM_Light: 2 BCM
 SG_ AmbientLight : 0|8@1+ (1,0) [0|100] "%" HU
 SG_ LowBeam : 8|1@1+ (1,0) [0|1] "" HU
"""

LIGHT_PROFILE = """[vehicle]
id = "light-sensor-test"
make = "Test"
model = "Light"
powertrain = "BEV"

[buses.body]
interface = "virtual"
channel = "{channel}"
dbc = "light.dbc"

[signals."Vehicle.Exterior.LightIntensity"]
bus = "body"
message = "BCM_Light"
signal = "AmbientLight"
"""


def test_night_theme_from_light_sensor_frames(qapp, tmp_path, qtbot):
    import can

    channel = f"light-{tmp_path.name}"
    (tmp_path / "light.dbc").write_text(LIGHT_DBC, encoding="utf-8")
    profile = tmp_path / "light.toml"
    profile.write_text(LIGHT_PROFILE.format(channel=channel), encoding="utf-8")
    from headunit.app import InputConfig

    unit = HeadUnit(profile, tmp_path / "light.db", inputs=InputConfig(kind="bus"))
    assert unit.config_errors == []
    unit.start()
    ui = ui_app.load_ui(unit, size=SIZE)
    try:
        assert ui is not None
        ui.pump.stop()
        # Noon in Beijing: the sun alone would choose the day theme.
        ui.shell.set_clock(BEIJING_NOON)
        with can.Bus(interface="virtual", channel=channel) as bus:
            for light, night in ((80, False), (4, True), (20, True), (60, False)):
                bus.send(can.Message(arbitration_id=1328, data=bytes([light, 0]),
                                     is_extended_id=False))
                qtbot.waitUntil(
                    lambda light=light: unit.state.value(vss.LIGHT_INTENSITY) == light,
                    timeout=2000,
                )
                ui.pump.tick()
                assert ui.shell.night is night, light
        assert ui.shell.themeReasonText == "Chosen by the light sensor"
    finally:
        if ui is not None:
            ui.close()
        unit.stop()


@pytest.mark.parametrize(
    ("obd", "text"),
    [
        ("connected", "OBD 已连接"),
        ("no_car", "OBD：车辆无应答"),
        ("lost", "OBD 适配器已断开"),
    ],
)
def test_obd_only_car_shows_its_adapter(shown, obd, text):
    from headunit import status as status_states
    from headunit.state import Snapshot

    parked = Snapshot(readings={}, stale=set(), now=0.0, moving=False, version=1)
    shown.shell.apply(parked, status_states.Status(bus=status_states.BUS_NONE, obd=obd))
    assert find(shown, "busLabel").property("text") == text
    # A car on CAN shows its bus, whatever an extra adapter does.
    shown.shell.apply(
        parked, status_states.Status(bus=status_states.BUS_LOST, obd=obd)
    )
    assert find(shown, "busLabel").property("text") == "车辆总线已断开"
