"""Trips and their 1 Hz samples in the store.

A trip's summary is always computed from the samples that reached the
disk, so a trip cut short by a power loss is closed at the next start from
what was written, and never from values held only in memory.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, fields
from typing import Any

from sync.store import Store

logger = logging.getLogger(__name__)

RECORDING = "recording"
CLOSED = "closed"

#: Columns of a sample besides its trip and time.
SAMPLE_COLUMNS = (
    "speed_kmh",
    "distance_m",
    "soc_percent",
    "power_w",
    "energy_kwh",
    "fuel_percent",
    "latitude",
    "longitude",
)


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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "TripSummary":
        names = {field.name for field in fields(cls)}
        values = {name: row.get(name) for name in names}
        for name in ("distance_m", "duration_s", "avg_speed_kmh", "max_speed_kmh"):
            values[name] = values[name] or 0.0
        values["sample_count"] = values["sample_count"] or 0
        return cls(**values)


class TripLog:
    """Writes trips and samples, each call one short transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start_trip(self, vehicle: str, started_at: float) -> str:
        """Open a new trip and return its id."""
        trip_id = uuid.uuid4().hex
        with self.store.write() as db:
            db["trips"].insert(
                {
                    "id": trip_id,
                    "vehicle": vehicle,
                    "status": RECORDING,
                    "started_at": started_at,
                    "sample_count": 0,
                }
            )
        logger.info("trip %s started at %.3f", trip_id, started_at)
        return trip_id

    def add_sample(self, trip_id: str, t: float, values: dict[str, Any]) -> None:
        """Store one sample; a second sample at the same time replaces the first."""
        row = {"trip_id": trip_id, "t": t}
        row.update({name: values.get(name) for name in SAMPLE_COLUMNS})
        with self.store.write() as db:
            db["samples"].insert(row, replace=True)

    def close_trip(
        self,
        trip_id: str,
        ended_at: float | None,
        end_reason: str,
        fuel_tank_l: float | None = None,
    ) -> TripSummary:
        """Compute the summary from stored samples and mark the trip closed.

        ``ended_at`` None means the end is unknown (a power cut): the time of
        the last stored sample is used.
        """
        with self.store.write() as db:
            trip = db["trips"].get(trip_id)
            summary = _summarise(db, trip, ended_at, fuel_tank_l)
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

    def recover_open_trips(self, fuel_tank_l: float | None = None) -> list[TripSummary]:
        """Close trips left recording by a crash or power cut, from their samples."""
        open_ids = [
            row["id"]
            for row in self.store.query(
                "select id from trips where status = ? order by started_at", [RECORDING]
            )
        ]
        recovered = []
        for trip_id in open_ids:
            logger.warning("trip %s was not closed; recovering it from its samples", trip_id)
            recovered.append(self.close_trip(trip_id, None, "recovered", fuel_tank_l))
        return recovered

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
                    row.update(_summarise(db, row, None, None))
        return [TripSummary.from_row(row) for row in rows]

    def get(self, trip_id: str) -> TripSummary:
        """Return one trip; raise ``KeyError`` if there is none with that id."""
        rows = self.store.query("select * from trips where id = ?", [trip_id])
        if not rows:
            raise KeyError(f"no trip with id {trip_id!r}")
        return TripSummary.from_row(rows[0])

    def samples(self, trip_id: str) -> list[dict[str, Any]]:
        """Return the samples of a trip in time order."""
        return self.store.query(
            "select * from samples where trip_id = ? order by t", [trip_id]
        )


def _summarise(
    db: Any, trip: dict[str, Any], ended_at: float | None, fuel_tank_l: float | None
) -> dict[str, Any]:
    aggregate = db.execute(
        """
        select count(*), max(t), max(distance_m), max(speed_kmh)
        from samples where trip_id = ?
        """,
        [trip["id"]],
    ).fetchone()
    count, last_t, distance_m, max_speed = aggregate
    started_at = trip["started_at"]
    end = ended_at if ended_at is not None else (last_t or started_at)
    duration_s = max(end - started_at, 0.0)
    distance_m = distance_m or 0.0
    summary: dict[str, Any] = {
        "ended_at": end,
        "distance_m": distance_m,
        "duration_s": duration_s,
        "avg_speed_kmh": distance_m / duration_s * 3.6 if duration_s > 0 else 0.0,
        "max_speed_kmh": max_speed or 0.0,
        "sample_count": count,
        "energy_used_kwh": _last_value(db, trip["id"], "energy_kwh"),
        "fuel_used_l": None,
    }
    if fuel_tank_l:
        first = _first_value(db, trip["id"], "fuel_percent")
        last = _last_value(db, trip["id"], "fuel_percent")
        if first is not None and last is not None:
            summary["fuel_used_l"] = max(first - last, 0.0) / 100 * fuel_tank_l
    return summary


def _first_value(db: Any, trip_id: str, column: str) -> float | None:
    row = db.execute(
        f"select {column} from samples where trip_id = ? and {column} is not null "
        "order by t limit 1",
        [trip_id],
    ).fetchone()
    return row[0] if row else None


def _last_value(db: Any, trip_id: str, column: str) -> float | None:
    row = db.execute(
        f"select {column} from samples where trip_id = ? and {column} is not null "
        "order by t desc limit 1",
        [trip_id],
    ).fetchone()
    return row[0] if row else None
