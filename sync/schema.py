"""Schema migrations of the head unit database, applied in order at start-up.

A migration, once released, never changes: a later schema change is a new
function appended below, so a database of any earlier release upgrades.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("headunit")

#: Number of migrations defined below; a test keeps the two in step.
SCHEMA_VERSION = 1


@MIGRATIONS()
def m001_trips_and_samples(db: Database) -> None:
    db["trips"].create(
        {
            "id": str,
            "vehicle": str,
            "status": str,
            "started_at": float,
            "ended_at": float,
            "end_reason": str,
            "distance_m": float,
            "duration_s": float,
            "avg_speed_kmh": float,
            "max_speed_kmh": float,
            "energy_used_kwh": float,
            "fuel_used_l": float,
            "sample_count": int,
        },
        pk="id",
        not_null={"vehicle", "status", "started_at"},
    )
    db["samples"].create(
        {
            "trip_id": str,
            "t": float,
            "speed_kmh": float,
            "distance_m": float,
            "soc_percent": float,
            "power_w": float,
            "energy_kwh": float,
            "fuel_percent": float,
            "latitude": float,
            "longitude": float,
        },
        pk=("trip_id", "t"),
        foreign_keys=[("trip_id", "trips", "id")],
    )
    db["trips"].create_index(["started_at"])
    db["settings"].create({"key": str, "value": str}, pk="key")


