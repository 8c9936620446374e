"""Community data kept in the store: pulled content, queued feedback, points.

``ContentCache`` keeps the documents a sync client pulled from the
platform (tips, events, workshops, ...) so every screen works offline.
``FeedbackQueue`` keeps the owner's votes and RSVPs until they are
uploaded; it is a small interface so the queue can become the shared
outbox without changing its callers. ``PointsLedger`` keeps the points the
platform granted the owner.

Nothing here checks what a document says: the reading side does, because
cached text is as untrusted as it was on the wire.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Protocol

from sqlite_utils import Database

from sync.store import Store

logger = logging.getLogger(__name__)

#: Folder beside the database where clips downloaded from the platform are kept.
CLIP_CACHE_FOLDER = "clips"
#: Largest clip file accepted, in bytes.
MAX_CLIP_BYTES = 20 * 1024 * 1024
#: A clip's file name: one plain name with a video extension, never a path.
CLIP_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}\.(mp4|webm|mkv)")


def clip_cache_dir(store: Store) -> Path:
    """Return the folder for clips downloaded from the platform, beside the database."""
    return store.path.parent / CLIP_CACHE_FOLDER


class ContentCache:
    """Community documents by kind and id, as the platform last sent them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def upsert(self, kind: str, items: Iterable[dict[str, Any]]) -> int:
        """Store items that have an ``id`` and ``updated_at``; return how many.

        An item without both is skipped with a warning, because the cache
        could not tell it apart from its next version.
        """
        rows = []
        now = time.time()
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                logger.warning("skipped %s item %d: not an object", kind, index)
                continue
            item_id = item.get("id")
            updated_at = item.get("updated_at")
            if not isinstance(item_id, str) or not isinstance(updated_at, str):
                logger.warning(
                    "skipped %s item %d: missing string id or updated_at", kind, index
                )
                continue
            rows.append(
                {
                    "kind": kind,
                    "id": item_id,
                    "updated_at": updated_at,
                    "body": json.dumps(item, ensure_ascii=False),
                    "stored_at": now,
                }
            )
        with self.store.write() as db:
            db["content_cache"].insert_all(rows, replace=True)
        return len(rows)

    def delete(self, kind: str, ids: Iterable[str]) -> None:
        """Remove items the platform withdrew."""
        with self.store.write() as db:
            for item_id in ids:
                db.execute(
                    "delete from content_cache where kind = ? and id = ?",
                    [kind, item_id],
                )

    def items(self, kind: str) -> list[dict[str, Any]]:
        """Return the cached items of ``kind``; an unreadable row is skipped."""
        items = []
        rows = self.store.query(
            "select id, body from content_cache where kind = ? order by id", [kind]
        )
        for row in rows:
            try:
                item = json.loads(row["body"])
            except ValueError as error:
                logger.warning("skipped cached %s item %r: %s", kind, row["id"], error)
                continue
            items.append(item)
        return items

    def cursor(self, kind: str) -> str | None:
        """Return the platform's change cursor of the last pull of ``kind``."""
        rows = self.store.query(
            "select cursor from content_cursors where kind = ?", [kind]
        )
        return rows[0]["cursor"] if rows else None

    def set_cursor(self, kind: str, cursor: str) -> None:
        with self.store.write() as db:
            db["content_cursors"].insert({"kind": kind, "cursor": cursor}, replace=True)


class FeedbackSink(Protocol):
    """Where the owner's feedback waits for upload.

    ``add`` runs inside the caller's write transaction (``db``), so the
    local choice and its queued upload are stored together or not at all.
    """

    def add(
        self, db: Database, kind: str, subject_id: str, payload: dict[str, Any]
    ) -> str:
        """Queue one item and return its stable id, which the platform de-duplicates on."""
        ...


@dataclass(frozen=True)
class QueuedFeedback:
    """One queued vote, report or RSVP."""

    id: str
    kind: str
    subject_id: str
    payload: dict[str, Any]
    created_at: float


class FeedbackQueue:
    """The ``community_queue`` table: feedback not yet uploaded, oldest first."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self, db: Database, kind: str, subject_id: str, payload: dict[str, Any]
    ) -> str:
        item_id = uuid.uuid4().hex
        db["community_queue"].insert(
            {
                "id": item_id,
                "kind": kind,
                "subject_id": subject_id,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                "created_at": time.time(),
                "sent_at": None,
            }
        )
        return item_id

    def pending(self, limit: int = 100) -> list[QueuedFeedback]:
        """Return up to ``limit`` items not yet uploaded, oldest first."""
        rows = self.store.query(
            "select * from community_queue where sent_at is null "
            "order by created_at, id limit ?",
            [limit],
        )
        return [
            QueuedFeedback(
                row["id"],
                row["kind"],
                row["subject_id"],
                json.loads(row["payload"]),
                row["created_at"],
            )
            for row in rows
        ]

    def mark_sent(self, ids: Iterable[str]) -> None:
        """Record that the platform accepted these items."""
        now = time.time()
        with self.store.write() as db:
            for item_id in ids:
                db.execute(
                    "update community_queue set sent_at = ? where id = ?",
                    [now, item_id],
                )


@dataclass(frozen=True)
class PointsEntry:
    """Points granted once, for a reason such as a shared trip log or a helpful tip."""

    id: str
    reason: str
    points: int
    subject_id: str | None
    earned_at: str


class PointsLedger:
    """The owner's points as the platform granted them; each entry counts once."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, entries: Iterable[PointsEntry]) -> None:
        """Store entries; one already stored under the same id is kept as it was."""
        rows = [
            {
                "id": entry.id,
                "reason": entry.reason,
                "points": int(entry.points),
                "subject_id": entry.subject_id,
                "earned_at": entry.earned_at,
            }
            for entry in entries
        ]
        with self.store.write() as db:
            db["points_ledger"].insert_all(rows, ignore=True)

    def balance(self) -> int:
        rows = self.store.query(
            "select coalesce(sum(points), 0) as total from points_ledger"
        )
        return int(rows[0]["total"])

    def entries(self, limit: int = 20) -> list[PointsEntry]:
        """Return the newest ``limit`` entries."""
        rows = self.store.query(
            "select * from points_ledger order by earned_at desc, id limit ?", [limit]
        )
        return [
            PointsEntry(
                row["id"],
                row["reason"],
                row["points"],
                row["subject_id"],
                row["earned_at"],
            )
            for row in rows
        ]
