"""Python objects behind the QML screens.

The stores hold every decision the screens show: which readings are
current, what driving restrictions allow, how a trip's figures read. QML
binds to their properties and only formats numbers. Setters return early
when a value did not change, so a snapshot applied once a display frame
emits a notify signal only for the values that changed.

All objects here live in the GUI thread. They read the head unit through
snapshots and its trip log, never through a bus or a file of their own.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Signal,
    Slot,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtQml import QmlElement, QmlSingleton, QmlUncreatable

from headunit import units
from headunit.restrictions import (
    MIN_BODY_TEXT_DP,
    MIN_TOUCH_TARGET_DP,
    limit_rows,
    restrictions_for,
    shorten,
)
from headunit.state import Snapshot
from vehicle import vss

logger = logging.getLogger(__name__)

QML_IMPORT_NAME = "HeadUnit"
QML_IMPORT_MAJOR_VERSION = 1

# Qt::DisplayRole and Qt::UserRole, whose values Qt's API fixes. They are
# spelled out because the first use of PySide6.QtCore.Qt builds every enum
# of the Qt namespace: 15 ms with PySide6 6.11 on a 2-core x86 machine,
# which `headunit run` would spend before its first frame.
DISPLAY_ROLE = 0
USER_ROLE = 0x0100

#: How often the best tip is chosen again while nothing else changes, in seconds.
#: Choosing once a display frame would let the card flicker between tips.
TIP_REFRESH_S = 2.0
#: Trips listed while parked, newest first.
TRIP_LIST_LIMIT = 50
#: Font families in order of preference. A CJK font comes first because
#: Latin fonts have no Chinese glyphs, while these CJK fonts also cover
#: Latin text and digits.
FONT_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "DejaVu Sans",
)

_ModelIndex = QModelIndex | QPersistentModelIndex


def role_label(role: str) -> str:
    """Return the translated name of a tip author's role."""
    if role == "experienced_owner":
        return QCoreApplication.translate("AuthorRole", "Experienced owner")
    if role == "club_president":
        return QCoreApplication.translate("AuthorRole", "Club president")
    if role == "workshop":
        return QCoreApplication.translate("AuthorRole", "Workshop")
    return QCoreApplication.translate("AuthorRole", "Owner")


def gear_label(gear: Any) -> str:
    """Return the gear as the driver reads it: P, R, N, D, a forward gear, or ""."""
    try:
        code = int(gear)
    except (TypeError, ValueError):
        return ""
    if code == vss.GEAR_PARK:
        return "P"
    if code == vss.GEAR_DRIVE:
        return "D"
    if code == vss.GEAR_NEUTRAL:
        return "N"
    if code < 0:
        return "R"
    # VSS numbers the forward gears of a manual gearbox from 1.
    if code < vss.GEAR_PARK:
        return str(code)
    return ""


@QmlElement
@QmlSingleton
class DisplayPolicy(QObject):
    """Sizes and font family that the QML theme takes from Python.

    QML creates one per engine through ``create``, which reads the dp scale
    from the engine's dynamic property ``pixelsPerDp`` (1.0 when unset).
    """

    def __init__(self, pixels_per_dp: float = 1.0, parent: QObject | None = None):
        super().__init__(parent)
        self._pixels_per_dp = pixels_per_dp
        self._font_family = preferred_font_family()

    @staticmethod
    def create(engine: QObject) -> DisplayPolicy:
        scale = engine.property("pixelsPerDp")
        return DisplayPolicy(float(scale) if scale else 1.0)

    @Property(float, constant=True)
    def pixelsPerDp(self) -> float:
        return self._pixels_per_dp

    @Property(int, constant=True)
    def minTouchTargetDp(self) -> int:
        return MIN_TOUCH_TARGET_DP

    @Property(int, constant=True)
    def minBodyTextDp(self) -> int:
        return MIN_BODY_TEXT_DP

    @Property(str, constant=True)
    def fontFamily(self) -> str:
        return self._font_family


def preferred_font_family() -> str:
    """Return the first installed family of ``FONT_FAMILIES``.

    Falls back to the application's default family, with a warning, when
    none is installed: Chinese text may then render as empty boxes.
    """
    installed = set(QFontDatabase.families())
    for family in FONT_FAMILIES:
        if family in installed:
            return family
    default = QGuiApplication.font().family()
    logger.warning(
        "none of the fonts %s is installed; using %s, which may lack Chinese glyphs",
        ", ".join(FONT_FAMILIES),
        default,
    )
    return default


def notifying_property(kind: type, name: str, doc: str) -> tuple[Signal, Property]:
    """Build a read-only property over ``self._values[name]`` and its signal."""
    signal = Signal()

    def getter(self: Any) -> Any:
        return self._values[name]

    return signal, Property(kind, getter, notify=signal, doc=doc)


#: Values of the drive store before the first snapshot: every reading is
#: stale and no signal counts as provided until the profile is read.
_DRIVE_STORE_DEFAULTS: dict[str, Any] = {
    "speed": 0.0,
    "speedStale": True,
    "hasSoc": False,
    "soc": 0.0,
    "socStale": True,
    "hasFuel": False,
    "fuelLevel": 0.0,
    "fuelLevelStale": True,
    "hasRange": False,
    "rangeKm": 0.0,
    "rangeStale": True,
    "hasPower": False,
    "powerKw": 0.0,
    "powerStale": True,
    "hasGear": False,
    "gear": "",
    "gearStale": True,
    "hasEngineSpeed": False,
    "engineSpeed": 0.0,
    "engineSpeedStale": True,
    "hasCoolant": False,
    "coolant": 0.0,
    "coolantStale": True,
    "hasVoltage": False,
    "voltage": 0.0,
    "voltageStale": True,
    "speedUnit": "km/h",
    "distanceUnit": "km",
    "temperatureUnit": "°C",
    "busLost": False,
    "moving": False,
    "hasTip": False,
    "tipTitle": "",
    "tipText": "",
    "tipAuthor": "",
    "tipRole": "",
    "tipRoleLabel": "",
    "tipHelpful": 0,
    "tipId": "",
    "tipActionsAllowed": False,
    "tipCanKeep": False,
    "configError": "",
    "configErrorCount": 0,
}


@QmlElement
@QmlUncreatable("DriveStore is created by the head unit's Python code.")
class DriveStore(QObject):
    """State of the drive screen: readings, the tip card and navigation.

    A reading's ``has…`` property is true when the car's profile provides
    the signal at all. Its ``…Stale`` property is true while there is no
    current value, because none was received yet or the last one is older
    than the signal's freshness limit.
    """

    speedChanged, speed = notifying_property(
        float, "speed", "Speed in the driver's unit, km/h or mph."
    )
    speedStaleChanged, speedStale = notifying_property(
        bool, "speedStale", "No current speed reading."
    )
    hasSocChanged, hasSoc = notifying_property(
        bool, "hasSoc", "The car reports its battery's state of charge."
    )
    socChanged, soc = notifying_property(
        float, "soc", "State of charge shown to the driver, in percent."
    )
    socStaleChanged, socStale = notifying_property(
        bool, "socStale", "No current state of charge."
    )
    hasFuelChanged, hasFuel = notifying_property(
        bool, "hasFuel", "The car reports its fuel level."
    )
    fuelLevelChanged, fuelLevel = notifying_property(
        float, "fuelLevel", "Fuel level in percent of the tank."
    )
    fuelLevelStaleChanged, fuelLevelStale = notifying_property(
        bool, "fuelLevelStale", "No current fuel level."
    )
    hasRangeChanged, hasRange = notifying_property(
        bool, "hasRange", "The car reports its remaining range."
    )
    rangeKmChanged, rangeKm = notifying_property(
        float, "rangeKm", "Remaining range in the driver's unit, km or miles."
    )
    rangeStaleChanged, rangeStale = notifying_property(
        bool, "rangeStale", "No current range."
    )
    hasPowerChanged, hasPower = notifying_property(
        bool, "hasPower", "The car reports its traction battery power."
    )
    powerKwChanged, powerKw = notifying_property(
        float, "powerKw", "Battery power in kW, positive when discharging."
    )
    powerStaleChanged, powerStale = notifying_property(
        bool, "powerStale", "No current battery power."
    )
    hasGearChanged, hasGear = notifying_property(
        bool, "hasGear", "The car reports the selected gear."
    )
    gearChanged, gear = notifying_property(
        str, "gear", 'Selected gear: "P", "R", "N", "D", a forward gear or "".'
    )
    gearStaleChanged, gearStale = notifying_property(
        bool, "gearStale", "No current gear."
    )
    hasEngineSpeedChanged, hasEngineSpeed = notifying_property(
        bool, "hasEngineSpeed", "The car reports its engine speed."
    )
    engineSpeedChanged, engineSpeed = notifying_property(
        float, "engineSpeed", "Engine speed in rpm."
    )
    engineSpeedStaleChanged, engineSpeedStale = notifying_property(
        bool, "engineSpeedStale", "No current engine speed."
    )
    hasCoolantChanged, hasCoolant = notifying_property(
        bool, "hasCoolant", "The car reports its engine coolant temperature."
    )
    coolantChanged, coolant = notifying_property(
        float, "coolant", "Coolant temperature in the driver's unit, °C or °F."
    )
    coolantStaleChanged, coolantStale = notifying_property(
        bool, "coolantStale", "No current coolant temperature."
    )
    hasVoltageChanged, hasVoltage = notifying_property(
        bool, "hasVoltage", "The car reports its 12 V battery voltage."
    )
    voltageChanged, voltage = notifying_property(
        float, "voltage", "12 V battery voltage in V."
    )
    voltageStaleChanged, voltageStale = notifying_property(
        bool, "voltageStale", "No current 12 V battery voltage."
    )
    speedUnitChanged, speedUnit = notifying_property(
        str, "speedUnit", "Unit of speed, translated: km/h or mph."
    )
    distanceUnitChanged, distanceUnit = notifying_property(
        str, "distanceUnit", "Unit of distance, translated: km or mi."
    )
    temperatureUnitChanged, temperatureUnit = notifying_property(
        str, "temperatureUnit", "Unit of temperature: °C or °F."
    )
    busLostChanged, busLost = notifying_property(
        bool, "busLost", "The vehicle bus fell silent, so every reading shows as stale."
    )
    movingChanged, moving = notifying_property(
        bool, "moving", "The car is moving, so driving restrictions apply."
    )
    hasTipChanged, hasTip = notifying_property(
        bool, "hasTip", "A community tip fits the situation."
    )
    tipTitleChanged, tipTitle = notifying_property(str, "tipTitle", "Tip title.")
    tipTextChanged, tipText = notifying_property(
        str, "tipText", "Tip text: the shortened summary while moving, else the body."
    )
    tipAuthorChanged, tipAuthor = notifying_property(
        str, "tipAuthor", "Name of the tip's author."
    )
    tipRoleChanged, tipRole = notifying_property(
        str, "tipRole", "Author's role id, such as club_president."
    )
    tipRoleLabelChanged, tipRoleLabel = notifying_property(
        str, "tipRoleLabel", "Author's role, translated."
    )
    tipHelpfulChanged, tipHelpful = notifying_property(
        int, "tipHelpful", "Owners who found the tip helpful."
    )
    tipIdChanged, tipId = notifying_property(str, "tipId", "Id of the tip on the card.")
    tipActionsAllowedChanged, tipActionsAllowed = notifying_property(
        bool, "tipActionsAllowed",
        "The driving restrictions allow the card's helpful, not helpful and Later taps.",
    )
    tipCanKeepChanged, tipCanKeep = notifying_property(
        bool, "tipCanKeep", "Later may be pressed: the car moves and the tip is not kept yet."
    )
    configErrorChanged, configError = notifying_property(
        str, "configError", "First configuration error, empty if none."
    )
    configErrorCountChanged, configErrorCount = notifying_property(
        int, "configErrorCount", "Number of configuration errors."
    )

    def __init__(
        self, headunit: Any = None, language: str = "zh_CN", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._headunit: Any = None
        self._language = language
        self._units = units.METRIC
        self._values: dict[str, Any] = dict(_DRIVE_STORE_DEFAULTS)

        self._tip_chosen_at: float | None = None
        self._tip_chosen_moving: bool | None = None
        self._tip: Any = None
        self._invalid_paths: set[str] = set()
        self._update_unit_labels()
        if headunit is not None:
            self.attach(headunit)

    def attach(self, headunit: Any) -> None:
        """Read ``headunit``'s profile for the readings its car provides."""
        self._headunit = headunit
        profile = headunit.profile
        self._set("hasSoc", profile.provides(vss.SOC_DISPLAYED))
        self._set("hasFuel", profile.provides(vss.FUEL_LEVEL))
        self._set("hasRange", profile.provides(vss.RANGE))
        self._set("hasPower", profile.provides(vss.BATTERY_POWER))
        self._set("hasGear", profile.provides(vss.SELECTED_GEAR))
        self._set("hasEngineSpeed", profile.provides(vss.ENGINE_SPEED))
        self._set("hasCoolant", profile.provides(vss.COOLANT_TEMPERATURE))
        self._set("hasVoltage", profile.provides(vss.LOW_VOLTAGE_BATTERY_VOLTAGE))

    def set_language(self, language: str) -> None:
        """Format texts in ``language`` from the next snapshot on."""
        self._language = language
        self._tip_chosen_at = None
        self._update_unit_labels()

    def set_units(self, system: str) -> None:
        """Show readings in ``system`` (metric or imperial) from the next snapshot on."""
        self._units = system
        self._update_unit_labels()

    def _update_unit_labels(self) -> None:
        translate = QCoreApplication.translate
        if self._units == units.IMPERIAL:
            self._set("speedUnit", translate("Units", "mph"))
            self._set("distanceUnit", translate("Units", "mi"))
            self._set("temperatureUnit", "°F")
        else:
            self._set("speedUnit", translate("Units", "km/h"))
            self._set("distanceUnit", translate("Units", "km"))
            self._set("temperatureUnit", "°C")

    def _set(self, name: str, value: Any) -> bool:
        if self._values[name] == value:
            return False
        self._values[name] = value
        getattr(self, name + "Changed").emit()
        return True

    def apply(
        self, snapshot: Snapshot, monotonic_s: float | None = None, bus_lost: bool = False
    ) -> None:
        """Copy the values of ``snapshot`` that changed into the properties.

        ``monotonic_s`` is the wall clock that paces choosing the tip again;
        ``time.monotonic()`` when omitted. With ``bus_lost`` every reading
        shows as stale, since the last values may no longer hold.
        """
        self._set("busLost", bus_lost)
        system = self._units
        readings = (
            (vss.SPEED, "speed", "speedStale", lambda v: units.speed(float(v), system)),
            (vss.SOC_DISPLAYED, "soc", "socStale", float),
            (vss.FUEL_LEVEL, "fuelLevel", "fuelLevelStale", float),
            (
                vss.RANGE,
                "rangeKm",
                "rangeStale",
                lambda m: units.distance(float(m) / 1000, system),
            ),
            (vss.BATTERY_POWER, "powerKw", "powerStale", lambda w: float(w) / 1000),
            (vss.SELECTED_GEAR, "gear", "gearStale", gear_label),
            (vss.ENGINE_SPEED, "engineSpeed", "engineSpeedStale", float),
            (
                vss.COOLANT_TEMPERATURE,
                "coolant",
                "coolantStale",
                lambda c: units.temperature(float(c), system),
            ),
            (vss.LOW_VOLTAGE_BATTERY_VOLTAGE, "voltage", "voltageStale", float),
        )
        for path, name, stale_name, convert in readings:
            if bus_lost:
                self._set(stale_name, True)
            else:
                self._apply_reading(snapshot, path, name, stale_name, convert)
        self._set("moving", snapshot.moving)
        if self._headunit is None:
            return
        self._apply_config_errors()
        self._apply_tip(
            snapshot, time.monotonic() if monotonic_s is None else monotonic_s
        )

    def _apply_reading(
        self, snapshot: Snapshot, path: str, name: str, stale_name: str, convert: Any
    ) -> None:
        raw = snapshot.value(path)
        if raw is None:
            # The last value stays in the property; QML shows it as stale.
            self._set(stale_name, True)
            return
        try:
            value = convert(raw)
        except (TypeError, ValueError):
            if path not in self._invalid_paths:
                self._invalid_paths.add(path)
                logger.warning(
                    "ignored %s value %r: expected a number; shown as stale while "
                    "it lasts, and further invalid values of it are not logged",
                    path,
                    raw,
                )
            self._set(stale_name, True)
            return
        self._set(name, value)
        self._set(stale_name, False)

    def _apply_config_errors(self) -> None:
        errors = list(self._headunit.config_errors)
        self._set("configError", errors[0] if errors else "")
        self._set("configErrorCount", len(errors))

    def _apply_tip(self, snapshot: Snapshot, now_s: float) -> None:
        due = (
            self._tip_chosen_at is None
            or snapshot.moving != self._tip_chosen_moving
            or now_s - self._tip_chosen_at >= TIP_REFRESH_S
        )
        if due:
            self._tip = self._headunit.best_tip(snapshot)
            self._tip_chosen_at = now_s
            self._tip_chosen_moving = snapshot.moving
        tip = self._tip
        self._set("hasTip", tip is not None)
        if tip is None:
            return
        restrictions = restrictions_for(snapshot.moving, self._language)
        if restrictions.moving:
            text = tip.text("summary", self._language)
        else:
            text = tip.text("body", self._language)
        self._set(
            "tipTitle",
            shorten(tip.text("title", self._language), restrictions.max_text_chars),
        )
        self._set("tipText", shorten(text, restrictions.max_text_chars))
        self._set("tipAuthor", tip.author_name)
        self._set("tipRole", tip.author_role)
        self._set("tipRoleLabel", role_label(tip.author_role))
        self._set("tipHelpful", int(tip.helpful))
        self._apply_tip_actions(tip, restrictions)

    # -- tip card actions ------------------------------------------------

    def _apply_tip_actions(self, tip: Any, restrictions: Any) -> None:
        allowed = restrictions.allow_tip_card_actions
        feedback = self._headunit.community.tip_feedback
        self._set("tipId", tip.id)
        self._set("tipActionsAllowed", allowed)
        self._set(
            "tipCanKeep", allowed and restrictions.moving and not feedback.state(tip.id).later
        )

    def _tip_action_target(self) -> str | None:
        """Return the card's tip id if the restrictions allow acting on it now."""
        tip_id = self._values["tipId"]
        if self._headunit is None or not tip_id or not self._values["hasTip"]:
            return None
        restrictions = restrictions_for(self._values["moving"], self._language)
        if not restrictions.allow_tip_card_actions:
            logger.info("tip card action on %s ignored: not allowed now", tip_id)
            return None
        return tip_id

    @Slot(bool)
    def voteTip(self, helpful: bool) -> None:
        """Vote the card's tip helpful or not; the card moves on to the next tip."""
        tip_id = self._tip_action_target()
        if tip_id is None:
            return
        self._headunit.community.tip_feedback.vote(tip_id, helpful)
        # Either vote hides the tip, so choose again at the next snapshot.
        self._tip_chosen_at = None

    @Slot()
    def keepTipForLater(self) -> None:
        """Keep the card's tip for the parked list; the card moves on to the next tip."""
        tip_id = self._tip_action_target()
        if tip_id is None or not self._values["moving"]:
            return
        self._headunit.community.tip_feedback.later(tip_id)
        self._tip_chosen_at = None


@QmlElement
@QmlUncreatable("TripListModel is created by the head unit's Python code.")
class TripListModel(QAbstractListModel):
    """Recorded trips, newest first, with every figure formatted for display.

    While the car moves at most ``max_list_items`` rows are listed, and
    ``hiddenCount`` is the number of trips left out until the car is parked.
    """

    TripIdRole = USER_ROLE + 1
    StartedRole = USER_ROLE + 2
    DistanceRole = USER_ROLE + 3
    DurationRole = USER_ROLE + 4
    AverageSpeedRole = USER_ROLE + 5
    TopSpeedRole = USER_ROLE + 6
    ConsumptionRole = USER_ROLE + 7
    RecordingRole = USER_ROLE + 8

    _ROLE_KEYS = {
        TripIdRole: "tripId",
        StartedRole: "startedText",
        DistanceRole: "distanceText",
        DurationRole: "durationText",
        AverageSpeedRole: "averageSpeedText",
        TopSpeedRole: "topSpeedText",
        ConsumptionRole: "consumptionText",
        RecordingRole: "recording",
    }

    countChanged = Signal()
    hiddenCountChanged = Signal()
    scrollableChanged = Signal()

    def __init__(
        self, headunit: Any = None, language: str = "zh_CN", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._headunit = headunit
        self._language = language
        self._units = units.METRIC
        self._rows: list[dict[str, Any]] = []
        self._hidden_count = 0
        self._scrollable = True
        self._loaded_version: int | None = None
        self._loaded_moving: bool | None = None

    def roleNames(self) -> dict[int, QByteArray]:
        return {role: QByteArray(key.encode()) for role, key in self._ROLE_KEYS.items()}

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(self._rows)

    def data(self, index: _ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == DISPLAY_ROLE:
            return row["startedText"]
        key = self._ROLE_KEYS.get(role)
        return row[key] if key else None

    @Property(int, notify=countChanged)
    def count(self) -> int:
        return len(self._rows)

    @Property(int, notify=hiddenCountChanged)
    def hiddenCount(self) -> int:
        return self._hidden_count

    @Property(bool, notify=scrollableChanged)
    def scrollable(self) -> bool:
        return self._scrollable

    def attach(self, headunit: Any) -> None:
        self._headunit = headunit
        self._loaded_version = None

    def set_language(self, language: str) -> None:
        """Format the rows in ``language`` from the next refresh on."""
        self._language = language
        self._loaded_version = None

    def set_units(self, system: str) -> None:
        """Format the rows in ``system`` (metric or imperial) from the next refresh on."""
        self._units = system
        self._loaded_version = None

    def refresh(self, trips_version: int, moving: bool) -> bool:
        """Reload the trips if a trip started or closed or the driving state changed.

        Returns whether the trip log was read.
        """
        if trips_version == self._loaded_version and moving == self._loaded_moving:
            return False
        self._loaded_version = trips_version
        self._loaded_moving = moving
        restrictions = restrictions_for(moving, self._language)
        trips = self._headunit.trip_log.recent(TRIP_LIST_LIMIT)
        listed = limit_rows(trips, restrictions)
        self._replace_rows(
            [format_trip(trip, self._language, self._units) for trip in listed]
        )
        self._set_hidden_count(len(trips) - len(listed))
        if self._scrollable != restrictions.allow_scrolling:
            self._scrollable = restrictions.allow_scrolling
            self.scrollableChanged.emit()
        return True

    def _replace_rows(self, rows: list[dict[str, Any]]) -> None:
        old_ids = [row["tripId"] for row in self._rows]
        new_ids = [row["tripId"] for row in rows]
        if old_ids == new_ids:
            # A recording trip's figures change in place.
            for number, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
                changed = [
                    role
                    for role, key in self._ROLE_KEYS.items()
                    if old[key] != new[key]
                ]
                if changed:
                    self._rows[number] = new
                    index = self.index(number, 0)
                    self.dataChanged.emit(index, index, changed)
            return
        old_count = len(self._rows)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()
        if old_count != len(rows):
            self.countChanged.emit()

    def _set_hidden_count(self, hidden: int) -> None:
        if hidden != self._hidden_count:
            self._hidden_count = hidden
            self.hiddenCountChanged.emit()


def format_trip(
    trip: Any, language: str, system: str = units.METRIC
) -> dict[str, Any]:
    """Return the display texts of one ``TripSummary`` in ``language`` and units."""
    locale = QLocale(language)
    started = QDateTime.fromSecsSinceEpoch(int(trip.started_at))
    distance = locale.toString(units.distance(trip.distance_m / 1000, system), "f", 1)
    average_speed = locale.toString(round(units.speed(trip.avg_speed_kmh, system)))
    top_speed = locale.toString(round(units.speed(trip.max_speed_kmh, system)))
    if trip.energy_used_kwh is not None:
        energy = locale.toString(float(trip.energy_used_kwh), "f", 1)
        consumption = QCoreApplication.translate("TripListModel", "%1 kWh")
        consumption = consumption.replace("%1", energy)
    elif trip.fuel_used_l is not None:
        fuel = locale.toString(float(trip.fuel_used_l), "f", 1)
        consumption = QCoreApplication.translate("TripListModel", "%1 L")
        consumption = consumption.replace("%1", fuel)
    else:
        consumption = ""
    if system == units.IMPERIAL:
        speed_unit = QCoreApplication.translate("TripListModel", "%1 mph")
        distance_unit = QCoreApplication.translate("TripListModel", "%1 mi")
    else:
        speed_unit = QCoreApplication.translate("TripListModel", "%1 km/h")
        distance_unit = QCoreApplication.translate("TripListModel", "%1 km")
    return {
        "tripId": trip.id,
        "startedText": locale.toString(started, QLocale.FormatType.ShortFormat),
        "distanceText": distance_unit.replace("%1", distance),
        "durationText": format_duration(trip.duration_s),
        "averageSpeedText": speed_unit.replace("%1", average_speed),
        "topSpeedText": speed_unit.replace("%1", top_speed),
        "consumptionText": consumption,
        "recording": trip.status == "recording",
    }


def format_duration(duration_s: float) -> str:
    """Return a duration as seconds, minutes, or hours and minutes."""
    if duration_s < 30:
        seconds = max(int(round(duration_s)), 0)
        return QCoreApplication.translate("TripListModel", "%n s", None, seconds)
    minutes = int(round(duration_s / 60))
    if minutes < 60:
        return QCoreApplication.translate("TripListModel", "%n min", None, minutes)
    hours, minutes = divmod(minutes, 60)
    text = QCoreApplication.translate("TripListModel", "%1 h %2 min")
    return text.replace("%1", str(hours)).replace("%2", str(minutes))
