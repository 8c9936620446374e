"""The Qt Quick UI driven by a real demo head unit, rendered offscreen."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QtMsgType
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetrics, QImage
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QAbstractItemModelTester

from headunit.app import HeadUnit
from headunit.restrictions import (
    MAX_MOVING_LIST_ITEMS,
    MAX_MOVING_TEXT_CHARS,
    MIN_BODY_TEXT_DP,
    MIN_TOUCH_TARGET_DP,
    restrictions_for,
    shorten,
)
from ui import app as ui_app
from ui.stores import (
    TripListModel,
    format_duration,
    gear_label,
    preferred_font_family,
)
from vehicle import vss
from vehicle.signals import SignalUpdate

I18N_DIR = Path(ui_app.__file__).parent / "i18n"
TS_FILE = I18N_DIR / "headunit_zh_CN.ts"
QM_FILE = I18N_DIR / "headunit_zh_CN.qm"
#: Start of the recorded drives, a fixed Unix time so dates are reproducible.
T0 = 1_790_000_000.0
PARKED_TIMEOUT_S = 5.0
SIZE = (1280, 720)


@pytest.fixture
def headunit(db_path: Path) -> Iterator[HeadUnit]:
    unit = HeadUnit.demo(db_path, parked_timeout_s=PARKED_TIMEOUT_S)
    yield unit
    unit.stop()


@pytest.fixture
def chinese(qapp) -> Iterator[None]:
    translator = ui_app.install_translator(qapp, "zh_CN")
    assert translator is not None, f"{QM_FILE} did not load"
    yield
    qapp.removeTranslator(translator)


@pytest.fixture
def loaded(qapp, chinese, headunit) -> Iterator[ui_app.LoadedUi]:
    ui = ui_app.load_ui(headunit, size=SIZE)
    assert ui is not None
    # The frame timer is stopped so each test decides when a frame happens.
    ui.pump.stop()
    yield ui
    ui.close()


def push(headunit: HeadUnit, t: float, **values: float) -> None:
    paths = {
        "speed": vss.SPEED,
        "soc": vss.SOC_DISPLAYED,
        "range_m": vss.RANGE,
        "power_w": vss.BATTERY_POWER,
        "gear": vss.SELECTED_GEAR,
    }
    headunit.state.update(
        [SignalUpdate(paths[name], value, t) for name, value in values.items()]
    )


def drive_trip(headunit: HeadUnit, start: float, top_kmh: float = 60.0) -> float:
    """Drive one trip through the real recorder: accelerate, cruise, stop, park.

    Returns the time of the last update, after the trip has closed.
    """
    t = start
    push(headunit, t, speed=0.0, gear=vss.GEAR_PARK, power_w=0.0, soc=70.0)
    speeds = [top_kmh * step / 10 for step in range(1, 11)]
    speeds += [top_kmh] * 40
    speeds += [top_kmh * step / 10 for step in range(9, -1, -1)]
    for speed in speeds:
        t += 1.0
        push(headunit, t, speed=speed, gear=vss.GEAR_DRIVE, power_w=20_000.0)
    for _ in range(int(PARKED_TIMEOUT_S) + 2):
        t += 1.0
        push(headunit, t, speed=0.0, gear=vss.GEAR_PARK, power_w=0.0)
    return t


def find_item(root: QQuickItem, object_name: str) -> QQuickItem:
    stack = [root]
    while stack:
        item = stack.pop()
        if item.objectName() == object_name:
            return item
        stack.extend(item.childItems())
    raise AssertionError(f"no item named {object_name!r} in the scene")


def all_items(root: QQuickItem) -> list[QQuickItem]:
    items, stack = [], [root]
    while stack:
        item = stack.pop()
        items.append(item)
        stack.extend(item.childItems())
    return items


def frame(ui: ui_app.LoadedUi) -> QImage:
    ui.pump.tick()
    return ui.grab()


def ink_pixels(image: QImage, item: QQuickItem, ink: QColor) -> int:
    """Count pixels inside ``item``'s rectangle that are close to ``ink``."""
    top_left = item.mapToScene(QPointF(0, 0)).toPoint()
    count = 0
    for y in range(top_left.y(), top_left.y() + int(item.height())):
        for x in range(top_left.x(), top_left.x() + int(item.width())):
            pixel = image.pixelColor(QPoint(x, y))
            distance = (
                abs(pixel.red() - ink.red())
                + abs(pixel.green() - ink.green())
                + abs(pixel.blue() - ink.blue())
            )
            if distance < 120:
                count += 1
    return count


def test_main_qml_loads_without_warnings(qapp, chinese, headunit, qtlog):
    ui = ui_app.load_ui(headunit, size=SIZE)
    try:
        assert ui is not None
        assert (ui.window.width(), ui.window.height()) == SIZE
        frame(ui)
        warnings = [
            record.message
            for record in qtlog.records
            if record.type != QtMsgType.QtDebugMsg
        ]
        assert warnings == []
    finally:
        ui.close()


def test_drive_screen_renders_chinese(loaded, headunit):
    push(headunit, T0, speed=0.0, soc=64.0, range_m=312_000, power_w=0.0)
    image = frame(loaded)
    label = find_item(loaded.window.contentItem(), "rangeReadoutLabel")
    text = label.property("text")
    assert text == "续航"

    family = label.property("font").family()
    assert family == preferred_font_family()
    resolved = QFont(family)
    resolved.setPixelSize(label.property("font").pixelSize())
    assert QFontInfo(resolved).family() == "WenQuanYi Micro Hei"
    metrics = QFontMetrics(resolved)
    # A private-use code point no font covers proves the check can fail.
    assert not metrics.inFontUcs4(0x10FFFD)
    for character in text:
        assert metrics.inFontUcs4(ord(character)), character

    ink = label.property("color")
    glyph_area = label.property("font").pixelSize() ** 2 * len(text)
    assert ink_pixels(image, label, ink) > glyph_area * 0.05


def test_chinese_labels_differ_in_ink(loaded, headunit):
    # Missing glyphs all render as the same empty box, so two different
    # Chinese labels of equal length would leave the same pixels.
    push(headunit, T0, speed=0.0, soc=64.0, range_m=312_000, power_w=0.0)
    image = frame(loaded)
    crops = []
    for name in ("socReadoutLabel", "powerReadoutLabel"):
        label = find_item(loaded.window.contentItem(), name)
        top_left = label.mapToScene(QPointF(0, 0)).toPoint()
        width = label.property("contentWidth")
        height = label.property("contentHeight")
        crops.append(image.copy(top_left.x(), top_left.y(), int(width), int(height)))
    assert [
        len(find_item(loaded.window.contentItem(), n).property("text"))
        for n in ("socReadoutLabel", "powerReadoutLabel")
    ] == [2, 2]
    assert crops[0] != crops[1]


def test_tip_parked_shows_whole_body(loaded, headunit):
    push(headunit, T0, speed=0.0, gear=vss.GEAR_PARK)
    frame(loaded)
    snapshot = headunit.state.snapshot()
    tip = headunit.best_tip(snapshot)
    assert tip is not None
    body = tip.text("body", "zh_CN")
    assert len(body) > MAX_MOVING_TEXT_CHARS["zh"]

    store = loaded.drive_store
    assert store.tipText == body
    assert store.tipRoleLabel != ""
    label = find_item(loaded.window.contentItem(), "tipTextLabel")
    assert label.property("text") == body
    assert find_item(loaded.window.contentItem(), "tipCard").isVisible()


def test_tip_moving_shows_short_summary(loaded, headunit):
    push(headunit, T0, speed=0.0)
    push(headunit, T0 + 1, speed=60.0, gear=vss.GEAR_DRIVE)
    frame(loaded)
    snapshot = headunit.state.snapshot()
    assert snapshot.moving
    tip = headunit.best_tip(snapshot)
    assert tip is not None
    limit = restrictions_for(True, "zh_CN").max_text_chars
    expected = shorten(tip.text("summary", "zh_CN"), limit)

    store = loaded.drive_store
    assert store.tipText == expected
    assert len(store.tipText) <= limit
    assert store.tipText != tip.text("body", "zh_CN")
    label = find_item(loaded.window.contentItem(), "tipTextLabel")
    assert label.property("text") == expected


def test_tip_switches_when_car_stops(loaded, headunit):
    push(headunit, T0, speed=60.0)
    frame(loaded)
    moving_text = loaded.drive_store.tipText
    push(headunit, T0 + 1, speed=0.0)
    frame(loaded)
    assert loaded.drive_store.tipText != moving_text


def test_stale_speed_shown_as_stale(loaded, headunit):
    push(headunit, T0, speed=88.0, soc=50.0)
    frame(loaded)
    label = find_item(loaded.window.contentItem(), "speedLabel")
    assert label.property("text") == "88"
    assert not loaded.drive_store.speedStale

    # Speed stops arriving while the battery still reports.
    push(headunit, T0 + 5, soc=50.0)
    frame(loaded)
    assert loaded.drive_store.speedStale
    assert label.property("text") == "–"
    stale_colour = label.property("color")
    unit = find_item(loaded.window.contentItem(), "speedUnitLabel")
    assert unit.property("text") == "无车速信号"
    assert stale_colour != find_item(
        loaded.window.contentItem(), "socReadoutValue"
    ).property("color")


def test_speed_before_first_reading_is_stale(loaded):
    frame(loaded)
    assert loaded.drive_store.speedStale
    label = find_item(loaded.window.contentItem(), "speedLabel")
    assert label.property("text") == "–"


def test_store_notifies_only_changes(loaded, headunit):
    changes: list[str] = []
    loaded.drive_store.speedChanged.connect(lambda: changes.append("speed"))
    loaded.drive_store.socChanged.connect(lambda: changes.append("soc"))
    push(headunit, T0, speed=42.0, soc=80.0)
    frame(loaded)
    frame(loaded)
    push(headunit, T0 + 0.1, speed=43.0)
    frame(loaded)
    assert changes == ["speed", "soc", "speed"]


def test_range_and_power_units(loaded, headunit):
    push(headunit, T0, speed=0.0, range_m=312_400, power_w=-12_500.0)
    frame(loaded)
    assert loaded.drive_store.rangeKm == pytest.approx(312.4)
    assert loaded.drive_store.powerKw == pytest.approx(-12.5)
    value = find_item(loaded.window.contentItem(), "rangeReadoutValue")
    assert value.property("text") == "312"


@pytest.mark.parametrize(
    ("code", "label"),
    [
        (vss.GEAR_PARK, "P"),
        (vss.GEAR_DRIVE, "D"),
        (vss.GEAR_NEUTRAL, "N"),
        (vss.GEAR_REVERSE, "R"),
        (-2, "R"),
        (3, "3"),
        (None, ""),
        ("x", ""),
    ],
)
def test_gear_label(code, label):
    assert gear_label(code) == label


def test_gear_shown_on_drive_screen(loaded, headunit):
    push(headunit, T0, speed=0.0, gear=vss.GEAR_PARK)
    frame(loaded)
    assert find_item(loaded.window.contentItem(), "gearLabel").property("text") == "P"


def test_trips_screen_empty_state(loaded):
    loaded.drive_store.showScreen("trips")
    frame(loaded)
    empty = find_item(loaded.window.contentItem(), "tripsEmptyLabel")
    assert empty.isVisible()
    assert empty.property("text") == "还没有行程记录"


def test_trips_list_shows_recorded_trip(loaded, headunit, qtbot):
    before = headunit.trips_version
    drive_trip(headunit, T0)
    assert headunit.trips_version > before
    assert headunit.recorder.trip_id is None
    frame(loaded)

    nav = find_item(loaded.window.contentItem(), "navTrips")
    centre = nav.mapToScene(QPointF(nav.width() / 2, nav.height() / 2)).toPoint()
    qtbot.mouseClick(loaded.window, Qt.MouseButton.LeftButton, pos=centre)
    assert loaded.drive_store.currentScreen == "trips"
    frame(loaded)

    trips_list = find_item(loaded.window.contentItem(), "tripsList")
    assert trips_list.property("count") == 1
    assert not find_item(loaded.window.contentItem(), "tripsEmptyState").isVisible()
    trip = headunit.trip_log.recent(1)[0]
    distance = find_item(loaded.window.contentItem(), "tripDistanceLabel")
    assert distance.property("text") == f"{trip.distance_m / 1000:.1f} km"
    figures = find_item(loaded.window.contentItem(), "tripFiguresLabel")
    assert "平均" in figures.property("text")
    assert "kWh" in figures.property("text")


def test_trip_model_passes_model_tester(qapp, chinese, headunit, qtlog):
    model = TripListModel(headunit)
    QAbstractItemModelTester(
        model, QAbstractItemModelTester.FailureReportingMode.Warning
    )
    model.refresh(headunit.trips_version, moving=False)
    t = T0
    for _ in range(5):
        t = drive_trip(headunit, t + 60)
        model.refresh(headunit.trips_version, moving=False)
    assert model.rowCount() == 5
    model.refresh(headunit.trips_version, moving=True)
    assert model.rowCount() == MAX_MOVING_LIST_ITEMS
    assert model.hiddenCount == 5 - MAX_MOVING_LIST_ITEMS
    assert not model.scrollable
    model.refresh(headunit.trips_version, moving=False)
    assert model.rowCount() == 5
    assert model.hiddenCount == 0
    assert [record.message for record in qtlog.records] == []


def test_trip_model_rows_newest_first(qapp, chinese, headunit):
    model = TripListModel(headunit)
    first_end = drive_trip(headunit, T0, top_kmh=30.0)
    drive_trip(headunit, first_end + 60, top_kmh=90.0)
    model.refresh(headunit.trips_version, moving=False)
    top = model.data(model.index(0, 0), TripListModel.TopSpeedRole)
    assert top == "90 km/h"
    assert model.data(model.index(1, 0), TripListModel.TopSpeedRole) == "30 km/h"
    assert model.data(model.index(0, 0), TripListModel.DurationRole) == "1 分钟"
    assert model.data(model.index(0, 0), TripListModel.RecordingRole) is False
    names = {bytes(name).decode() for name in model.roleNames().values()}
    assert {"distanceText", "startedText", "consumptionText"} <= names


@pytest.mark.parametrize(
    ("duration_s", "text"),
    [
        (0.0, "0 秒"),
        (14.4, "14 秒"),
        (31.0, "1 分钟"),
        (59 * 60, "59 分钟"),
        (3725.0, "1 小时 2 分钟"),
    ],
)
def test_format_duration_in_chinese(chinese, duration_s, text):
    assert format_duration(duration_s) == text


def test_recording_trip_updates_in_place(qapp, chinese, headunit):
    model = TripListModel(headunit)
    resets: list[int] = []
    changed_rows: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(
        lambda first, last, roles: changed_rows.append(first.row())
    )
    push(headunit, T0, speed=0.0)
    push(headunit, T0 + 1, speed=30.0)
    model.refresh(headunit.trips_version, moving=True)
    assert model.data(model.index(0, 0), TripListModel.RecordingRole) is True
    assert len(resets) == 1

    for step in range(2, 6):
        push(headunit, T0 + step, speed=30.0)
    for step in range(6, 6 + int(PARKED_TIMEOUT_S) + 2):
        push(headunit, T0 + step, speed=0.0)
    assert headunit.recorder.trip_id is None
    model.refresh(headunit.trips_version, moving=False)
    assert model.data(model.index(0, 0), TripListModel.RecordingRole) is False
    assert len(resets) == 1
    assert changed_rows == [0]


def test_moving_trips_screen_limits_rows(loaded, headunit):
    t = T0
    for _ in range(MAX_MOVING_LIST_ITEMS + 2):
        t = drive_trip(headunit, t + 60)
    push(headunit, t + 1, speed=50.0)
    loaded.drive_store.showScreen("trips")
    frame(loaded)
    trips_list = find_item(loaded.window.contentItem(), "tripsList")
    assert trips_list.property("count") == MAX_MOVING_LIST_ITEMS
    assert trips_list.property("interactive") is False
    hidden = find_item(loaded.window.contentItem(), "hiddenTripsLabel")
    assert hidden.isVisible()
    # The last push started one more trip, which is recording now.
    hidden_count = len(headunit.trip_log.recent(50)) - MAX_MOVING_LIST_ITEMS
    assert hidden_count == 3
    assert hidden.property("text") == f"行驶中未显示的行程：{hidden_count} 条"


def test_config_error_banner(qapp, chinese, tmp_path, db_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[vehicle\nmake = 1\n", encoding="utf-8")
    unit = HeadUnit(broken, db_path)
    assert unit.config_errors
    ui = ui_app.load_ui(unit, size=SIZE)
    try:
        assert ui is not None
        frame(ui)
        banner = find_item(ui.window.contentItem(), "configErrorBanner")
        assert banner.isVisible()
        label = find_item(ui.window.contentItem(), "configErrorLabel")
        assert label.property("text") == f"配置错误：{unit.config_errors[0]}"
    finally:
        ui.close()
        unit.stop()


def test_no_config_error_banner_by_default(loaded):
    frame(loaded)
    assert not find_item(loaded.window.contentItem(), "configErrorBanner").isVisible()


def test_touch_targets_and_text_sizes(loaded, headunit):
    push(headunit, T0, speed=0.0, soc=60.0, range_m=200_000, power_w=0.0, gear=126)
    for screen in ("drive", "trips"):
        loaded.drive_store.showScreen(screen)
        frame(loaded)
        items = all_items(loaded.window.contentItem())
        for item in items:
            font = item.property("font")
            if isinstance(font, QFont) and item.isVisible():
                assert font.pixelSize() >= MIN_BODY_TEXT_DP, item.objectName()
        for name in ("navDrive", "navTrips"):
            nav = find_item(loaded.window.contentItem(), name)
            assert nav.width() >= MIN_TOUCH_TARGET_DP
            assert nav.height() >= MIN_TOUCH_TARGET_DP


def test_navigation_switches_screens(loaded, qtbot):
    for name, screen, marker in (
        ("navTrips", "trips", "tripsScreen"),
        ("navDrive", "drive", "driveScreen"),
    ):
        nav = find_item(loaded.window.contentItem(), name)
        centre = nav.mapToScene(QPointF(nav.width() / 2, nav.height() / 2)).toPoint()
        qtbot.mouseClick(loaded.window, Qt.MouseButton.LeftButton, pos=centre)
        assert loaded.drive_store.currentScreen == screen
        find_item(loaded.window.contentItem(), marker)


def test_unknown_screen_rejected(loaded, headunit):
    loaded.drive_store.showScreen("settings")
    assert loaded.drive_store.currentScreen == "drive"
    with pytest.raises(ValueError, match="unknown screen 'settings'"):
        ui_app.load_ui(headunit, screen="settings")


def test_run_writes_screenshot(qapp, headunit, tmp_path):
    push(headunit, T0, speed=0.0, soc=55.0)
    headunit.input_done.set()
    path = tmp_path / "shot.png"
    code = ui_app.run(headunit, screenshot=path, screen="trips", size=(1024, 600))
    assert code == 0
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1024, 600)


def test_run_screenshot_waits_settle_time(qapp, headunit, tmp_path):
    path = tmp_path / "shot.png"
    code = ui_app.run(headunit, screenshot=path, settle_s=0.2)
    assert code == 0
    assert path.is_file()


def test_translations_all_finished():
    root = ElementTree.parse(TS_FILE).getroot()
    untranslated = []
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = translation.findall("numerusform") or [translation]
            if translation.get("type") or not all(form.text for form in forms):
                untranslated.append(f"{name}: {message.findtext('source')}")
    assert untranslated == []


def test_translations_cover_every_source_string(tmp_path):
    tools = Path(sys.executable).parent
    lupdate = tools / "pyside6-lupdate"
    lrelease = tools / "pyside6-lrelease"
    if not lupdate.exists():
        pytest.skip(f"pyside6-lupdate not found beside {sys.executable}")
    package = Path(ui_app.__file__).parent
    sources = sorted(
        [*package.rglob("*.py"), *package.rglob("*.qml")], key=lambda p: str(p)
    )
    file_list = tmp_path / "files.lst"
    file_list.write_text("\n".join(str(path) for path in sources) + "\n")
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [str(lupdate), f"@{file_list}", "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )

    def messages(path: Path) -> set[tuple[str, str]]:
        root = ElementTree.parse(path).getroot()
        return {
            (context.findtext("name"), message.findtext("source"))
            for context in root.iter("context")
            for message in context.iter("message")
        }

    missing = messages(fresh) - messages(TS_FILE)
    assert missing == set(), "run ui/i18n/update.sh and translate the new strings"

    compiled = tmp_path / "fresh.qm"
    subprocess.run(
        [str(lrelease), str(TS_FILE), "-qm", str(compiled)],
        check=True,
        capture_output=True,
    )
    assert compiled.read_bytes() == QM_FILE.read_bytes(), "run ui/i18n/update.sh"


def test_invalid_speed_value_shown_stale(loaded, headunit, caplog):
    push(headunit, T0, speed=50.0)
    frame(loaded)
    headunit.state.update([SignalUpdate(vss.SPEED, "fast", T0 + 0.1)])
    frame(loaded)
    frame(loaded)
    assert loaded.drive_store.speedStale
    warnings = [r for r in caplog.records if "Vehicle.Speed" in r.getMessage()]
    assert len(warnings) == 1
    assert loaded.pump.failure_counts == {}


@pytest.mark.qt_log_ignore(".*")
def test_run_fails_without_window(qapp, headunit, tmp_path, monkeypatch, caplog):
    broken = tmp_path / "Main.qml"
    broken.write_text("import QtQuick\nItem { width: }\n", encoding="utf-8")
    monkeypatch.setattr(ui_app, "MAIN_QML", broken)
    code = ui_app.run(headunit, screenshot=tmp_path / "shot.png")
    assert code == 1
    assert "no window was created" in caplog.text
    assert not (tmp_path / "shot.png").exists()
