"""Convert the platform's tips and club events into the head unit's content format.

The platform's ``/tips`` and ``/club-events`` send flat records (one
title string, times as Unix seconds). The community back end reads the
content format of docs/community-content.md (text per language, ISO 8601
times with offset). Each pulled record is converted here and checked by
the validator that the composition root passes in, which is the parser
that will read it. It is then stored in ``ContentCache`` under kind
``tips`` or ``events``, where it replaces a bundled item of the same id
or adds to them. A malformed
record is skipped with one warning. A withdrawn tip is stored as a
tombstone (``"deleted": true``) so it also hides a bundled tip of the
same id.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from sync.community import ContentCache
from sync.store import Store

logger = logging.getLogger(__name__)

#: Checks one converted item and raises ``ValueError`` (or a subclass) if malformed.
Validator = Callable[[dict[str, Any]], object]

#: Language key for the platform's text, which carries no language tag.
# NOTE: the reference platform stores one string per tip and event. Until
# it sends a language, the text is filed as English, and the screens fall
# back to it in every language.
PLATFORM_LANGUAGE = "en"
#: Platform condition names and the head unit's names for the same condition.
CONDITION_ALIASES = {
    "outside_temperature_below_c": "outside_temperature_below",
    "outside_temperature_above_c": "outside_temperature_above",
    "battery_below_percent": "soc_below",
    "battery_above_percent": "soc_above",
}
#: Length of an event, in seconds, when the platform gives only its start.
# NOTE: the platform's club events have no end time; three hours is an
# assumed length that decides when a pulled event stops being listed.
ASSUMED_EVENT_SECONDS = 3 * 3600
#: Key of a pulled event that names the area it was pulled for.
AREA_KEY = "pulled_area"


def iso_time(seconds: Any, field: str) -> str:
    """Return Unix ``seconds`` as ISO 8601 text in UTC; raise ``ValueError`` if invalid."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError(f"{field}: expected Unix seconds, got {seconds!r}")
    try:
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"{field}: Unix seconds out of range: {seconds!r}") from None
    return moment.isoformat()


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: missing")
    return value


def tip_item(record: dict[str, Any]) -> dict[str, Any]:
    """Convert one platform tip into a content item; raise ``ValueError`` naming the field."""
    tip_id = _text(record, "id")
    updated_at = iso_time(record.get("updated_at"), "updated_at")
    if record.get("deleted"):
        return {"id": tip_id, "updated_at": updated_at, "deleted": True}
    conditions = record.get("conditions") or {}
    if not isinstance(conditions, dict):
        raise ValueError("conditions: expected an object")
    when = {CONDITION_ALIASES.get(key, key): value for key, value in conditions.items()}
    model = record.get("model")
    if model is not None:
        when["models"] = [_text(record, "model")]
    title = _text(record, "title")
    body = _text(record, "body")
    role = str(record.get("author_role") or "owner").strip().replace(" ", "_")
    helpful = record.get("helpful_votes", 0)
    return {
        "id": tip_id,
        "updated_at": updated_at,
        "published": updated_at[:10],
        "title": {PLATFORM_LANGUAGE: title},
        # The platform has no summary: the body, cut to the summary's length
        # by the reader, is the closest it has.
        "summary": {PLATFORM_LANGUAGE: body},
        "body": {PLATFORM_LANGUAGE: body},
        "when": when,
        "author": {"name": _text(record, "author"), "role": role},
        "votes": {"helpful": helpful, "no_longer_true": record.get("no_longer_true", 0)},
    }


def event_item(record: dict[str, Any], area: str) -> dict[str, Any]:
    """Convert one platform club event into a content item for ``area``."""
    event_id = _text(record, "id")
    starts = record.get("starts_at")
    starts_at = iso_time(starts, "starts_at")
    ends_at = iso_time(starts + ASSUMED_EVENT_SECONDS, "starts_at")
    club = _text(record, "club")
    title = _text(record, "title")
    place = _text(record, "place")
    return {
        "id": event_id,
        # The platform sends no edit time, so the start time is used instead:
        # a pulled event replaces a bundled one only when it starts later.
        "updated_at": iso_time(record.get("updated_at", starts), "updated_at"),
        "club_id": club,
        "title": {PLATFORM_LANGUAGE: title},
        "description": {PLATFORM_LANGUAGE: f"{title} ({club})"},
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue": {
            "name": {PLATFORM_LANGUAGE: place},
            "address": {PLATFORM_LANGUAGE: place},
            "latitude": record.get("latitude"),
            "longitude": record.get("longitude"),
        },
        "organiser": {"name": club, "role": "owner"},
        AREA_KEY: area,
    }


def _convert_all(
    kind: str,
    records: Iterable[Any],
    convert: Callable[[dict[str, Any]], dict[str, Any]],
    validate: Validator | None,
) -> list[dict[str, Any]]:
    items = []
    for index, record in enumerate(records):
        record_id = record.get("id") if isinstance(record, dict) else None
        try:
            if not isinstance(record, dict):
                raise ValueError("not an object")
            item = convert(record)
            if validate is not None and not item.get("deleted"):
                validate(item)
        except (KeyError, TypeError, ValueError) as error:
            logger.warning("skipped pulled %s item %d (id %r): %s",
                           kind, index, record_id, error)
            continue
        items.append(item)
    return items


def store_tips(
    store: Store, records: Iterable[Any], validate: Validator | None = None
) -> int:
    """Convert, check and cache pulled tips; return how many were stored."""
    items = _convert_all("tips", records, tip_item, validate)
    return ContentCache(store).upsert("tips", items)


def store_events(
    store: Store, area: str, records: Iterable[Any], validate: Validator | None = None
) -> int:
    """Convert, check and cache the club events of ``area``; return how many were stored.

    The platform lists every current event of the area, so a cached event
    of the same area that the list no longer has was withdrawn and is removed.
    """
    items = _convert_all("events", records, lambda r: event_item(r, area), validate)
    cache = ContentCache(store)
    current = {item["id"] for item in items}
    withdrawn = [
        item["id"] for item in cache.items("events")
        if item.get(AREA_KEY) == area and item.get("id") not in current
    ]
    cache.delete("events", withdrawn)
    return cache.upsert("events", items)
