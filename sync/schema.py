"""Schema migrations of the head unit database, applied in order at start-up.

A migration, once released, never changes: a later schema change is a new
function appended below, so a database of any earlier release upgrades.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("headunit")

#: Number of migrations defined below; a test keeps the two in step.
SCHEMA_VERSION = 5


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
def m002_community_cache_and_feedback(db: Database) -> None:
    # Community documents pulled from the platform, one row per item; the
    # body is the item's JSON exactly as received, checked again on reading.
    db["content_cache"].create(
        {"kind": str, "id": str, "updated_at": str, "body": str, "stored_at": float},
        pk=("kind", "id"),
        not_null={"updated_at", "body"},
    )
    db["content_cursors"].create({"kind": str, "cursor": str}, pk="kind")
    # The owner's feedback on tips and events: the current choice per item ...
    db["tip_feedback"].create(
        {
            "tip_id": str,
            "vote": str,
            "later": int,
            "no_longer_true": int,
            "hidden_until": float,
            "updated_at": float,
        },
        pk="tip_id",
    )
    db["event_rsvps"].create(
        {"event_id": str, "status": str, "updated_at": float}, pk="event_id"
    )
    # ... and every change as a queued item for upload, oldest first.
    db["community_queue"].create(
        {
            "id": str,
            "kind": str,
            "subject_id": str,
            "payload": str,
            "created_at": float,
            "sent_at": float,
        },
        pk="id",
        not_null={"kind", "subject_id", "payload", "created_at"},
    )
    db["community_queue"].create_index(["sent_at", "created_at"])
    # Points the owner earned, as granted by the platform; ids make it idempotent.
    db["points_ledger"].create(
        {
            "id": str,
            "reason": str,
            "points": int,
            "subject_id": str,
            "earned_at": str,
        },
        pk="id",
        not_null={"reason", "points", "earned_at"},
    )


@MIGRATIONS()
def m003_outbox_caches_and_privacy(db: Database) -> None:
    # Items waiting for upload. "id" is the stable id that the platform uses
    # to drop duplicates. "state" is pending, sent or rejected, and a
    # rejected item keeps its error, so nothing disappears without a trace.
    db["outbox"].create(
        {
            "id": str,
            "kind": str,
            "ref": str,
            "payload": str,
            "state": str,
            "created_at": float,
            "attempts": int,
            "last_error": str,
            "sent_at": float,
        },
        pk="id",
        not_null={"kind", "state", "created_at"},
        defaults={"attempts": 0},
    )
    db["outbox"].create_index(["state", "kind", "created_at"])
    db["cached_tips"].create(
        {"id": str, "tip": str, "deleted": int, "updated_at": float}, pk="id"
    )
    db["cached_club_events"].create(
        {"id": str, "event": str, "starts_at": float, "area": str}, pk="id"
    )
    db["cached_model_stats"].create(
        {"model": str, "kind": str, "stats": str, "fetched_at": float},
        pk=("model", "kind"),
    )
    # Places around which no position is ever uploaded (home, work).
    db["hidden_places"].create(
        {"id": int, "name": str, "latitude": float, "longitude": float,
         "radius_m": float},
        pk="id",
        not_null={"name", "latitude", "longitude", "radius_m"},
    )
    # Bytes sent and received over the mobile connection, per calendar month.
    db["data_usage"].create({"month": str, "bytes": int}, pk="month")


@MIGRATIONS()
def m004_trip_log_events_gaps_charging(db: Database) -> None:
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



@MIGRATIONS()
def m005_cached_charging_tariffs(db: Database) -> None:
    # Charging tariffs pulled from the platform for the car's coarse area;
    # "area" is the grid cell the pull named, "tariff" the JSON as received.
    db["cached_tariffs"].create(
        {"id": str, "tariff": str, "area": str, "fetched_at": float},
        pk="id",
        not_null={"tariff", "area", "fetched_at"},
    )
