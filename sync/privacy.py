"""Privacy filters: the owner's consent decides what may leave the car.

Privacy is on by default: until the owner picks a consent level, nothing
about the owner or the car's movements is uploaded. The levels are
"nothing", "summaries" (trip figures without any position) and "traces"
(summaries plus positions). Traces are cut before upload: positions
within ``trim_m`` of a trip's start and end, and within any hidden place
the owner marked, are removed. Pulls of community content name a coarse
grid cell, never the car's position. A monthly mobile-data budget defers
traces, never summaries, once it is used up.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Iterable, Sequence

from sync.settings import Settings
from sync.store import Store

#: Distance from a trip's start and end within which positions are cut, in m.
DEFAULT_TRIM_M = 500.0
#: Mobile data per calendar month after which traces wait, in bytes.
DEFAULT_MONTHLY_BUDGET_BYTES = 50 * 1024 * 1024
#: Side of the grid cells that pulls name, in degrees of latitude and
#: longitude: 0.1 degree is about 11 km north-south, and 7-11 km east-west
#: between 45 and 0 degrees of latitude.
CELL_DEG = 0.1
EARTH_RADIUS_M = 6_371_008.8
#: Radius of a hidden place marked from the car, in metres: wide enough to
#: cover the streets around a home or a workplace.
DEFAULT_HIDDEN_RADIUS_M = 500.0


class Consent(str, Enum):
    NOTHING = "nothing"
    SUMMARIES = "summaries"
    TRACES = "traces"

    def allows(self, needed: "Consent") -> bool:
        order = [Consent.NOTHING, Consent.SUMMARIES, Consent.TRACES]
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class HiddenPlace:
    name: str
    latitude: float
    longitude: float
    radius_m: float
    id: int | None = None


class Privacy:
    """The owner's privacy choices, stored in the head unit database."""

    CONSENT = "privacy.consent"
    CONSENT_SINCE = "privacy.consent_since"
    TRACES_SINCE = "privacy.traces_since"
    TRIM_M = "privacy.trim_m"
    BUDGET = "privacy.monthly_budget_bytes"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = Settings(store)

    @property
    def consent(self) -> Consent:
        return Consent(self.settings.get(self.CONSENT, Consent.NOTHING.value))

    @property
    def consent_since(self) -> float | None:
        """When the owner last moved from "nothing" to a sharing level (Unix s)."""
        value = self.settings.get(self.CONSENT_SINCE)
        return None if value is None else float(value)

    @property
    def traces_since(self) -> float | None:
        """When the owner last chose to share traces (Unix s), or None."""
        value = self.settings.get(self.TRACES_SINCE)
        return None if value is None else float(value)

    def set_consent(self, level: Consent | str, now: float | None = None) -> None:
        """Record the owner's choice.

        Only trips that end after the owner chose a level are shared at
        that level: trips recorded before stay on the car.
        """
        level = Consent(level)
        now = time.time() if now is None else now
        previous = self.consent
        if level is Consent.NOTHING:
            self.settings.delete(self.CONSENT_SINCE)
        elif previous is Consent.NOTHING:
            self.settings.set(self.CONSENT_SINCE, now)
        if level is not Consent.TRACES:
            self.settings.delete(self.TRACES_SINCE)
        elif previous is not Consent.TRACES:
            self.settings.set(self.TRACES_SINCE, now)
        self.settings.set(self.CONSENT, level.value)

    @property
    def trim_m(self) -> float:
        return self.settings.get_float(self.TRIM_M, DEFAULT_TRIM_M)

    def set_trim_m(self, metres: float) -> None:
        if not 0 <= metres <= 50_000:
            raise ValueError(f"trim distance must be 0..50000 m, got {metres}")
        self.settings.set(self.TRIM_M, metres)

    @property
    def monthly_budget_bytes(self) -> int:
        return int(self.settings.get_float(self.BUDGET, DEFAULT_MONTHLY_BUDGET_BYTES))

    def set_monthly_budget_bytes(self, budget: int) -> None:
        if budget < 0:
            raise ValueError(f"monthly data budget must be 0 or more bytes, got {budget}")
        self.settings.set(self.BUDGET, budget)

    def hidden_places(self) -> list[HiddenPlace]:
        rows = self.store.query("select * from hidden_places order by id")
        return [HiddenPlace(r["name"], r["latitude"], r["longitude"], r["radius_m"], r["id"])
                for r in rows]

    def add_hidden_place(self, place: HiddenPlace) -> int:
        if not (-90 <= place.latitude <= 90 and -180 <= place.longitude <= 180):
            raise ValueError(f"invalid position {place.latitude}, {place.longitude}")
        if place.radius_m <= 0:
            raise ValueError(f"radius must be positive, got {place.radius_m} m")
        with self.store.write() as db:
            table = db["hidden_places"]
            table.insert({"name": place.name, "latitude": place.latitude,
                          "longitude": place.longitude, "radius_m": place.radius_m})
            return int(table.last_pk)

    def remove_hidden_place(self, place_id: int) -> None:
        with self.store.write() as db:
            db.execute("delete from hidden_places where id = ?", [place_id])

    def data_used(self, when: float | None = None) -> int:
        rows = self.store.query("select bytes from data_usage where month = ?",
                                [month_key(when)])
        return int(rows[0]["bytes"]) if rows else 0

    def count_data(self, count: int, when: float | None = None) -> None:
        with self.store.write() as db:
            db.execute(
                "insert into data_usage (month, bytes) values (?, ?) "
                "on conflict(month) do update set bytes = bytes + excluded.bytes",
                [month_key(when), count],
            )

    def traces_deferred(self, when: float | None = None) -> bool:
        """Return whether this month's data budget is used up, so traces wait."""
        return self.data_used(when) >= self.monthly_budget_bytes


def month_key(when: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if when is None else when).strftime("%Y-%m")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two positions, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def coarse_cell(latitude: float, longitude: float, cell_deg: float = CELL_DEG) -> tuple[float, float]:
    """Return the centre of the grid cell that contains the position."""
    row = math.floor(latitude / cell_deg)
    column = math.floor(longitude / cell_deg)
    return (round((row + 0.5) * cell_deg, 6), round((column + 0.5) * cell_deg, 6))


def filter_trace(
    samples: Sequence[dict[str, Any]],
    trim_m: float,
    hidden: Iterable[HiddenPlace] = (),
) -> list[dict[str, Any]]:
    """Return the trace points that may be uploaded.

    ``samples`` are the trip's samples in time order. Samples without a
    position are skipped. A point is removed when it lies within ``trim_m``
    of the trip's first or last position, or inside a hidden place.
    """
    located = [s for s in samples
               if s.get("latitude") is not None and s.get("longitude") is not None]
    if not located:
        return []
    start = located[0]
    end = located[-1]
    places = list(hidden)
    points = []
    for sample in located:
        lat, lon = sample["latitude"], sample["longitude"]
        if distance_m(lat, lon, start["latitude"], start["longitude"]) <= trim_m:
            continue
        if distance_m(lat, lon, end["latitude"], end["longitude"]) <= trim_m:
            continue
        if any(distance_m(lat, lon, p.latitude, p.longitude) <= p.radius_m for p in places):
            continue
        points.append({"t": sample["t"], "lat": lat, "lon": lon,
                       "speed_kmh": sample.get("speed_kmh")})
    return points
