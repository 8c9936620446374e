"""The shell around every screen: navigation, status bar, settings, theme.

``ShellStore`` contains the state shared by every screen: the screen on
show and its navigation depth, the status bar's texts, the driver's
settings (language, units, theme) and what the driving restrictions allow
now. ``ThemeStore`` contains the colours of the current theme, by role.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Callable

from PySide6.QtCore import (
    Property,
    QCoreApplication,
    QDateTime,
    QLocale,
    QObject,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement, QmlUncreatable

from headunit import status as status_states
from headunit import theme, units
from headunit.branding import Branding
from headunit.restrictions import SCREENS, restrictions_for
from headunit.state import Snapshot
from ui.stores import notifying_property
from vehicle import vss

logger = logging.getLogger(__name__)

QML_IMPORT_NAME = "HeadUnit"
QML_IMPORT_MAJOR_VERSION = 1

LANGUAGES = ("zh_CN", "en")
#: Sections opened from a screen, one level below it.
SECTIONS = {
    "settings": ("about", "pairing", "sharing", "syncStatus"),
    "trips": ("detail", "export"),
    # An event's detail and the clip player of the community screen.
    "community": ("event", "clip"),
}
#: VSS paths the day and night switch reads.
_DAY_NIGHT_PATHS = (vss.LIGHT_INTENSITY, vss.LOW_BEAM_ON, vss.LATITUDE, vss.LONGITUDE)


def package_version() -> str:
    """Return the installed version of the head unit, or "" when unknown."""
    # Imported here: importlib.metadata costs tens of ms before the first frame.
    from importlib import metadata

    try:
        return metadata.version("community-headunit")
    except metadata.PackageNotFoundError:
        return ""


def bus_text(bus: str, obd: str = status_states.OBD_NONE) -> str:
    """Return the status bar's text for the vehicle connection.

    A car read over CAN shows the bus. A car read only through an OBD-II
    adapter shows the adapter, so an unplugged adapter reads as lost
    rather than as a car without a bus.
    """
    if bus == status_states.BUS_NONE and obd != status_states.OBD_NONE:
        return obd_text(obd)
    if bus == status_states.BUS_RECEIVING:
        return QCoreApplication.translate("Status", "Vehicle connected")
    if bus == status_states.BUS_WAITING:
        return QCoreApplication.translate("Status", "Waiting for vehicle")
    if bus == status_states.BUS_LOST:
        return QCoreApplication.translate("Status", "Vehicle bus lost")
    return QCoreApplication.translate("Status", "No vehicle bus")


def obd_text(obd: str) -> str:
    """Return the status bar's text for an OBD-II adapter state."""
    if obd == status_states.OBD_CONNECTED:
        return QCoreApplication.translate("Status", "OBD connected")
    if obd == status_states.OBD_NO_CAR:
        return QCoreApplication.translate("Status", "OBD: car not answering")
    return QCoreApplication.translate("Status", "OBD adapter lost")


def gps_text(gps: str) -> str:
    """Return the status bar's text for a GPS state."""
    if gps in (status_states.GPS_FIX_2D, status_states.GPS_FIX_3D):
        return QCoreApplication.translate("Status", "GPS fix")
    if gps == status_states.GPS_NO_FIX:
        return QCoreApplication.translate("Status", "GPS no fix")
    return QCoreApplication.translate("Status", "No GPS")


def sync_text(sync: str, pending: int) -> str:
    """Return the status bar's text for the platform sync state."""
    if sync == status_states.SYNC_SYNCED:
        return QCoreApplication.translate("Status", "Synced")
    if sync == status_states.SYNC_PENDING:
        return QCoreApplication.translate("Status", "%n to sync", None, pending)
    if sync == status_states.SYNC_OFFLINE:
        return QCoreApplication.translate("Status", "Offline")
    if sync == status_states.SYNC_SIGNED_OUT:
        return QCoreApplication.translate("Status", "Signed out")
    if sync == status_states.SYNC_WAITING:
        return QCoreApplication.translate("Status", "Server busy, retrying")
    if sync == status_states.SYNC_ERROR:
        return QCoreApplication.translate("Status", "Sync error")
    return QCoreApplication.translate("Status", "Sync not set up")


def theme_reason_text(reason: str) -> str:
    """Return why the current theme was chosen, for the settings screen."""
    if reason == theme.REASON_LIGHT_SENSOR:
        return QCoreApplication.translate("Settings", "Chosen by the light sensor")
    if reason == theme.REASON_HEADLIGHTS:
        return QCoreApplication.translate("Settings", "Chosen by the headlights")
    if reason == theme.REASON_SUN:
        return QCoreApplication.translate("Settings", "Chosen by sunrise and sunset")
    return QCoreApplication.translate("Settings", "Chosen by the driver")


_SHELL_DEFAULTS: dict[str, Any] = {
    "currentScreen": "drive",
    "currentSection": "",
    "depth": 2,
    "language": "zh_CN",
    "units": units.METRIC,
    "themeMode": theme.MODE_AUTO,
    "night": False,
    "themeReasonText": "",
    "clockText": "",
    "busState": status_states.BUS_NONE,
    "busText": "",
    "busLost": False,
    "gpsText": "",
    "syncText": "",
    "moving": False,
    "allowSettingsChanges": True,
    "allowCommunityList": True,
    "allowSections": True,
    "vehicleName": "",
    "vehicleId": "",
    "version": "",
    "brandName": "",
    "brandLogo": "",
    "brandColour": "",
    "started": False,
}


@QmlElement
@QmlUncreatable("ShellStore is created by the head unit's Python code.")
class ShellStore(QObject):
    """Navigation, status bar, driver settings and restrictions of the shell."""

    currentScreenChanged, currentScreen = notifying_property(
        str, "currentScreen", "Screen on show: drive, trips, community or settings."
    )
    currentSectionChanged, currentSection = notifying_property(
        str, "currentSection", 'Section opened from the screen, such as "about"; "" for none.'
    )
    depthChanged, depth = notifying_property(
        int, "depth", "Navigation level: 2 for a screen, 3 for a section of it."
    )
    languageChanged, language = notifying_property(str, "language", "UI language: zh_CN or en.")
    unitsChanged, units = notifying_property(str, "units", "Unit system: metric or imperial.")
    themeModeChanged, themeMode = notifying_property(
        str, "themeMode", "The driver's theme choice: auto, day or night."
    )
    nightChanged, night = notifying_property(bool, "night", "The night theme is on show.")
    themeReasonTextChanged, themeReasonText = notifying_property(
        str, "themeReasonText", "Why the current theme was chosen, translated."
    )
    clockTextChanged, clockText = notifying_property(str, "clockText", "Local time, hh:mm.")
    busStateChanged, busState = notifying_property(
        str, "busState", "Vehicle bus: none, waiting, receiving or lost."
    )
    busTextChanged, busText = notifying_property(str, "busText", "Vehicle bus state, translated.")
    busLostChanged, busLost = notifying_property(
        bool, "busLost", "The vehicle bus fell silent: readings are not current."
    )
    gpsTextChanged, gpsText = notifying_property(str, "gpsText", "GPS state, translated.")
    syncTextChanged, syncText = notifying_property(str, "syncText", "Sync state, translated.")
    movingChanged, moving = notifying_property(bool, "moving", "The car is moving.")
    allowSettingsChangesChanged, allowSettingsChanges = notifying_property(
        bool, "allowSettingsChanges", "Settings may be changed now (parked)."
    )
    allowCommunityListChanged, allowCommunityList = notifying_property(
        bool, "allowCommunityList", "Community lists may be read now (parked)."
    )
    allowSectionsChanged, allowSections = notifying_property(
        bool, "allowSections", "Sections one level below a screen may open now."
    )
    vehicleNameChanged, vehicleName = notifying_property(
        str, "vehicleName", "Make and model of the vehicle profile."
    )
    vehicleIdChanged, vehicleId = notifying_property(str, "vehicleId", "Vehicle profile id.")
    versionChanged, version = notifying_property(str, "version", "Head unit software version.")
    brandNameChanged, brandName = notifying_property(str, "brandName", "OEM brand name.")
    brandLogoChanged, brandLogo = notifying_property(
        str, "brandLogo", "URL of the OEM's logo image, empty for none."
    )
    brandColourChanged, brandColour = notifying_property(
        str, "brandColour", "The OEM's primary colour as #rrggbb, empty for none."
    )
    startedChanged, started = notifying_property(
        bool, "started", "The vehicle inputs are attached; false while starting."
    )

    def __init__(
        self,
        language: str = "zh_CN",
        branding: Branding | None = None,
        parent: QObject | None = None,
        default_position: tuple[float, float] = theme.DEFAULT_POSITION,
    ) -> None:
        super().__init__(parent)
        self._values: dict[str, Any] = dict(_SHELL_DEFAULTS)
        self._values["language"] = language
        self._branding = branding or Branding()
        self._values["brandName"] = self._branding.name
        if self._branding.logo is not None:
            self._values["brandLogo"] = QUrl.fromLocalFile(str(self._branding.logo)).toString()
        self._values["brandColour"] = self._branding.primary_colour or ""
        # Latitude and longitude for sunset while the car reports no position.
        self._switch = theme.DayNightSwitch(default_position)
        self._language_listeners: list[Callable[[str], None]] = []
        self._preference_listeners: list[Callable[[str, str], None]] = []
        self._settings_listeners: list[Callable[[], None]] = []
        self._last_snapshot: Snapshot | None = None
        self._clock_override: datetime | None = None
        self.theme_store = ThemeStore(self._branding, self)
        self._refresh_texts()

    def _set(self, name: str, value: Any) -> bool:
        if self._values[name] == value:
            return False
        self._values[name] = value
        getattr(self, name + "Changed").emit()
        return True

    # Python-side listeners: the app swaps translators, stores re-format.
    def on_language(self, listener: Callable[[str], None]) -> None:
        self._language_listeners.append(listener)

    def on_settings(self, listener: Callable[[], None]) -> None:
        self._settings_listeners.append(listener)

    def on_preference(self, listener: Callable[[str, str], None]) -> None:
        """Call ``listener(name, value)`` whenever the driver changes a setting."""
        self._preference_listeners.append(listener)

    def apply_preferences(self, preferences: dict[str, str], language: bool = True) -> None:
        """Take saved settings; ``language`` False keeps the language given at start."""
        listeners = self._preference_listeners
        self._preference_listeners = []
        try:
            if language and "language" in preferences:
                self.setLanguage(preferences["language"])
            if "units" in preferences:
                self.setUnits(preferences["units"])
            if "theme_mode" in preferences:
                self.setThemeMode(preferences["theme_mode"])
        finally:
            self._preference_listeners = listeners

    def _saved(self, name: str, value: str) -> None:
        for listener in self._preference_listeners:
            listener(name, value)

    def set_clock(self, when: datetime | None) -> None:
        """Fix the time the shell shows and uses for sunset; None for the real clock."""
        self._clock_override = when

    def attach_profile(self, profile: Any) -> None:
        """Show the vehicle profile in the about section; marks the shell started."""
        self._set("vehicleName", profile.name)
        self._set("vehicleId", profile.vehicle_id)
        self._set("version", package_version())
        self._set("started", True)

    @Slot(str)
    def showScreen(self, screen: str) -> None:
        """Switch to ``screen`` at the top level; other names are logged."""
        if screen not in SCREENS:
            logger.warning(
                "unknown screen %r requested; expected one of %s",
                screen,
                ", ".join(SCREENS),
            )
            return
        self._set("currentSection", "")
        self._set("depth", 2)
        if self._set("currentScreen", screen):
            logger.debug("showing the %s screen", screen)

    @Slot(str)
    def openSection(self, section: str) -> None:
        """Open ``section`` of the current screen, if the policy allows the depth."""
        if section not in SECTIONS.get(self.currentScreen, ()):
            logger.warning("screen %s has no section %r", self.currentScreen, section)
            return
        if not self.allowSections:
            logger.debug("section %s not opened: the car is moving", section)
            return
        self._set("currentSection", section)
        self._set("depth", 3)

    @Slot()
    def closeSection(self) -> None:
        """Go back from a section to its screen."""
        self._set("currentSection", "")
        self._set("depth", 2)

    @Slot(str)
    def setLanguage(self, language: str) -> None:
        """Switch the UI language at run time: zh_CN or en."""
        if language not in LANGUAGES or not self._may_change("language"):
            return
        if self._set("language", language):
            for listener in self._language_listeners:
                listener(language)
            self._refresh_texts()
            self._saved("language", language)

    @Slot(str)
    def setUnits(self, system: str) -> None:
        """Switch the unit system: metric or imperial."""
        if system not in units.SYSTEMS or not self._may_change("units"):
            return
        if self._set("units", system):
            for listener in self._settings_listeners:
                listener()
            self._saved("units", system)

    @Slot(str)
    def setThemeMode(self, mode: str) -> None:
        """Switch the theme choice: auto, day or night."""
        if mode not in theme.MODES or not self._may_change("theme"):
            return
        if self._set("themeMode", mode):
            self._update_theme()
            self._saved("theme_mode", mode)

    def _may_change(self, setting: str) -> bool:
        if restrictions_for(self.moving, self.language).allow_settings_changes:
            return True
        logger.info("setting %s not changed: the car is moving", setting)
        return False

    def apply(self, snapshot: Snapshot, status: Any) -> None:
        """Copy the driving state, theme inputs and status into the properties."""
        self._last_snapshot = snapshot
        restrictions = restrictions_for(snapshot.moving, self.language)
        self._set("moving", snapshot.moving)
        self._set("allowSettingsChanges", restrictions.allow_settings_changes)
        self._set("allowCommunityList", restrictions.allow_community_list)
        self._set("allowSections", restrictions.max_navigation_depth >= 3)
        if self.depth > restrictions.max_navigation_depth:
            self.closeSection()
        if status is not None:
            self._apply_status(status)
        self._update_theme()
        self._update_clock()

    def _apply_status(self, status: Any) -> None:
        self._set("busState", status.bus)
        self._set("busLost", status.bus == status_states.BUS_LOST)
        obd = getattr(status, "obd", status_states.OBD_NONE)
        self._set("busText", bus_text(status.bus, obd))
        self._set("gpsText", gps_text(status.gps))
        self._set("syncText", sync_text(status.sync, status.sync_pending))
        self._status = status

    def _now(self) -> datetime:
        return self._clock_override or datetime.now(timezone.utc)

    def _update_theme(self) -> None:
        values: dict[str, Any] = {}
        if self._last_snapshot is not None:
            for path in _DAY_NIGHT_PATHS:
                value = self._last_snapshot.value(path)
                if value is not None:
                    values[path] = value
        night, reason = self._switch.decide(self.themeMode, values, self._now())
        self._theme_reason = reason
        self._set("night", night)
        self._set("themeReasonText", theme_reason_text(reason))
        self.theme_store.set_night(night)

    def _update_clock(self) -> None:
        when = QDateTime.fromSecsSinceEpoch(int(self._now().timestamp()))
        self._set("clockText", QLocale(self.language).toString(when.toLocalTime(), "HH:mm"))

    def _refresh_texts(self) -> None:
        """Translate the texts made in Python again, after a language change."""
        status = getattr(self, "_status", None)
        if status is None:
            status = status_states.Status()
        self._apply_status(status)
        self._update_theme()
        self._update_clock()


_THEME_ROLES = tuple(theme.Palette.__dataclass_fields__)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _colour_property(role: str, signal: Signal) -> Property:
    def getter(self: ThemeStore) -> str:
        return getattr(self.palette(), role)

    return Property(str, getter, notify=signal, doc=f"Colour of the {role} role.")


@QmlElement
@QmlUncreatable("ThemeStore is created by the head unit's Python code.")
class ThemeStore(QObject):
    """Colours of the theme on show, by role (``textOnAccent``, ...); all change together."""

    changed = Signal()
    # One read-only colour property per role of theme.Palette, in camelCase.
    for _role in _THEME_ROLES:
        locals()[_camel(_role)] = _colour_property(_role, changed)
    del _role

    def __init__(self, branding: Branding, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._day = theme.with_brand(theme.DAY, branding.accent_colour)
        self._night_palette = theme.with_brand(theme.NIGHT, branding.accent_colour)
        self._night = False

    def palette(self) -> theme.Palette:
        """Return the palette on show."""
        return self._night_palette if self._night else self._day

    def set_night(self, night: bool) -> None:
        if night != self._night:
            self._night = night
            self.changed.emit()

    @Property(bool, notify=changed)
    def night(self) -> bool:
        return self._night
