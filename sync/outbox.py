"""Items waiting for upload, in the head unit's own database.

Each item has a stable id that the platform uses to drop duplicates, so a
batch sent twice (after a lost response, a reset or a retry) is stored
once. Items are never deleted when an upload fails. They stay "pending"
until the platform confirms them, or become "rejected" with the
platform's reason when it rejects one on its own. Every write runs as a
``BEGIN IMMEDIATE`` transaction of the store, so it waits on the busy
timeout for the recorder instead of failing with "database is locked".
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from sync.store import Store

logger = logging.getLogger(__name__)

PENDING = "pending"
SENT = "sent"
REJECTED = "rejected"

#: Upload order: an erase request goes before anything recorded after it.
KINDS = ("erase", "trip", "trace", "rating", "vote", "rsvp", "charging")


@dataclass(frozen=True)
class OutboxItem:
    id: str
    kind: str
    ref: str | None
    payload: dict[str, Any] | None
    attempts: int


class Outbox:
    """The ``outbox`` table: enqueue, list pending, mark sent or rejected."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def enqueue(self, kind: str, payload: dict[str, Any] | None = None,
                ref: str | None = None, item_id: str | None = None,
                now: float | None = None) -> str:
        """Add one item and return its id; an id already queued is left as it is."""
        if kind not in KINDS:
            raise ValueError(f"unknown outbox kind {kind!r}; expected one of {KINDS}")
        item_id = item_id or uuid.uuid4().hex
        if payload is not None and kind in ("rating", "vote", "rsvp"):
            payload = dict(payload, id=item_id)
        with self.store.write() as db:
            db.execute(
                "insert or ignore into outbox (id, kind, ref, payload, state, created_at, "
                "attempts) values (?, ?, ?, ?, ?, ?, 0)",
                [item_id, kind, ref, None if payload is None else json.dumps(payload),
                 PENDING, time.time() if now is None else now],
            )
        return item_id

    def collect_trips(self, since: float, traces_since: float | None) -> int:
        """Queue closed trips that ended at or after ``since``; return how many.

        A trip gets a "trace" item too when it ended at or after
        ``traces_since`` (None: no traces). The trip's id is the item's
        reference. Its payload is built from the database when it is sent,
        so the owner's consent at that moment decides what leaves the car.
        """
        with self.store.write() as db:
            before = db.execute("select count(*) from outbox").fetchone()[0]
            db.execute(
                "insert or ignore into outbox (id, kind, ref, state, created_at, attempts) "
                "select 'trip-' || id, 'trip', id, ?, ended_at, 0 from trips "
                "where status = 'closed' and ended_at >= ?",
                [PENDING, since],
            )
            if traces_since is not None:
                db.execute(
                    "insert or ignore into outbox (id, kind, ref, state, created_at, "
                    "attempts) select 'trace-' || id, 'trace', id, ?, ended_at, 0 "
                    "from trips where status = 'closed' and ended_at >= ?",
                    [PENDING, traces_since],
                )
            after = db.execute("select count(*) from outbox").fetchone()[0]
        return after - before

    def pending(self, kind: str, limit: int) -> list[OutboxItem]:
        rows = self.store.query(
            "select * from outbox where state = ? and kind = ? order by created_at, id "
            "limit ?",
            [PENDING, kind, limit],
        )
        return [
            OutboxItem(r["id"], r["kind"], r["ref"],
                       None if r["payload"] is None else json.loads(r["payload"]),
                       r["attempts"])
            for r in rows
        ]

    def pending_count(self, kinds: Iterable[str] = KINDS) -> int:
        kinds = list(kinds)
        marks = ", ".join("?" for _ in kinds)
        return self.store.query(
            f"select count(*) as n from outbox where state = ? and kind in ({marks})",
            [PENDING, *kinds],
        )[0]["n"]

    def counts(self) -> dict[str, int]:
        rows = self.store.query("select state, count(*) as n from outbox group by state")
        return {row["state"]: row["n"] for row in rows}

    def mark_sent(self, item_ids: Iterable[str], now: float | None = None) -> None:
        ids = list(item_ids)
        if not ids:
            return
        sent_at = time.time() if now is None else now
        with self.store.write() as db:
            db.conn.executemany(
                "update outbox set state = ?, sent_at = ?, last_error = null, "
                "attempts = attempts + 1, payload = case when kind in ('trip', 'trace', "
                "'charging') "
                "then null else payload end where id = ?",
                [(SENT, sent_at, item_id) for item_id in ids],
            )

    def record_failure(self, item_ids: Iterable[str], error: str) -> None:
        with self.store.write() as db:
            db.conn.executemany(
                "update outbox set attempts = attempts + 1, last_error = ? where id = ?",
                [(error, item_id) for item_id in item_ids],
            )

    def mark_rejected(self, item_id: str, error: str) -> None:
        """Keep an item the platform refused, with the reason, out of the queue."""
        logger.warning("outbox item %s rejected by the platform: %s", item_id, error)
        with self.store.write() as db:
            db.execute(
                "update outbox set state = ?, last_error = ?, attempts = attempts + 1 "
                "where id = ?",
                [REJECTED, error, item_id],
            )

    def forget_personal_items(self) -> None:
        """Delete every queued or sent item except pending erase requests."""
        with self.store.write() as db:
            db.execute("delete from outbox where not (kind = 'erase' and state = ?)",
                       [PENDING])
