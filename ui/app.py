"""Start the Qt Quick user interface for a head unit.

``run`` owns the Qt side only: the application object, the translator, the
QML engine and the timer that copies vehicle snapshots into the stores. The
caller starts and stops the head unit itself.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

# Importing QtQuick makes the engine hand out QQuickWindow objects, which
# have grabWindow(); without it the root object is a plain QWindow.
import PySide6.QtQuick  # noqa: F401
import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTimer, QTranslator, QUrl
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtQml import QQmlApplicationEngine

from headunit import watchdog
from headunit.branding import Branding
from headunit.display import pixels_per_dp
from headunit.restrictions import SCREENS
from ui.account import AccountStore
from ui.community import TipListModel
from ui.community_store import CommunityStore
from ui.shell import ShellStore
from ui.stores import DriveStore, TripListModel
from ui.trips import TripDayListModel, TripDetailStore, TripExportStore

logger = logging.getLogger(__name__)

QML_DIR = Path(__file__).parent / "qml"
MAIN_QML = QML_DIR / "Main.qml"
I18N_DIR = Path(__file__).parent / "i18n"
#: One display frame at 60 Hz, in ms: the stores are updated at most this often.
FRAME_INTERVAL_MS = 16
#: Frames rendered after the input settled and before a screenshot is taken,
#: so the last property changes have reached the scene.
SCREENSHOT_EXTRA_FRAMES = 3


def ensure_platform() -> None:
    """Choose Qt's offscreen platform when there is no display to show on.

    Without a display and without ``QT_QPA_PLATFORM`` Qt aborts the process
    while looking for X11. An explicit ``QT_QPA_PLATFORM`` (such as eglfs on
    a head unit) is always kept.
    """
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Offscreen windows render only with the software scene graph.
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    logger.info(
        "no display found (DISPLAY and WAYLAND_DISPLAY are unset); rendering offscreen"
    )


def install_translator(app: QCoreApplication, language: str) -> QTranslator | None:
    """Load the UI translation for ``language`` and make it the default locale.

    English is the source language and needs no file. A missing or invalid
    file is logged and the UI shows English.
    """
    QLocale.setDefault(QLocale(language))
    if language.startswith("en"):
        return None
    path = I18N_DIR / f"headunit_{language}.qm"
    translator = QTranslator(app)
    if not translator.load(str(path)):
        logger.warning(
            "no UI translation for language %s at %s; showing English", language, path
        )
        return None
    app.installTranslator(translator)
    logger.info("loaded UI translation %s", path)
    return translator


class Translations:
    """The installed UI translation, swapped when the driver picks a language."""

    def __init__(self, app: QCoreApplication, language: str) -> None:
        self._app = app
        self.language = language
        self._translator = install_translator(app, language)
        self.engine: QQmlApplicationEngine | None = None

    def switch(self, language: str) -> None:
        """Install ``language`` and re-evaluate every qsTr binding."""
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
        self._translator = install_translator(self._app, language)
        self.language = language
        if self.engine is not None and shiboken6.isValid(self.engine):
            self.engine.retranslate()
        logger.info("UI language switched to %s", language)

    def remove(self) -> None:
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None


class FramePump(QObject):
    """Copies one vehicle snapshot into the stores every display frame."""

    def __init__(
        self,
        headunit: Any,
        shell: ShellStore,
        drive_store: DriveStore,
        trip_model: TripListModel,
        tip_model: TipListModel,
        parent: QObject | None = None,
        account: AccountStore | None = None,
        community: CommunityStore | None = None,
    ) -> None:
        super().__init__(parent)
        self._community = community
        self._headunit = headunit
        self._shell = shell
        self._account = account
        self._drive_store = drive_store
        self._trip_model = trip_model
        self._tip_model = tip_model
        self.frame_count = 0
        self.first_frame_at: float | None = None
        #: Frames whose update failed, by exception class name.
        self.failure_counts: dict[str, int] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self.tick)

    def attach(self, headunit: Any) -> None:
        self._headunit = headunit

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def tick(self) -> None:
        """Take one snapshot and push the values that changed into the stores."""
        now = time.monotonic()
        if self.first_frame_at is None:
            self.first_frame_at = now
        self.frame_count += 1
        if self._headunit is None:
            return
        try:
            snapshot = self._headunit.state.snapshot()
            status = self._headunit.status()
            self._shell.apply(snapshot, status)
            if self._account is not None:
                # The sync detail is read from the database, so only when on show.
                on_show = self._shell.currentScreen == "settings"
                sync_status = self._headunit.sync_status if on_show else None
                self._account.apply(snapshot.moving, sync_status)
            self._drive_store.apply(snapshot, now, bus_lost=self._shell.busLost)
            if self._shell.currentScreen == "trips":
                # Only while on show, because a recording trip's row changes
                # with every sample. NOTE: resident memory grows by about
                # 1 kB per dataChanged the model sends (bench/memory.py);
                # the cause is not found, so the list still grows while on show.
                self._trip_model.refresh(self._headunit.trips_version, snapshot.moving)
            self._tip_model.refresh(snapshot.moving)
            if self._community is not None:
                self._community.refresh(snapshot)
        except Exception as error:
            # The screen keeps its last values, and the next frame tries again.
            kind = type(error).__name__
            self.failure_counts[kind] = self.failure_counts.get(kind, 0) + 1
            if self.failure_counts[kind] == 1:
                logger.exception(
                    "failed to update the UI from the vehicle state (%s); later "
                    "failures of this kind are counted, not logged",
                    kind,
                )


@dataclass
class LoadedUi:
    """A loaded QML scene with the objects behind it."""

    engine: QQmlApplicationEngine
    window: PySide6.QtQuick.QQuickWindow
    shell: ShellStore
    drive_store: DriveStore
    trip_model: TripListModel
    tip_model: TipListModel
    pump: FramePump
    account: AccountStore
    trip_detail: TripDetailStore | None = None
    trip_export: TripExportStore | None = None
    community: CommunityStore | None = None
    headunit: Any = None
    #: Whether a saved language replaces the one the UI started with.
    saved_language_wins: bool = True

    def attach(self, headunit: Any) -> None:
        """Connect a built head unit to the stores; the next frame shows its data.

        The driver's saved settings are applied, and later changes saved.
        """
        self.headunit = headunit
        self.shell.attach_profile(headunit.profile)
        # Imported here, after the first frame: it loads the storage stack.
        from headunit import preferences

        try:
            saved = preferences.load_preferences(headunit.store)
        except Exception:
            logger.exception("could not read the saved UI settings; using defaults")
            saved = {}
        self.shell.apply_preferences(saved, language=self.saved_language_wins)
        self.shell.on_preference(self._save_preference)
        self.drive_store.attach(headunit)
        self.trip_model.attach(headunit)
        self.tip_model.attach(headunit)
        self.account.attach(headunit)
        if self.trip_detail is not None and self.trip_export is not None:
            self.trip_detail.attach(headunit)
            self.trip_export.attach(headunit)
        if self.community is not None:
            self.community.attach(headunit)
        self.pump.attach(headunit)
        self.pump.tick()

    def _save_preference(self, name: str, value: str) -> None:
        from headunit import preferences

        try:
            preferences.save_preference(self.headunit.store, name, value)
        except Exception:
            # The setting still applies until the UI closes.
            logger.exception("could not save the UI setting %s=%s", name, value)

    def grab(self) -> QImage:
        """Render the window now and return the frame."""
        return self.window.grabWindow()

    def close(self) -> None:
        """Stop the frame timer and delete the engine and the scene with it."""
        self.pump.stop()
        self.account.stop()
        if self.trip_export is not None:
            self.trip_export.stop()
        self.window.close()
        if shiboken6.isValid(self.engine):
            shiboken6.delete(self.engine)


def load_ui(
    headunit: Any = None,
    *,
    screen: str = "drive",
    size: tuple[int, int] = (1280, 720),
    diagonal_in: float | None = None,
    language: str | None = None,
    branding: Branding | None = None,
    translations: Translations | None = None,
    asynchronous_screens: bool = False,
    default_position: tuple[float, float] | None = None,
) -> LoadedUi | None:
    """Build the stores, load ``Main.qml`` and start the frame timer.

    ``headunit`` may be None: the shell then shows that the vehicle is
    starting until ``LoadedUi.attach`` connects one. With
    ``asynchronous_screens`` screens are built in the background, so a frame
    may show the shell before its screen. A QGuiApplication must exist.
    Returns None, after logging why, when the QML did not produce a window.
    """
    if screen not in SCREENS:
        raise ValueError(
            f"unknown screen {screen!r}; expected one of {', '.join(SCREENS)}"
        )
    if language is None:
        language = getattr(headunit, "language", "zh_CN")
    width, height = size
    if default_position is None:
        shell = ShellStore(language, branding)
    else:
        shell = ShellStore(language, branding, default_position=default_position)
    drive_store = DriveStore(None, language)
    trip_model = TripDayListModel(None, language)
    trip_detail = TripDetailStore(None, language)
    trip_export = TripExportStore(language)
    tip_model = TipListModel(None, language)
    account = AccountStore(language)
    community = CommunityStore(language)
    shell.showScreen(screen)
    pump = FramePump(
        None, shell, drive_store, trip_model, tip_model, account=account, community=community
    )

    def on_language(new_language: str) -> None:
        if translations is not None:
            translations.switch(new_language)
        else:
            QLocale.setDefault(QLocale(new_language))
        for store in (
            drive_store, trip_model, tip_model, account, trip_detail, trip_export, community
        ):
            store.set_language(new_language)
        pump.tick()

    def on_settings() -> None:
        drive_store.set_units(shell.units)
        trip_model.set_units(shell.units)
        trip_detail.set_units(shell.units)
        pump.tick()

    shell.on_language(on_language)
    shell.on_settings(on_settings)

    def on_moving() -> None:
        trip_detail.set_moving(shell.moving)
        trip_export.set_moving(shell.moving)

    shell.movingChanged.connect(on_moving)
    # A rating does not change trips_version, so the list reloads on its own.
    trip_detail.saved.connect(trip_model.reload)

    engine = QQmlApplicationEngine()
    if translations is not None:
        translations.engine = engine
        if translations.language != language:
            translations.switch(language)
    # Read by DisplayPolicy.create when QML first uses the theme.
    engine.setProperty("pixelsPerDp", pixels_per_dp(width, height, diagonal_in))
    engine.setInitialProperties(
        {
            "shell": shell,
            "themeStore": shell.theme_store,
            "driveStore": drive_store,
            "tripModel": trip_model,
            "tipModel": tip_model,
            "account": account,
            "tripDetail": trip_detail,
            "tripExport": trip_export,
            "community": community,
            "asynchronousScreens": asynchronous_screens,
            "width": width,
            "height": height,
        }
    )
    engine.load(QUrl.fromLocalFile(str(MAIN_QML)))
    roots = engine.rootObjects()
    if not roots or not isinstance(roots[0], PySide6.QtQuick.QQuickWindow):
        logger.error(
            "could not load %s: no window was created; see the QML errors above",
            MAIN_QML,
        )
        shiboken6.delete(engine)
        return None
    ui = LoadedUi(
        engine, roots[0], shell, drive_store, trip_model, tip_model, pump, account,
        trip_detail=trip_detail, trip_export=trip_export, community=community,
    )
    # The stores must live as long as the engine that binds to them.
    for child in (
        shell, drive_store, trip_model, tip_model, pump, account, trip_detail, trip_export,
        community,
    ):
        child.setParent(engine)
    if headunit is not None:
        ui.attach(headunit)
    pump.start()
    return ui


#: Items of Main.qml that every frame must show, the first one included.
SHELL_ITEMS = ("statusBar", "navigationRail")


def missing_shell_items(window: PySide6.QtQuick.QQuickWindow) -> list[str]:
    """Return the names of ``SHELL_ITEMS`` that are not visible with a size."""
    on_show = set()
    stack = [window.contentItem()]
    while stack:
        item = stack.pop()
        if not item.isVisible():
            continue
        if item.objectName() in SHELL_ITEMS and item.width() > 0 and item.height() > 0:
            on_show.add(item.objectName())
        stack.extend(item.childItems())
    return [name for name in SHELL_ITEMS if name not in on_show]


class _ScreenshotTrigger(QObject):
    """Saves one frame to a PNG once the input has settled, then quits."""

    def __init__(
        self, ui: LoadedUi, path: Path, settle_s: float, size: tuple[int, int]
    ) -> None:
        super().__init__(ui.engine)
        self._ui = ui
        self._path = path
        self._settle_s = settle_s
        self._size = size
        self._frames_after_settle: int | None = None
        ui.pump.timer.timeout.connect(self.on_frame)

    def on_frame(self) -> None:
        if self._frames_after_settle is None:
            started = self._ui.pump.first_frame_at or time.monotonic()
            headunit = self._ui.headunit
            settled = headunit is not None and headunit.input_done.is_set()
            if not settled and time.monotonic() - started < self._settle_s:
                return
            logger.debug(
                "input settled (%s); taking a screenshot",
                "input done" if settled else f"{self._settle_s} s passed",
            )
            self._frames_after_settle = 0
            return
        self._frames_after_settle += 1
        if self._frames_after_settle < SCREENSHOT_EXTRA_FRAMES:
            return
        self._ui.pump.timer.timeout.disconnect(self.on_frame)
        QCoreApplication.exit(save_frame(self._ui, self._path, self._size))


def save_frame(ui: LoadedUi, path: Path, size: tuple[int, int]) -> int:
    """Write the window's current frame to ``path`` as PNG; return 0, or 1 on failure."""
    image = ui.grab()
    if image.isNull():
        logger.error("screenshot failed: the window returned an empty frame")
        return 1
    width, height = size
    if (image.width(), image.height()) != (width, height):
        image = image.scaled(width, height)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        logger.error("could not write the screenshot to %s", path)
        return 1
    logger.info("wrote screenshot %s (%dx%d)", path, width, height)
    return 0


def run(
    headunit: Any = None,
    *,
    start: Callable[[], Any] | None = None,
    screenshot: Path | None = None,
    screen: str = "drive",
    size: tuple[int, int] = (1280, 720),
    diagonal_in: float | None = None,
    settle_s: float = 3.0,
    language: str | None = None,
    branding: Branding | None = None,
    quit_after_first_frame: bool = False,
    saved_language_wins: bool = True,
) -> int:
    """Show the UI until its window closes; return the exit code.

    Give either a ready ``headunit`` or ``start``, a function that builds
    and starts one. ``start`` runs after the first frame is on screen, so
    the shell is on screen before the vehicle and storage stacks load.
    With ``screenshot`` the UI waits until the head unit's ``input_done``
    is set or ``settle_s`` seconds have passed since the first frame,
    writes one frame of ``size`` pixels to that PNG file and returns 0, or
    1 if it failed.
    """
    started_at = time.perf_counter()
    ensure_platform()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    if language is None:
        language = getattr(headunit, "language", "zh_CN")
    translations = Translations(app, language)
    ui = load_ui(
        headunit,
        screen=screen,
        size=size,
        diagonal_in=diagonal_in,
        language=language,
        branding=branding,
        translations=translations,
        asynchronous_screens=True,
    )
    if ui is None:
        translations.remove()
        return 1
    ui.saved_language_wins = saved_language_wins

    def on_first_frame() -> None:
        elapsed_s = time.perf_counter() - started_at
        ui.window.frameSwapped.disconnect(on_first_frame)
        missing = missing_shell_items(ui.window)
        logger.info(
            "first frame after %.3f s, with %s", elapsed_s,
            f"no {', '.join(missing)}" if missing else "the status bar and navigation",
        )
        if quit_after_first_frame:
            # A start-up time measured on an empty window would mean nothing.
            QCoreApplication.exit(1 if missing else 0)
            return
        if start is not None:
            # Queued, so this frame reaches the screen before the stacks load.
            QTimer.singleShot(0, lambda: ui.attach(start()))

    ui.window.frameSwapped.connect(on_first_frame)
    # systemd restarts the service when these pings stop. They come from a
    # timer of the UI thread, so a frozen event loop stops them.
    watchdog_timer = QTimer(ui.engine)
    watchdog_timer.setInterval(watchdog.ping_interval_ms())
    watchdog_timer.timeout.connect(watchdog.ping)
    watchdog_timer.start()
    watchdog.ping()  # The first ping also reports READY=1.
    if screenshot is not None:
        _ScreenshotTrigger(ui, Path(screenshot), settle_s, size)
    logger.info("UI started on the %s screen (%dx%d)", screen, *size)
    try:
        code = app.exec()
    finally:
        failure_counts = dict(ui.pump.failure_counts)
        ui.close()
        translations.remove()
    if failure_counts:
        logger.warning("UI updates failed, by error: %s", failure_counts)
    logger.info("UI stopped with exit code %d", code)
    return code
