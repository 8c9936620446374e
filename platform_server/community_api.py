"""Community content for the head unit's community screen.

Workshops with their ratings near an area, owners' experience with
trouble codes per model, short clips with their files, and the signed-in
owner's points. Items are served in the head unit's content format
(``docs/community-content.md``): each has an ``id``, an ``updated_at`` with
offset, and text per language. The head unit checks every item again,
since it trusts nothing it receives.
"""

# No "from __future__ import annotations": FastAPI reads the parameter
# annotations at run time, and ``owner`` is local to ``router``.
import hashlib
import json
import math
from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from platform_server import storage

#: Kinds of ``community_items``.
KINDS = ("workshops", "dtc_experiences", "clips")
#: Media types a clip file may have.
CLIP_MEDIA_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".mkv": "video/x-matroska"}
#: Largest clip file stored, in bytes.
MAX_CLIP_BYTES = 20 * 1024 * 1024
ITEM_ID = r"^[A-Za-z0-9_.-]{1,80}$"


class ItemList(BaseModel):
    """Community items in the head unit's content format."""

    items: list[dict[str, Any]]


class PointsEntryOut(BaseModel):
    id: str
    reason: str
    points: int
    subject_id: str | None
    earned_at: str


class PointsOut(BaseModel):
    """The owner's points: the balance and the newest grants."""

    balance: int
    entries: list[PointsEntryOut]


# -- publishing (operators and tests) ----------------------------------------


def publish_item(engine: Engine, kind: str, item: dict[str, Any]) -> None:
    """Insert or replace one item of ``kind``, indexed by model and position."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    models = [str(model).strip().casefold() for model in item.get("models", [])]
    values = {
        "kind": kind,
        "id": item["id"],
        "models": json.dumps(models),
        "latitude": item.get("latitude"),
        "longitude": item.get("longitude"),
        "body": json.dumps(item, ensure_ascii=False),
        "updated_at": _unix(item["updated_at"]),
    }
    with engine.begin() as connection:
        table = storage.community_items
        connection.execute(
            delete(table).where(table.c.kind == kind, table.c.id == item["id"])
        )
        connection.execute(insert(table).values(**values))


def publish_clip(engine: Engine, item: dict[str, Any], data: bytes) -> None:
    """Publish a clip's item and its file; the item gains ``bytes`` and ``sha256``."""
    suffix = "." + str(item["file"]).rpartition(".")[2].lower()
    if suffix not in CLIP_MEDIA_TYPES:
        raise ValueError(f"clip file {item['file']!r}: expected .mp4, .webm or .mkv")
    if len(data) > MAX_CLIP_BYTES:
        raise ValueError(f"clip file of {len(data)} bytes is over {MAX_CLIP_BYTES}")
    digest = hashlib.sha256(data).hexdigest()
    publish_item(engine, "clips", dict(item, bytes=len(data), sha256=digest))
    with engine.begin() as connection:
        table = storage.clip_files
        connection.execute(delete(table).where(table.c.clip_id == item["id"]))
        connection.execute(
            insert(table).values(
                clip_id=item["id"],
                media_type=CLIP_MEDIA_TYPES[suffix],
                sha256=digest,
                data=data,
            )
        )


def grant_points(
    engine: Engine, owner_id: int, entry_id: str, reason: str, points: int,
    subject_id: str | None = None,
) -> None:
    """Grant an owner points once per ``entry_id``."""
    earned_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with engine.begin() as connection:
        table = storage.points_entries
        exists = connection.execute(
            select(table.c.pk).where(table.c.owner_id == owner_id, table.c.id == entry_id)
        ).first()
        if exists is None:
            connection.execute(
                insert(table).values(
                    owner_id=owner_id, id=entry_id, reason=reason, points=points,
                    subject_id=subject_id, earned_at=earned_at,
                )
            )


# -- API ------------------------------------------------------------------------


def router(
    engine: Engine,
    owner: Any,
    errors: dict[int | str, dict[str, Any]],
    authed_errors: dict[int | str, dict[str, Any]],
    dependencies: list[Any],
) -> APIRouter:
    """Build the routes; ``owner`` is the dependency that resolves the signed-in owner."""
    api = APIRouter(prefix="/api/v1", dependencies=dependencies)

    @api.get("/workshops", response_model=ItemList, tags=["community"], responses=errors)
    def workshops_near(
        lat: Annotated[float, Query(ge=-90, le=90)],
        lon: Annotated[float, Query(ge=-180, le=180)],
        radius_km: Annotated[float, Query(gt=0, le=500)] = 50,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> ItemList:
        """Workshops with owners' ratings within ``radius_km`` of a point, nearest first."""
        found = []
        for item, latitude, longitude in _rows(engine, "workshops"):
            if latitude is None or longitude is None:
                continue
            distance = _distance_km(lat, lon, latitude, longitude)
            if distance <= radius_km:
                found.append((distance, item))
        found.sort(key=lambda pair: pair[0])
        return ItemList(items=[item for _, item in found[:limit]])

    @api.get("/models/{model}/dtc-experiences", response_model=ItemList,
             tags=["community"], responses=errors)
    def dtc_experiences(
        model: Annotated[str, Path(min_length=1, max_length=100)],
    ) -> ItemList:
        """Owners' experience with trouble codes on ``model``, or on any model."""
        requested_model = model.strip().casefold()
        items = [
            item
            for item, models in _rows_with_models(engine, "dtc_experiences")
            if not models or requested_model in models
        ]
        return ItemList(items=items)

    @api.get("/clips", response_model=ItemList, tags=["community"], responses=errors)
    def clips() -> ItemList:
        """Short clips owners shared; each file is at ``/clips/{id}/file``."""
        return ItemList(items=[item for item, _, _ in _rows(engine, "clips")])

    @api.get(
        "/clips/{clip_id}/file",
        tags=["community"],
        response_class=Response,
        responses={
            **errors,
            200: {"content": {"video/mp4": {}}, "description": "The clip's video file"},
            404: {"description": "No such clip"},
        },
    )
    def clip_file(clip_id: Annotated[str, Path(pattern=ITEM_ID)]) -> Response:
        """The video file of one clip."""
        table = storage.clip_files
        with engine.connect() as connection:
            row = connection.execute(
                select(table.c.media_type, table.c.sha256, table.c.data)
                .where(table.c.clip_id == clip_id)
            ).first()
        if row is None:
            raise HTTPException(404, f"no clip with id {clip_id}")
        return Response(
            content=bytes(row.data),
            media_type=row.media_type,
            headers={"ETag": f'"{row.sha256}"'},
        )

    @api.get("/me/points", response_model=PointsOut, tags=["my data"],
             responses=authed_errors)
    def my_points(
        owner_id: owner,  # type: ignore[valid-type]
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> PointsOut:
        """The signed-in owner's points balance and newest grants."""
        table = storage.points_entries
        with engine.connect() as connection:
            rows = connection.execute(
                select(table).where(table.c.owner_id == owner_id).order_by(table.c.pk.desc())
            ).all()
        entries = [
            PointsEntryOut(id=row.id, reason=row.reason, points=row.points,
                           subject_id=row.subject_id, earned_at=row.earned_at)
            for row in rows[:limit]
        ]
        return PointsOut(balance=sum(row.points for row in rows), entries=entries)

    return api


def _rows(engine: Engine, kind: str) -> list[tuple[dict[str, Any], float | None, float | None]]:
    table = storage.community_items
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.body, table.c.latitude, table.c.longitude)
            .where(table.c.kind == kind)
            .order_by(table.c.id)
        ).all()
    return [(json.loads(row.body), row.latitude, row.longitude) for row in rows]


def _rows_with_models(engine: Engine, kind: str) -> list[tuple[dict[str, Any], list[str]]]:
    table = storage.community_items
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.body, table.c.models).where(table.c.kind == kind).order_by(table.c.id)
        ).all()
    return [(json.loads(row.body), json.loads(row.models)) for row in rows]


def _unix(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))

