"""The community screen's sections through the real QML UI and head unit.

A demo head unit is parked near West Lake with a trouble code present, so
the bundled club events, workshops and owners' experience apply. Each
test switches sections, taps or calls the store's slots, and checks the
scene, the stored feedback and, for clips, Qt Multimedia's MediaPlayer.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt, QtMsgType
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtQml import QQmlEngine, QQmlExpression
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QAbstractItemModelTester

from headunit.app import HeadUnit
from headunit.clips import ClipLibrary, is_clip_file_name
from headunit.content import BundledContent
from headunit.display import pixels_per_dp
from headunit.restrictions import MAX_MOVING_LIST_ITEMS, MIN_TOUCH_TARGET_DP
from tests.community_helpers import NOW
from ui import app as ui_app
from ui import gallery
from vehicle import vss
from vehicle.signals import SignalUpdate

SIZE = (1280, 720)
T0 = 1_790_000_000.0
WEST_LAKE = (30.25, 120.15)
#: Community views whose Text items may show platform content.
COMMUNITY_VIEWS = ("communityScreen", "eventDetail", "clipPlayerView")


@pytest.fixture
def headunit(db_path: Path) -> Iterator[HeadUnit]:
    unit = HeadUnit.demo(db_path)
    # A fixed day, so the bundled events stay upcoming whatever the date.
    unit.community.clubs.clock = lambda: NOW
    yield unit
    unit.stop()


@pytest.fixture
def shown(qapp, headunit) -> Iterator[ui_app.LoadedUi]:
    translations = ui_app.Translations(qapp, "en")
    ui = ui_app.load_ui(headunit, size=SIZE, language="en", translations=translations)
    assert ui is not None
    ui.pump.stop()
    ui.shell.showScreen("community")
    set_state(ui, headunit, moving=False)
    yield ui
    ui.close()
    translations.remove()


class Clock:
    t = T0


def set_state(ui: ui_app.LoadedUi, headunit: HeadUnit, moving: bool) -> None:
    """Push a parked or moving reading near West Lake with P0A80 present, then a frame."""
    Clock.t += 1.0
    speed = 50.0 if moving else 0.0
    gear = vss.GEAR_DRIVE if moving else vss.GEAR_PARK
    # Moving needs two readings: the hysteresis starts from parked.
    for offset in (0.0, 0.1):
        headunit.state.update(
            [
                SignalUpdate(vss.SPEED, speed, Clock.t + offset),
                SignalUpdate(vss.SELECTED_GEAR, gear, Clock.t + offset),
                SignalUpdate(vss.LATITUDE, WEST_LAKE[0], Clock.t + offset),
                SignalUpdate(vss.LONGITUDE, WEST_LAKE[1], Clock.t + offset),
                SignalUpdate(vss.DTC_LIST, ["P0A80"], Clock.t + offset),
            ]
        )
    ui.pump.tick()
    ui.pump.tick()


def items(ui: ui_app.LoadedUi) -> list[QQuickItem]:
    return gallery.all_items(ui.window.contentItem())


def find(ui: ui_app.LoadedUi, name: str) -> QQuickItem:
    for item in items(ui):
        if item.objectName() == name:
            return item
    raise AssertionError(f"no item named {name!r}")


def click(ui: ui_app.LoadedUi, name: str, qtbot) -> None:
    item = find(ui, name)
    assert gallery.is_shown(item), f"{name} is not on show"
    point = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    qtbot.mouseClick(ui.window, Qt.MouseButton.LeftButton, pos=point)


def open_tab(ui: ui_app.LoadedUi, tab: str, qtbot) -> None:
    """Tap a section's tab and render a frame, so its list has made its rows."""
    click(ui, f"communityTab_{tab}", qtbot)
    ui.grab()


def player(ui: ui_app.LoadedUi) -> QMediaPlayer:
    found = ui.window.findChild(QMediaPlayer, "clipPlayer")
    assert found is not None
    return found


def wait_until(qtbot, condition, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        qtbot.wait(20)
    raise AssertionError("condition not met in time")


# -- sections ---------------------------------------------------------------


def test_tabs_switch_sections(shown, qtbot):
    for tab in ("clubs", "service", "ratings", "clips", "tips"):
        open_tab(shown, tab, qtbot)
        assert shown.community.tab == tab
    assert find(shown, "tipsList").property("count") > 0


def test_tab_targets_are_large(shown):
    limit = MIN_TOUCH_TARGET_DP * pixels_per_dp(*SIZE)
    for tab in ("tips", "clubs", "service", "ratings", "clips"):
        assert find(shown, f"communityTab_{tab}").height() >= limit - 0.5


def test_clubs_list_nearest_first(shown, qtbot):
    open_tab(shown, "clubs", qtbot)
    rows = shown.community.event_model.rows
    assert len(rows) >= 4
    distances = [float(row["distance"].split()[0]) for row in rows]
    assert distances == sorted(distances)
    assert all(row["organiser"] for row in rows)
    assert all(row["attendees"] for row in rows)
    assert find(shown, "eventsList").property("count") == len(rows)


def test_clubs_list_soonest_first(shown, qtbot):
    open_tab(shown, "clubs", qtbot)
    nearest = [row["eventId"] for row in shown.community.event_model.rows]
    click(shown, "eventOrderStart", qtbot)
    soonest = [row["eventId"] for row in shown.community.event_model.rows]
    starts = [
        shown.headunit.community.clubs.events[event_id].starts_at for event_id in soonest
    ]
    assert shown.community.eventOrder == "start"
    assert sorted(soonest) == sorted(nearest)
    assert soonest != nearest
    assert starts == sorted(starts)


def test_clubs_moving_short_and_still(shown, headunit, qtbot):
    open_tab(shown, "clubs", qtbot)
    set_state(shown, headunit, moving=True)
    events = find(shown, "eventsList")
    assert events.property("count") <= MAX_MOVING_LIST_ITEMS
    assert events.property("interactive") is False
    assert not shown.community.allowDetail


def test_event_detail_and_rsvp(shown, headunit, qtbot):
    open_tab(shown, "clubs", qtbot)
    first = shown.community.event_model.rows[0]
    click(shown, "eventRow0", qtbot)
    assert shown.shell.currentSection == "event"
    assert shown.shell.depth == 3
    assert shown.community.eventTitle == first["title"]
    assert shown.community.eventDescription
    click(shown, "rsvpGoingButton", qtbot)

    assert headunit.community.rsvps.all() == {first["eventId"]: "going"}
    queued = headunit.store.query("select kind, ref, payload from outbox")
    assert [(row["kind"], row["ref"]) for row in queued] == [("rsvp", first["eventId"])]
    assert json.loads(queued[0]["payload"])["going"] is True
    assert shown.community.eventRsvp == "going"


def test_event_detail_closes_when_moving(shown, headunit, qtbot):
    open_tab(shown, "clubs", qtbot)
    click(shown, "eventRow0", qtbot)
    set_state(shown, headunit, moving=True)
    assert shown.shell.currentSection == ""
    shown.community.rsvp(True)
    assert headunit.community.rsvps.all() == {}


def test_clubs_show_cached_events(shown, headunit, qtbot):
    # No platform is reachable: the list comes from the local cache.
    event = {
        "id": "evt-cached",
        "updated_at": "2026-12-01T10:00:00+08:00",
        "club_id": "club-hz-aurora",
        "title": {"zh": "缓存里的活动", "en": "Event from the cache"},
        "description": {"en": "Pulled on an earlier sync."},
        "starts_at": "2099-01-01T10:00:00+08:00",
        "ends_at": "2099-01-01T12:00:00+08:00",
        "venue": {
            "name": {"en": "Lakeside"},
            "address": {"en": "Beishan Road"},
            "latitude": WEST_LAKE[0] + 0.001,
            "longitude": WEST_LAKE[1],
        },
        "organiser": {"name": "Zhou", "role": "owner"},
        "attendees": 3,
    }
    shown.community.content_check_s = 0.0
    headunit.community.cache.upsert("events", [event])
    open_tab(shown, "clubs", qtbot)
    shown.pump.tick()
    rows = shown.community.event_model.rows
    assert rows[0]["eventId"] == "evt-cached"
    assert rows[0]["title"] == "Event from the cache"


def test_service_report_parked(shown, qtbot):
    open_tab(shown, "service", qtbot)
    assert shown.community.hasService
    assert shown.community.serviceCode == "P0A80"
    assert "CNY" in shown.community.serviceCost
    assert shown.community.serviceWarnings
    assert shown.community.workshop_model.count > 0
    assert gallery.is_shown(find(shown, "serviceReport"))


def test_service_notice_while_moving(shown, headunit, qtbot):
    open_tab(shown, "service", qtbot)
    set_state(shown, headunit, moving=True)
    assert not shown.community.hasService
    assert not find(shown, "serviceReport").isVisible()
    notice = find(shown, "serviceNotice")
    assert gallery.is_shown(notice)
    assert "P0A80" in notice.property("text")
    assert len(shown.community.serviceNotice) <= 40
    assert not shown.community.serviceNotice.endswith("…")


def test_drive_screen_shows_service_notice(shown, headunit):
    set_state(shown, headunit, moving=True)
    shown.shell.showScreen("drive")
    shown.pump.tick()
    label = find(shown, "serviceNoticeLabel")
    assert gallery.is_shown(label)
    assert "P0A80" in label.property("text")


def test_ratings_show_satisfaction(shown, qtbot):
    open_tab(shown, "ratings", qtbot)
    assert shown.community.hasSatisfaction
    text = find(shown, "satisfactionText").property("text")
    assert "ratings" in text
    assert str(round(shown.community.satisfactionScore)) in text


def test_ratings_compare_last_trip(shown, headunit, qtbot):
    log = headunit.trip_log
    trip = log.start_trip(headunit.profile.vehicle_id, T0 - 3600)
    log.add_sample(trip, T0 - 3600, {"distance_m": 0.0, "energy_kwh": 0.0})
    log.add_sample(trip, T0 - 3000, {"distance_m": 10_000.0, "energy_kwh": 1.6})
    summary = log.close_trip(trip, T0 - 3000, "parked")
    assert headunit.community.compare_trip(summary) is not None
    shown.community.showTab("ratings")
    shown.community.set_language("en")
    set_state(shown, headunit, moving=False)
    assert shown.community.hasComparison
    assert "trip" in find(shown, "comparisonText").property("text")
    marker = find(shown, "percentileMarker")
    bar = find(shown, "percentileBar")
    expected = shown.community.comparisonPercentile / 100 * (bar.width() - marker.width())
    assert abs(marker.x() - expected) <= 1


def test_event_model_passes_model_tester(shown, headunit, qtlog):
    model = shown.community.event_model
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    shown.community.showTab("clubs")
    parked = model.rowCount()
    set_state(shown, headunit, moving=True)
    moving = model.rowCount()
    set_state(shown, headunit, moving=False)

    assert parked > MAX_MOVING_LIST_ITEMS
    assert moving == MAX_MOVING_LIST_ITEMS
    assert model.rowCount() == parked
    warnings = [m.message for m in qtlog.records if m.type != QtMsgType.QtDebugMsg]
    assert warnings == []


# -- tips -------------------------------------------------------------------


def test_tip_feedback_in_one_tap(shown, headunit, qtbot):
    model = shown.tip_model
    first = model.data(model.index(0, 0), model.TipIdRole)
    click(shown, "laterButton0", qtbot)
    assert headunit.community.tip_feedback.state(first).later
    click(shown, "notHelpfulButton0", qtbot)
    click(shown, "reportButton0", qtbot)
    state = headunit.community.tip_feedback.state(first)
    assert state.vote == "not_helpful"
    assert state.no_longer_true
    assert model.data(model.index(0, 0), model.VoteRole) == "not_helpful"
    assert model.data(model.index(0, 0), model.ReportedRole) is True
    # The vote and the report both wait in the outbox for the platform.
    uploads = headunit.store.query("select kind, ref from outbox order by created_at")
    assert [(row["kind"], row["ref"]) for row in uploads] == [
        ("vote", first), ("report", first)]
    assert headunit.community.queue.pending() == []


def test_tip_report_rejected_while_moving(shown, headunit):
    model = shown.tip_model
    first = model.data(model.index(0, 0), model.TipIdRole)
    set_state(shown, headunit, moving=True)
    assert model.locked
    model.reportNoLongerTrue(first)
    assert not headunit.community.tip_feedback.state(first).no_longer_true


def test_tip_rows_show_author_helpfulness(shown):
    model = shown.tip_model
    assert model.data(model.index(0, 0), model.AuthorHelpfulRole) > 0
    assert "helpful votes" in find(shown, "tipRowAuthor").property("text")
    assert "0" in find(shown, "communityPoints").property("text")


def test_points_follow_ledger(shown, headunit):
    from sync.community import PointsEntry

    shown.community.content_check_s = 0.0
    headunit.community.points.add([PointsEntry("p-1", "helpful_tip", 15, None, "2026-12-01")])
    shown.pump.tick()
    assert shown.community.points == 15
    assert "15" in find(shown, "communityPoints").property("text")


# -- clips ------------------------------------------------------------------


@pytest.mark.qt_log_ignore("No HW decoder found")
def test_clip_plays_parked_and_stops_moving(shown, headunit, qtbot):
    open_tab(shown, "clips", qtbot)
    assert shown.community.clip_model.count >= 1
    click(shown, "clipPlayButton", qtbot)
    assert shown.shell.currentSection == "clip"
    media = player(shown)
    wait_until(qtbot, lambda: media.position() > 300)
    assert media.playbackState() == QMediaPlayer.PlaybackState.PlayingState
    assert media.error() == QMediaPlayer.Error.NoError

    set_state(shown, headunit, moving=True)

    assert media.playbackState() == QMediaPlayer.PlaybackState.StoppedState
    assert shown.shell.currentSection == ""
    assert media.source().isEmpty()
    assert not any(
        item.objectName() == "clipVideo" and gallery.is_shown(item) for item in items(shown)
    )


def test_clip_cannot_start_while_moving(shown, headunit, qtbot):
    open_tab(shown, "clips", qtbot)
    set_state(shown, headunit, moving=True)
    clip_id = shown.community.clip_model.rows[0]["clipId"]
    assert shown.community.selectClip(clip_id) is False
    assert not find(shown, "clipPlayButton").isVisible()
    assert shown.community.clipSource == ""


def test_clip_items_checked(tmp_path, caplog):
    (tmp_path / "good.mp4").write_bytes(b"\0" * 10)
    base = {
        "updated_at": "2026-11-28T10:00:00+08:00",
        "title": {"en": "<b>Flap</b> how-to"},
        "author": {"name": "Owner"},
        "duration_s": 4,
    }
    document = {
        "format": 1,
        "kind": "clips",
        "items": [
            dict(base, id="ok", file="good.mp4"),
            dict(base, id="escape", file="../../etc/passwd.mp4"),
            dict(base, id="long", file="good.mp4", duration_s=3600),
        ],
    }
    import json

    (tmp_path / "clips.json").write_text(json.dumps(document), "utf-8")
    with caplog.at_level(logging.WARNING):
        library = ClipLibrary(BundledContent(tmp_path), [tmp_path])
    assert list(library.clips) == ["ok"]
    assert library.clips["ok"].title == {"en": "Flap how-to"}
    assert len([r for r in caplog.records if "escape" in r.getMessage()]) == 1
    assert len([r for r in caplog.records if "long" in r.getMessage()]) == 1
    rows = library.rows(moving=False, language="en")
    assert rows[0].playable
    assert not library.rows(moving=True, language="en")[0].playable


def test_clip_file_names_plain():
    assert is_clip_file_name("demo-charging-port.mp4")
    for name in ("../x.mp4", "/etc/x.mp4", "x.exe", "a/b.mp4", ".hidden.mp4"):
        assert not is_clip_file_name(name), name


# -- text -------------------------------------------------------------------


# Closing the player while it opens its file makes Qt Multimedia warn.
@pytest.mark.qt_log_ignore("No HW decoder found", "Could not open media")
def test_community_text_is_plain(shown, headunit, qtbot):
    checked = 0
    for tab in ("tips", "clubs", "service", "ratings", "clips"):
        shown.community.showTab(tab)
        shown.pump.tick()
        for section in (("event",) if tab == "clubs" else ("clip",) if tab == "clips" else ()):
            if section == "event":
                shown.community.selectEvent(shown.community.event_model.rows[0]["eventId"])
            else:
                shown.community.selectClip(shown.community.clip_model.rows[0]["clipId"])
            shown.shell.openSection(section)
            shown.pump.tick()
        for item in items(shown):
            if not gallery.is_text(item) or not gallery.is_shown(item):
                continue
            if gallery.item_name(item) not in COMMUNITY_VIEWS and not _inside(
                item, COMMUNITY_VIEWS
            ):
                continue
            assert is_plain_text(item), gallery.item_name(item)
            checked += 1
        shown.shell.closeSection()
    assert checked > 20


def is_plain_text(item: QQuickItem) -> bool:
    """Return whether a Text item shows its text as plain text, never as markup."""
    # PySide cannot convert the TextFormat enum, so QML compares it.
    context = QQmlEngine.contextForObject(item)
    expression = QQmlExpression(context, item, "textFormat === Text.PlainText")
    value, undefined = expression.evaluate()
    return bool(value) and not undefined


def _inside(item: QQuickItem, names: tuple[str, ...]) -> bool:
    current = item.parentItem()
    while current is not None:
        if current.objectName() in names:
            return True
        current = current.parentItem()
    return False
