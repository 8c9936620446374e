"""The sync API of the reference platform, as a FastAPI application.

``create_app`` builds one application on one database. Uploads are
idempotent by the client's ids: a batch sent twice stores each item once
and reports the second copies as duplicates. Request bodies may be
gzip-compressed (``Content-Encoding: gzip``). Every client is rate
limited and gets 429 with ``Retry-After`` when it sends too fast.
"""


import json
import math
import threading
import time
import zlib
from dataclasses import dataclass
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from platform_server import accounts, charging_api, community_api, content, storage, web
from platform_server.models import (
    BatchResult,
    ClubEvent,
    ClubEventList,
    Consumption,
    Deleted,
    DeviceAuthorizationOut,
    Export,
    OAuthError,
    OwnerIn,
    OwnerOut,
    Percentiles,
    Problem,
    RatingBatch,
    RsvpBatch,
    TEXT,
    Satisfaction,
    Tip,
    TipPage,
    TipReportBatch,
    TokenOut,
    TraceBatch,
    TripBatch,
    VoteBatch,
)

API_VERSION = "1.0.0"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class ServerConfig:
    """Settings of one platform instance."""

    database_url: str = "sqlite:///platform.db"
    #: Requests a client may send per second on average, and in one burst.
    rate_per_s: float = 20.0
    burst: int = 60
    device_code_lifetime_s: int = 600
    device_poll_interval_s: int = 5
    #: Largest request body after gzip decompression, in bytes.
    max_body_bytes: int = 16 * 1024 * 1024
    seed_demo_content: bool = False


class RateLimiter:
    """A token bucket per client key (access token or address)."""

    #: Clients tracked before idle buckets are dropped.
    max_keys = 10_000

    def __init__(self, rate_per_s: float, burst: int) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait_time(self, key: str, now: float | None = None) -> float:
        """Take one request from the key's bucket; return 0 or seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._buckets) > self.max_keys:
                self._forget_idle(now)
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        # A bucket that has refilled completely is the same as no bucket.
        full_after = self.burst / self.rate
        self._buckets = {key: (tokens, last) for key, (tokens, last) in self._buckets.items()
                         if now - last < full_after}


class GzipRequest(Request):
    """A request whose body is decompressed when it is sent gzip-encoded."""

    max_body_bytes = 16 * 1024 * 1024

    async def body(self) -> bytes:
        if not hasattr(self, "_decoded_body"):
            raw = await super().body()
            if self.headers.get("content-encoding", "").lower() == "gzip":
                raw = _gunzip(raw, self.max_body_bytes)
            elif len(raw) > self.max_body_bytes:
                raise HTTPException(413, "request body too large")
            self._decoded_body = raw
        return self._decoded_body


def _gunzip(data: bytes, limit: int) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = decompressor.decompress(data, limit + 1)
    except zlib.error as error:
        raise HTTPException(400, f"invalid gzip body: {error}") from error
    if len(body) > limit or decompressor.unconsumed_tail:
        raise HTTPException(413, f"request body larger than {limit} bytes")
    if not decompressor.eof:
        raise HTTPException(400, "invalid gzip body: truncated")
    return body


class GzipRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def decoding_handler(request: Request) -> Response:
            return await handler(GzipRequest(request.scope, request.receive))

        return decoding_handler


def create_app(config: ServerConfig | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the platform application on the configured database."""
    config = config or ServerConfig()
    engine = engine or storage.connect(config.database_url)
    if config.seed_demo_content:
        content.seed_demo(engine)
    limiter = RateLimiter(config.rate_per_s, config.burst)
    GzipRequest.max_body_bytes = config.max_body_bytes

    app = FastAPI(
        title="Car-owner community platform: head-unit sync API",
        version=API_VERSION,
        description=(
            "Uploads from head units (trips, traces, ratings, tip votes, club "
            "RSVPs, charging sessions) are idempotent by the client's ids. "
            "Request bodies may be gzip-compressed. Clients that send too fast get 429 with Retry-After."
        ),
    )
    app.state.engine = engine
    app.state.config = config

    def rate_limit(request: Request) -> None:
        key = request.headers.get("authorization") or (
            request.client.host if request.client else "unknown"
        )
        wait = limiter.wait_time(accounts.hash_secret(key))
        if wait > 0:
            raise HTTPException(
                429, "too many requests", headers={"Retry-After": str(math.ceil(wait))}
            )

    bearer = HTTPBearer(auto_error=False)

    def current_owner(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> int:
        owner_id = None
        if credentials is not None:
            owner_id = accounts.owner_for_token(engine, credentials.credentials)
        if owner_id is None:
            raise HTTPException(
                401, "missing or invalid access token", headers={"WWW-Authenticate": "Bearer"}
            )
        return owner_id

    Owner = Annotated[int, Depends(current_owner)]
    errors: dict[int | str, dict[str, Any]] = {
        422: {"description": "Invalid request"},
        429: {"model": Problem, "description": "Too many requests; see Retry-After"},
    }
    authed_errors = {**errors, 401: {"model": Problem, "description": "Not signed in"}}
    api = APIRouter(
        prefix="/api/v1", route_class=GzipRoute, dependencies=[Depends(rate_limit)]
    )

    @api.post("/owners", status_code=201, response_model=OwnerOut, tags=["accounts"],
              responses={**errors, 409: {"model": Problem}})
    def create_owner(owner: OwnerIn) -> OwnerOut:
        """Create an owner account."""
        try:
            owner_id = accounts.create_owner(engine, owner.email, owner.password)
        except accounts.AccountError as error:
            raise HTTPException(409, str(error)) from error
        return OwnerOut(id=owner_id, email=owner.email.strip().lower())

    @api.post("/oauth/device_authorization", response_model=DeviceAuthorizationOut,
              tags=["pairing"], responses=errors)
    def device_authorization(
        request: Request, client_id: Annotated[str, Form(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]
    ) -> DeviceAuthorizationOut:
        """Start pairing a device (RFC 8628 section 3.1)."""
        grant = accounts.start_device_authorization(
            engine, client_id, config.device_code_lifetime_s, config.device_poll_interval_s
        )
        uri = str(request.base_url).rstrip("/") + "/device"
        return DeviceAuthorizationOut(
            device_code=grant.device_code,
            user_code=grant.user_code,
            verification_uri=uri,
            verification_uri_complete=f"{uri}?user_code={grant.user_code}",
            expires_in=grant.expires_in,
            interval=grant.interval,
        )

    @api.post("/oauth/token", response_model=TokenOut, tags=["pairing"],
              responses={**errors, 400: {"model": OAuthError}})
    def token(
        grant_type: Annotated[str, Form(max_length=200, pattern=TEXT)],
        device_code: Annotated[str, Form(max_length=200, pattern=TEXT)],
        client_id: Annotated[str, Form(max_length=100, pattern=TEXT)],
    ) -> Any:
        """Poll for the access token of a device code (RFC 8628 section 3.4)."""
        if grant_type != DEVICE_GRANT:
            return JSONResponse(
                {"error": "unsupported_grant_type", "error_description": grant_type[:50]}, 400
            )
        try:
            access_token = accounts.exchange_device_code(engine, device_code, client_id)
        except accounts.TokenError as error:
            return JSONResponse(
                {"error": error.error, "error_description": error.description}, 400
            )
        return TokenOut(access_token=access_token, token_type="Bearer")

    @api.post("/oauth/revoke", status_code=204, tags=["pairing"], responses=authed_errors)
    def revoke(
        _owner: Owner,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Response:
        """Sign this device out: its access token stops working."""
        assert credentials is not None
        accounts.revoke_token(engine, credentials.credentials)
        return Response(status_code=204)

    def store_batch(table: Table, owner_id: int, items: list[dict[str, Any]],
                    key: str = "id") -> BatchResult:
        unique: dict[str, dict[str, Any]] = {}
        for item in items:
            unique.setdefault(item[key], item)
        ids = list(unique)
        with engine.begin() as connection:
            known = {
                row[0]
                for row in connection.execute(
                    select(table.c[key]).where(
                        table.c.owner_id == owner_id, table.c[key].in_(ids)
                    )
                )
            }
            fresh = [dict(unique[i], owner_id=owner_id) for i in ids if i not in known]
            if fresh:
                connection.execute(_insert_ignoring_duplicates(engine, table), fresh)
        return BatchResult(
            accepted=[i for i in ids if i not in known],
            duplicates=[i for i in ids if i in known],
        )

    @api.post("/trips/batch", response_model=BatchResult, tags=["uploads"],
              responses=authed_errors)
    def upload_trips(batch: TripBatch, owner_id: Owner) -> BatchResult:
        """Store trip summaries; a trip id already stored counts as a duplicate."""
        now = time.time()
        rows = []
        for trip in batch.trips:
            row = trip.model_dump()
            row["received_at"] = now
            rows.append(row)
        return store_batch(storage.trips, owner_id, rows)

    @api.post("/traces/batch", response_model=BatchResult, tags=["uploads"],
              responses=authed_errors)
    def upload_traces(batch: TraceBatch, owner_id: Owner) -> BatchResult:
        """Store the position traces of trips (full-trace consent only)."""
        rows = [
            {"trip_id": trace.trip_id,
             "points": json.dumps([point.model_dump() for point in trace.points])}
            for trace in batch.traces
        ]
        return store_batch(storage.traces, owner_id, rows, key="trip_id")

    @api.post("/ratings/batch", response_model=BatchResult, tags=["uploads"],
              responses=authed_errors)
    def upload_ratings(batch: RatingBatch, owner_id: Owner) -> BatchResult:
        """Store ratings of drives and of the car."""
        now = time.time()
        rows = [dict(r.model_dump(), tags=json.dumps(r.tags), created_at=now)
                for r in batch.ratings]
        return store_batch(storage.ratings, owner_id, rows)

    @api.post("/tip-votes/batch", response_model=BatchResult, tags=["uploads"],
              responses=authed_errors)
    def upload_votes(batch: VoteBatch, owner_id: Owner) -> BatchResult:
        """Store helpfulness votes on tips."""
        now = time.time()
        result = store_batch(
            storage.tip_votes, owner_id,
            [dict(v.model_dump(), created_at=now) for v in batch.votes],
        )
        accepted = set(result.accepted)
        for vote in batch.votes:
            if vote.id in accepted:
                content.count_vote(engine, vote.tip_id, vote.helpful)
        return result

    @api.post("/tip-reports/batch", response_model=BatchResult, tags=["uploads"],
              responses=authed_errors)
    def upload_tip_reports(batch: TipReportBatch, owner_id: Owner) -> BatchResult:
        """Store reports that tips are no longer true; each owner counts once per tip."""
        now = time.time()
        with engine.connect() as connection:
            already = set(connection.execute(
                select(storage.tip_reports.c.tip_id)
                .where(storage.tip_reports.c.owner_id == owner_id)
            ).scalars())
        result = store_batch(
            storage.tip_reports, owner_id,
            [dict(r.model_dump(), created_at=now) for r in batch.reports],
        )
        accepted = set(result.accepted)
        for report in batch.reports:
            if report.id in accepted and report.tip_id not in already:
                already.add(report.tip_id)
                content.count_report(engine, report.tip_id)
        return result

    @api.post("/rsvps/batch", response_model=BatchResult, tags=["uploads"],
              responses=authed_errors)
    def upload_rsvps(batch: RsvpBatch, owner_id: Owner) -> BatchResult:
        """Store RSVPs to club events."""
        now = time.time()
        return store_batch(storage.rsvps, owner_id,
                           [dict(r.model_dump(), created_at=now) for r in batch.rsvps])

    @api.get("/tips", response_model=TipPage, tags=["community"], responses=errors)
    def tips_since(
        # The cursor is a tip's change sequence, a 32-bit integer column.
        since: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 200,
    ) -> TipPage:
        """Tips added, edited or withdrawn after the cursor ``since``."""
        with engine.connect() as connection:
            rows = connection.execute(
                select(storage.tips)
                .where(storage.tips.c.seq > since)
                .order_by(storage.tips.c.seq)
                .limit(limit + 1)
            ).all()
        page = rows[:limit]
        tips = [
            Tip(**{**row._asdict(), "conditions": json.loads(row.conditions)}) for row in page
        ]
        cursor = page[-1].seq if page else since
        return TipPage(tips=tips, cursor=cursor, more=len(rows) > limit)

    @api.get("/club-events", response_model=ClubEventList, tags=["community"],
             responses=errors)
    def club_events_near(
        lat: Annotated[float, Query(ge=-90, le=90)],
        lon: Annotated[float, Query(ge=-180, le=180)],
        radius_km: Annotated[float, Query(gt=0, le=500)] = 50,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> ClubEventList:
        """Club events within ``radius_km`` of a point, nearest and soonest first."""
        with engine.connect() as connection:
            rows = connection.execute(select(storage.club_events)).all()
        events = []
        for row in rows:
            distance = _distance_km(lat, lon, row.latitude, row.longitude)
            if distance <= radius_km:
                events.append(ClubEvent(**row._asdict(), distance_km=round(distance, 2)))
        events.sort(key=lambda event: (round(event.distance_km), event.starts_at))
        return ClubEventList(events=events[:limit])

    @api.get("/models/{model}/satisfaction", response_model=Satisfaction,
             tags=["community"], responses=errors)
    def satisfaction(model: str) -> Satisfaction:
        """Satisfaction index of a car model from all owners' ratings."""
        with engine.connect() as connection:
            scores = connection.execute(
                select(storage.ratings.c.score).where(storage.ratings.c.model == model)
            ).scalars().all()
        if not scores:
            return Satisfaction(model=model, ratings=0, mean_score=None, index=None)
        mean = sum(scores) / len(scores)
        return Satisfaction(model=model, ratings=len(scores), mean_score=round(mean, 3),
                            index=round((mean - 1) / 4 * 100, 1))

    @api.get("/models/{model}/consumption", response_model=Consumption,
             tags=["community"], responses=errors)
    def consumption(model: str) -> Consumption:
        """Percentiles of consumption per 100 km of a model's uploaded trips."""
        t = storage.trips
        with engine.connect() as connection:
            rows = connection.execute(
                select(t.c.distance_m, t.c.energy_used_kwh, t.c.fuel_used_l)
                .where(t.c.model == model, t.c.distance_m >= 1000)
            ).all()
        energy = [r.energy_used_kwh / r.distance_m * 100_000 for r in rows
                  if r.energy_used_kwh is not None]
        fuel = [r.fuel_used_l / r.distance_m * 100_000 for r in rows
                if r.fuel_used_l is not None]
        return Consumption(model=model, trips=len(rows),
                           energy_kwh_per_100km=_percentiles(energy),
                           fuel_l_per_100km=_percentiles(fuel))

    @api.get("/me/export", response_model=Export, tags=["my data"], responses=authed_errors)
    def export_my_data(owner_id: Owner) -> Export:
        """Everything stored about the signed-in owner."""
        with engine.connect() as connection:
            owner = connection.execute(
                select(storage.owners.c.id, storage.owners.c.email)
                .where(storage.owners.c.id == owner_id)
            ).one()
            tables = {}
            for table in storage.OWNER_TABLES:
                rows = connection.execute(
                    select(table).where(table.c.owner_id == owner_id).order_by(table.c.pk)
                ).all()
                tables[table.name] = [
                    {k: v for k, v in row._asdict().items() if k not in ("pk", "owner_id")}
                    for row in rows
                ]
        return Export(owner=OwnerOut(id=owner.id, email=owner.email), **tables)

    @api.delete("/me/data", response_model=Deleted, tags=["my data"],
                responses=authed_errors)
    def delete_my_data(owner_id: Owner) -> Deleted:
        """Delete the owner's data: trips, traces, ratings, votes, reports,
        RSVPs, points and charging sessions."""
        counts = {}
        with engine.begin() as connection:
            for table in storage.OWNER_TABLES:
                result = connection.execute(delete(table).where(table.c.owner_id == owner_id))
                counts[table.name] = result.rowcount
        return Deleted(deleted=counts)

    app.include_router(api)
    app.include_router(
        community_api.router(engine, Owner, errors, authed_errors, [Depends(rate_limit)])
    )
    app.include_router(web.router(engine))
    app.include_router(
        charging_api.router(engine, Owner, errors, authed_errors, [Depends(rate_limit)],
                            route_class=GzipRoute, store_batch=store_batch)
    )
    return app


def _insert_ignoring_duplicates(engine: Engine, table: Table) -> Any:
    """Build an INSERT that skips rows whose client id the owner already stored."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if engine.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    return table.insert()


def _percentiles(values: list[float]) -> Percentiles | None:
    if not values:
        return None
    ordered = sorted(values)

    def at(fraction: float) -> float:
        # Linear interpolation between closest ranks.
        position = fraction * (len(ordered) - 1)
        low = math.floor(position)
        high = min(low + 1, len(ordered) - 1)
        value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
        return round(value, 3)

    return Percentiles(p10=at(0.1), p50=at(0.5), p90=at(0.9))


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
