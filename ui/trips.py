"""Stores behind the trips screen: trips by day, one trip's detail, USB export.

``TripDayListModel`` lists trips and charging sessions newest first, each
row carrying the day it belongs to, so the list view groups them by day.
``TripDetailStore`` loads one trip's series, track, events and gaps once
when the detail view opens and reduces them to what a chart can show.
``TripExportStore`` starts an export to the USB folder and polls its
progress. What the driver may see or do while moving is asked of
``headunit.restrictions``.
"""

from __future__ import annotations

import bisect
import logging
import math
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    Property,
    QCoreApplication,
    QDate,
    QDateTime,
    QLocale,
    QObject,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement, QmlUncreatable

from headunit import units
from headunit.restrictions import limit_rows, restrictions_for
from ui.stores import (
    TRIP_LIST_LIMIT,
    USER_ROLE,
    TripListModel,
    format_duration,
    format_trip,
    notifying_property,
)

logger = logging.getLogger(__name__)

QML_IMPORT_NAME = "HeadUnit"
QML_IMPORT_MAJOR_VERSION = 1

#: Max points a chart line keeps. The widest chart, on a 1920x720 panel,
#: is about 1,200 px wide, so this is still a point per 2.5 px.
MAX_CHART_POINTS = 480
#: Max points of a drawn track.
MAX_TRACK_POINTS = 600
#: Samples further apart than this break a chart line or track, in seconds.
BREAK_AFTER_S = 10.0
#: Tags a driver can pick after a trip: fixed ids, translated labels.
TRIP_TAGS = (
    "city", "highway", "country_road", "traffic", "scenic", "bad_weather",
    "night", "efficient",
)
PURPOSES = ("private", "business", "commute")
#: Event kinds drawn as markers, with the theme colour role of each.
EVENT_COLOURS = {
    "harsh_braking": "warning",
    "harsh_acceleration": "warning",
    "dtc_appeared": "recording",
    "dtc_cleared": "recording",
    "low_energy": "accent",
    "gps_lost": "secondaryText",
    "gps_regained": "secondaryText",
}


def tag_label(tag: str) -> str:
    """Return the translated label of a trip tag."""
    translate = QCoreApplication.translate
    labels = {
        "city": translate("TripTags", "City"),
        "highway": translate("TripTags", "Highway"),
        "country_road": translate("TripTags", "Country road"),
        "traffic": translate("TripTags", "Traffic"),
        "scenic": translate("TripTags", "Scenic"),
        "bad_weather": translate("TripTags", "Bad weather"),
        "night": translate("TripTags", "Night"),
        "efficient": translate("TripTags", "Efficient"),
    }
    return labels.get(tag, tag)


def purpose_label(purpose: str | None) -> str:
    """Return the translated logbook purpose, or "" when none is set."""
    translate = QCoreApplication.translate
    if purpose == "private":
        return translate("TripPurpose", "Private")
    if purpose == "business":
        return translate("TripPurpose", "Business")
    if purpose == "commute":
        return translate("TripPurpose", "Commute")
    return ""


def event_label(kind: str) -> str:
    """Return the translated name of a trip event kind."""
    translate = QCoreApplication.translate
    labels = {
        "harsh_braking": translate("TripEvents", "Harsh braking"),
        "harsh_acceleration": translate("TripEvents", "Harsh acceleration"),
        "dtc_appeared": translate("TripEvents", "Fault code"),
        "dtc_cleared": translate("TripEvents", "Fault code cleared"),
        "low_energy": translate("TripEvents", "Low energy"),
        "gps_lost": translate("TripEvents", "GPS lost"),
        "gps_regained": translate("TripEvents", "GPS back"),
    }
    return labels.get(kind, kind)


def day_label(day: date, today: date) -> str:
    """Return a day heading: today, yesterday, or the date in the UI language."""
    if day == today:
        return QCoreApplication.translate("TripDays", "Today")
    if day == today - timedelta(days=1):
        return QCoreApplication.translate("TripDays", "Yesterday")
    qdate = QDate(day.year, day.month, day.day)
    return QLocale().toString(qdate, QLocale.FormatType.LongFormat)


def _time_text(locale: QLocale, t: float) -> str:
    moment = QDateTime.fromSecsSinceEpoch(int(t))
    return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)


def format_day_trip(
    trip: Any, language: str, system: str = units.METRIC
) -> dict[str, Any]:
    """Return the display texts of a trip row of the day list."""
    locale = QLocale(language)
    row = format_trip(trip, language, system)
    translate = QCoreApplication.translate
    end = trip.ended_at if trip.ended_at else trip.started_at + trip.duration_s
    row["timeText"] = translate("TripDayList", "%1 – %2").replace(
        "%1", _time_text(locale, trip.started_at)
    ).replace("%2", _time_text(locale, end))
    if trip.consumption_kwh_per_100km is not None:
        per_100 = translate("TripDayList", "%1 kWh/100 km").replace(
            "%1", locale.toString(float(trip.consumption_kwh_per_100km), "f", 1)
        )
    elif trip.fuel_l_per_100km is not None:
        per_100 = translate("TripDayList", "%1 L/100 km").replace(
            "%1", locale.toString(float(trip.fuel_l_per_100km), "f", 1)
        )
    else:
        per_100 = ""
    row["perHundredText"] = per_100
    # lupdate finds a numerus string only when the call is on one line.
    events, gaps = trip.event_count, trip.gap_count
    row["eventsText"] = ""
    if events > 0:
        row["eventsText"] = translate("TripDayList", "Events: %n", None, events)
    row["gapsText"] = ""
    if gaps > 0:
        row["gapsText"] = translate("TripDayList", "Gaps in the data: %n", None, gaps)
    row["purposeText"] = purpose_label(trip.purpose)
    row["kind"] = "trip"
    for key in ("energyAddedText", "socText", "chargeTypeText", "costText"):
        row[key] = ""
    return row


def format_charge(session: Any, language: str) -> dict[str, Any]:
    """Return the display texts of a charging session row of the day list."""
    locale = QLocale(language)
    translate = QCoreApplication.translate
    end = session.ended_at or session.started_at
    energy = ""
    if session.energy_added_kwh is not None:
        energy = translate("TripDayList", "+%1 kWh").replace(
            "%1", locale.toString(float(session.energy_added_kwh), "f", 1)
        )
    soc = ""
    if session.start_soc_percent is not None and session.end_soc_percent is not None:
        soc = translate("TripDayList", "%1 % → %2 %").replace(
            "%1", locale.toString(round(session.start_soc_percent))
        ).replace("%2", locale.toString(round(session.end_soc_percent)))
    cost = ""
    if session.cost is not None:
        cost = f"{locale.toString(float(session.cost), 'f', 2)} {session.currency or ''}"
    return {
        "tripId": session.id,
        "kind": "charging",
        "startedText": "",
        "timeText": translate("TripDayList", "%1 – %2").replace(
            "%1", _time_text(locale, session.started_at)
        ).replace("%2", _time_text(locale, end)),
        "distanceText": "",
        "durationText": format_duration(session.duration_s or 0.0),
        "averageSpeedText": "",
        "topSpeedText": "",
        "consumptionText": "",
        "recording": session.status == "charging",
        "perHundredText": "",
        "eventsText": "",
        "gapsText": "",
        "purposeText": "",
        "energyAddedText": energy,
        "socText": soc,
        "chargeTypeText": session.charge_type if session.charge_type in ("AC", "DC") else "",
        "costText": cost.strip(),
    }


#: Row keys of the day list beyond those of ``TripListModel``, each a role.
_DAY_ROW_KEYS = (
    "kind", "dayText", "timeText", "perHundredText", "eventsText", "gapsText",
    "purposeText", "energyAddedText", "socText", "chargeTypeText", "costText",
)


@QmlElement
@QmlUncreatable("TripDayListModel is created by the head unit's Python code.")
class TripDayListModel(TripListModel):
    """Trips and charging sessions newest first, with the day each belongs to.

    ``dayText`` is the section the list view groups by. While the car moves
    at most the policy's list length is listed, charges included.
    """

    _ROLE_KEYS = {
        **TripListModel._ROLE_KEYS,
        **{
            USER_ROLE + number: key
            for number, key in enumerate(_DAY_ROW_KEYS, start=100)
        },
    }

    unratedTripIdChanged = Signal()

    def __init__(self, headunit: Any = None, language: str = "zh_CN",
                 parent: QObject | None = None, today: date | None = None) -> None:
        super().__init__(headunit, language, parent)
        self._today = today
        self._unrated_trip_id = ""

    def reload(self) -> None:
        """Read the trip log again at the next refresh, as after a rating."""
        self._loaded_version = None

    @Property(str, notify=unratedTripIdChanged)
    def unratedTripId(self) -> str:
        """Id of the newest trip if it is closed and not rated yet, else ""."""
        return self._unrated_trip_id

    def refresh(self, trips_version: int, moving: bool) -> bool:
        """Reload trips and charges if the trip log or the driving state changed."""
        if trips_version == self._loaded_version and moving == self._loaded_moving:
            return False
        self._loaded_version = trips_version
        self._loaded_moving = moving
        restrictions = restrictions_for(moving, self._language)
        log = self._headunit.trip_log
        trips = log.recent(TRIP_LIST_LIMIT)
        unrated = ""
        if trips and trips[0].status == "closed" and trips[0].drive_rating is None:
            unrated = trips[0].id
        if unrated != self._unrated_trip_id:
            self._unrated_trip_id = unrated
            self.unratedTripIdChanged.emit()
        if trips:
            oldest = datetime.fromtimestamp(trips[-1].started_at).date()
            since = datetime.combine(oldest, datetime.min.time()).timestamp()
        else:
            since = float("-inf")
        sessions = log.charging_sessions(since)
        entries: list[tuple[float, dict[str, Any]]] = []
        for trip in trips:
            entries.append(
                (trip.started_at, format_day_trip(trip, self._language, self._units))
            )
        for session in sessions:
            entries.append((session.started_at, format_charge(session, self._language)))
        entries.sort(key=lambda entry: entry[0], reverse=True)
        today = self._today or date.today()
        rows = []
        for started_at, row in entries:
            row["dayText"] = day_label(datetime.fromtimestamp(started_at).date(), today)
            rows.append(row)
        listed = limit_rows(rows, restrictions)
        self._replace_rows(listed)
        self._set_hidden_count(len(rows) - len(listed))
        if self._scrollable != restrictions.allow_scrolling:
            self._scrollable = restrictions.allow_scrolling
            self.scrollableChanged.emit()
        return True


def downsample(
    xs: list[float], ys: list[float | None], max_points: int
) -> list[tuple[float, float]]:
    """Reduce a line to at most ``max_points`` points, keeping each bucket's min and max.

    Points without a value are dropped. Keeping the extremes of each bucket
    shows a short peak that plain striding would skip.
    """
    points = [(x, y) for x, y in zip(xs, ys) if y is not None and x is not None]
    if len(points) <= max_points:
        return points
    buckets = max(max_points // 2, 1)
    size = len(points) / buckets
    reduced: list[tuple[float, float]] = []
    for number in range(buckets):
        bucket = points[int(number * size): int((number + 1) * size)]
        if not bucket:
            continue
        low = min(bucket, key=lambda point: point[1])
        high = max(bucket, key=lambda point: point[1])
        reduced.extend(sorted({low, high}))
    return reduced


def _line(
    points: list[tuple[float, float]], breaks: list[float], x_max: float,
    y_min: float, y_max: float,
) -> list[float | None]:
    """Return the points scaled to 0..1 as flat x, y pairs; None starts a new stroke."""
    x_span = x_max if x_max > 0 else 1.0
    y_span = (y_max - y_min) if y_max > y_min else 1.0
    flat: list[float | None] = []
    previous_x: float | None = None
    for x, y in points:
        if previous_x is not None and any(previous_x < b <= x for b in breaks):
            flat.extend((None, None))
        flat.extend((x / x_span, (y - y_min) / y_span))
        previous_x = x
    return flat


def project_track(
    track: list[tuple[float, float, float]],
    max_points: int = MAX_TRACK_POINTS,
    gaps: tuple[tuple[float, float], ...] | list[tuple[float, float]] = (),
) -> tuple[list[float | None], Any]:
    """Project positions onto a unit square, north up, keeping the aspect ratio.

    Returns the flat x, y list and a function that places (latitude,
    longitude). None separates two positions more than ``BREAK_AFTER_S``
    apart or with a part of a gap, given as (start, end) times, between them.
    """
    if not track:
        return [], None
    stride = max(math.ceil(len(track) / max_points), 1)
    kept = track[::stride]
    if kept[-1] is not track[-1]:
        kept.append(track[-1])
    latitude_0 = sum(point[1] for point in kept) / len(kept)
    scale_x = math.cos(math.radians(latitude_0))
    xs = [point[2] * scale_x for point in kept]
    ys = [point[1] for point in kept]
    x_low, x_high, y_low, y_high = min(xs), max(xs), min(ys), max(ys)
    span = max(x_high - x_low, y_high - y_low) or 1e-9
    x_offset = (span - (x_high - x_low)) / 2
    y_offset = (span - (y_high - y_low)) / 2

    def place(latitude: float, longitude: float) -> tuple[float, float]:
        x = (longitude * scale_x - x_low + x_offset) / span
        y = 1.0 - (latitude - y_low + y_offset) / span
        return x, y

    flat: list[float | None] = []
    previous_t: float | None = None
    for t, latitude, longitude in kept:
        if previous_t is not None and (
            t - previous_t > BREAK_AFTER_S * stride
            or any(previous_t < end and t > start for start, end in gaps)
        ):
            flat.extend((None, None))
        flat.extend(place(latitude, longitude))
        previous_t = t
    return flat, place


_DETAIL_DEFAULTS: dict[str, Any] = {
    "tripId": "",
    "loaded": False,
    "titleText": "",
    "figuresText": "",
    "gapsText": "",
    "axis": "time",
    "page": "charts",
    "speedLine": [],
    "energyLine": [],
    "speedMaxText": "",
    "energyMaxText": "",
    "axisEndText": "",
    "hasEnergy": False,
    "trackLine": [],
    "hasTrack": False,
    "chartMarkers": [],
    "trackMarkers": [],
    "gapBands": [],
    "legend": [],
    "allowCharts": True,
    "allowTripActions": True,
    "canRate": False,
    "driveRating": 0,
    "carRating": 0,
    "selectedTags": [],
    "purpose": "",
    "tagChoices": [],
    "saveText": "",
    "saveFailed": False,
}


@QmlElement
@QmlUncreatable("TripDetailStore is created by the head unit's Python code.")
class TripDetailStore(QObject):
    """One trip's detail view: charts, track, events and the driver's rating.

    ``open`` reads the trip log once. The axis toggle and a language switch
    rescale the kept series without reading the database again. Chart and
    track lines are flat lists of x, y pairs scaled to 0..1, where a null
    pair starts a new stroke. Markers are maps with ``x``, ``y``, ``kind``
    and ``colour`` (a theme role).
    """

    tripIdChanged, tripId = notifying_property(str, "tripId", "Trip on show.")
    loadedChanged, loaded = notifying_property(bool, "loaded", "A trip was read.")
    titleTextChanged, titleText = notifying_property(
        str, "titleText", "Day and times of the trip."
    )
    figuresTextChanged, figuresText = notifying_property(
        str, "figuresText", "Summary figures on one line."
    )
    gapsTextChanged, gapsText = notifying_property(
        str, "gapsText", "Stretches without data, or empty."
    )
    axisChanged, axis = notifying_property(str, "axis", 'Chart x axis: "time" or "distance".')
    pageChanged, page = notifying_property(str, "page", 'Page on show: "charts" or "rate".')
    speedLineChanged, speedLine = notifying_property(list, "speedLine", "Speed line.")
    energyLineChanged, energyLine = notifying_property(
        list, "energyLine", "Energy used since the start, as a line."
    )
    speedMaxTextChanged, speedMaxText = notifying_property(
        str, "speedMaxText", "Top of the speed chart."
    )
    energyMaxTextChanged, energyMaxText = notifying_property(
        str, "energyMaxText", "Top of the energy chart."
    )
    axisEndTextChanged, axisEndText = notifying_property(
        str, "axisEndText", "Right end of the x axis: duration or distance."
    )
    hasEnergyChanged, hasEnergy = notifying_property(
        bool, "hasEnergy", "The trip has energy figures."
    )
    trackLineChanged, trackLine = notifying_property(list, "trackLine", "Drawn track.")
    hasTrackChanged, hasTrack = notifying_property(bool, "hasTrack", "The trip has positions.")
    chartMarkersChanged, chartMarkers = notifying_property(
        list, "chartMarkers", "Events on the chart's x axis."
    )
    trackMarkersChanged, trackMarkers = notifying_property(
        list, "trackMarkers", "Events placed on the track."
    )
    gapBandsChanged, gapBands = notifying_property(
        list, "gapBands", "Gaps as maps with x0 and x1 on the chart's x axis."
    )
    legendChanged, legend = notifying_property(
        list, "legend", "One map per event kind: label, count and colour."
    )
    allowChartsChanged, allowCharts = notifying_property(
        bool, "allowCharts", "The policy allows charts now."
    )
    allowTripActionsChanged, allowTripActions = notifying_property(
        bool, "allowTripActions", "The policy allows rating and export now."
    )
    canRateChanged, canRate = notifying_property(
        bool, "canRate", "The trip is closed, so it can be rated."
    )
    driveRatingChanged, driveRating = notifying_property(
        int, "driveRating", "Stars for the drive, 0 for none."
    )
    carRatingChanged, carRating = notifying_property(
        int, "carRating", "Stars for the car, 0 for none."
    )
    selectedTagsChanged, selectedTags = notifying_property(
        list, "selectedTags", "Tag ids picked."
    )
    purposeChanged, purpose = notifying_property(str, "purpose", "Logbook purpose id or ''.")
    tagChoicesChanged, tagChoices = notifying_property(
        list, "tagChoices", "Every tag as a map with id and label."
    )
    saveTextChanged, saveText = notifying_property(
        str, "saveText", "Result of the last save."
    )
    saveFailedChanged, saveFailed = notifying_property(
        bool, "saveFailed", "The last save failed."
    )
    #: Emitted after a rating was stored, so lists showing the trip reload.
    saved = Signal()

    def __init__(
        self, headunit: Any = None, language: str = "zh_CN", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._headunit = headunit
        self._language = language
        self._units = units.METRIC
        self._values: dict[str, Any] = {
            key: list(value) if isinstance(value, list) else value
            for key, value in _DETAIL_DEFAULTS.items()
        }
        self._trip: Any = None
        self._chart: dict[str, list[Any]] = {}
        self._events: list[dict[str, Any]] = []
        self._gaps: list[dict[str, Any]] = []
        self._track: list[tuple[float, float, float]] = []
        self.read_count = 0
        self._set("tagChoices", self._tag_choices())

    def _set(self, name: str, value: Any) -> bool:
        if self._values[name] == value:
            return False
        self._values[name] = value
        getattr(self, name + "Changed").emit()
        return True

    def attach(self, headunit: Any) -> None:
        self._headunit = headunit

    def set_language(self, language: str) -> None:
        """Format the texts in ``language``, from the data already read."""
        self._language = language
        self._set("tagChoices", self._tag_choices())
        self._format()

    def set_units(self, system: str) -> None:
        self._units = system
        self._format()

    def set_moving(self, moving: bool) -> None:
        """Show or hide charts and rating controls as the policy allows."""
        restrictions = restrictions_for(moving, self._language)
        self._set("allowCharts", restrictions.allow_charts)
        self._set("allowTripActions", restrictions.allow_trip_actions)

    @Slot(str)
    def open(self, trip_id: str) -> None:
        """Read one trip's summary, series, track, events and gaps."""
        if self._headunit is None:
            return
        log = self._headunit.trip_log
        try:
            trip = log.get(trip_id)
        except KeyError:
            logger.warning("trip %s not found; the detail view stays empty", trip_id)
            return
        self._trip = trip
        self._chart = log.chart(trip_id)
        self._track = log.track(trip_id)
        self._events = log.events(trip_id)
        self._gaps = log.gaps(trip_id)
        self.read_count += 1
        self._set("tripId", trip_id)
        self._set("page", "charts")
        self._set("driveRating", trip.drive_rating or 0)
        self._set("carRating", trip.car_rating or 0)
        self._set("selectedTags", [tag for tag in trip.tags if tag in TRIP_TAGS])
        self._set("purpose", trip.purpose or "")
        self._set("canRate", trip.status == "closed")
        self._set("saveText", "")
        self._set("saveFailed", False)
        self._format()
        self._set("loaded", True)

    @Slot(str)
    def setAxis(self, axis: str) -> None:
        """Plot the charts over ``time`` or ``distance``."""
        if axis not in ("time", "distance"):
            logger.warning("unknown chart axis %r; expected time or distance", axis)
            return
        if self._set("axis", axis):
            self._format_charts()

    @Slot(str)
    def setPage(self, page: str) -> None:
        """Show the ``charts`` or the ``rate`` page of the trip."""
        if page not in ("charts", "rate"):
            logger.warning("unknown trip detail page %r; expected charts or rate", page)
            return
        self._set("page", page)

    # Each choice is saved at once, so no Save button has to stay in view
    # on a short screen.

    @Slot(int)
    def setDriveRating(self, stars: int) -> None:
        if self._set("driveRating", stars if 1 <= stars <= 5 else 0):
            self.save()

    @Slot(int)
    def setCarRating(self, stars: int) -> None:
        if self._set("carRating", stars if 1 <= stars <= 5 else 0):
            self.save()

    @Slot(str)
    def toggleTag(self, tag: str) -> None:
        if tag not in TRIP_TAGS:
            logger.warning("unknown trip tag %r", tag)
            return
        tags = list(self.selectedTags)
        if tag in tags:
            tags.remove(tag)
        else:
            tags.append(tag)
        if self._set("selectedTags", [known for known in TRIP_TAGS if known in tags]):
            self.save()

    @Slot(str)
    def setPurpose(self, purpose: str) -> None:
        if purpose not in PURPOSES:
            logger.warning("unknown trip purpose %r", purpose)
            return
        if self._set("purpose", "" if purpose == self.purpose else purpose):
            self.save()

    @Slot()
    def save(self) -> None:
        """Store the stars, tags and purpose through ``HeadUnit.rate_trip``."""
        from headunit.tripstatus import RatingWhileMovingError

        translate = QCoreApplication.translate
        if self._headunit is None or not self.tripId:
            return
        try:
            self._trip = self._headunit.rate_trip(
                self.tripId,
                drive_rating=self.driveRating or None,
                car_rating=self.carRating or None,
                tags=list(self.selectedTags),
                purpose=self.purpose or None,
            )
        except RatingWhileMovingError:
            self._set("saveText", translate("TripDetail", "Rate the trip once parked."))
            self._set("saveFailed", True)
            return
        except (ValueError, KeyError) as error:
            # TripLogError is a ValueError, caught as such because ui/ does not import sync.
            logger.warning("rating of trip %s not saved: %s", self.tripId, error)
            self._set("saveText", translate("TripDetail", "Not saved: %1").replace(
                "%1", str(error)
            ))
            self._set("saveFailed", True)
            return
        self._set("saveText", translate("TripDetail", "Saved"))
        self._set("saveFailed", False)
        self._format()
        self.saved.emit()

    # -- formatting --------------------------------------------------------

    def _tag_choices(self) -> list[dict[str, str]]:
        return [{"id": tag, "label": tag_label(tag)} for tag in TRIP_TAGS]

    def _format(self) -> None:
        trip = self._trip
        if trip is None:
            return
        locale = QLocale(self._language)
        row = format_day_trip(trip, self._language, self._units)
        started = QDateTime.fromSecsSinceEpoch(int(trip.started_at))
        self._set("titleText", locale.toString(started, QLocale.FormatType.ShortFormat))
        figures = [row["timeText"], row["distanceText"], row["durationText"]]
        figures.append(
            QCoreApplication.translate("TripDetail", "average %1").replace(
                "%1", row["averageSpeedText"]
            )
        )
        for key in ("perHundredText", "eventsText", "purposeText"):
            if row[key]:
                figures.append(row[key])
        self._set("figuresText", " · ".join(figures))
        self._set("gapsText", row["gapsText"])
        self._format_charts()
        self._format_track()

    def _gap_spans(self) -> list[tuple[float, float]]:
        """Return the trip's gaps as (start, end) Unix times, with no end as infinity."""
        spans = []
        for gap in self._gaps:
            end = gap["end_t"] if gap.get("end_t") is not None else float("inf")
            spans.append((gap["start_t"], end))
        return spans

    def _x_series(self) -> tuple[list[Any], float]:
        chart = self._chart
        if self.axis == "distance":
            xs = chart.get("distance_km", [])
        else:
            xs = chart.get("t_s", [])
        present = [x for x in xs if x is not None]
        return xs, (max(present) if present else 0.0)

    def _x_at(self, t: float) -> float | None:
        """Return the x position of Unix time ``t`` on the current axis, 0..1."""
        times = self._chart.get("t_s", [])
        if not times or self._trip is None:
            return None
        offset = t - self._trip.started_at
        xs, x_max = self._x_series()
        if x_max <= 0:
            return None
        if self.axis == "time":
            return min(max(offset / x_max, 0.0), 1.0)
        index = min(bisect.bisect_left(times, offset), len(times) - 1)
        value = xs[index]
        return None if value is None else min(max(value / x_max, 0.0), 1.0)

    def _format_charts(self) -> None:
        if self._trip is None:
            return
        locale = QLocale(self._language)
        translate = QCoreApplication.translate
        system = self._units
        xs, x_max = self._x_series()
        times = self._chart.get("t_s", [])
        started = self._trip.started_at
        spans = [(start - started, end - started) for start, end in self._gap_spans()]
        breaks = []
        for index in range(1, len(times)):
            before, after = times[index - 1], times[index]
            in_gap = any(before < end and after > start for start, end in spans)
            if (after - before > BREAK_AFTER_S or in_gap) and xs[index] is not None:
                breaks.append(xs[index])
        speeds = [
            None if value is None else units.speed(value, system)
            for value in self._chart.get("speed_kmh", [])
        ]
        speed_points = downsample(xs, speeds, MAX_CHART_POINTS)
        speed_top = max((y for _, y in speed_points), default=0.0)
        speed_scale = max(10.0, math.ceil(speed_top / 10) * 10)
        self._set("speedLine", _line(speed_points, breaks, x_max, 0.0, speed_scale))
        if system == units.IMPERIAL:
            unit = translate("TripListModel", "%1 mph")
        else:
            unit = translate("TripListModel", "%1 km/h")
        self._set("speedMaxText", unit.replace("%1", locale.toString(round(speed_scale))))

        energy = self._chart.get("energy_kwh", [])
        energy_points = downsample(xs, energy, MAX_CHART_POINTS)
        self._set("hasEnergy", bool(energy_points))
        if energy_points:
            low = min(0.0, min(y for _, y in energy_points))
            high = max(y for _, y in energy_points)
            scale = high if high > low else low + 1.0
            self._set("energyLine", _line(energy_points, breaks, x_max, low, scale))
            self._set("energyMaxText", translate("TripListModel", "%1 kWh").replace(
                "%1", locale.toString(float(scale), "f", 1)
            ))
        else:
            self._set("energyLine", [])
            self._set("energyMaxText", "")

        if self.axis == "distance":
            distance = units.distance(x_max, system)
            if system == units.IMPERIAL:
                end_unit = translate("TripListModel", "%1 mi")
            else:
                end_unit = translate("TripListModel", "%1 km")
            self._set("axisEndText", end_unit.replace("%1", locale.toString(distance, "f", 1)))
        else:
            self._set("axisEndText", format_duration(x_max))

        markers = []
        for event in self._events:
            x = self._x_at(event["t"])
            kind = event["kind"]
            if x is None or kind not in EVENT_COLOURS:
                continue
            markers.append({"x": x, "kind": kind, "colour": EVENT_COLOURS[kind]})
        self._set("chartMarkers", markers)
        bands = []
        for gap in self._gaps:
            start = self._x_at(gap["start_t"])
            end = self._x_at(gap["end_t"]) if gap.get("end_t") is not None else 1.0
            if start is not None and end is not None:
                bands.append({"x0": start, "x1": max(end, start)})
        self._set("gapBands", bands)

        counts: dict[str, int] = {}
        for marker in markers:
            counts[marker["kind"]] = counts.get(marker["kind"], 0) + 1
        self._set("legend", [
            {
                "label": f"{event_label(kind)} × {locale.toString(count)}",
                "colour": EVENT_COLOURS[kind],
            }
            for kind, count in counts.items()
        ])

    def _format_track(self) -> None:
        line, place = project_track(self._track, gaps=self._gap_spans())
        self._set("trackLine", line)
        self._set("hasTrack", bool(line))
        markers = []
        if place is not None:
            track_times = [point[0] for point in self._track]
            for event in self._events:
                kind = event["kind"]
                if kind not in EVENT_COLOURS:
                    continue
                latitude, longitude = event.get("latitude"), event.get("longitude")
                if latitude is None or longitude is None:
                    index = min(
                        bisect.bisect_left(track_times, event["t"]), len(track_times) - 1
                    )
                    _, latitude, longitude = self._track[index]
                x, y = place(latitude, longitude)
                markers.append({"x": x, "y": y, "kind": kind, "colour": EVENT_COLOURS[kind]})
        self._set("trackMarkers", markers)


_EXPORT_DEFAULTS: dict[str, Any] = {
    "folder": "",
    "stickPresent": False,
    "busy": False,
    "progress": 0.0,
    "resultText": "",
    "resultFailed": False,
    "allowExport": True,
}


@QmlElement
@QmlUncreatable("TripExportStore is created by the head unit's Python code.")
class TripExportStore(QObject):
    """Export of every trip to the USB folder, with progress and its result.

    The export runs in ``headunit.tripusb``'s worker thread. While it runs,
    a timer polls its progress ten times a second. Otherwise the timer looks
    for the stick once a second while the export section is shown.
    """

    folderChanged, folder = notifying_property(str, "folder", "USB mount directory.")
    stickPresentChanged, stickPresent = notifying_property(
        bool, "stickPresent", "The folder exists and is writable."
    )
    busyChanged, busy = notifying_property(bool, "busy", "An export is running.")
    progressChanged, progress = notifying_property(
        float, "progress", "Share of the export done, 0 to 1."
    )
    resultTextChanged, resultText = notifying_property(
        str, "resultText", "Result of the last export, or empty."
    )
    resultFailedChanged, resultFailed = notifying_property(
        bool, "resultFailed", "The last export failed."
    )
    allowExportChanged, allowExport = notifying_property(
        bool, "allowExport", "The policy allows exporting now."
    )

    def __init__(self, language: str = "zh_CN", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._language = language
        self._values: dict[str, Any] = dict(_EXPORT_DEFAULTS)
        self._export: Any = None
        self._watching = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.poll)

    def _set(self, name: str, value: Any) -> bool:
        if self._values[name] == value:
            return False
        self._values[name] = value
        getattr(self, name + "Changed").emit()
        return True

    def attach(self, headunit: Any) -> None:
        from headunit.tripusb import UsbExport

        folder = headunit.trip_settings.usb_export_dir
        self._export = UsbExport(headunit.trip_log, folder)
        self._set("folder", str(folder))
        self.poll()

    def set_language(self, language: str) -> None:
        self._language = language
        self._show_result()

    def set_moving(self, moving: bool) -> None:
        self._set("allowExport", restrictions_for(moving, self._language).allow_trip_actions)

    @Slot(bool)
    def watch(self, shown: bool) -> None:
        """Look for the stick once a second while the export section is ``shown``."""
        self._watching = shown
        if shown:
            self.poll()
            self._timer.start()
        elif not self.busy:
            self._timer.stop()

    @Slot()
    def start(self) -> None:
        """Export every trip as GPX and the logbook CSV, unless the policy forbids it."""
        if self._export is None or not self.allowExport:
            return
        if self._export.start():
            self._set("busy", True)
            self._set("progress", 0.0)
            self._set("resultText", "")
            self._set("resultFailed", False)
            self._timer.setInterval(100)
            self._timer.start()

    @Slot()
    def poll(self) -> None:
        """Copy the stick's presence and the export's progress into the properties."""
        if self._export is None:
            return
        from headunit.tripusb import RUNNING

        self._set("stickPresent", self._export.stick_present())
        status = self._export.status
        self._set("progress", status.fraction)
        running = status.state == RUNNING
        if self.busy and not running:
            self._timer.setInterval(1000)
            if not self._watching:
                self._timer.stop()
        self._set("busy", running)
        self._show_result()

    def stop(self) -> None:
        self._timer.stop()

    def _show_result(self) -> None:
        if self._export is None:
            return
        from headunit import tripusb

        status = self._export.status
        translate = QCoreApplication.translate
        if status.state == tripusb.DONE:
            count = status.trip_count
            text = translate("TripExport", "Exported %n trips to the USB stick.", None, count)
            failed = False
        elif status.state == tripusb.FAILED:
            failed = True
            if status.error == tripusb.NO_STICK:
                text = translate("TripExport", "No USB stick found. Insert one and try again.")
            elif status.error == tripusb.DISK_FULL:
                text = translate("TripExport", "The USB stick is full.")
            elif status.error == tripusb.READ_ONLY:
                text = translate("TripExport", "The USB stick is read-only.")
            elif status.error == tripusb.NO_TRIPS:
                text = translate("TripExport", "There are no finished trips to export.")
            else:
                text = translate("TripExport", "Export failed: %1").replace(
                    "%1", status.detail
                )
        else:
            text, failed = "", False
        self._set("resultText", text)
        self._set("resultFailed", failed)
