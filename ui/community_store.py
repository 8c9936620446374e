"""The community screen's sections: clubs, service, ratings and clips.

``CommunityStore`` copies what ``HeadUnit.community`` returns into QML
properties and list models. The back end applies the driving restrictions
(row counts, text lengths, what needs the car parked). This store only
reads them through ``headunit.restrictions`` and adds no limits of its
own. Content strings arrive cleaned and capped by the back end, and QML
shows them as plain text.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement, QmlUncreatable

from headunit.clubs import BY_DISTANCE, BY_START
from headunit.feedback import NotWhileMoving
from headunit.restrictions import restrictions_for
from headunit.tips import position_of, present_dtcs
from ui.stores import DISPLAY_ROLE, USER_ROLE, notifying_property, role_label

logger = logging.getLogger(__name__)

QML_IMPORT_NAME = "HeadUnit"
QML_IMPORT_MAJOR_VERSION = 1

#: Sections of the community screen, in the order of its tab bar.
TABS = ("tips", "clubs", "service", "ratings", "clips")
#: How many recent trips the ratings section looks through for one long
#: enough to compare with other owners.
COMPARED_TRIPS_SEARCHED = 20
#: Seconds between checks for content a sync pass stored and for the points.
CONTENT_CHECK_S = 2.0
#: Positions are rounded to this many decimal places (about 1 km) before
#: they decide whether the list of events is built again.
POSITION_DECIMALS = 2

_ModelIndex = QModelIndex | QPersistentModelIndex


@QmlElement
@QmlUncreatable("RowListModel is created by the head unit's Python code.")
class RowListModel(QAbstractListModel):
    """A list of rows, each a dict with the same keys, exposed as roles by key."""

    countChanged = Signal()

    def __init__(self, keys: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys = keys
        self._roles = {USER_ROLE + 1 + n: key for n, key in enumerate(keys)}
        self._rows: list[dict[str, Any]] = []

    def roleNames(self) -> dict[int, QByteArray]:
        return {role: QByteArray(key.encode()) for role, key in self._roles.items()}

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        key = self._roles.get(role)
        return self._rows[index.row()].get(key) if key else None

    @Property(int, notify=countChanged)
    def count(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def replace(self, rows: list[dict[str, Any]]) -> None:
        """Show ``rows``; nothing happens when they equal the rows on show."""
        if rows == self._rows:
            return
        old_count = len(self._rows)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()
        if old_count != len(rows):
            self.countChanged.emit()


_COMMUNITY_DEFAULTS: dict[str, Any] = {
    "tab": "tips",
    "eventOrder": "distance",
    "moving": False,
    "allowDetail": True,
    "allowVideo": True,
    "points": 0,
    "serviceNotice": "",
    "hasService": False,
    "serviceCode": "",
    "serviceTitle": "",
    "serviceCause": "",
    "serviceFix": "",
    "serviceCost": "",
    "serviceReports": "",
    "serviceWarnings": [],
    "hasSatisfaction": False,
    "satisfactionScore": 0.0,
    "satisfactionText": "",
    "hasComparison": False,
    "comparisonText": "",
    "comparisonPercentile": 0.0,
    "comparisonScale": "",
    "eventId": "",
    "eventTitle": "",
    "eventWhen": "",
    "eventVenue": "",
    "eventAddress": "",
    "eventOrganiser": "",
    "eventAttendees": "",
    "eventDescription": "",
    "eventRsvp": "",
    "eventCanRsvp": False,
    "clipId": "",
    "clipTitle": "",
    "clipSource": "",
}


@QmlElement
@QmlUncreatable("CommunityStore is created by the head unit's Python code.")
class CommunityStore(QObject):
    """State of the community screen's sections, its event detail and clip player."""

    tabChanged, tab = notifying_property(
        str, "tab", "Section on show: tips, clubs, service, ratings or clips."
    )
    eventOrderChanged, eventOrder = notifying_property(
        str, "eventOrder", 'Order of the events: "distance" (nearest first) or "start".'
    )
    movingChanged, moving = notifying_property(bool, "moving", "The car is moving.")
    allowDetailChanged, allowDetail = notifying_property(
        bool, "allowDetail", "A detail view one level below the screen may open now."
    )
    allowVideoChanged, allowVideo = notifying_property(
        bool, "allowVideo", "Video may play now; false stops the player at once."
    )
    pointsChanged, points = notifying_property(int, "points", "The owner's points.")
    serviceNoticeChanged, serviceNotice = notifying_property(
        str, "serviceNotice", "One line about owners' experience with a present code."
    )
    hasServiceChanged, hasService = notifying_property(
        bool, "hasService", "A whole service report is on show (parked)."
    )
    serviceCodeChanged, serviceCode = notifying_property(str, "serviceCode", "Trouble code.")
    serviceTitleChanged, serviceTitle = notifying_property(
        str, "serviceTitle", "Title of the owners' report."
    )
    serviceCauseChanged, serviceCause = notifying_property(
        str, "serviceCause", "The cause owners found."
    )
    serviceFixChanged, serviceFix = notifying_property(str, "serviceFix", "The usual fix.")
    serviceCostChanged, serviceCost = notifying_property(
        str, "serviceCost", "What owners paid, as a sentence."
    )
    serviceReportsChanged, serviceReports = notifying_property(
        str, "serviceReports", "How many owners reported, as a sentence."
    )
    serviceWarningsChanged, serviceWarnings = notifying_property(
        list, "serviceWarnings", "Owners' warnings about bad service."
    )
    hasSatisfactionChanged, hasSatisfaction = notifying_property(
        bool, "hasSatisfaction", "The model has a satisfaction index."
    )
    satisfactionScoreChanged, satisfactionScore = notifying_property(
        float, "satisfactionScore", "Satisfaction index, 0 to 100."
    )
    satisfactionTextChanged, satisfactionText = notifying_property(
        str, "satisfactionText", "The index with its number of ratings, as a sentence."
    )
    hasComparisonChanged, hasComparison = notifying_property(
        bool, "hasComparison", "The last trip was compared with other owners' trips."
    )
    comparisonTextChanged, comparisonText = notifying_property(
        str, "comparisonText", "The comparison in plain words."
    )
    comparisonPercentileChanged, comparisonPercentile = notifying_property(
        float, "comparisonPercentile", "Share of owners' trips that used less, 0 to 100."
    )
    comparisonScaleChanged, comparisonScale = notifying_property(
        str, "comparisonScale", "The owners' 10th to 90th percentile, as text."
    )
    eventIdChanged, eventId = notifying_property(str, "eventId", "Event on show in detail.")
    eventTitleChanged, eventTitle = notifying_property(str, "eventTitle", "Event title.")
    eventWhenChanged, eventWhen = notifying_property(str, "eventWhen", "Start and end.")
    eventVenueChanged, eventVenue = notifying_property(str, "eventVenue", "Venue name.")
    eventAddressChanged, eventAddress = notifying_property(
        str, "eventAddress", "Venue address."
    )
    eventOrganiserChanged, eventOrganiser = notifying_property(
        str, "eventOrganiser", "Organiser and their role."
    )
    eventAttendeesChanged, eventAttendees = notifying_property(
        str, "eventAttendees", "Attendees and capacity, as text."
    )
    eventDescriptionChanged, eventDescription = notifying_property(
        str, "eventDescription", "The event's description."
    )
    eventRsvpChanged, eventRsvp = notifying_property(
        str, "eventRsvp", 'The owner\'s RSVP: "going", "not_going" or "".'
    )
    eventCanRsvpChanged, eventCanRsvp = notifying_property(
        bool, "eventCanRsvp", "An RSVP may be given now (parked, event not over)."
    )
    clipIdChanged, clipId = notifying_property(str, "clipId", "Clip chosen to play.")
    clipTitleChanged, clipTitle = notifying_property(str, "clipTitle", "Its title.")
    clipSourceChanged, clipSource = notifying_property(
        str, "clipSource", "URL of its local file; empty while video is not allowed."
    )

    def __init__(self, language: str = "zh_CN", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._values: dict[str, Any] = dict(_COMMUNITY_DEFAULTS)
        self._headunit: Any = None
        self._language = language
        self._snapshot: Any = None
        self._loaded: tuple[Any, ...] | None = None
        self._content_checked_at = 0.0
        self._failed_kinds: set[str] = set()
        #: Seconds between checks for new content and points; tests set 0.
        self.content_check_s = CONTENT_CHECK_S
        self.event_model = RowListModel(
            (
                "eventId",
                "title",
                "clubName",
                "when",
                "distance",
                "organiser",
                "attendees",
                "rsvp",
            ),
            self,
        )
        self.workshop_model = RowListModel(
            ("workshopId", "name", "detail", "recommended"), self
        )
        self.clip_model = RowListModel(
            ("clipId", "title", "detail", "playable"), self
        )

    # -- wiring ----------------------------------------------------------

    def attach(self, headunit: Any) -> None:
        self._headunit = headunit
        self._loaded = None

    def set_language(self, language: str) -> None:
        self._language = language
        self._loaded = None

    def _set(self, name: str, value: Any) -> bool:
        if self._values[name] == value:
            return False
        self._values[name] = value
        getattr(self, name + "Changed").emit()
        return True

    @Property(QObject, constant=True)
    def events(self) -> RowListModel:
        """Club events near the car, nearest first."""
        return self.event_model

    @Property(QObject, constant=True)
    def workshops(self) -> RowListModel:
        """Rated workshops for the service report on show."""
        return self.workshop_model

    @Property(QObject, constant=True)
    def clips(self) -> RowListModel:
        """Owners' clips, newest first."""
        return self.clip_model

    # -- actions from QML --------------------------------------------------

    @Slot(str)
    def showTab(self, tab: str) -> None:
        """Switch the section of the community screen."""
        if tab not in TABS:
            logger.warning("unknown community section %r; expected one of %s", tab, TABS)
            return
        if self._set("tab", tab):
            self._loaded = None
            self._reload()

    @Slot(str)
    def setEventOrder(self, order: str) -> None:
        """List the events nearest first ("distance") or soonest first ("start")."""
        if order not in (BY_DISTANCE, BY_START):
            logger.warning("unknown event order %r; expected distance or start", order)
            return
        if self._set("eventOrder", order):
            self._loaded = None
            self._reload()

    @Slot(str, result=bool)
    def selectEvent(self, event_id: str) -> bool:
        """Fill the event detail for ``event_id``; False if it is unknown."""
        if self._set("eventId", event_id):
            self._loaded = None
        return self._fill_event()

    @Slot(bool)
    def rsvp(self, going: bool) -> None:
        """Store the owner's RSVP to the event on show; the back end queues it for upload."""
        if self._headunit is None or not self.eventId or self._snapshot is None:
            return
        try:
            self._headunit.community.rsvp(self.eventId, going, self._snapshot)
        except NotWhileMoving:
            logger.info("RSVP to %s not stored: the car is moving", self.eventId)
            return
        except Exception:
            logger.exception("failed to store the RSVP to event %s", self.eventId)
            return
        self._loaded = None
        self._reload()

    @Slot(str, result=bool)
    def selectClip(self, clip_id: str) -> bool:
        """Choose a clip to play; False if it is unknown, missing or not allowed now."""
        for row in self.clip_model.rows:
            if row["clipId"] == clip_id and row["playable"]:
                self._set("clipId", clip_id)
                self._set("clipTitle", row["title"])
                self._fill_clip_source()
                return True
        return False

    # -- per frame ---------------------------------------------------------

    def refresh(self, snapshot: Any) -> bool:
        """Rebuild what changed with the driving state, position, codes or data."""
        self._snapshot = snapshot
        moving = bool(snapshot.moving)
        restrictions = restrictions_for(moving, self._language)
        self._set("moving", moving)
        self._set("allowDetail", restrictions.max_navigation_depth >= 3)
        self._set("allowVideo", restrictions.allow_video)
        self._fill_clip_source()
        if self._headunit is None:
            return False
        now = time.monotonic()
        if now - self._content_checked_at >= self.content_check_s:
            # Database reads, so every few seconds rather than every frame.
            self._content_checked_at = now
            community = self._headunit.community
            if community.reload_if_changed():
                self._loaded = None
            self._set("points", community.points_balance())
        key = self._key(snapshot)
        if key == self._loaded:
            return False
        self._loaded = key
        self._reload()
        return True

    def _key(self, snapshot: Any) -> tuple[Any, ...]:
        position = position_of(snapshot)
        if position is not None:
            position = tuple(round(value, POSITION_DECIMALS) for value in position)
        community = self._headunit.community
        return (
            snapshot.moving,
            self._language,
            self.tab,
            tuple(sorted(present_dtcs(snapshot))),
            position,
            self._headunit.trips_version,
            community.tip_feedback.version,
        )

    def _reload(self) -> None:
        if self._headunit is None or self._snapshot is None:
            return
        try:
            # The notice also feeds the drive screen, so it follows every tab.
            self._fill_service()
            if self.tab == "clubs":
                self._fill_events()
                if self.eventId:
                    self._fill_event()
            elif self.tab == "ratings":
                self._fill_ratings()
            elif self.tab == "clips":
                self._fill_clips()
        except Exception as error:
            # The section keeps its last content, and the next change tries again.
            kind = type(error).__name__
            if kind not in self._failed_kinds:
                self._failed_kinds.add(kind)
                logger.exception(
                    "failed to read the community %s section (%s); later failures "
                    "of this kind are not logged",
                    self.tab,
                    kind,
                )

    # -- sections ----------------------------------------------------------

    def _fill_events(self) -> None:
        rows = self._headunit.community.events_nearby(
            self._snapshot, self._language, order=self.eventOrder
        )
        self.event_model.replace(
            [
                {
                    "eventId": row.event_id,
                    "title": row.title,
                    "clubName": row.club_name,
                    "when": self._when(row.starts_at, row.ends_at),
                    "distance": QCoreApplication.translate("Community", "%1 km").replace(
                        "%1", f"{row.distance_km:.1f}"
                    ),
                    "organiser": f"{row.organiser_name} · {role_label(row.organiser_role)}",
                    "attendees": self._attendees(row.attendees, row.capacity),
                    "rsvp": row.rsvp or "",
                }
                for row in rows
            ]
        )

    def _fill_event(self) -> bool:
        if self._headunit is None or self._snapshot is None or not self.eventId:
            return False
        detail = self._headunit.community.event_detail(
            self.eventId, self._snapshot, self._language
        )
        if detail is None:
            logger.warning("event %s is not in the community content", self.eventId)
            return False
        row = detail.row
        self._set("eventTitle", row.title)
        self._set("eventWhen", self._when(row.starts_at, row.ends_at))
        self._set("eventVenue", row.venue)
        self._set("eventAddress", detail.address)
        self._set(
            "eventOrganiser", f"{row.organiser_name} · {role_label(row.organiser_role)}"
        )
        self._set("eventAttendees", self._attendees(row.attendees, row.capacity))
        self._set("eventDescription", detail.description)
        self._set("eventRsvp", row.rsvp or "")
        self._set("eventCanRsvp", detail.can_rsvp)
        return True

    def _fill_service(self) -> None:
        view = self._headunit.community.service_view(self._snapshot, self._language)
        if view is None:
            self._set("serviceNotice", "")
            self._set("hasService", False)
            self.workshop_model.replace([])
            return
        self._set("serviceNotice", view.notice)

        if not view.reports:
            self._set("hasService", False)
            self.workshop_model.replace([])
            return

        report = view.reports[0]
        locale = QLocale()
        cost = QCoreApplication.translate("Community", "Owners paid %1 to %2 %3, usually %4")
        for number, value in enumerate(
            (
                locale.toString(report.cost_low, "f", 0),
                locale.toString(report.cost_high, "f", 0),
                report.currency,
                locale.toString(report.cost_median, "f", 0),
            ),
            start=1,
        ):
            cost = cost.replace(f"%{number}", value)

        self._set("serviceCode", report.dtc)
        self._set("serviceTitle", report.title)
        self._set("serviceCause", report.cause)
        self._set("serviceFix", report.fix)
        self._set("serviceCost", cost)
        count = report.reports
        reports = QCoreApplication.translate("Community", "%n owners reported this code", None, count)
        self._set("serviceReports", reports)
        self._set("serviceWarnings", list(report.warnings))
        self._set("hasService", True)

        self.workshop_model.replace(
            [
                {
                    "workshopId": workshop.workshop_id,
                    "name": workshop.name,
                    "detail": self._workshop_detail(workshop),
                    "recommended": workshop.recommended,
                }
                for workshop in report.workshops
            ]
        )

    def _last_comparison(self, community: Any) -> Any:
        """Compare the newest closed trip long enough to compare, or return None.

        A short hop to the shop after a long drive must not hide the
        comparison of the drive.
        """
        vehicle = self._headunit.profile.vehicle_id
        for trip in self._headunit.trip_log.recent(COMPARED_TRIPS_SEARCHED):
            if trip.ended_at is None or trip.vehicle != vehicle:
                continue
            comparison = community.compare_trip(trip)
            if comparison is not None:
                return comparison
        return None

    def _fill_ratings(self) -> None:
        community = self._headunit.community
        index = community.satisfaction()
        if index is None:
            self._set("hasSatisfaction", False)
        else:
            self._set("satisfactionScore", float(index.score))
            count = index.ratings
            text = QCoreApplication.translate("Community", "Satisfaction %1 of 100 from %n ratings", None, count)  # noqa: E501
            self._set("satisfactionText", text.replace("%1", f"{index.score:.0f}"))
            self._set("hasSatisfaction", True)
        comparison = self._last_comparison(community)
        if comparison is None:
            self._set("hasComparison", False)
            return
        chart = comparison.chart
        low = chart.percentiles[0][1]
        high = chart.percentiles[-1][1]
        self._set("comparisonText", comparison.text(self._language))
        self._set("comparisonPercentile", float(comparison.percentile))
        self._set(
            "comparisonScale",
            QCoreApplication.translate("Community", "Most owners: %1 to %2 %3")
            .replace("%1", f"{low:.1f}")
            .replace("%2", f"{high:.1f}")
            .replace("%3", chart.unit),
        )
        self._set("hasComparison", True)

    def _fill_clips(self) -> None:
        rows = self._headunit.community.clip_rows(self._snapshot, self._language)
        seconds = QCoreApplication.translate("Community", "%1 s")
        self.clip_model.replace(
            [
                {
                    "clipId": row.clip_id,
                    "title": row.title,
                    "detail": f"{row.author_name} · {role_label(row.author_role)} · "
                    + seconds.replace("%1", f"{row.duration_s:.0f}"),
                    "playable": row.playable,
                    "path": str(row.path) if row.path else "",
                }
                for row in rows
            ]
        )
        self._fill_clip_source()

    def _fill_clip_source(self) -> None:
        """Offer the chosen clip's file only while video is allowed."""
        source = ""
        if self.allowVideo and self.clipId:
            path = next(
                (row["path"] for row in self.clip_model.rows if row["clipId"] == self.clipId),
                "",
            )
            if path:
                source = QUrl.fromLocalFile(path).toString()
        self._set("clipSource", source)

    # -- formatting --------------------------------------------------------

    def _when(self, starts_at: datetime, ends_at: datetime) -> str:
        # Shown in the event's own time zone, the local time at the venue.
        locale = QLocale()
        start, end = starts_at, ends_at
        day = locale.toString(start.date(), QLocale.FormatType.ShortFormat)
        return f"{day} {start:%H:%M}–{end:%H:%M}"

    def _attendees(self, attendees: int, capacity: int | None) -> str:
        if capacity is None:
            return QCoreApplication.translate("Community", "%n going", None, attendees)
        taken = QCoreApplication.translate("Community", "%n of %1 places taken", None, attendees)
        return taken.replace("%1", str(capacity))

    def _workshop_detail(self, workshop: Any) -> str:
        count = workshop.ratings
        rating = QCoreApplication.translate("Community", "%1 stars from %n ratings", None, count)
        rating = rating.replace("%1", f"{workshop.rating:.1f}")
        if workshop.distance_km is None:
            return rating
        distance = QCoreApplication.translate("Community", "%1 km")
        distance = distance.replace("%1", f"{workshop.distance_km:.1f}")
        return f"{rating} · {distance}"
