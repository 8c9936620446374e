"""Charging sessions uploaded by head units, and charging tariffs served to them.

Sessions are idempotent by the head unit's session id, like trips. A
session's place, when the owner shares positions at all, is the centre of
a coarse grid cell. Tariffs are published by operators for a place, and a
head unit requests those of its coarse cell, never for its position.
"""

# No "from __future__ import annotations": FastAPI reads the parameter
# annotations at run time, and ``owner`` is local to ``router``.
import math
import time
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.engine import Engine

from platform_server import storage
from platform_server.models import CLIENT_ID, MAX_BATCH, TEXT, BatchResult, Strict

#: Local time of day, "HH:MM" from 00:00 to 23:59.
HOUR_MINUTE = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
#: ISO 4217 currency code.
CURRENCY = r"^[A-Z]{3}$"
TARIFF_ID = r"^[A-Za-z0-9_.-]{1,80}$"


class ChargingSessionIn(Strict):
    id: str = Field(pattern=CLIENT_ID)
    model: str = Field(min_length=1, max_length=100, pattern=TEXT)
    started_at: float = Field(ge=0, le=1e11)
    ended_at: float = Field(ge=0, le=1e11)
    end_reason: str | None = Field(default=None, max_length=100, pattern=TEXT)
    charge_type: str | None = Field(default=None, pattern=r"^(AC|DC)$")
    start_soc_percent: float | None = Field(default=None, ge=0, le=100)
    end_soc_percent: float | None = Field(default=None, ge=0, le=100)
    energy_added_kwh: float | None = Field(default=None, ge=0, le=1e4)
    energy_source: str | None = Field(default=None, max_length=40, pattern=TEXT)
    #: Centre of the coarse grid cell of the place, or null.
    cell_latitude: float | None = Field(default=None, ge=-90, le=90)
    cell_longitude: float | None = Field(default=None, ge=-180, le=180)
    cost: float | None = Field(default=None, ge=0, le=1e6)
    currency: str | None = Field(default=None, max_length=10, pattern=TEXT)
    tariff: str | None = Field(default=None, max_length=100, pattern=TEXT)

    @model_validator(mode="after")
    def check_consistency(self) -> "ChargingSessionIn":
        if self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        if (self.cell_latitude is None) != (self.cell_longitude is None):
            raise ValueError("cell_latitude and cell_longitude go together")
        return self


class ChargingSessionBatch(Strict):
    sessions: list[ChargingSessionIn] = Field(min_length=1, max_length=MAX_BATCH)


class TariffIn(Strict):
    """A tariff as an operator publishes it."""

    id: str = Field(pattern=TARIFF_ID)
    name: str = Field(min_length=1, max_length=100, pattern=TEXT)
    operator: str = Field(min_length=1, max_length=100, pattern=TEXT)
    price_per_kwh: float = Field(ge=0, le=100)
    currency: str = Field(pattern=CURRENCY)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_m: float = Field(gt=0, le=50_000)
    starts: str | None = Field(default=None, pattern=HOUR_MINUTE)
    ends: str | None = Field(default=None, pattern=HOUR_MINUTE)
    charge_type: str | None = Field(default=None, pattern=r"^(AC|DC)$")

    @model_validator(mode="after")
    def check_hours(self) -> "TariffIn":
        if (self.starts is None) != (self.ends is None):
            raise ValueError("starts and ends go together")
        return self


class TariffOut(BaseModel):
    """A published tariff, with ``starts`` and ``ends`` in local time at the place."""

    id: str
    name: str
    operator: str
    price_per_kwh: float
    currency: str
    latitude: float
    longitude: float
    radius_m: float
    starts: str | None
    ends: str | None
    charge_type: str | None
    updated_at: float


class TariffList(BaseModel):
    tariffs: list[TariffOut]


def publish_tariff(engine: Engine, tariff: dict[str, Any], now: float | None = None) -> None:
    """Insert or replace one tariff, for operators and tests.

    Raises ValueError (a pydantic ValidationError) on invalid fields.
    """
    checked = TariffIn(**tariff)
    values = dict(checked.model_dump(), updated_at=time.time() if now is None else now)
    with engine.begin() as connection:
        table = storage.tariffs
        connection.execute(delete(table).where(table.c.id == checked.id))
        connection.execute(insert(table).values(**values))


def router(
    engine: Engine,
    owner: Any,
    errors: dict[int | str, dict[str, Any]],
    authed_errors: dict[int | str, dict[str, Any]],
    dependencies: list[Any],
    *,
    route_class: type,
    store_batch: Callable[[Table, int, list[dict[str, Any]]], BatchResult],
) -> APIRouter:
    """Build the routes. ``store_batch`` stores rows idempotently by their ``id``."""
    api = APIRouter(prefix="/api/v1", route_class=route_class, dependencies=dependencies)

    @api.post("/charging-sessions/batch", response_model=BatchResult, tags=["uploads"],
              responses=authed_errors)
    def upload_charging_sessions(batch: ChargingSessionBatch, owner_id: owner) -> BatchResult:
        """Store charging sessions. A session id already stored counts as a duplicate."""
        now = time.time()
        rows = [dict(session.model_dump(), received_at=now) for session in batch.sessions]
        return store_batch(storage.charging_sessions, owner_id, rows)

    @api.get("/tariffs", response_model=TariffList, tags=["community"], responses=errors)
    def tariffs_near(
        lat: Annotated[float, Query(ge=-90, le=90)],
        lon: Annotated[float, Query(ge=-180, le=180)],
        radius_km: Annotated[float, Query(gt=0, le=500)] = 50,
        limit: Annotated[int, Query(ge=1, le=500)] = 200,
    ) -> TariffList:
        """Charging tariffs whose place lies within ``radius_km`` of a point, nearest first."""
        with engine.connect() as connection:
            rows = connection.execute(select(storage.tariffs)).all()
        found = []
        for row in rows:
            distance = _distance_km(lat, lon, row.latitude, row.longitude)
            if distance <= radius_km:
                found.append((distance, row.id, TariffOut(**row._asdict())))
        found.sort(key=lambda entry: (entry[0], entry[1]))
        return TariffList(tariffs=[tariff for _, _, tariff in found[:limit]])

    return api


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
