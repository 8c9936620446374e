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
from typing import Any

# Importing QtQuick makes the engine hand out QQuickWindow objects, which
# have grabWindow(); without it the root object is a plain QWindow.
import PySide6.QtQuick  # noqa: F401
import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTimer, QTranslator, QUrl
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtQml import QQmlApplicationEngine

from ui.stores import SCREENS, DriveStore, TripListModel, pixels_per_dp

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


class FramePump(QObject):
    """Copies one vehicle snapshot into the stores every display frame."""

    def __init__(
        self,
        headunit: Any,
        drive_store: DriveStore,
        trip_model: TripListModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._headunit = headunit
        self._drive_store = drive_store
        self._trip_model = trip_model
        self.frame_count = 0
        self.first_frame_at: float | None = None
        #: Frames whose update failed, by exception class name.
        self.failure_counts: dict[str, int] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self.tick)

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
        try:
            snapshot = self._headunit.state.snapshot()
            self._drive_store.apply(snapshot, now)
            self._trip_model.refresh(self._headunit.trips_version, snapshot.moving)
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
    drive_store: DriveStore
    trip_model: TripListModel
    pump: FramePump

    def grab(self) -> QImage:
        """Render the window now and return the frame."""
        return self.window.grabWindow()

    def close(self) -> None:
        """Stop the frame timer and delete the engine and the scene with it."""
        self.pump.stop()
        self.window.close()
        if shiboken6.isValid(self.engine):
            shiboken6.delete(self.engine)


def load_ui(
    headunit: Any, *, screen: str = "drive", size: tuple[int, int] = (1280, 720)
) -> LoadedUi | None:
    """Build the stores, load ``Main.qml`` and start the frame timer.

    A QGuiApplication must exist. Returns None, after logging why, when the
    QML did not produce a window.
    """
    if screen not in SCREENS:
        raise ValueError(
            f"unknown screen {screen!r}; expected one of {', '.join(SCREENS)}"
        )
    width, height = size
    drive_store = DriveStore(headunit)
    trip_model = TripListModel(headunit)
    drive_store.showScreen(screen)
    pump = FramePump(headunit, drive_store, trip_model)
    # Fill the stores before the first frame so QML never shows start values.
    pump.tick()

    engine = QQmlApplicationEngine()
    # Read by DisplayPolicy.create when QML first uses the theme.
    engine.setProperty("pixelsPerDp", pixels_per_dp(width, height))
    engine.setInitialProperties(
        {
            "driveStore": drive_store,
            "tripModel": trip_model,
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
    ui = LoadedUi(engine, roots[0], drive_store, trip_model, pump)
    # The stores must live as long as the engine that binds to them.
    drive_store.setParent(engine)
    trip_model.setParent(engine)
    pump.setParent(engine)
    pump.start()
    return ui


class _ScreenshotTrigger(QObject):
    """Saves one frame to a PNG once the input has settled, then quits."""

    def __init__(
        self,
        ui: LoadedUi,
        headunit: Any,
        path: Path,
        settle_s: float,
        size: tuple[int, int],
    ) -> None:
        super().__init__(ui.engine)
        self._ui = ui
        self._headunit = headunit
        self._path = path
        self._settle_s = settle_s
        self._size = size
        self._frames_after_settle: int | None = None
        ui.pump.timer.timeout.connect(self.on_frame)

    def on_frame(self) -> None:
        if self._frames_after_settle is None:
            started = self._ui.pump.first_frame_at or time.monotonic()
            settled = self._headunit.input_done.is_set()
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
        QCoreApplication.exit(self._save())

    def _save(self) -> int:
        image = self._ui.grab()
        if image.isNull():
            logger.error("screenshot failed: the window returned an empty frame")
            return 1
        width, height = self._size
        if (image.width(), image.height()) != (width, height):
            image = image.scaled(width, height)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(self._path), "PNG"):
            logger.error("could not write the screenshot to %s", self._path)
            return 1
        logger.info("wrote screenshot %s (%dx%d)", self._path, width, height)
        return 0


def run(
    headunit: Any,
    *,
    screenshot: Path | None = None,
    screen: str = "drive",
    size: tuple[int, int] = (1280, 720),
    settle_s: float = 3.0,
) -> int:
    """Show the UI for ``headunit`` until its window closes; return the exit code.

    With ``screenshot`` the UI waits until ``headunit.input_done`` is set or
    ``settle_s`` seconds have passed since the first frame, writes one frame
    of ``size`` pixels to that PNG file and returns 0, or 1 if it failed.
    """
    ensure_platform()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    translator = install_translator(app, headunit.language)
    ui = load_ui(headunit, screen=screen, size=size)
    if ui is None:
        if translator is not None:
            app.removeTranslator(translator)
        return 1
    if screenshot is not None:
        _ScreenshotTrigger(ui, headunit, Path(screenshot), settle_s, size)
    logger.info("UI started on the %s screen (%dx%d)", screen, *size)
    try:
        code = app.exec()
    finally:
        failure_counts = dict(ui.pump.failure_counts)
        ui.close()
        if translator is not None:
            app.removeTranslator(translator)
    if failure_counts:
        logger.warning("UI updates failed, by error: %s", failure_counts)
    logger.info("UI stopped with exit code %d", code)
    return code
