"""Car-club events near the car and around where it usually drives.

Clubs and their events are community content (kinds ``clubs`` and
``events``), read from the bundle or the local cache, so the list works
offline. The list follows the driving restrictions: while moving it is
cut to the moving list length and its strings to the moving text length,
and an RSVP needs the car parked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable

from headunit import content
from headunit.content import ContentError
from headunit.feedback import GOING, Rsvps
from headunit.geo import distance_km
from headunit.restrictions import restrictions_for, shorten

logger = logging.getLogger(__name__)

#: Events within this distance of the car or of its usual area are listed, in km.
DEFAULT_RADIUS_KM = 30.0
MAX_NAME_CHARS = 60
MAX_DESCRIPTION_CHARS = 800
#: Sort orders of ``ClubBoard.nearby``.
BY_DISTANCE = "distance"
BY_START = "start"

Point = tuple[float, float]


@dataclass(frozen=True)
class Club:
    """A car club: where it meets and how many members it has."""

    id: str
    name: dict[str, str]
    description: dict[str, str]
    city: dict[str, str]
    latitude: float
    longitude: float
    members: int
    president: str


@dataclass(frozen=True)
class ClubEvent:
    """An event as the content describes it; ``attendees`` excludes the owner."""

    id: str
    club_id: str
    title: dict[str, str]
    description: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    venue: dict[str, str]
    address: dict[str, str]
    latitude: float
    longitude: float
    organiser_name: str
    organiser_role: str
    attendees: int
    capacity: int | None
    updated_at: datetime


@dataclass(frozen=True)
class EventRow:
    """One row of the events list, its strings within the driving limits."""

    event_id: str
    title: str
    club_name: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    #: Distance from the car, or from the nearest usual place without a fix, in km.
    distance_km: float
    #: "car" when near the car's position, else "usual_area".
    near: str
    organiser_name: str
    organiser_role: str
    #: Attendees, including the owner after an RSVP of "going".
    attendees: int
    capacity: int | None
    #: The owner's RSVP: "going", "not_going" or None.
    rsvp: str | None


@dataclass(frozen=True)
class EventDetail:
    """An event's detail page; the description is cut while moving."""

    row: EventRow
    description: str
    address: str
    latitude: float
    longitude: float
    club_members: int | None
    can_rsvp: bool
    full: bool


def parse_club(item: dict[str, Any]) -> Club:
    return Club(
        id=content.required_str(item, "id"),
        name=content.localized(item.get("name"), MAX_NAME_CHARS, "name"),
        description=content.localized(
            item.get("description", {"en": "-"}), MAX_DESCRIPTION_CHARS, "description"
        ),
        city=content.localized(item.get("city"), MAX_NAME_CHARS, "city"),
        latitude=content.number(item, "latitude", -90, 90),
        longitude=content.number(item, "longitude", -180, 180),
        members=int(content.number(item, "members", 0, 1e7, default=0)),
        president=content.plain_text(
            item.get("president", "-"), MAX_NAME_CHARS, "president"
        ),
    )


def parse_event(item: dict[str, Any]) -> ClubEvent:
    venue = item.get("venue")
    if not isinstance(venue, dict):
        raise ContentError("venue: expected an object")
    organiser = item.get("organiser")
    if not isinstance(organiser, dict):
        raise ContentError("organiser: expected an object")
    starts_at = content.timestamp(item, "starts_at")
    ends_at = content.timestamp(item, "ends_at")
    if ends_at < starts_at:
        raise ContentError("ends_at: before starts_at")
    capacity = item.get("capacity")
    return ClubEvent(
        id=content.required_str(item, "id"),
        club_id=content.required_str(item, "club_id"),
        title=content.localized(item.get("title"), MAX_NAME_CHARS, "title"),
        description=content.localized(
            item.get("description"), MAX_DESCRIPTION_CHARS, "description"
        ),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=content.localized(venue.get("name"), MAX_NAME_CHARS, "venue.name"),
        address=content.localized(
            venue.get("address"), MAX_NAME_CHARS * 2, "venue.address"
        ),
        latitude=content.number(venue, "latitude", -90, 90),
        longitude=content.number(venue, "longitude", -180, 180),
        organiser_name=content.plain_text(
            organiser.get("name"), MAX_NAME_CHARS, "organiser.name"
        ),
        organiser_role=content.plain_text(
            organiser.get("role", "owner"), 30, "organiser.role"
        ),
        attendees=int(content.number(item, "attendees", 0, 1e6, default=0)),
        capacity=None
        if capacity is None
        else int(content.number(item, "capacity", 1, 1e6)),
        updated_at=content.timestamp(item, "updated_at"),
    )


class ClubBoard:
    """Clubs and upcoming events from a content source, with the owner's RSVPs."""

    def __init__(
        self,
        source: content.ContentSource,
        rsvps: Rsvps,
        clock: Callable[[], datetime],
    ) -> None:
        self.source = source
        self.rsvps = rsvps
        self.clock = clock
        self.clubs: dict[str, Club] = {}
        self.events: dict[str, ClubEvent] = {}
        self.reload()

    def reload(self) -> None:
        """Read clubs and events again, as after a content pull."""
        clubs = content.parse_items("clubs", self.source.items("clubs"), parse_club)
        events = content.parse_items("events", self.source.items("events"), parse_event)
        self.clubs = {club.id: club for club in clubs}
        self.events = {event.id: event for event in events}

    def nearby(
        self,
        position: Point | None,
        usual_area: Iterable[Point] = (),
        *,
        moving: bool,
        language: str,
        radius_km: float = DEFAULT_RADIUS_KM,
        order: str = BY_DISTANCE,
    ) -> list[EventRow]:
        """Return events not yet over within ``radius_km`` of the car or its usual area.

        ``order`` is ``BY_DISTANCE`` (nearest first, then soonest) or
        ``BY_START`` (soonest first, then nearest). While moving, at most
        the moving list length is returned.
        """
        if order not in (BY_DISTANCE, BY_START):
            raise ValueError(
                f"unknown order {order!r}: use {BY_DISTANCE!r} or {BY_START!r}"
            )
        now = self.clock()
        places = list(usual_area)
        answers = self.rsvps.all()
        rows = []
        for event in self.events.values():
            if event.ends_at <= now:
                continue
            found = _distance(event, position, places, radius_km)
            if found is None:
                continue
            rows.append(self._row(event, found[0], found[1], moving, language, answers))
        if order == BY_DISTANCE:
            rows.sort(key=lambda row: (row.distance_km, row.starts_at, row.event_id))
        else:
            rows.sort(key=lambda row: (row.starts_at, row.distance_km, row.event_id))
        limit = restrictions_for(moving, language).max_list_items
        return rows if limit is None else rows[:limit]

    def detail(
        self,
        event_id: str,
        position: Point | None,
        usual_area: Iterable[Point] = (),
        *,
        moving: bool,
        language: str,
    ) -> EventDetail | None:
        """Return one event's detail, or None if there is no such event."""
        event = self.events.get(event_id)
        if event is None:
            return None
        found = _distance(event, position, list(usual_area), float("inf"))
        distance, near = found if found else (float("nan"), "car")
        row = self._row(event, distance, near, moving, language, self.rsvps.all())
        limit = restrictions_for(moving, language).max_text_chars
        club = self.clubs.get(event.club_id)
        return EventDetail(
            row=row,
            description=shorten(
                content.pick_language(event.description, language), limit
            ),
            address=shorten(content.pick_language(event.address, language), limit),
            latitude=event.latitude,
            longitude=event.longitude,
            club_members=club.members if club else None,
            can_rsvp=not moving and event.ends_at > self.clock(),
            full=not moving,
        )

    def rsvp(self, event_id: str, going: bool, moving: bool) -> None:
        """Store the owner's RSVP to an event.

        Raises ``NotWhileMoving`` while moving and ``KeyError`` for an unknown event.
        """
        if event_id not in self.events:
            raise KeyError(f"no event with id {event_id!r}")
        self.rsvps.record(event_id, going, moving)

    def _row(
        self,
        event: ClubEvent,
        distance: float,
        near: str,
        moving: bool,
        language: str,
        answers: dict[str, str],
    ) -> EventRow:
        limit = restrictions_for(moving, language).max_text_chars
        club = self.clubs.get(event.club_id)
        club_name = content.pick_language(club.name, language) if club else ""
        answer = answers.get(event.id)
        return EventRow(
            event_id=event.id,
            title=shorten(content.pick_language(event.title, language), limit),
            club_name=shorten(club_name, limit),
            venue=shorten(content.pick_language(event.venue, language), limit),
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            distance_km=distance,
            near=near,
            organiser_name=shorten(event.organiser_name, limit),
            organiser_role=event.organiser_role,
            attendees=event.attendees + (1 if answer == GOING else 0),
            capacity=event.capacity,
            rsvp=answer,
        )


def _distance(
    event: ClubEvent, position: Point | None, places: list[Point], radius_km: float
) -> tuple[float, str] | None:
    """Return (km, "car" or "usual_area") if the event is within reach, else None."""
    if position is not None:
        from_car = distance_km(
            position[0], position[1], event.latitude, event.longitude
        )
        if from_car <= radius_km:
            return from_car, "car"
    nearest = min(
        (distance_km(lat, lon, event.latitude, event.longitude) for lat, lon in places),
        default=None,
    )
    if nearest is not None and nearest <= radius_km:
        if position is not None:
            return distance_km(
                position[0], position[1], event.latitude, event.longitude
            ), "usual_area"
        return nearest, "usual_area"
    return None
