"""Trips, their 1 Hz samples, events and gaps, and charging sessions.

A trip's summary is always computed from the rows that reached the disk
(``sync.tripsummary``). So a trip cut short by a power loss is closed at
the next start from what was written, never from values kept only in
memory. Every write method is one short transaction.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Iterator

from sync.store import Store
from sync.tripsummary import summarise

logger = logging.getLogger(__name__)

RECORDING = "recording"
CLOSED = "closed"

CHARGING = "charging"

#: Columns of a sample besides its trip and time. ``logged`` is a JSON
#: array of the values of the trip's ``logged_paths``, in that order.
SAMPLE_COLUMNS = (
    "speed_kmh",
    "distance_m",
    "soc_percent",
    "power_w",
    "energy_kwh",
    "fuel_percent",
    "latitude",
    "longitude",
    "odometer_km",
    "gear",
    "climate_power_w",
    "logged",
)

_INSERT_SAMPLE = (
    f"insert or replace into samples (trip_id, t, {', '.join(SAMPLE_COLUMNS)}) "
    f"values ({', '.join('?' * (len(SAMPLE_COLUMNS) + 2))})"
)

#: Trip purposes of a driver's logbook.
PURPOSES = ("private", "business", "commute")
#: Kinds of gap: why part of a drive has no data.
GAP_KINDS = (
    "app_not_running",
    "bus_silent",
    "gps_lost",
    "odometer_jump",
    "storage_full",
)


class TripLogError(ValueError):
    """A request to the trip log names no trip or carries invalid values."""


@dataclass(frozen=True)
class TripSummary:
    """One recorded drive. Times are Unix seconds; absent figures are None."""

    id: str
    vehicle: str
    status: str
    started_at: float
    ended_at: float | None
    end_reason: str | None
    distance_m: float
    duration_s: float
    avg_speed_kmh: float
    max_speed_kmh: float
    energy_used_kwh: float | None
    fuel_used_l: float | None
    sample_count: int
    start_latitude: float | None = None
    start_longitude: float | None = None
    end_latitude: float | None = None
    end_longitude: float | None = None
    odometer_start_km: float | None = None
    odometer_end_km: float | None = None
    consumption_kwh_per_100km: float | None = None
    fuel_l_per_100km: float | None = None
    energy_driving_kwh: float | None = None
    energy_climate_kwh: float | None = None
    energy_standby_kwh: float | None = None
    car_consumption_kwh_per_100km: float | None = None
    harsh_braking_count: int = 0
    harsh_acceleration_count: int = 0
    event_count: int = 0
    gap_count: int = 0
    drive_rating: int | None = None
    car_rating: int | None = None
    tags: tuple[str, ...] = ()
    purpose: str | None = None
    synced_at: float | None = None
    samples_state: str = "full"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "TripSummary":
        names = {field.name for field in fields(cls)}
        values = {name: row.get(name) for name in names}
        for name in ("distance_m", "duration_s", "avg_speed_kmh", "max_speed_kmh"):
            values[name] = values[name] or 0.0
        for name in (
            "sample_count",
            "harsh_braking_count",
            "harsh_acceleration_count",
            "event_count",
            "gap_count",
        ):
            values[name] = values[name] or 0
        values["tags"] = tuple(json.loads(row["tags"])) if row.get("tags") else ()
        values["samples_state"] = row.get("samples_state") or "full"
        return cls(**values)

    @property
    def synced(self) -> bool:
        return self.synced_at is not None


@dataclass(frozen=True)
class OpenTrip:
    """A trip still marked recording, with the totals of its last stored sample."""

    id: str
    vehicle: str
    started_at: float
    last_t: float | None
    distance_m: float
    energy_kwh: float | None
    odometer_km: float | None


@dataclass(frozen=True)
class ChargingSession:
    """One charge of the traction battery; energy in kWh, times in Unix seconds."""

    id: str
    vehicle: str
    status: str
    started_at: float
    ended_at: float | None
    end_reason: str | None
    charge_type: str | None
    start_soc_percent: float | None
    end_soc_percent: float | None
    energy_added_kwh: float | None
    energy_source: str | None
    latitude: float | None
    longitude: float | None
    cost: float | None
    currency: str | None
    tariff: str | None
    synced_at: float | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "ChargingSession":
        return cls(**{field.name: row.get(field.name) for field in fields(cls)})

    @property
    def duration_s(self) -> float | None:
        if self.ended_at is None:
            return None
        return max(self.ended_at - self.started_at, 0.0)


class TripLog:
    """Writes and reads the driving experience log; each write is one transaction.

    ``car_consumption_path`` names the logged VSS path that carries the
    car's own trip consumption, so summaries show it beside ours.
    """

    def __init__(self, store: Store, car_consumption_path: str | None = None) -> None:
        self.store = store
        self.car_consumption_path = car_consumption_path

    # -- recording ---------------------------------------------------------

    def start_trip(
        self,
        vehicle: str,
        started_at: float,
        logged_paths: Iterable[str] = (),
        trip_id: str | None = None,
    ) -> str:
        """Open a new trip and return its id (``trip_id``, or a new one)."""
        trip_id = trip_id or uuid.uuid4().hex
        with self.store.write() as db:
            db["trips"].insert(
                {
                    "id": trip_id,
                    "vehicle": vehicle,
                    "status": RECORDING,
                    "started_at": started_at,
                    "sample_count": 0,
                    "logged_paths": json.dumps(list(logged_paths)),
                    "samples_state": "full",
                }
            )
        logger.info("trip %s started at %.3f", trip_id, started_at)
        return trip_id

    def add_sample(self, trip_id: str, t: float, values: dict[str, Any]) -> None:
        """Store one sample; a second sample at the same time replaces the first."""
        self.add_samples(trip_id, [(t, values)])

    def add_samples(
        self, trip_id: str, samples: list[tuple[float, dict[str, Any]]]
    ) -> None:
        """Store several samples of one trip in one transaction."""
        rows = []
        for t, values in samples:
            row = [trip_id, t]
            row += [values.get(name) for name in SAMPLE_COLUMNS]
            logged = row[-1]
            if isinstance(logged, (list, tuple)):
                row[-1] = json.dumps(list(logged), separators=(",", ":"))
            rows.append(row)
        # Plain SQL rather than sqlite-utils' insert_all, which reads the
        # table's columns on every call: this runs once a second.
        with self.store.write() as db:
            db.conn.executemany(_INSERT_SAMPLE, rows)

    def add_event(
        self,
        vehicle: str,
        trip_id: str | None,
        t: float,
        kind: str,
        value: float | None = None,
        detail: dict[str, Any] | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> None:
        """Store an event (harsh braking, a DTC appearing, GPS lost, ...)."""
        with self.store.write() as db:
            db["events"].insert(
                {
                    "trip_id": trip_id,
                    "vehicle": vehicle,
                    "t": t,
                    "kind": kind,
                    "value": value,
                    "detail": json.dumps(detail) if detail else None,
                    "latitude": latitude,
                    "longitude": longitude,
                }
            )
        logger.info("event %s at %.3f (trip %s): %s", kind, t, trip_id, value)

    def add_gap(
        self,
        vehicle: str,
        trip_id: str | None,
        kind: str,
        start_t: float,
        end_t: float,
        distance_km: float | None = None,
        detail: str | None = None,
    ) -> None:
        """Store a stretch without data, with its extent, instead of hiding it."""
        if kind not in GAP_KINDS:
            raise TripLogError(f"unknown gap kind {kind!r}; expected one of {GAP_KINDS}")
        with self.store.write() as db:
            db["gaps"].insert(
                {
                    "trip_id": trip_id,
                    "vehicle": vehicle,
                    "kind": kind,
                    "start_t": start_t,
                    "end_t": end_t,
                    "distance_km": distance_km,
                    "detail": detail,
                }
            )
        logger.warning(
            "gap %s from %.3f to %.3f (%.1f s) in trip %s",
            kind, start_t, end_t, end_t - start_t, trip_id,
        )

    def close_trip(
        self,
        trip_id: str,
        ended_at: float | None,
        end_reason: str,
        fuel_tank_l: float | None = None,
    ) -> TripSummary:
        """Compute the summary from stored rows and mark the trip closed.

        ``ended_at`` None means the end is unknown (a power cut): the time of
        the last stored sample is used.
        """
        with self.store.write() as db:
            trip = db["trips"].get(trip_id)
            summary = summarise(
                db, trip, ended_at, fuel_tank_l, self.car_consumption_path
            )
            db["trips"].update(
                trip_id, dict(summary, status=CLOSED, end_reason=end_reason)
            )
            row = db["trips"].get(trip_id)
        closed = TripSummary.from_row(row)
        logger.info(
            "trip %s closed (%s): %.0f m in %.0f s",
            trip_id,
            end_reason,
            closed.distance_m,
            closed.duration_s,
        )
        return closed

    def open_trips(self, vehicle: str | None = None) -> list[OpenTrip]:
        """Return trips still marked recording, oldest first, with their last totals."""
        sql = "select * from trips where status = ?"
        params: list[Any] = [RECORDING]
        if vehicle is not None:
            sql += " and vehicle = ?"
            params.append(vehicle)
        result = []
        for row in self.store.query(sql + " order by started_at", params):
            last = self.store.query(
                "select t, distance_m, energy_kwh from samples where trip_id = ? "
                "order by t desc limit 1",
                [row["id"]],
            )
            odometer = self.store.query(
                "select odometer_km from samples where trip_id = ? and odometer_km "
                "is not null order by t desc limit 1",
                [row["id"]],
            )
            result.append(
                OpenTrip(
                    id=row["id"],
                    vehicle=row["vehicle"],
                    started_at=row["started_at"],
                    last_t=last[0]["t"] if last else None,
                    distance_m=(last[0]["distance_m"] or 0.0) if last else 0.0,
                    energy_kwh=last[0]["energy_kwh"] if last else None,
                    odometer_km=odometer[0]["odometer_km"] if odometer else None,
                )
            )
        return result

    def recover_open_trips(self, fuel_tank_l: float | None = None) -> list[TripSummary]:
        """Close trips left recording by a crash or power cut, from their samples."""
        recovered = []
        for trip in self.open_trips():
            logger.warning(
                "trip %s was not closed; recovering it from its samples", trip.id
            )
            recovered.append(self.close_trip(trip.id, None, "recovered", fuel_tank_l))
        return recovered

    def last_closed_trip(self, vehicle: str) -> TripSummary | None:
        """Return the vehicle's most recent closed trip, or None."""
        rows = self.store.query(
            "select * from trips where vehicle = ? and status = ? "
            "order by started_at desc limit 1",
            [vehicle, CLOSED],
        )
        return TripSummary.from_row(rows[0]) if rows else None

    # -- charging ----------------------------------------------------------

    def start_charging(
        self,
        vehicle: str,
        started_at: float,
        soc_percent: float | None,
        charge_type: str | None,
        latitude: float | None,
        longitude: float | None,
        session_id: str | None = None,
    ) -> str:
        """Open a charging session and return its id (``session_id``, or a new one)."""
        session_id = session_id or uuid.uuid4().hex
        with self.store.write() as db:
            db["charging_sessions"].insert(
                {
                    "id": session_id,
                    "vehicle": vehicle,
                    "status": CHARGING,
                    "started_at": started_at,
                    "ended_at": started_at,
                    "charge_type": charge_type,
                    "start_soc_percent": soc_percent,
                    "end_soc_percent": soc_percent,
                    "latitude": latitude,
                    "longitude": longitude,
                }
            )
        logger.info("charging session %s started at %.3f", session_id, started_at)
        return session_id

    def update_charging(self, session_id: str, values: dict[str, Any]) -> None:
        """Store the running figures of a session, so a power cut keeps them."""
        with self.store.write() as db:
            db["charging_sessions"].update(session_id, values)

    def close_charging(
        self, session_id: str, end_reason: str, values: dict[str, Any]
    ) -> ChargingSession:
        """Mark a charging session closed with its final figures."""
        with self.store.write() as db:
            db["charging_sessions"].update(
                session_id, dict(values, status=CLOSED, end_reason=end_reason)
            )
            row = db["charging_sessions"].get(session_id)
        session = ChargingSession.from_row(row)
        logger.info(
            "charging session %s closed (%s): %s kWh",
            session_id, end_reason, session.energy_added_kwh,
        )
        return session

    def open_charging_sessions(self) -> list[ChargingSession]:
        """Return charging sessions still marked charging, oldest first."""
        rows = self.store.query(
            "select * from charging_sessions where status = ? order by started_at",
            [CHARGING],
        )
        return [ChargingSession.from_row(row) for row in rows]

    def recover_open_charging(self) -> list[ChargingSession]:
        """Close sessions left open by a power cut with their last stored figures."""
        return [
            self.close_charging(session.id, "recovered", {})
            for session in self.open_charging_sessions()
        ]

    # -- after the trip ----------------------------------------------------

    def rate_trip(
        self,
        trip_id: str,
        *,
        drive_rating: int | None = None,
        car_rating: int | None = None,
        tags: Iterable[str] | None = None,
        purpose: str | None = None,
        rated_at: float | None = None,
    ) -> TripSummary:
        """Store the driver's stars (1 to 5), tags and logbook purpose of a closed trip.

        Raises ``TripLogError`` for an unknown or still recording trip, a
        rating outside 1 to 5, or a purpose not in ``PURPOSES``. The caller
        checks that the car is parked (``HeadUnit.rate_trip``).
        """
        trip = self.get(trip_id)
        if trip.status != CLOSED:
            raise TripLogError(f"trip {trip_id} is still recording; rate it once it ends")
        values: dict[str, Any] = {"rated_at": rated_at or datetime.now().timestamp()}
        for name, rating in (("drive_rating", drive_rating), ("car_rating", car_rating)):
            if rating is None:
                continue
            if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
                raise TripLogError(f"{name} must be a whole number from 1 to 5, got {rating!r}")
            values[name] = rating
        if tags is not None:
            cleaned = [str(tag).strip() for tag in tags if str(tag).strip()]
            values["tags"] = json.dumps(cleaned, ensure_ascii=False)
        if purpose is not None:
            if purpose not in PURPOSES:
                raise TripLogError(
                    f"purpose must be one of {', '.join(PURPOSES)}, got {purpose!r}"
                )
            values["purpose"] = purpose
        with self.store.write() as db:
            db["trips"].update(trip_id, values)
        return self.get(trip_id)

    def mark_synced(self, trip_ids: Iterable[str], synced_at: float) -> int:
        """Flag trips as uploaded to the platform; return how many were flagged.

        Samples of synced trips are the only ones the storage budget may
        thin or evict.
        """
        ids = list(trip_ids)
        if not ids:
            return 0
        with self.store.write() as db:
            cursor = db.execute(
                f"update trips set synced_at = ? where status = ? and id in "
                f"({','.join('?' * len(ids))})",
                [synced_at, CLOSED, *ids],
            )
        return cursor.rowcount

    def mark_charging_synced(self, session_ids: Iterable[str], synced_at: float) -> int:
        """Flag charging sessions as uploaded; return how many were flagged."""
        ids = list(session_ids)
        if not ids:
            return 0
        with self.store.write() as db:
            cursor = db.execute(
                f"update charging_sessions set synced_at = ? where status = ? and id in "
                f"({','.join('?' * len(ids))})",
                [synced_at, CLOSED, *ids],
            )
        return cursor.rowcount

    def unsynced_trips(self, limit: int = 100) -> list[TripSummary]:
        """Return closed trips not yet flagged synced, oldest first."""
        rows = self.store.query(
            "select * from trips where status = ? and synced_at is null "
            "order by started_at limit ?",
            [CLOSED, limit],
        )
        return [TripSummary.from_row(row) for row in rows]

    # -- reading, for the screens and the exports --------------------------

    def recent(self, limit: int = 50) -> list[TripSummary]:
        """Return closed and recording trips, newest first.

        A recording trip's figures are computed from the samples stored so far.
        """
        with self.store.read() as db:
            rows = list(
                db.query("select * from trips order by started_at desc limit ?", [limit])
            )
            for row in rows:
                if row["status"] == RECORDING:
                    row.update(summarise(db, row, None, None, detailed=False))
        return [TripSummary.from_row(row) for row in rows]

    def get(self, trip_id: str) -> TripSummary:
        """Return one trip; raise ``KeyError`` if there is none with that id."""
        rows = self.store.query("select * from trips where id = ?", [trip_id])
        if not rows:
            raise KeyError(f"no trip with id {trip_id!r}")
        return TripSummary.from_row(rows[0])

    def find(self, prefix: str) -> TripSummary:
        """Return the trip whose id starts with ``prefix`` (as ``trips list`` shows it)."""
        rows = self.store.query(
            "select * from trips where id like ? limit 2", [prefix.lower() + "%"]
        )
        if not rows:
            raise KeyError(f"no trip with an id starting {prefix!r}")
        if len(rows) > 1:
            raise KeyError(f"more than one trip id starts with {prefix!r}; give more of it")
        return TripSummary.from_row(rows[0])

    def trips_between(self, start: float, end: float) -> list[TripSummary]:
        """Return trips that started in [start, end), oldest first."""
        rows = self.store.query(
            "select * from trips where started_at >= ? and started_at < ? "
            "order by started_at",
            [start, end],
        )
        return [TripSummary.from_row(row) for row in rows]

    def trips_by_day(
        self, first_day: date, last_day: date
    ) -> list[tuple[date, list[TripSummary], list[ChargingSession]]]:
        """Return each local calendar day in the range with its trips and charges.

        Days without either are left out; the newest day comes first, as
        the trips screen lists them.
        """
        start = datetime.combine(first_day, datetime.min.time()).timestamp()
        end = datetime.combine(last_day + timedelta(days=1), datetime.min.time()).timestamp()
        days: dict[date, tuple[list[TripSummary], list[ChargingSession]]] = {}
        for trip in self.trips_between(start, end):
            day = datetime.fromtimestamp(trip.started_at).date()
            days.setdefault(day, ([], []))[0].append(trip)
        for session in self.charging_sessions(start, end):
            day = datetime.fromtimestamp(session.started_at).date()
            days.setdefault(day, ([], []))[1].append(session)
        return [(day, *days[day]) for day in sorted(days, reverse=True)]

    def samples(self, trip_id: str) -> list[dict[str, Any]]:
        """Return the samples of a trip in time order."""
        return self.store.query(
            "select * from samples where trip_id = ? order by t", [trip_id]
        )

    def iter_samples(
        self, trip_id: str, chunk_size: int = 500
    ) -> Iterator[dict[str, Any]]:
        """Yield a trip's samples in time order, reading ``chunk_size`` rows at a time.

        Each chunk is its own short read, so a long export never keeps a
        read snapshot open that would make the recorder's writes wait.
        """
        last_t = float("-inf")
        while True:
            rows = self.store.query(
                "select * from samples where trip_id = ? and t > ? order by t limit ?",
                [trip_id, last_t, chunk_size],
            )
            yield from rows
            if len(rows) < chunk_size:
                return
            last_t = rows[-1]["t"]

    def chart(self, trip_id: str) -> dict[str, list[float | None]]:
        """Return a trip's series for charts: time from start, distance, speed, energy.

        Keys: ``t_s`` (seconds since the trip started), ``distance_km``,
        ``speed_kmh``, ``energy_kwh``, ``soc_percent``, ``power_kw``, as
        parallel lists, so speed or energy plot over time or distance.
        """
        trip = self.get(trip_id)
        series: dict[str, list[float | None]] = {
            "t_s": [], "distance_km": [], "speed_kmh": [], "energy_kwh": [],
            "soc_percent": [], "power_kw": [],
        }
        for row in self.iter_samples(trip_id):
            series["t_s"].append(row["t"] - trip.started_at)
            distance = row["distance_m"]
            series["distance_km"].append(None if distance is None else distance / 1000)
            series["speed_kmh"].append(row["speed_kmh"])
            series["energy_kwh"].append(row["energy_kwh"])
            series["soc_percent"].append(row["soc_percent"])
            power = row["power_w"]
            series["power_kw"].append(None if power is None else power / 1000)
        return series

    def track(self, trip_id: str) -> list[tuple[float, float, float]]:
        """Return a trip's positions as (t, latitude, longitude), in time order."""
        rows = self.store.query(
            "select t, latitude, longitude from samples where trip_id = ? "
            "and latitude is not null and longitude is not null order by t",
            [trip_id],
        )
        return [(row["t"], row["latitude"], row["longitude"]) for row in rows]

    def events(self, trip_id: str) -> list[dict[str, Any]]:
        """Return a trip's events in time order; ``detail`` is decoded from JSON."""
        rows = self.store.query(
            "select * from events where trip_id = ? order by t", [trip_id]
        )
        for row in rows:
            row["detail"] = json.loads(row["detail"]) if row["detail"] else None
        return rows

    def events_between(self, start: float, end: float) -> list[dict[str, Any]]:
        """Return every event in [start, end), also those outside a trip."""
        rows = self.store.query(
            "select * from events where t >= ? and t < ? order by t", [start, end]
        )
        for row in rows:
            row["detail"] = json.loads(row["detail"]) if row["detail"] else None
        return rows

    def gaps(self, trip_id: str | None = None) -> list[dict[str, Any]]:
        """Return the gaps of a trip, or every gap when ``trip_id`` is None."""
        if trip_id is None:
            return self.store.query("select * from gaps order by start_t")
        return self.store.query(
            "select * from gaps where trip_id = ? order by start_t", [trip_id]
        )

    def charging_sessions(
        self, start: float = float("-inf"), end: float = float("inf")
    ) -> list[ChargingSession]:
        """Return charging sessions that started in [start, end), oldest first."""
        rows = self.store.query(
            "select * from charging_sessions where started_at >= ? and started_at < ? "
            "order by started_at",
            [start, end],
        )
        return [ChargingSession.from_row(row) for row in rows]
