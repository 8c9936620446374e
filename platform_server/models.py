"""Request and response bodies of the sync API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: Client ids are the head unit's stable ids: letters, digits, "-" and "_".
CLIENT_ID = r"^[A-Za-z0-9_-]{1,64}$"
#: Free text without NUL characters, which PostgreSQL cannot store.
TEXT = r"^[^\x00]*$"
MAX_BATCH = 200


class Strict(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")


class TripIn(Strict):
    id: str = Field(pattern=CLIENT_ID)
    model: str = Field(min_length=1, max_length=100, pattern=TEXT)
    started_at: float = Field(ge=0, le=1e11)
    ended_at: float = Field(ge=0, le=1e11)
    distance_m: float = Field(ge=0, le=1e8)
    duration_s: float = Field(ge=0, le=1e8)
    avg_speed_kmh: float = Field(ge=0, le=1000)
    max_speed_kmh: float = Field(ge=0, le=1000)
    energy_used_kwh: float | None = Field(default=None, ge=0, le=1e5)
    fuel_used_l: float | None = Field(default=None, ge=0, le=1e5)


class TripBatch(Strict):
    trips: list[TripIn] = Field(min_length=1, max_length=MAX_BATCH)


class TracePoint(Strict):
    t: float = Field(ge=0, le=1e11)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    speed_kmh: float | None = Field(default=None, ge=0, le=1000)


class TraceIn(Strict):
    trip_id: str = Field(pattern=CLIENT_ID)
    points: list[TracePoint] = Field(max_length=50_000)


class TraceBatch(Strict):
    traces: list[TraceIn] = Field(min_length=1, max_length=MAX_BATCH)


class RatingIn(Strict):
    id: str = Field(pattern=CLIENT_ID)
    model: str = Field(min_length=1, max_length=100, pattern=TEXT)
    trip_id: str | None = Field(default=None, pattern=CLIENT_ID)
    score: int = Field(ge=1, le=5)
    tags: list[str] = Field(default_factory=list, max_length=10)


class RatingBatch(Strict):
    ratings: list[RatingIn] = Field(min_length=1, max_length=MAX_BATCH)


class VoteIn(Strict):
    id: str = Field(pattern=CLIENT_ID)
    tip_id: str = Field(pattern=CLIENT_ID)
    helpful: bool


class VoteBatch(Strict):
    votes: list[VoteIn] = Field(min_length=1, max_length=MAX_BATCH)


class TipReportIn(Strict):
    """A report that a tip's advice is no longer true."""

    id: str = Field(pattern=CLIENT_ID)
    tip_id: str = Field(pattern=CLIENT_ID)


class TipReportBatch(Strict):
    reports: list[TipReportIn] = Field(min_length=1, max_length=MAX_BATCH)


class RsvpIn(Strict):
    id: str = Field(pattern=CLIENT_ID)
    event_id: str = Field(pattern=CLIENT_ID)
    going: bool


class RsvpBatch(Strict):
    rsvps: list[RsvpIn] = Field(min_length=1, max_length=MAX_BATCH)


class BatchResult(BaseModel):
    """Ids stored by this request and ids the platform already had."""

    accepted: list[str]
    duplicates: list[str]


class Tip(BaseModel):
    id: str
    title: str
    body: str
    model: str | None
    conditions: dict
    author: str
    author_role: str
    helpful_votes: int
    #: Owners who reported the tip as no longer true; the head unit ranks
    #: a tip lower the more reports it has.
    no_longer_true: int = 0
    updated_at: float
    deleted: bool


class TipPage(BaseModel):
    """Tips changed after the request's cursor; ``cursor`` is for the next pull."""

    tips: list[Tip]
    cursor: int
    more: bool


class ClubEvent(BaseModel):
    id: str
    club: str
    title: str
    latitude: float
    longitude: float
    starts_at: float
    place: str
    distance_km: float


class ClubEventList(BaseModel):
    events: list[ClubEvent]


class Satisfaction(BaseModel):
    """Mean rating of a model; ``index`` maps scores 1..5 onto 0..100."""

    model: str
    ratings: int
    mean_score: float | None
    index: float | None


class Percentiles(BaseModel):
    p10: float
    p50: float
    p90: float


class Consumption(BaseModel):
    """Consumption per 100 km over uploaded trips of 1 km or more."""

    model: str
    trips: int
    energy_kwh_per_100km: Percentiles | None
    fuel_l_per_100km: Percentiles | None


class OwnerIn(Strict):
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+$")
    password: str = Field(min_length=8, max_length=200, pattern=TEXT)


class OwnerOut(BaseModel):
    id: int
    email: str


class DeviceAuthorizationOut(BaseModel):
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int


class TokenOut(BaseModel):
    access_token: str
    token_type: str


class OAuthError(BaseModel):
    error: str
    error_description: str


class Deleted(BaseModel):
    """Rows deleted per table."""

    deleted: dict[str, int]


class Export(BaseModel):
    """Everything the platform stores about the owner."""

    owner: OwnerOut
    trips: list[dict]
    traces: list[dict]
    ratings: list[dict]
    tip_votes: list[dict]
    tip_reports: list[dict]
    rsvps: list[dict]
    points_entries: list[dict]
    charging_sessions: list[dict]


class Problem(BaseModel):
    detail: str
