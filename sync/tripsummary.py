"""A trip's summary, computed from the samples, events and gaps on disk.

Nothing here reads values held in memory, so the summary of a trip cut
short by a power loss comes out the same as that of a trip closed in order,
up to the samples the cut lost.
"""

from __future__ import annotations

import json
from typing import Any

#: Speed below which a sample interval counts as standing, in km/h.
STANDING_SPEED_KMH = 0.5
#: A trip shorter than this gives no consumption per 100 km: the figure of
#: a few hundred metres is dominated by standby and would mislead.
MIN_DISTANCE_FOR_CONSUMPTION_M = 500.0


def summarise(
    db: Any,
    trip: dict[str, Any],
    ended_at: float | None,
    fuel_tank_l: float | None,
    car_consumption_path: str | None = None,
    detailed: bool = True,
) -> dict[str, Any]:
    """Return the summary columns of ``trip`` from its stored rows.

    ``detailed`` False leaves out the energy split, event counts and the
    car's figure, which read every sample: enough for a running trip that
    the screen refreshes once a second.
    """
    trip_id = trip["id"]
    count, last_t, distance_m, max_speed = db.execute(
        "select count(*), max(t), max(distance_m), max(speed_kmh) "
        "from samples where trip_id = ?",
        [trip_id],
    ).fetchone()
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
        "energy_used_kwh": _last_value(db, trip_id, "energy_kwh"),
        "fuel_used_l": None,
        "consumption_kwh_per_100km": None,
        "fuel_l_per_100km": None,
    }
    if count == 0 and trip.get("samples_state") in ("thinned", "evicted"):
        # Samples were evicted under the storage budget, so the summary
        # stored when the trip closed stays as it is.
        return {"ended_at": trip.get("ended_at") or end}

    first_lat, first_lon = _first_position(db, trip_id)
    last_lat, last_lon = _last_position(db, trip_id)
    summary.update(
        start_latitude=first_lat,
        start_longitude=first_lon,
        end_latitude=last_lat,
        end_longitude=last_lon,
        odometer_start_km=_first_value(db, trip_id, "odometer_km"),
        odometer_end_km=_last_value(db, trip_id, "odometer_km"),
    )
    if fuel_tank_l:
        first = _first_value(db, trip_id, "fuel_percent")
        last = _last_value(db, trip_id, "fuel_percent")
        if first is not None and last is not None:
            summary["fuel_used_l"] = max(first - last, 0.0) / 100 * fuel_tank_l
    if distance_m >= MIN_DISTANCE_FOR_CONSUMPTION_M:
        if summary["energy_used_kwh"] is not None:
            summary["consumption_kwh_per_100km"] = (
                summary["energy_used_kwh"] / distance_m * 100_000
            )
        if summary["fuel_used_l"] is not None:
            summary["fuel_l_per_100km"] = summary["fuel_used_l"] / distance_m * 100_000
    if not detailed:
        return summary
    summary.update(_energy_split(db, trip_id))
    summary.update(_event_counts(db, trip_id))
    summary["car_consumption_kwh_per_100km"] = _car_figure(
        db, trip, car_consumption_path
    )
    return summary


def _energy_split(db: Any, trip_id: str) -> dict[str, float | None]:
    """Split the energy between samples into driving, climate and standby.

    Each interval between two samples is standing when both ends stand.
    Climate energy is the trapezoid of the climate power over the interval;
    the rest of the interval's energy goes to driving or to standby.
    """
    rows = db.execute(
        "select t, speed_kmh, energy_kwh, climate_power_w from samples "
        "where trip_id = ? order by t",
        [trip_id],
    ).fetchall()
    if not any(row[2] is not None for row in rows):
        return {
            "energy_driving_kwh": None,
            "energy_climate_kwh": None,
            "energy_standby_kwh": None,
        }
    has_climate = any(row[3] is not None for row in rows)
    driving = climate = standby = 0.0
    # The trip's energy counts from zero at its start, which the first
    # sample may follow by a moment.
    first = rows[0]
    previous: tuple[Any, ...] | None = (first[0], first[1], 0.0, first[3])
    for t, speed, energy, climate_w in rows:
        if energy is None:
            continue
        if previous is not None:
            t0, speed0, energy0, climate0 = previous
            delta = energy - energy0
            dt = t - t0
            part = 0.0
            if climate_w is not None and climate0 is not None and dt > 0:
                part = (climate_w + climate0) / 2 * dt / 3_600_000
            standing = (speed or 0.0) < STANDING_SPEED_KMH and (
                speed0 or 0.0
            ) < STANDING_SPEED_KMH
            climate += part
            if standing:
                standby += delta - part
            else:
                driving += delta - part
        previous = (t, speed, energy, climate_w)
    return {
        "energy_driving_kwh": driving,
        "energy_climate_kwh": climate if has_climate else None,
        "energy_standby_kwh": standby,
    }


def _event_counts(db: Any, trip_id: str) -> dict[str, int]:
    counts = dict(
        db.execute(
            "select kind, count(*) from events where trip_id = ? group by kind",
            [trip_id],
        ).fetchall()
    )
    gaps = db.execute(
        "select count(*) from gaps where trip_id = ?", [trip_id]
    ).fetchone()[0]
    return {
        "harsh_braking_count": counts.get("harsh_braking", 0),
        "harsh_acceleration_count": counts.get("harsh_acceleration", 0),
        "event_count": sum(counts.values()),
        "gap_count": gaps,
    }


def _car_figure(db: Any, trip: dict[str, Any], path: str | None) -> float | None:
    """Return the car's own trip consumption from the last logged sample."""
    if path is None or not trip.get("logged_paths"):
        return None
    paths = json.loads(trip["logged_paths"])
    if path not in paths:
        return None
    index = paths.index(path)
    for (logged,) in db.execute(
        "select logged from samples where trip_id = ? and logged is not null "
        "order by t desc limit 30",
        [trip["id"]],
    ):
        values = json.loads(logged)
        if index < len(values) and values[index] is not None:
            return float(values[index])
    return None


def _first_position(db: Any, trip_id: str) -> tuple[float | None, float | None]:
    row = db.execute(
        "select latitude, longitude from samples where trip_id = ? "
        "and latitude is not null and longitude is not null order by t limit 1",
        [trip_id],
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _last_position(db: Any, trip_id: str) -> tuple[float | None, float | None]:
    row = db.execute(
        "select latitude, longitude from samples where trip_id = ? "
        "and latitude is not null and longitude is not null order by t desc limit 1",
        [trip_id],
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


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
