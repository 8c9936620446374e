"""Recorded trips made quickly in a head-unit database, for sync tests."""

from __future__ import annotations

import math

from sync.store import Store


def add_closed_trips(store: Store, count: int, *, start: float = 1_750_000_000.0,
                     samples: int = 0, model: str = "Demo EV",
                     origin: tuple[float, float] = (31.2304, 121.4737)) -> list[str]:
    """Insert ``count`` closed trips (and ``samples`` 1 Hz samples each); return their ids.

    Each trip drives east from ``origin`` at 54 km/h (15 m/s).
    """
    ids = []
    with store.write() as db:
        for index in range(count):
            trip_id = f"trip{index:05d}"
            began = start + index * 3600
            duration = max(samples, 600)
            db["trips"].insert({
                "id": trip_id, "vehicle": model, "status": "closed",
                "started_at": began, "ended_at": began + duration, "end_reason": "parked",
                "distance_m": 15.0 * duration, "duration_s": float(duration),
                "avg_speed_kmh": 54.0, "max_speed_kmh": 80.0 + index % 20,
                "energy_used_kwh": 1.2 + (index % 10) / 10, "sample_count": samples,
            })
            rows = []
            for second in range(samples):
                east_m = 15.0 * second
                rows.append({
                    "trip_id": trip_id, "t": began + second, "speed_kmh": 54.0,
                    "distance_m": east_m,
                    "latitude": origin[0],
                    "longitude": origin[1] + east_m / (111_320 * math.cos(math.radians(origin[0]))),
                })
            if rows:
                db["samples"].insert_all(rows)
            ids.append(trip_id)
    return ids
