"""Tables of the reference platform, through SQLAlchemy Core.

SQLite is the default (one file, nothing to install); PostgreSQL is used
when the database URL names it, as a fleet installation would. Every table
that holds an owner's data carries ``owner_id``, and every query of the
API filters on it, so an owner only ever reads their own rows.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine

metadata = MetaData()

owners = Table(
    "owners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", Float, nullable=False),
)

device_codes = Table(
    "device_codes",
    metadata,
    Column("device_code_hash", String(64), primary_key=True),
    Column("user_code", String(16), nullable=False, unique=True),
    Column("client_id", String(100), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("interval_s", Integer, nullable=False),
    Column("last_poll_at", Float),
    # pending, approved, denied or used
    Column("status", String(10), nullable=False),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE")),
)

trips = Table(
    "trips",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("id", String(64), nullable=False),
    Column("model", String(100), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("ended_at", Float, nullable=False),
    Column("distance_m", Float, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("avg_speed_kmh", Float, nullable=False),
    Column("max_speed_kmh", Float, nullable=False),
    Column("energy_used_kwh", Float),
    Column("fuel_used_l", Float),
    Column("consumption_per_100km", Float),
    Column("received_at", Float, nullable=False),
    UniqueConstraint("owner_id", "id", name="trips_owner_client_id"),
)

traces = Table(
    "traces",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("trip_id", String(64), nullable=False),
    # JSON list of [t, latitude, longitude, speed_kmh]
    Column("points", Text, nullable=False),
    UniqueConstraint("owner_id", "trip_id", name="traces_owner_trip"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("id", String(64), nullable=False),
    Column("model", String(100), nullable=False),
    Column("trip_id", String(64)),
    Column("score", Integer, nullable=False),
    Column("tags", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("owner_id", "id", name="ratings_owner_client_id"),
)

tip_votes = Table(
    "tip_votes",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("id", String(64), nullable=False),
    Column("tip_id", String(64), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("owner_id", "id", name="tip_votes_owner_client_id"),
)

tip_reports = Table(
    "tip_reports",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("id", String(64), nullable=False),
    Column("tip_id", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("owner_id", "id", name="tip_reports_owner_client_id"),
)

rsvps = Table(
    "rsvps",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("id", String(64), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("going", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("owner_id", "id", name="rsvps_owner_client_id"),
)

tips = Table(
    "tips",
    metadata,
    # The change sequence is the pull cursor: every insert or edit takes
    # the next value, so "changed since N" is one indexed range query.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("model", String(100)),
    Column("conditions", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("author_role", String(50), nullable=False),
    Column("helpful_votes", Integer, nullable=False, default=0),
    Column("no_longer_true", Integer, nullable=False, default=0),
    Column("updated_at", Float, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
)

club_events = Table(
    "club_events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("club", String(200), nullable=False),
    Column("title", String(200), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("starts_at", Float, nullable=False),
    Column("place", String(200), nullable=False),
)

# Community documents in the head unit's content format (kinds workshops,
# dtc_experiences and clips), one row per kind and id.
community_items = Table(
    "community_items",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("id", String(80), primary_key=True),
    # JSON list of lower-case model names the item applies to; "[]" for any.
    Column("models", Text, nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("body", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)

clip_files = Table(
    "clip_files",
    metadata,
    Column("clip_id", String(80), primary_key=True),
    Column("media_type", String(40), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# Points the platform granted an owner, one row per grant.
points_entries = Table(
    "points_entries",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("id", String(64), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("points", Integer, nullable=False),
    Column("subject_id", String(80)),
    Column("earned_at", String(40), nullable=False),
    UniqueConstraint("owner_id", "id", name="points_owner_entry_id"),
)

# Charging sessions of the owner's electric car. The place is the centre
# of a coarse grid cell, sent only with the owner's consent to share
# positions, else null.
charging_sessions = Table(
    "charging_sessions",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("id", String(64), nullable=False),
    Column("model", String(100), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("ended_at", Float, nullable=False),
    Column("end_reason", String(100)),
    Column("charge_type", String(2)),
    Column("start_soc_percent", Float),
    Column("end_soc_percent", Float),
    Column("energy_added_kwh", Float),
    Column("energy_source", String(40)),
    Column("cell_latitude", Float),
    Column("cell_longitude", Float),
    Column("cost", Float),
    Column("currency", String(10)),
    Column("tariff", String(100)),
    Column("received_at", Float, nullable=False),
    UniqueConstraint("owner_id", "id", name="charging_owner_client_id"),
)

# Charging tariffs that operators publish, each bound to a place.
tariffs = Table(
    "tariffs",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("operator", String(100), nullable=False),
    Column("price_per_kwh", Float, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("radius_m", Float, nullable=False),
    # Local time of day "HH:MM" at the place; both null for all day.
    Column("starts", String(5)),
    Column("ends", String(5)),
    # AC, DC or null for both.
    Column("charge_type", String(2)),
    Column("updated_at", Float, nullable=False),
)

#: Tables of data about one owner, covered by export and delete-my-data.
OWNER_TABLES = (
    trips, traces, ratings, tip_votes, tip_reports, rsvps, points_entries, charging_sessions,
)


def connect(database_url: str) -> Engine:
    """Create the engine for ``database_url`` and the tables it lacks."""
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver this project installs.
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    options = {}
    if database_url.startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(database_url, pool_pre_ping=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    return engine


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()
