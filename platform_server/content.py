"""Community content the platform publishes: tips and club events."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from platform_server import storage


def publish_tip(engine: Engine, tip: dict[str, Any]) -> int:
    """Insert or edit a tip and return its new change sequence number.

    An edit takes a fresh sequence number, so clients that pull "changed
    since" their cursor see it again.
    """
    values = {
        "title": tip["title"],
        "body": tip["body"],
        "model": tip.get("model"),
        "conditions": json.dumps(tip.get("conditions", {}), sort_keys=True),
        "author": tip.get("author", "platform"),
        "author_role": tip.get("author_role", "owner"),
        "helpful_votes": tip.get("helpful_votes", 0),
        "updated_at": time.time(),
        "deleted": bool(tip.get("deleted", False)),
    }
    with engine.begin() as connection:
        return _store_tip(connection, tip["id"], values)


def _store_tip(connection: Connection, tip_id: str, values: dict[str, Any]) -> int:
    """Insert the tip's row under a new change sequence number and return that number.

    The old row is kept under a temporary id until the new one is in, so
    the new number is higher than the old one. Otherwise SQLite would hand
    out the deleted highest number again, and clients would miss the change.
    """
    table = storage.tips
    parked_id = "~" + uuid.uuid4().hex
    connection.execute(update(table).where(table.c.id == tip_id).values(id=parked_id))
    result = connection.execute(insert(table).values(id=tip_id, **values))
    connection.execute(table.delete().where(table.c.id == parked_id))
    return int(result.inserted_primary_key[0])


def count_vote(engine: Engine, tip_id: str, helpful: bool) -> None:
    if not helpful:
        return
    with engine.begin() as connection:
        connection.execute(
            update(storage.tips)
            .where(storage.tips.c.id == tip_id)
            .values(helpful_votes=storage.tips.c.helpful_votes + 1)
        )


def count_report(engine: Engine, tip_id: str) -> None:
    """Count one owner's "no longer true" report and give the tip a new sequence number.

    The new number makes clients that pull "changed since" their cursor
    fetch the higher count, which lowers the tip in their ranking.
    """
    with engine.begin() as connection:
        row = connection.execute(
            select(storage.tips).where(storage.tips.c.id == tip_id)
        ).first()
        if row is None:
            return
        values = {k: v for k, v in row._asdict().items() if k not in ("seq", "id")}
        values["no_longer_true"] = (row.no_longer_true or 0) + 1
        _store_tip(connection, tip_id, values)


def add_club_event(engine: Engine, event: dict[str, Any]) -> None:
    with engine.begin() as connection:
        connection.execute(insert(storage.club_events).values(**event))


def tip_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(storage.tips)).scalar())


def seed_demo(engine: Engine, now: float | None = None) -> None:
    """Publish a few tips and club events around Shanghai for demos."""
    if tip_count(engine):
        return
    now = time.time() if now is None else now
    demo_tips = [
        {
            "id": "winter-range",
            "title": "冬季续航",
            "body": "Precondition the battery while plugged in; cold packs lose range.",
            "conditions": {"outside_temperature_below_c": 5},
            "author": "Li Wei",
            "author_role": "club president",
        },
        {
            "id": "charger-fees",
            "title": "充电站收费",
            "body": "Check the parking fee before you plug in at mall chargers.",
            "conditions": {"battery_below_percent": 30},
            "author": "Zhang Min",
            "author_role": "experienced owner",
        },
    ]
    for tip in demo_tips:
        publish_tip(engine, tip)
    events = [
        ("club-1", "Shanghai EV Club", "Sunday morning drive", 31.2304, 121.4737, "People's Square"),
        ("club-2", "Pudong Owners", "Charging meetup", 31.2222, 121.5440, "Century Park"),
    ]
    for offset, (event_id, club, title, lat, lon, place) in enumerate(events):
        add_club_event(
            engine,
            {
                "id": event_id,
                "club": club,
                "title": title,
                "latitude": lat,
                "longitude": lon,
                "starts_at": now + 86_400 * (offset + 2),
                "place": place,
            },
        )
