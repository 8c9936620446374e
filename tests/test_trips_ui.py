"""Trips screen: trips by day, the detail view, rating and the USB export."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import gpxpy
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtQuick import QQuickItem

from headunit import tripusb
from headunit.display import pixels_per_dp
from headunit.restrictions import MAX_MOVING_LIST_ITEMS, restrictions_for
from headunit.tripconfig import (
    DEFAULT_USB_EXPORT_DIR,
    TripConfigError,
    load_trip_settings,
)
from sync.triplog import TripLog
from tests.tripfeed import Rig, make_rig
from ui import app as ui_app
from ui import gallery
from ui.trips import (
    MAX_CHART_POINTS,
    TripDayListModel,
    TripDetailStore,
    TripExportStore,
    downsample,
    project_track,
)

# -- crafted trips in a real database ------------------------------------------


def drive_two_days(rig: Rig) -> None:
    """Record a trip, a charge and a trip on 2 March, one trip with a gap on 3 March."""
    rig.t = datetime(2026, 3, 2, 8, 0).timestamp()
    rig.drive([(5, 0)], latitude=48.0, longitude=11.0)
    rig.drive([(20, 36)], latitude=48.001, longitude=11.0)
    rig.drive([(20, 54)], latitude=48.002, longitude=11.002)
    # 54 km/h to 0 within 0.1 s: harsh braking.
    rig.drive([(70, 0)])
    rig.drive([(60, 0)], power_w=-11_000.0, charging=True, charging_type="AC")
    rig.drive([(5, 0)], power_w=300.0, charging=False, charging_type="NONE")
    rig.t = datetime(2026, 3, 2, 17, 0).timestamp()
    rig.drive([(5, 0), (30, 40), (70, 0)])
    rig.t = datetime(2026, 3, 3, 18, 0).timestamp()
    rig.drive([(5, 0), (20, 50)])
    # Ten seconds without any input inside the trip: a bus_silent gap.
    rig.pause(10.0)
    rig.drive([(20, 50), (70, 0)])


@pytest.fixture
def rig(db_path: Path) -> Iterator[Rig]:
    feed = make_rig(db_path)
    drive_two_days(feed)
    yield feed
    feed.close()


def model_rows(model: TripDayListModel) -> list[dict[str, object]]:
    rows = []
    for number in range(model.rowCount()):
        index = model.index(number, 0)
        rows.append({
            key: model.data(index, role) for role, key in model._ROLE_KEYS.items()
        })
    return rows


def test_day_list_groups_trips_and_charges(qapp, rig: Rig) -> None:
    model = TripDayListModel(
        SimpleNamespace(trip_log=rig.log), "en", today=datetime(2026, 3, 3).date()
    )
    assert model.refresh(1, moving=False)
    rows = model_rows(model)

    assert [row["kind"] for row in rows] == ["trip", "trip", "charging", "trip"]
    assert [row["dayText"] for row in rows[:1]] == ["Today"]
    assert {row["dayText"] for row in rows[1:]} == {"Yesterday"}
    charge = rows[2]
    assert charge["chargeTypeText"] == "AC"
    assert charge["energyAddedText"].startswith("+")
    assert "→" in charge["socText"]
    assert rows[0]["gapsText"] == "Gaps in the data: 1"
    assert rows[3]["eventsText"].startswith("Events: ")
    assert any("kWh/100 km" in str(row["perHundredText"]) for row in rows)
    assert model.hiddenCount == 0


def test_day_list_moving_limits_rows(qapp, rig: Rig) -> None:
    model = TripDayListModel(SimpleNamespace(trip_log=rig.log), "en")
    model.refresh(1, moving=True)

    assert model.rowCount() == MAX_MOVING_LIST_ITEMS
    assert model.hiddenCount == 4 - MAX_MOVING_LIST_ITEMS
    assert model.scrollable is False


def test_downsample_keeps_peak() -> None:
    xs = [float(i) for i in range(10_000)]
    ys: list[float | None] = [50.0] * 10_000
    ys[5_001] = 130.0
    ys[7_000] = None

    points = downsample(xs, ys, MAX_CHART_POINTS)

    assert len(points) <= MAX_CHART_POINTS
    assert max(y for _, y in points) == 130.0
    assert points[0][0] == 0.0
    assert all(a[0] <= b[0] for a, b in zip(points, points[1:]))


def test_track_projection_fits_unit_square() -> None:
    track = [(float(i), 48.0 + i * 1e-4, 11.0 + i * 2e-4) for i in range(100)]
    track += [(200.0 + i, 48.02, 11.02 + i * 1e-4) for i in range(50)]

    line, place = project_track(track)

    values = [value for value in line if value is not None]
    assert min(values) >= 0.0
    assert max(values) <= 1.0
    assert line.count(None) == 2
    # North is up: the northernmost point has the smallest y.
    x, y = place(48.02, 11.02)
    assert y == pytest.approx(min(values[1::2]))

    # A gap between two positions 1 s apart breaks the track there too.
    with_gap, _ = project_track(track, gaps=[(49.2, 49.8)])
    assert with_gap.count(None) == 4


def test_detail_loads_once_per_trip(qapp, rig: Rig) -> None:
    store = TripDetailStore(SimpleNamespace(trip_log=rig.log), "en")
    first = rig.log.trips_between(0, float("inf"))[0]

    store.open(first.id)

    assert store.read_count == 1
    assert 0 < len(store.speedLine) <= 2 * MAX_CHART_POINTS
    assert store.hasEnergy
    assert len(store.energyLine) > 0
    assert store.hasTrack
    assert len(store.trackLine) >= 6
    kinds = {marker["kind"] for marker in store.chartMarkers}
    assert "harsh_braking" in kinds
    assert {marker["kind"] for marker in store.trackMarkers} == kinds
    assert store.legend

    time_line = list(store.speedLine)
    store.setAxis("distance")
    assert store.read_count == 1
    assert store.speedLine != time_line
    assert store.axisEndText.endswith("km")


def test_detail_shows_gap_band(qapp, rig: Rig) -> None:
    store = TripDetailStore(SimpleNamespace(trip_log=rig.log), "en")
    newest = rig.log.recent(1)[0]

    store.open(newest.id)

    assert len(store.gapBands) == 1
    band = store.gapBands[0]
    assert 0.0 < band["x0"] < band["x1"] < 1.0
    assert store.gapsText == "Gaps in the data: 1"
    # The lines are broken at the gap instead of bridging it.
    assert None in store.speedLine
    assert None in store.trackLine


def test_detail_unknown_trip_stays_empty(qapp, rig: Rig, caplog) -> None:
    store = TripDetailStore(SimpleNamespace(trip_log=rig.log), "en")
    store.open("nonexistent")
    assert store.loaded is False
    assert "not found" in caplog.text


# -- rating through the head unit ------------------------------------------------


def test_rating_saved_while_parked(qapp, scene: gallery.Scene) -> None:
    headunit = scene.headunit
    trip = headunit.trip_log.last_closed_trip(headunit.profile.vehicle_id)
    store = TripDetailStore(headunit, "en")
    store.open(trip.id)

    store.setDriveRating(4)
    store.setCarRating(5)
    store.toggleTag("scenic")
    store.toggleTag("highway")
    store.setPurpose("business")

    saved = headunit.trip_log.get(trip.id)
    assert saved.drive_rating == 4
    assert saved.car_rating == 5
    assert saved.tags == ("highway", "scenic")
    assert saved.purpose == "business"
    assert store.saveText == "Saved"
    assert store.saveFailed is False


def test_rating_rejected_while_moving(qapp, scene: gallery.Scene) -> None:
    headunit = scene.headunit
    trip = headunit.trip_log.last_closed_trip(headunit.profile.vehicle_id)
    store = TripDetailStore(headunit, "en")
    store.open(trip.id)
    scene.set_state("moving")
    store.set_moving(True)

    store.setDriveRating(2)

    assert headunit.trip_log.get(trip.id).drive_rating is None
    assert store.saveFailed is True
    assert "parked" in store.saveText
    assert store.allowCharts is False
    assert store.allowTripActions is False


def test_policy_forbids_charts_while_moving() -> None:
    parked = restrictions_for(False)
    moving = restrictions_for(True)
    assert parked.allow_charts is True
    assert parked.allow_trip_actions is True
    assert moving.allow_charts is False
    assert moving.allow_trip_actions is False


# -- the views, rendered offscreen -------------------------------------------------


@pytest.fixture
def scene(db_path: Path) -> Iterator[gallery.Scene]:
    recorded = gallery.Scene(db_path)
    recorded.set_state("parked")
    yield recorded
    recorded.close()


@pytest.fixture
def trips_ui(qapp, scene: gallery.Scene) -> Iterator[ui_app.LoadedUi]:
    ui = ui_app.load_ui(scene.headunit, size=(1280, 720), language="en")
    assert ui is not None
    ui.pump.stop()
    ui.shell.showScreen("trips")
    render(ui)
    yield ui
    ui.close()


def render(ui: ui_app.LoadedUi) -> QImage:
    for _ in range(3):
        ui.pump.tick()
        QGuiApplication.processEvents()
    return ui.grab()


def find_item(root: QQuickItem, object_name: str) -> QQuickItem | None:
    stack = [root]
    while stack:
        item = stack.pop()
        if item.objectName() == object_name:
            return item
        stack.extend(item.childItems())
    return None


def shown(item: QQuickItem | None) -> bool:
    return item is not None and gallery.is_shown(item)


def ink_in(image: QImage, item: QQuickItem, ink: QColor) -> int:
    """Count pixels inside ``item`` within a small distance of ``ink``."""
    rect = gallery.scene_rect(item).toAlignedRect().intersected(image.rect())
    count = 0
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right(), 2):
            pixel = image.pixelColor(x, y)
            distance = (
                abs(pixel.red() - ink.red())
                + abs(pixel.green() - ink.green())
                + abs(pixel.blue() - ink.blue())
            )
            if distance < 60:
                count += 1
    return count


def tap(ui: ui_app.LoadedUi, item: QQuickItem, qtbot) -> None:
    point = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    qtbot.mouseClick(ui.window, Qt.MouseButton.LeftButton, pos=point)


def test_tap_on_trip_opens_detail(trips_ui: ui_app.LoadedUi, qtbot) -> None:
    ui = trips_ui
    # The gallery's charge is the newest row, so the first trip is row 1.
    row = find_item(ui.window.contentItem(), "tripRow1")
    assert row is not None
    tap(ui, row, qtbot)
    image = render(ui)

    assert ui.shell.currentSection == "detail"
    assert ui.shell.depth == 3
    assert ui.trip_detail.loaded
    speed = find_item(ui.window.contentItem(), "tripSpeedChart")
    track = find_item(ui.window.contentItem(), "tripTrack")
    assert shown(speed)
    assert shown(track)
    assert speed.property("strokeCount") > 10
    assert track.property("strokeCount") > 10
    accent = QColor(ui.shell.theme_store.accent)
    assert ink_in(image, speed, accent) > 50
    assert ink_in(image, track, accent) > 50


def test_detail_closes_when_moving(trips_ui: ui_app.LoadedUi, scene) -> None:
    ui = trips_ui
    trip = scene.headunit.trip_log.last_closed_trip(scene.headunit.profile.vehicle_id)
    ui.trip_detail.open(trip.id)
    ui.shell.openSection("detail")
    render(ui)
    assert shown(find_item(ui.window.contentItem(), "tripCharts"))

    scene.set_state("moving")
    render(ui)

    assert ui.shell.currentSection == ""
    root = ui.window.contentItem()
    for name in gallery.FORBIDDEN_WHILE_MOVING:
        assert not shown(find_item(root, name)), f"{name} shown while moving"
    trips_list = find_item(root, "tripsList")
    assert trips_list.property("count") <= MAX_MOVING_LIST_ITEMS
    ui.shell.openSection("detail")
    assert ui.shell.currentSection == ""


def test_rating_page_shows_controls(trips_ui: ui_app.LoadedUi, scene, qtbot) -> None:
    ui = trips_ui
    trip = scene.headunit.trip_log.last_closed_trip(scene.headunit.profile.vehicle_id)
    ui.trip_detail.open(trip.id)
    ui.shell.openSection("detail")
    ui.trip_detail.setPage("rate")
    render(ui)

    star = find_item(ui.window.contentItem(), "driveStar3")
    assert shown(star)
    tap(ui, star, qtbot)
    render(ui)

    assert scene.headunit.trip_log.get(trip.id).drive_rating == 3
    assert not shown(find_item(ui.window.contentItem(), "tripCharts"))


def test_rate_last_trip_button(trips_ui: ui_app.LoadedUi, scene, qtbot) -> None:
    ui = trips_ui
    headunit = scene.headunit
    last = headunit.trip_log.recent(1)[0]
    assert ui.trip_model.unratedTripId == last.id
    button = find_item(ui.window.contentItem(), "tripRateLastButton")
    assert shown(button)
    # The gallery's scene always has a recording trip, so check the button here.
    finding = gallery.Finding("trips", "parked", "day", (1280, 720), "en")
    finding.pixels_per_dp = pixels_per_dp(1280, 720)
    gallery.inspect(ui, render(ui), finding, moving=False)
    assert finding.problems == []

    tap(ui, button, qtbot)
    render(ui)
    assert ui.shell.currentSection == "detail"
    assert ui.trip_detail.tripId == last.id
    assert ui.trip_detail.page == "rate"
    tap(ui, find_item(ui.window.contentItem(), "driveStar5"), qtbot)
    ui.shell.closeSection()
    render(ui)

    assert headunit.trip_log.get(last.id).drive_rating == 5
    assert ui.trip_model.unratedTripId == ""
    assert not shown(find_item(ui.window.contentItem(), "tripRateLastButton"))


# -- export to the USB folder ----------------------------------------------------------


def closed_trip_count(log: TripLog) -> int:
    return sum(1 for trip in log.trips_between(0, float("inf")) if trip.status == "closed")


def test_export_writes_gpx_and_logbook(rig: Rig, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    export = tripusb.UsbExport(rig.log, folder)

    assert export.start(datetime(2026, 3, 4, 9, 30))
    export.join(30)

    status = export.status
    assert status.state == tripusb.DONE
    assert status.fraction == 1.0
    assert status.files == ("trips-20260304-093000.gpx", "logbook-20260304-093000.csv")
    with (folder / status.files[0]).open(encoding="utf-8") as handle:
        gpx = gpxpy.parse(handle)
    assert len(gpx.tracks) == closed_trip_count(rig.log)
    assert sum(len(segment.points) for segment in gpx.tracks[0].segments) > 0
    with (folder / status.files[1]).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "date"
    trip_rows = [row for row in rows[1:] if row and row[0].startswith("2026-")]
    assert len(trip_rows) == closed_trip_count(rig.log)
    assert sorted(os.listdir(folder)) == sorted(status.files)


def test_export_without_stick_fails(rig: Rig, tmp_path: Path) -> None:
    export = tripusb.UsbExport(rig.log, tmp_path / "not-mounted")

    assert export.stick_present() is False
    export.start()
    export.join(30)

    assert export.status.state == tripusb.FAILED
    assert export.status.error == tripusb.NO_STICK


def test_export_disk_full_fails(rig: Rig, tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("/dev/full is missing, so a full disk cannot be simulated")
    folder = tmp_path / "usb"
    folder.mkdir()
    # The export writes through this name, and /dev/full returns ENOSPC.
    (folder / "trips-20260304-093000.gpx.part").symlink_to("/dev/full")
    export = tripusb.UsbExport(rig.log, folder)

    export.start(datetime(2026, 3, 4, 9, 30))
    export.join(30)

    assert export.status.state == tripusb.FAILED
    assert export.status.error == tripusb.DISK_FULL
    assert os.listdir(folder) == []


def test_export_store_reports_result(qapp, scene, tmp_path: Path, qtbot) -> None:
    folder = tmp_path / "usb"
    store = TripExportStore("en")
    headunit = scene.headunit
    headunit.trip_settings = load_trip_settings(None).__class__(usb_export_dir=folder)
    store.attach(headunit)
    assert store.stickPresent is False

    store.start()
    qtbot.waitUntil(lambda: not store.busy and store.resultText != "", timeout=10_000)
    assert store.resultFailed is True
    assert store.resultText == "No USB stick found. Insert one and try again."

    folder.mkdir()
    store.poll()
    assert store.stickPresent is True
    store.start()
    qtbot.waitUntil(lambda: not store.busy and not store.resultFailed, timeout=10_000)
    closed = [trip for trip in headunit.trip_log.recent() if trip.ended_at is not None]
    assert store.resultText == f"Exported {len(closed)} trips to the USB stick."
    assert store.progress == 1.0
    assert len(list(folder.glob("*.gpx"))) == 1

    store.set_moving(True)
    store.start()
    assert store.busy is False
    store.stop()


# -- configuration ----------------------------------------------------------------------


def test_usb_export_dir_setting(tmp_path: Path) -> None:
    assert load_trip_settings(None).usb_export_dir == DEFAULT_USB_EXPORT_DIR
    path = tmp_path / "trips.toml"
    path.write_text('[trips]\nusb_export_dir = "/run/media/usb0"\n')
    assert load_trip_settings(path).usb_export_dir == Path("/run/media/usb0")

    path.write_text('[trips]\nusb_export_dir = "usb"\n')
    with pytest.raises(TripConfigError, match="trips.usb_export_dir: expected an absolute"):
        load_trip_settings(path)
