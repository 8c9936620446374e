"""Schema migrations of the head unit database, applied in order at start-up.

A migration, once released, never changes: a later schema change is a new
function appended below, so a database of any earlier release upgrades.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("headunit")

#: Number of migrations defined below; a test keeps the two in step.
SCHEMA_VERSION = 2


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


@MIGRATIONS()
def m002_trip_log_events_gaps_charging(db: Database) -> None:
    """Add events, gaps, charging sessions, ratings and sync flags to the trip log."""
    trips = db["trips"]
    for column, kind in (
        ("start_latitude", float),
        ("start_longitude", float),
        ("end_latitude", float),
        ("end_longitude", float),
        ("odometer_start_km", float),
        ("odometer_end_km", float),
        ("consumption_kwh_per_100km", float),
        ("fuel_l_per_100km", float),
        ("energy_driving_kwh", float),
        ("energy_climate_kwh", float),
        ("energy_standby_kwh", float),
        ("car_consumption_kwh_per_100km", float),
        ("harsh_braking_count", int),
        ("harsh_acceleration_count", int),
        ("event_count", int),
        ("gap_count", int),
        ("logged_paths", str),
        ("drive_rating", int),
        ("car_rating", int),
        ("tags", str),
        ("purpose", str),
        ("rated_at", float),
        ("synced_at", float),
        ("samples_state", str),
    ):
        trips.add_column(column, kind)
    samples = db["samples"]
    for column, kind in (
        ("odometer_km", float),
        ("gear", int),
        ("climate_power_w", float),
        ("logged", str),
    ):
        samples.add_column(column, kind)
    db["events"].create(
        {
            "id": int,
            "trip_id": str,
            "vehicle": str,
            "t": float,
            "kind": str,
            "value": float,
            "detail": str,
            "latitude": float,
            "longitude": float,
        },
        pk="id",
        not_null={"vehicle", "t", "kind"},
    )
    db["events"].create_index(["trip_id", "t"])
    db["events"].create_index(["t"])
    db["gaps"].create(
        {
            "id": int,
            "trip_id": str,
            "vehicle": str,
            "kind": str,
            "start_t": float,
            "end_t": float,
            "distance_km": float,
            "detail": str,
        },
        pk="id",
        not_null={"vehicle", "kind", "start_t", "end_t"},
    )
    db["gaps"].create_index(["trip_id"])
    db["gaps"].create_index(["start_t"])
    db["charging_sessions"].create(
        {
            "id": str,
            "vehicle": str,
            "status": str,
            "started_at": float,
            "ended_at": float,
            "end_reason": str,
            "charge_type": str,
            "start_soc_percent": float,
            "end_soc_percent": float,
            "energy_added_kwh": float,
            "energy_source": str,
            "latitude": float,
            "longitude": float,
            "cost": float,
            "currency": str,
            "tariff": str,
            "synced_at": float,
        },
        pk="id",
        not_null={"vehicle", "status", "started_at"},
    )
    db["charging_sessions"].create_index(["started_at"])

