"""Render every screen in every state and check it against the driving rules.

The gallery drives a real head unit (the demo profile, its trip recorder
and store) with scripted signal updates: a few recorded trips, then the car
parked or moving. For each resolution, theme, driving state and screen it
renders one PNG offscreen and measures, from the scene and the pixels:

- the smallest touch target and the smallest text, in px and dp;
- the lowest contrast of any text against what is behind it, measured on
  the rendered pixels (WCAG 2 ratio);
- text or touch targets outside the window or overlapping each other;
- list rows shown, and items the policy forbids while moving;
- with an OEM brand: its logo on show, its accent on the selected tab, and
  whether its accent is too faint for a theme.

``headunit gallery OUT_DIR`` writes the PNGs with an index.html, once in the
product's own look and once with an OEM brand, and exits 1 on any problem,
Qt warnings included; the tests run the same sweep and assert on its
findings.
"""

from __future__ import annotations

import html
import logging
import math
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFontMetrics, QGuiApplication, QImage
from PySide6.QtQuick import QQuickItem

from headunit import theme
from headunit.branding import Branding, contrast_problems
from headunit.display import PANEL_DIAGONAL_IN, pixels_per_dp
from headunit.restrictions import (
    MIN_BODY_TEXT_DP,
    MIN_TEXT_CONTRAST,
    MIN_TOUCH_TARGET_DP,
    SCREENS,
    restrictions_for,
)
from vehicle import vss
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

SIZES = ((1280, 720), (1920, 720), (1024, 600))
STATES = ("parked", "moving")
THEMES = ("day", "night")
#: Chinese first; English too, since its strings run longer.
LANGUAGES = ("zh_CN", "en")
#: Items that must not be visible while the car moves, by objectName.
FORBIDDEN_WHILE_MOVING = (
    "tipsList",
    "aboutButton",
    "aboutSection",
    "pairingButton",
    "pairingSection",
    "sharingButton",
    "sharingSection",
    "syncStatusButton",
    "syncStatusSection",
    # Trips: one level down, charts and multi-step tasks wait until parked.
    "tripExportButton",
    "tripRateLastButton",
    "tripExportSection",
    "tripDetailSection",
    "tripCharts",
    "tripSpeedChart",
    "tripEnergyChart",
    "tripTrack",
    "tripRatingControls",
    # Community: an event's detail, the service report, the clip player.
    "eventDetail",
    "serviceReport",
    "clipPlayerView",
    "clipVideo",
    "clipPlayButton",
)
#: The drive screen's tip card buttons that must show whenever the card
#: does, by driving state: one tap each, on a large target.
TIP_CARD_ACTIONS = {
    "parked": ("tipHelpfulButton", "tipNotHelpfulButton"),
    "moving": ("tipHelpfulButton", "tipNotHelpfulButton", "tipLaterButton"),
}
#: Sections rendered as views of their own, named "screen.section". While
#: moving the policy refuses to open them, so the screen itself is shown.
SECTION_VIEWS = (
    "settings.pairing",
    "settings.sharing",
    "settings.syncStatus",
    "trips.detail",
    "trips.rating",
    "trips.export",
    "community.event",
    "community.clip",
)
#: Views that open a section under another name, with the page it shows.
SECTION_PAGES = {"rating": ("detail", "rate")}
#: Tabs of a screen, named "screen+tab"; the plain screen shows its first tab.
TAB_VIEWS = ("community+clubs", "community+service", "community+ratings", "community+clips")
VIEWS = SCREENS + TAB_VIEWS + SECTION_VIEWS
#: Position of the gallery's car, near West Lake in Hangzhou, where the
#: bundled club events and workshops are.
GALLERY_POSITION = (30.25, 120.15)
#: A trouble code present in the gallery, with owners' experience bundled.
GALLERY_DTC = "P0A80"
#: Colours that cover fewer pixels than this in a text's box are taken for
#: anti-aliasing noise, not ink.
MIN_INK_PIXELS = 3
#: A fixed time for the clock and the sun, so the gallery is reproducible.
GALLERY_TIME = datetime(2026, 12, 4, 2, 30, tzinfo=timezone.utc)
#: Start of the scripted drives, in the state's clock.
T0 = 1_790_000_000.0
#: How long before the scripted drives the compared trip starts, in seconds.
COMPARED_TRIP_LEAD_S = 7200.0


@dataclass
class Finding:
    """Measurements of one rendered screen and the rules it broke."""

    screen: str
    state: str
    theme: str
    size: tuple[int, int]
    language: str = "zh_CN"
    #: Name of the OEM brand it was rendered with; "" for the product's own.
    brand: str = ""
    png: str = ""
    pixels_per_dp: float = 1.0
    min_touch_px: float | None = None
    min_touch_item: str = ""
    min_text_px: int | None = None
    min_text_item: str = ""
    min_contrast: float | None = None
    min_contrast_item: str = ""
    list_rows: int = 0
    text_count: int = 0
    target_count: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        width, height = self.size
        name = f"{self.screen}-{self.state}-{self.theme}-{width}x{height}-{self.language}"
        return f"{name}-brand" if self.brand else name


def item_name(item: QQuickItem) -> str:
    """Return the objectName of ``item`` or of its nearest named ancestor."""
    current: QQuickItem | None = item
    while current is not None:
        if current.objectName():
            return current.objectName()
        current = current.parentItem()
    return type(item).__name__


def all_items(root: QQuickItem) -> list[QQuickItem]:
    items, stack = [], [root]
    while stack:
        item = stack.pop()
        items.append(item)
        stack.extend(item.childItems())
    return items


def is_shown(item: QQuickItem) -> bool:
    """Return whether ``item`` and all its ancestors are visible and opaque."""
    current: QQuickItem | None = item
    while current is not None:
        if not current.isVisible() or current.opacity() <= 0.01:
            return False
        current = current.parentItem()
    return True


def scene_rect(item: QQuickItem) -> QRectF:
    top_left = item.mapToScene(QPointF(0, 0))
    return QRectF(top_left.x(), top_left.y(), item.width(), item.height())


def clipped_rect(item: QQuickItem, rect: QRectF) -> QRectF:
    """Return the part of ``rect`` that no clipping ancestor cuts off."""
    current = item.parentItem()
    while current is not None:
        if current.clip():
            rect = rect.intersected(scene_rect(current))
        current = current.parentItem()
    return rect


def text_rect(item: QQuickItem) -> QRectF:
    """Return the scene rectangle of the text a Text item paints.

    QQuickText's bounding rectangle is that of its laid-out text, with the
    alignment applied, so it may be smaller or larger than the item.
    """
    return item.mapRectToScene(item.boundingRect())


def is_text(item: QQuickItem) -> bool:
    return item.inherits("QQuickText") and item.property("text") not in (None, "")


def is_touch_target(item: QQuickItem) -> bool:
    """Return whether ``item`` takes taps through an enabled TapHandler or MouseArea."""
    if item.inherits("QQuickMouseArea"):
        return bool(item.isEnabled())
    for child in item.children():
        if child.inherits("QQuickTapHandler"):
            return bool(child.property("enabled")) and item.isEnabled()
    return False


def missing_glyph(item: QQuickItem) -> str | None:
    """Return the first character of a Text item its resolved font cannot draw."""
    metrics = QFontMetrics(item.property("font"))
    for character in str(item.property("text")):
        if character.isspace():
            continue
        if not metrics.inFontUcs4(ord(character)):
            return character
    return None


def measured_contrast(image: QImage, rect: QRectF) -> float | None:
    """Return the contrast of the strongest ink in ``rect`` against its background.

    The background is the most common colour in the rectangle. The ink is
    the colour, among those covering at least MIN_INK_PIXELS pixels, that
    differs most from it in luminance.
    """
    box = rect.toAlignedRect().intersected(image.rect())
    if box.width() < 2 or box.height() < 2:
        return None
    crop = image.copy(box).convertToFormat(QImage.Format.Format_RGB32)
    pixels = array("I")
    pixels.frombytes(bytes(crop.constBits())[: crop.sizeInBytes()])
    counts = Counter(pixels)
    background = counts.most_common(1)[0][0]
    background_hex = f"#{background & 0xFFFFFF:06x}"
    best: float | None = None
    for colour, count in counts.items():
        if count < MIN_INK_PIXELS or colour == background:
            continue
        ratio = theme.contrast_ratio(f"#{colour & 0xFFFFFF:06x}", background_hex)
        if best is None or ratio > best:
            best = ratio
    return best


def inspect(ui: Any, image: QImage, finding: Finding, moving: bool) -> None:
    """Measure the rendered ``image`` of ``ui``'s scene into ``finding``."""
    window = ui.window
    scale = finding.pixels_per_dp
    window_rect = QRectF(0, 0, window.width(), window.height())
    min_touch_px = MIN_TOUCH_TARGET_DP * scale - 0.5
    min_text_px = MIN_BODY_TEXT_DP * scale - 0.5
    texts: list[tuple[str, QRectF]] = []
    targets: list[tuple[str, QRectF]] = []
    restrictions = restrictions_for(moving, ui.shell.language)

    for item in all_items(window.contentItem()):
        if not is_shown(item):
            continue
        name = item_name(item)
        class_name = item.metaObject().className()
        if item.inherits("QQuickTextInput") or item.inherits("QQuickTextEdit"):
            if not restrictions.allow_text_entry:
                finding.problems.append(f"text entry {name} shown while moving")
        if "Video" in class_name and not restrictions.allow_video:
            finding.problems.append(f"video {name} shown while moving")
        if moving and item.objectName() in FORBIDDEN_WHILE_MOVING:
            finding.problems.append(f"{name} shown while moving")
        if item.inherits("QQuickListView"):
            rows = int(item.property("count"))
            finding.list_rows = max(finding.list_rows, rows)
            if restrictions.max_list_items is not None and rows > restrictions.max_list_items:
                finding.problems.append(f"{name} lists {rows} rows while moving")
            if item.property("interactive") and not restrictions.allow_scrolling:
                finding.problems.append(f"{name} scrolls while moving")
        if is_touch_target(item):
            rect = scene_rect(item)
            visible = clipped_rect(item, rect)
            if visible.isEmpty():
                continue
            finding.target_count += 1
            edge = min(rect.width(), rect.height())
            if finding.min_touch_px is None or edge < finding.min_touch_px:
                finding.min_touch_px = edge
                finding.min_touch_item = name
            if edge < min_touch_px:
                finding.problems.append(f"touch target {name} is {edge:.0f} px")
            if visible == rect and not window_rect.contains(rect):
                finding.problems.append(f"touch target {name} leaves the window")
            targets.append((name, visible))
        if is_text(item):
            rect = text_rect(item)
            visible = clipped_rect(item, rect)
            if visible.isEmpty():
                continue
            finding.text_count += 1
            missing = missing_glyph(item)
            if missing is not None:
                finding.problems.append(
                    f"text {name} has no glyph for {missing!r} (U+{ord(missing):04X})"
                )
            size = int(item.property("font").pixelSize())
            if finding.min_text_px is None or size < finding.min_text_px:
                finding.min_text_px = size
                finding.min_text_item = name
            if size < min_text_px:
                finding.problems.append(f"text {name} is {size} px")
            if not window_rect.adjusted(-0.5, -0.5, 0.5, 0.5).contains(visible):
                finding.problems.append(f"text {name} leaves the window")
            # A row cut at the edge of a scrolling list is measured once whole.
            contrast = measured_contrast(image, visible) if visible == rect else None
            if contrast is not None:
                if finding.min_contrast is None or contrast < finding.min_contrast:
                    finding.min_contrast = contrast
                    finding.min_contrast_item = name
                if contrast < MIN_TEXT_CONTRAST:
                    finding.problems.append(f"text {name} contrast {contrast:.2f}")
            texts.append((name, visible.adjusted(1, 1, -1, -1)))

    for kind, boxes in (("text", texts), ("touch target", targets)):
        for number, (name, rect) in enumerate(boxes):
            for other_name, other in boxes[number + 1 :]:
                if rect.intersects(other):
                    finding.problems.append(f"{kind} {name} overlaps {other_name}")


def nav_button_name(screen: str) -> str:
    """Return the objectName of the navigation rail's tab for ``screen``."""
    return "nav" + screen[0].upper() + screen[1:]


def most_common_colour(image: QImage, rect: QRectF) -> str | None:
    """Return the ``#rrggbb`` colour that covers most of ``rect`` in ``image``."""
    box = rect.toAlignedRect().intersected(image.rect())
    if box.width() < 1 or box.height() < 1:
        return None
    crop = image.copy(box).convertToFormat(QImage.Format.Format_RGB32)
    pixels = array("I")
    pixels.frombytes(bytes(crop.constBits())[: crop.sizeInBytes()])
    colour = Counter(pixels).most_common(1)[0][0]
    return f"#{colour & 0xFFFFFF:06x}"


def inspect_brand(ui: Any, image: QImage, finding: Finding, branding: Branding) -> None:
    """Check that ``branding`` shows in ``image``: its logo, and its accent on the tab."""
    items = {item.objectName(): item for item in all_items(ui.window.contentItem())}
    logo = items.get("brandLogo")
    if branding.logo is not None:
        if logo is None or not is_shown(logo):
            finding.problems.append("brand logo not shown")
        elif logo.property("progress") != 1.0 or logo.property("paintedWidth") <= 0:
            finding.problems.append(f"brand logo {branding.logo} did not load")
    for problem in contrast_problems(branding):
        if f"in the {finding.theme} theme" in problem:
            finding.problems.append(problem)
    tab = items.get(nav_button_name(ui.shell.currentScreen))
    expected = ui.shell.theme_store.palette().accent
    if tab is None:
        finding.problems.append(f"no navigation tab for the {ui.shell.currentScreen} screen")
        return
    # Inset by the corner radius so that the corners' background is left out.
    inset = float(tab.property("radius") or 0)
    tab_colour = most_common_colour(
        image, scene_rect(tab).adjusted(inset, inset / 2, -inset, -inset / 2)
    )
    if tab_colour != expected:
        finding.problems.append(
            f"selected tab {tab.objectName()} is {tab_colour}, expected the accent {expected}"
        )


class QtMessages:
    """Qt warnings and errors logged while the sweep runs; each one is a problem.

    Messages are passed on to the handler installed before, such as
    pytest-qt's, so it still receives them.
    """

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._previous: Any = None

    def __enter__(self) -> QtMessages:
        self._previous = qInstallMessageHandler(self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        qInstallMessageHandler(self._previous)

    def _handle(self, kind: QtMsgType, context: Any, message: str) -> None:
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            self.messages.append(message)
        if self._previous is not None:
            self._previous(kind, context, message)

    def take(self) -> list[str]:
        """Return the messages logged since the last call and forget them."""
        messages, self.messages = self.messages, []
        return [f"Qt warning: {message}" for message in messages]


def push(headunit: Any, t: float, **values: Any) -> None:
    paths = {
        "speed": vss.SPEED,
        "soc": vss.SOC_DISPLAYED,
        "range_m": vss.RANGE,
        "power_w": vss.BATTERY_POWER,
        "gear": vss.SELECTED_GEAR,
        "temperature": vss.OUTSIDE_TEMPERATURE,
        "latitude": vss.LATITUDE,
        "longitude": vss.LONGITUDE,
        "dtcs": vss.DTC_LIST,
    }
    headunit.state.update(
        [SignalUpdate(paths[name], value, t) for name, value in values.items()]
    )


def record_trips(headunit: Any, count: int, parked_timeout_s: float) -> float:
    """Drive ``count`` short trips through the real recorder; return the last time.

    Each trip follows a curve from its own start, so the detail view has a
    track. The next to last trip loses its input for a few seconds (a
    gap) and the last one ends with harsh braking (an event).
    """
    t = T0
    for number in range(count):
        top = 40.0 + 10 * number
        latitude, longitude = 31.2304 + 0.004 * number, 121.4737
        heading = 0.3 * number
        push(headunit, t, speed=0.0, gear=vss.GEAR_PARK, power_w=0.0, soc=70.0,
             latitude=latitude, longitude=longitude)
        speeds = [top * step / 10 for step in range(1, 11)] + [top] * 30
        if number == count - 1:
            # 25 km/h in one second is about 0.7 g: harsh braking.
            speeds += [top / 2, top / 2 - 25, 0.0]
        else:
            speeds += [top * step / 10 for step in range(9, -1, -1)]
        for second, speed in enumerate(speeds):
            t += 1.0
            if number == count - 2 and 20 <= second < 28:
                continue
            heading += 0.06
            step_deg = speed / 3.6 / 111_320
            latitude += step_deg * math.cos(heading)
            longitude += step_deg * math.sin(heading) / math.cos(math.radians(latitude))
            push(headunit, t, speed=speed, gear=vss.GEAR_DRIVE, power_w=18_000.0,
                 latitude=latitude, longitude=longitude)
        for _ in range(int(parked_timeout_s) + 2):
            t += 1.0
            push(headunit, t, speed=0.0, gear=vss.GEAR_PARK, power_w=0.0)
        t += 600.0
    return t


def record_charge(headunit: Any, t: float) -> float:
    """Store one closed AC charging session that starts at ``t``; return its end."""
    log = headunit.trip_log
    vehicle = headunit.profile.vehicle_id
    session = log.start_charging(vehicle, t, 38.0, "AC", 31.2304, 121.4737)
    end = t + 5400.0
    log.close_charging(session, "unplugged", {
        "ended_at": end, "end_soc_percent": 80.0, "energy_added_kwh": 27.3,
        "energy_source": "power", "cost": 6.55, "currency": "CNY",
    })
    return end
def add_compared_trip(headunit: Any, t: float) -> float:
    """Store a closed 12 km trip that used 2 kWh, starting at ``t``; return its end.

    The scripted drives are too short to compare with other owners, so the
    ratings section would never show its sentence and chart without it.
    """
    log = headunit.trip_log
    trip = log.start_trip(headunit.profile.vehicle_id, t)
    log.add_sample(trip, t, {"distance_m": 0.0, "energy_kwh": 0.0})
    log.add_sample(trip, t + 900, {"distance_m": 12_000.0, "energy_kwh": 2.0})
    log.close_trip(trip, t + 900, "parked")
    return t + 960


class Scene:
    """A head unit with recorded trips that can be put parked or moving."""

    PARKED_TIMEOUT_S = 5.0

    def __init__(self, db_path: Path) -> None:
        from headunit.app import HeadUnit

        self.headunit = HeadUnit.demo(db_path, parked_timeout_s=self.PARKED_TIMEOUT_S)
        # An older, longer drive that the ratings section compares with owners.
        add_compared_trip(self.headunit, T0 - COMPARED_TRIP_LEAD_S)
        self.t = record_trips(self.headunit, 5, self.PARKED_TIMEOUT_S)
        self.t = record_charge(self.headunit, self.t)
        # The gallery's day, so the bundled club events are upcoming.
        self.headunit.community.clubs.clock = lambda: GALLERY_TIME
        # Switching between parked and moving must not record more trips.
        recorder = self.headunit.recorder
        recorder.settings = replace(
            recorder.settings, parked_timeout_s=1e9, stopped_timeout_s=1e9
        )

    def set_state(self, state: str) -> None:
        """Push a fresh reading of every signal, parked or moving at 62 km/h."""
        self.t += 1.0
        latitude, longitude = GALLERY_POSITION
        push(self.headunit, self.t, latitude=latitude, longitude=longitude,
             dtcs=[GALLERY_DTC])
        if state == "moving":
            # Moving needs two readings: the hysteresis starts from parked.
            push(self.headunit, self.t, speed=62.0, gear=vss.GEAR_DRIVE)
            push(
                self.headunit, self.t + 0.1, speed=62.0, gear=vss.GEAR_DRIVE,
                soc=64.0, range_m=287_000, power_w=21_500.0, temperature=8.0,
            )
        else:
            push(
                self.headunit, self.t, speed=0.0, gear=vss.GEAR_PARK,
                soc=64.0, range_m=287_000, power_w=0.0, temperature=8.0,
            )
        self.t += 0.1

    def close(self) -> None:
        self.headunit.stop()


def sweep(
    out_dir: Path | None,
    sizes: tuple[tuple[int, int], ...] | list[tuple[int, int]] = SIZES,
    screens: tuple[str, ...] = VIEWS,
    languages: tuple[str, ...] = LANGUAGES,
    db_path: Path | None = None,
    branding: Branding | None = None,
) -> list[Finding]:
    """Render and inspect every screen x state x theme x size x language.

    A QGuiApplication must exist; the UI translation is installed and
    removed here. PNGs are written to ``out_dir`` unless it is None. With
    ``branding`` the screens show that OEM brand and ``inspect_brand``
    checks it; a Qt warning logged while a screen renders is one of its
    problems.
    """
    from ui import app as ui_app

    findings: list[Finding] = []
    brand = ""
    if branding is not None and not branding.is_default:
        brand = branding.name or "OEM brand"
    application = QGuiApplication.instance()
    translations = ui_app.Translations(application, languages[0])
    with tempfile.TemporaryDirectory() as scratch, QtMessages() as qt_messages:
        scene = Scene(db_path or Path(scratch) / "gallery.db")
        try:
            for size in sizes:
                ui = ui_app.load_ui(
                    scene.headunit, size=size, language=languages[0],
                    translations=translations, branding=branding,
                )
                if ui is None:
                    raise RuntimeError("the QML did not load; see the QML errors above")
                ui.pump.stop()
                ui.shell.set_clock(GALLERY_TIME)
                # Warnings from loading the QML count against the first screen.
                pending = qt_messages.take()
                try:
                    for language in languages:
                        for theme_name in THEMES:
                            # Settings change only while parked.
                            scene.set_state("parked")
                            ui.pump.tick()
                            ui.shell.setLanguage(language)
                            ui.shell.setThemeMode(theme_name)
                            for state in STATES:
                                scene.set_state(state)
                                for screen in screens:
                                    finding = Finding(
                                        screen, state, theme_name, size, language, brand
                                    )
                                    _render_one(
                                        ui, scene, finding, out_dir,
                                        branding if brand else None,
                                    )
                                    finding.problems.extend(pending + qt_messages.take())
                                    pending = []
                                    findings.append(finding)
                    # Back to the first language for the next size, while parked.
                    scene.set_state("parked")
                    ui.pump.tick()
                    ui.shell.setLanguage(languages[0])
                finally:
                    ui.close()
        finally:
            scene.close()
            translations.remove()
    return findings


def _render_one(
    ui: Any,
    scene: Scene,
    finding: Finding,
    out_dir: Path | None,
    branding: Branding | None = None,
) -> None:
    view, _, tab = finding.screen.partition("+")
    screen, _, section = view.partition(".")
    ui.shell.showScreen(screen)
    if screen == "community":
        ui.community.showTab(tab or _COMMUNITY_SECTION_TABS.get(section, "tips"))
    if section:
        # Sections open only while parked; the moving state then closes them.
        scene.set_state("parked")
        ui.pump.tick()
        section, page = SECTION_PAGES.get(section, (section, ""))
        if screen == "trips" and section == "detail":
            _open_trip_detail(ui, scene, page)
        _prepare_section(ui, screen, section)
        ui.shell.openSection(section)
        if section == "clip":
            _wait_for_clip(ui)
    # Keep the readings fresh: the state's clock runs on while rendering.
    scene.set_state(finding.state)
    for _ in range(2):
        ui.pump.tick()
        QGuiApplication.processEvents()
    image = ui.grab()
    finding.pixels_per_dp = pixels_per_dp(*finding.size)
    moving = finding.state == "moving"
    if ui.shell.moving != moving:
        finding.problems.append(f"the shell shows moving={ui.shell.moving}")
    if section and not moving and ui.shell.currentSection != section:
        finding.problems.append(f"the {section} section did not open")
    if section and moving and ui.shell.currentSection:
        finding.problems.append(f"the {section} section stayed open while moving")
    if ui.shell.language != finding.language:
        finding.problems.append(f"the shell shows language {ui.shell.language}")
    # English is the source language: any other must change this string.
    translated = QCoreApplication.translate("NavigationRail", "Drive") != "Drive"
    if translated != (finding.language != "en"):
        finding.problems.append(f"the installed translation is not {finding.language}")
    inspect(ui, image, finding, moving)
    if branding is not None:
        inspect_brand(ui, image, finding, branding)
    if view == "drive":
        _check_tip_card_actions(ui, finding)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{finding.name}.png"
        if image.save(str(path), "PNG"):
            finding.png = path.name
        else:
            finding.problems.append(f"could not write {path}")


def limits_by_size(sizes: set[tuple[int, int]]) -> list[dict[str, Any]]:
    """Return, per resolution, the px that the dp limits of the policy come to."""
    rows = []
    for width, height in sorted(sizes):
        scale = pixels_per_dp(width, height)
        rows.append(
            {
                "size": f"{width}x{height}",
                "diagonal": PANEL_DIAGONAL_IN.get((width, height)),
                "pixels_per_dp": scale,
                # Theme.qml rounds both up to whole pixels.
                "touch_px": math.ceil(MIN_TOUCH_TARGET_DP * scale),
                "text_px": math.ceil(MIN_BODY_TEXT_DP * scale),
            }
        )
    return rows


def _check_tip_card_actions(ui: Any, finding: Finding) -> None:
    """Report tip card buttons missing from a drive screen that shows a tip."""
    root = ui.window.contentItem()
    card = next((item for item in all_items(root) if item.objectName() == "tipCard"), None)
    if card is None or not is_shown(card):
        return
    shown = {item.objectName() for item in all_items(card) if is_shown(item)}
    for name in TIP_CARD_ACTIONS[finding.state]:
        if name not in shown:
            finding.problems.append(f"tip card action {name} not shown")


def _open_trip_detail(ui: Any, scene: Scene, page: str) -> None:
    """Load the newest closed trip into the detail view, on ``page`` if given."""
    trip = scene.headunit.trip_log.last_closed_trip(scene.headunit.profile.vehicle_id)
    if trip is None:
        return
    ui.trip_detail.open(trip.id)
    if page:
        ui.trip_detail.setPage(page)
#: The community tab that a section of the community screen opens from.
_COMMUNITY_SECTION_TABS = {"event": "clubs", "clip": "clips"}


def _prepare_section(ui: Any, screen: str, section: str) -> None:
    """Choose the first event or clip, as a tap on its row would."""
    if screen != "community":
        return
    if section == "event":
        rows = ui.community.event_model.rows
        if rows:
            ui.community.selectEvent(rows[0]["eventId"])
    elif section == "clip":
        rows = ui.community.clip_model.rows
        if rows:
            ui.community.selectClip(rows[0]["clipId"])


def _wait_for_clip(ui: Any, timeout_s: float = 5.0) -> None:
    """Wait until the clip player has opened its file, so closing it cancels nothing.

    Qt Multimedia warns when a file is closed while it is still being
    opened, which a real driver may cause but the sweep should not.
    """
    import time

    from PySide6.QtMultimedia import QMediaPlayer

    # The newest player: one of a screen just left may await deletion.
    players = ui.window.findChildren(QMediaPlayer, "clipPlayer")
    player = players[-1] if players else None
    deadline = time.monotonic() + timeout_s
    waiting = (QMediaPlayer.MediaStatus.NoMedia, QMediaPlayer.MediaStatus.LoadingMedia)
    while player is not None and time.monotonic() < deadline:
        QGuiApplication.processEvents()
        if player.mediaStatus() not in waiting:
            return
        time.sleep(0.01)
    logger.warning("the clip player did not open its file within %.1f s", timeout_s)


def write_index(out_dir: Path, findings: list[Finding]) -> Path:
    """Write index.html: the limits per resolution, then one row per rendered screen."""
    rows = []
    for finding in findings:
        scale = finding.pixels_per_dp
        touch = (
            f"{finding.min_touch_px:.0f} px = {finding.min_touch_px / scale:.0f} dp"
            if finding.min_touch_px is not None else "none"
        )
        text = (
            f"{finding.min_text_px} px = {finding.min_text_px / scale:.1f} dp"
            if finding.min_text_px is not None else "none"
        )
        contrast = f"{finding.min_contrast:.1f}" if finding.min_contrast else "–"
        problems = "<br>".join(html.escape(p) for p in finding.problems) or "ok"
        image = (
            f"<a href='{finding.png}'><img src='{finding.png}' width='320'></a>"
            if finding.png else "not written"
        )
        rows.append(
            f"<tr class='{'problem' if finding.problems else 'ok'}'>"
            f"<td>{image}</td>"
            f"<td>{finding.screen}</td><td>{finding.state}</td><td>{finding.theme}</td>"
            f"<td>{finding.language}</td><td>{html.escape(finding.brand) or 'own'}</td>"
            f"<td>{finding.size[0]}x{finding.size[1]}</td><td>{touch}</td>"
            f"<td>{text}</td><td>{contrast}</td><td>{finding.list_rows}</td>"
            f"<td>{problems}</td></tr>"
        )
    limit_rows = []
    for limit in limits_by_size({finding.size for finding in findings}):
        diagonal = f"{limit['diagonal']} in" if limit["diagonal"] else "unknown"
        limit_rows.append(
            f"<tr><td>{limit['size']}</td><td>{diagonal}</td>"
            f"<td>{limit['pixels_per_dp']:.3f}</td>"
            f"<td>{limit['touch_px']} px</td><td>{limit['text_px']} px</td></tr>"
        )
    broken = sum(1 for finding in findings if finding.problems)
    verdict = (
        f"{broken} of {len(findings)} screens break a rule" if broken
        else f"all {len(findings)} screens pass"
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Head unit screens</title>
<style>body{{font-family:sans-serif}} td{{vertical-align:top;padding:4px}}
tr.problem td{{background:#fde8e5}}</style>
</head><body>
<h1>Head unit screens</h1>
<p>Every screen parked and moving, by day and night, in Chinese and
English, at each resolution, in the product's own look and with an OEM
brand. Text contrast must be at least {MIN_TEXT_CONTRAST}:1, measured on
the rendered pixels.</p>
<p><strong>Result: {verdict}.</strong></p>
<table border="1" cellspacing="0">
<tr><th>resolution</th><th>panel diagonal</th><th>px per dp</th>
<th>touch target, {MIN_TOUCH_TARGET_DP} dp</th><th>text, {MIN_BODY_TEXT_DP} dp</th></tr>
{chr(10).join(limit_rows)}
</table>
<p></p>
<table border="1" cellspacing="0">
<tr><th>PNG</th><th>screen</th><th>state</th><th>theme</th><th>language</th>
<th>brand</th><th>size</th>
<th>smallest target</th><th>smallest text</th><th>lowest contrast</th>
<th>list rows</th><th>problems</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def main(
    out_dir: Path,
    sizes: list[tuple[int, int]] | None = None,
    branding: Branding | None = None,
) -> int:
    """Render the gallery into ``out_dir``; return 1 if any screen broke a rule.

    The screens are rendered in the product's own look and with
    ``branding``, which defaults to the sample brand in ``assets``.
    """
    import sys

    import assets
    from headunit.branding import load_branding
    from ui import app as ui_app

    ui_app.ensure_platform()
    if QGuiApplication.instance() is None:
        # Kept in a name so the application outlives the sweep.
        main.application = QGuiApplication(sys.argv[:1])  # type: ignore[attr-defined]
    if branding is None or branding.is_default:
        branding = load_branding(assets.SAMPLE_BRANDING)
    chosen = tuple(sizes) if sizes else SIZES
    findings = sweep(out_dir, chosen)
    findings += sweep(out_dir, chosen, branding=branding)
    index = write_index(out_dir, findings)
    for limit in limits_by_size(set(chosen)):
        print(
            f"{limit['size']}: {MIN_TOUCH_TARGET_DP} dp touch target = "
            f"{limit['touch_px']} px, {MIN_BODY_TEXT_DP} dp text = {limit['text_px']} px"
        )
    broken = [finding for finding in findings if finding.problems]
    for finding in broken:
        for problem in finding.problems:
            print(f"{finding.name}: {problem}")
    print(f"{len(findings)} screens rendered, {len(broken)} with problems: {index}")
    return 1 if broken or not findings else 0
