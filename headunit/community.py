"""The community features of the head unit, built from one store and profile.

``Community`` reads content from the local cache (filled by a sync
client) layered over the bundled starter content, and offers the screens
tips, clubs nearby, service experience, ratings and points as plain
Python. Feedback goes through one ``FeedbackSink``, the local queue table
unless the caller passes another (such as the sync outbox).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import assets
from headunit.clips import ClipLibrary, ClipRow
from headunit.clubs import ClubBoard, EventDetail, EventRow
from headunit.content import BundledContent, CachedContent, LayeredContent
from headunit.feedback import Rsvps, TipFeedback
from headunit.ratings import ConsumptionComparison, Ratings, SatisfactionIndex
from headunit.service import ServiceAdvisor, ServiceView
from headunit.state import Snapshot
from headunit.tips import load_tips, position_of
from headunit.tips_engine import CarInfo, TipCard, TipsEngine, local_now
from sync.community import (
    ContentCache,
    FeedbackQueue,
    FeedbackSink,
    PointsLedger,
    clip_cache_dir,
)
from sync.store import Store
from sync.triplog import TripSummary
from vehicle.profile import VehicleProfile

logger = logging.getLogger(__name__)

#: Settings key of the car's delivery date (ISO 8601), the start of ownership.
DELIVERY_DATE_KEY = "vehicle.delivery_date"
#: Closed trips whose start and end places make up the usual area.
USUAL_AREA_TRIPS = 30
#: Places are rounded to this grid, in degrees (about 2 km), before counting.
USUAL_AREA_GRID_DEGREES = 0.02
#: Maximum number of places in the usual area, the most visited first.
USUAL_AREA_PLACES = 3


class Community:
    """Tips, clubs, service experience, ratings and points for one car."""

    def __init__(
        self,
        store: Store,
        profile: VehicleProfile,
        *,
        content_dir: Path = assets.CONTENT_DIR,
        clip_dirs: list[Path] | None = None,
        sink: FeedbackSink | None = None,
        clock: Callable[[], datetime] = local_now,
    ) -> None:
        self.store = store
        self.clock = clock
        self.cache = ContentCache(store)
        self.queue = FeedbackQueue(store)
        self.sink: FeedbackSink = sink or self.queue
        self.points = PointsLedger(store)
        self.source = LayeredContent(
            CachedContent(self.cache), BundledContent(content_dir)
        )
        unix_clock = lambda: clock().timestamp()  # noqa: E731
        self.tip_feedback = TipFeedback(store, self.sink, unix_clock)
        self.rsvps = Rsvps(store, self.sink, unix_clock)
        self.tips = TipsEngine(
            load_tips(self.source),
            CarInfo(profile.make, profile.model, profile.powertrain),
            feedback=self.tip_feedback,
            delivery_date=self.delivery_date(),
            clock=clock,
        )
        self.clubs = ClubBoard(self.source, self.rsvps, clock)
        self.service = ServiceAdvisor(self.source, profile.name)
        self.ratings = Ratings(self.source, profile.name)
        if clip_dirs is None:
            clip_dirs = [assets.CLIPS_DIR, clip_cache_dir(store)]
        self.clips = ClipLibrary(self.source, clip_dirs)
        self._cache_marker = self._cache_state()

    def reload(self) -> None:
        """Read all content again, as after a sync client filled the cache."""
        self.tips.replace_tips(load_tips(self.source))
        self.clubs.reload()
        self.service.reload()
        self.ratings.reload()
        self.clips.reload()

    def reload_if_changed(self) -> bool:
        """Reload when a sync client stored content since the last read; return whether."""
        marker = self._cache_state()
        if marker == self._cache_marker:
            return False
        self._cache_marker = marker
        self.reload()
        return True

    def _cache_state(self) -> tuple[int, float | None]:
        rows = self.store.query(
            "select count(*) as items, max(stored_at) as latest from content_cache"
        )
        return rows[0]["items"], rows[0]["latest"]

    # -- tips ------------------------------------------------------------

    def tip_card(self, snapshot: Snapshot, language: str) -> TipCard | None:
        return self.tips.card(snapshot, language)

    # -- ownership -------------------------------------------------------

    def delivery_date(self) -> date | None:
        """Return the delivery date from the settings; None if unset or invalid."""
        rows = self.store.query(
            "select value from settings where key = ?", [DELIVERY_DATE_KEY]
        )
        if not rows:
            return None
        try:
            return date.fromisoformat(rows[0]["value"])
        except (TypeError, ValueError):
            logger.warning(
                "ignored setting %s=%r: expected a date such as 2026-11-20",
                DELIVERY_DATE_KEY,
                rows[0]["value"],
            )
            return None

    def set_delivery_date(self, delivery_date: date | None) -> None:
        with self.store.write() as db:
            if delivery_date is None:
                db.execute("delete from settings where key = ?", [DELIVERY_DATE_KEY])
            else:
                db["settings"].insert(
                    {"key": DELIVERY_DATE_KEY, "value": delivery_date.isoformat()},
                    replace=True,
                )
        self.tips.set_delivery_date(delivery_date)

    # -- clubs -----------------------------------------------------------

    def usual_area(self) -> list[tuple[float, float]]:
        """Return the places where recent trips started or ended most often.

        Computed on the car from the local trip log; nothing leaves it.
        """
        rows = self.store.query(
            """
            select s.latitude, s.longitude from samples s
            join (select id from trips where status = 'closed'
                  order by started_at desc limit ?) t on t.id = s.trip_id
            where s.latitude is not null and s.longitude is not null
              and (s.t = (select min(t) from samples where trip_id = s.trip_id
                          and latitude is not null)
                or s.t = (select max(t) from samples where trip_id = s.trip_id
                          and latitude is not null))
            """,
            [USUAL_AREA_TRIPS],
        )
        counts: dict[tuple[int, int], list[tuple[float, float]]] = {}
        for row in rows:
            cell = (
                round(row["latitude"] / USUAL_AREA_GRID_DEGREES),
                round(row["longitude"] / USUAL_AREA_GRID_DEGREES),
            )
            counts.setdefault(cell, []).append((row["latitude"], row["longitude"]))
        ranked = sorted(counts.values(), key=len, reverse=True)[:USUAL_AREA_PLACES]
        return [
            (
                sum(p[0] for p in points) / len(points),
                sum(p[1] for p in points) / len(points),
            )
            for points in ranked
        ]

    def events_nearby(
        self, snapshot: Snapshot, language: str, order: str = "distance"
    ) -> list[EventRow]:
        return self.clubs.nearby(
            position_of(snapshot),
            self.usual_area(),
            moving=snapshot.moving,
            language=language,
            order=order,
        )

    def event_detail(
        self, event_id: str, snapshot: Snapshot, language: str
    ) -> EventDetail | None:
        return self.clubs.detail(
            event_id,
            position_of(snapshot),
            self.usual_area(),
            moving=snapshot.moving,
            language=language,
        )

    def rsvp(self, event_id: str, going: bool, snapshot: Snapshot) -> None:
        self.clubs.rsvp(event_id, going, snapshot.moving)

    # -- service, ratings, points ----------------------------------------

    def service_view(self, snapshot: Snapshot, language: str) -> ServiceView | None:
        return self.service.view(snapshot, language)

    def satisfaction(self) -> SatisfactionIndex | None:
        return self.ratings.satisfaction()

    def compare_trip(self, trip: TripSummary) -> ConsumptionComparison | None:
        return self.ratings.compare_trip(trip)

    def points_balance(self) -> int:
        return self.points.balance()

    def clip_rows(self, snapshot: Snapshot, language: str) -> list[ClipRow]:
        return self.clips.rows(moving=snapshot.moving, language=language)
