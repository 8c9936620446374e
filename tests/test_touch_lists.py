"""Taps on buttons inside a scrolling list, driven by Qt's touch events.

A driver flicks the community list, then taps a row's button once, and
the tap must count exactly once. A drag that starts on a button scrolls
the list without pressing it, and a tap that stops a moving list does
nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from headunit.app import HeadUnit
from ui import app as ui_app
from vehicle import vss
from vehicle.signals import SignalUpdate

SIZE = (1920, 720)


@pytest.fixture
def community(qapp, db_path: Path) -> Iterator[ui_app.LoadedUi]:
    unit = HeadUnit.demo(db_path)
    unit.state.update([SignalUpdate(vss.SPEED, 0.0, 1_790_000_000.0)])
    ui = ui_app.load_ui(unit, size=SIZE, screen="community", language="en")
    assert ui is not None
    ui.pump.stop()
    ui.pump.tick()
    yield ui
    ui.close()
    unit.stop()


@pytest.fixture
def touch_device():
    return QTest.createTouchDevice()


def items_named(root: QQuickItem, prefix: str) -> list[QQuickItem]:
    found, stack = [], [root]
    while stack:
        item = stack.pop()
        if item.objectName().startswith(prefix) and item.isVisible():
            found.append(item)
        stack.extend(item.childItems())
    return found


def centre(item: QQuickItem) -> QPoint:
    return item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()


def tips_list(ui: ui_app.LoadedUi) -> QQuickItem:
    (found,) = items_named(ui.window.contentItem(), "tipsList")
    return found


def button_near_y(ui: ui_app.LoadedUi, y: int) -> QQuickItem:
    """Return the helpful button, wholly inside the list, whose centre is nearest ``y``."""
    view = tips_list(ui)
    top = view.mapToScene(QPointF(0, 0)).y()
    candidates = []
    for button in items_named(ui.window.contentItem(), "helpfulButton"):
        button_top = button.mapToScene(QPointF(0, 0)).y()
        if top <= button_top and button_top + button.height() <= top + view.height():
            candidates.append((abs(centre(button).y() - y), button))
    assert candidates, "no helpful button inside the list"
    return min(candidates, key=lambda pair: pair[0])[1]


def drag(ui, device, start: QPoint, end: QPoint, duration_ms: int, qtbot) -> None:
    """Press at ``start``, move to ``end`` in steps over ``duration_ms``, release."""
    steps = 8
    QTest.touchEvent(ui.window, device).press(0, start, ui.window).commit()
    for step in range(1, steps + 1):
        qtbot.wait(duration_ms // steps)
        point = start + (end - start) * step / steps
        QTest.touchEvent(ui.window, device).move(0, point, ui.window).commit()
    QTest.touchEvent(ui.window, device).release(0, end, ui.window).commit()


def tap(ui, device, point: QPoint, qtbot) -> None:
    QTest.touchEvent(ui.window, device).press(0, point, ui.window).commit()
    qtbot.wait(60)
    QTest.touchEvent(ui.window, device).release(0, point, ui.window).commit()


def wait_until_still(view: QQuickItem, qtbot, still_ms: int = 300) -> None:
    deadline = time.monotonic() + 10
    last = view.property("contentY")
    still_since = time.monotonic()
    while time.monotonic() < deadline:
        qtbot.wait(20)
        now = view.property("contentY")
        if now != last:
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= still_ms / 1000:
            return
    raise AssertionError("the list did not stop within 10 s")


def test_tap_after_flick_counts_once(community, touch_device, qtbot):
    view = tips_list(community)
    assert view.property("count") >= 6
    drag(community, touch_device, QPoint(400, 650), QPoint(400, 150), 120, qtbot)
    assert view.property("contentY") > 0
    wait_until_still(view, qtbot)

    button = button_near_y(community, 400)
    tap(community, touch_device, centre(button), qtbot)

    assert len(community.tip_model.voted_ids) == 1


def test_drag_from_button_scrolls_without_tap(community, touch_device, qtbot):
    view = tips_list(community)
    button = button_near_y(community, 520)
    before = view.property("contentY")
    start = centre(button)
    drag(community, touch_device, start, start - QPoint(0, 40), 120, qtbot)
    wait_until_still(view, qtbot)

    assert community.tip_model.voted_ids == []
    assert view.property("contentY") > before
    (handler,) = [
        child for child in button.children() if child.objectName() == "helpfulTap"
    ]
    assert handler.property("pressed") is False
    assert button.opacity() == 1.0


def test_tap_on_moving_list_only_stops_it(community, touch_device, qtbot):
    view = tips_list(community)
    drag(community, touch_device, QPoint(400, 650), QPoint(400, 150), 120, qtbot)
    qtbot.wait(30)
    assert view.property("moving") is True
    point = centre(button_near_y(community, 400))
    tap(community, touch_device, point, qtbot)
    qtbot.wait(100)

    assert community.tip_model.voted_ids == []
    assert view.property("moving") is False


@pytest.fixture
def clubs(qapp, db_path: Path) -> Iterator[ui_app.LoadedUi]:
    from ui import gallery

    unit = HeadUnit.demo(db_path)
    latitude, longitude = gallery.GALLERY_POSITION
    unit.community.clubs.clock = lambda: gallery.GALLERY_TIME
    unit.state.update([
        SignalUpdate(vss.SPEED, 0.0, 1_790_000_000.0),
        SignalUpdate(vss.LATITUDE, latitude, 1_790_000_000.0),
        SignalUpdate(vss.LONGITUDE, longitude, 1_790_000_000.0),
    ])
    ui = ui_app.load_ui(unit, size=SIZE, screen="community", language="en")
    assert ui is not None
    ui.pump.stop()
    ui.pump.tick()
    ui.community.showTab("clubs")
    ui.pump.tick()
    yield ui
    ui.close()
    unit.stop()


def events_list(ui: ui_app.LoadedUi) -> QQuickItem:
    (found,) = items_named(ui.window.contentItem(), "eventsList")
    return found


def row_near_y(ui: ui_app.LoadedUi, y: int) -> QQuickItem:
    """Return the event row, wholly inside the list, whose centre is nearest ``y``."""
    view = events_list(ui)
    top = view.mapToScene(QPointF(0, 0)).y()
    rows = [
        row for row in items_named(ui.window.contentItem(), "eventRow")
        if top <= row.mapToScene(QPointF(0, 0)).y()
        and row.mapToScene(QPointF(0, row.height())).y() <= top + view.height()
    ]
    assert rows, "no event row inside the list"
    return min(rows, key=lambda row: abs(centre(row).y() - y))


def test_event_tap_after_flick_opens_it_at_once(clubs, touch_device, qtbot):
    view = events_list(clubs)
    # The list must be longer than the screen for a flick to scroll it.
    assert view.property("contentHeight") > view.height()
    top = view.mapToScene(QPointF(0, 0)).toPoint()
    start = QPoint(400, top.y() + int(view.height()) - 20)
    drag(clubs, touch_device, start, QPoint(400, top.y() + 20), 120, qtbot)
    assert view.property("contentY") > 0
    wait_until_still(view, qtbot)

    row = row_near_y(clubs, 400)
    chosen = row.property("eventId")
    tap(clubs, touch_device, centre(row), qtbot)
    qtbot.wait(50)

    assert clubs.shell.currentSection == "event"
    assert clubs.community.eventId == chosen


def test_drag_from_event_row_scrolls_without_opening(clubs, touch_device, qtbot):
    view = events_list(clubs)
    row = row_near_y(clubs, 400)
    before = view.property("contentY")
    start = centre(row)
    drag(clubs, touch_device, start, start - QPoint(0, 40), 120, qtbot)
    wait_until_still(view, qtbot)

    assert clubs.shell.currentSection == ""
    assert view.property("contentY") > before
