"""Send the owner's tip votes, "no longer true" reports and RSVPs through the outbox.

``OutboxSink`` is the ``FeedbackSink`` the head unit gives its community
back end. A vote, report or RSVP becomes an outbox item of kind
``vote``, ``report`` or ``rsvp``, in the body the platform's batch
endpoints take. It is written inside the caller's write transaction, so
the local choice and its upload are stored together or not at all.
Kinds the platform has no endpoint for stay in the local ``community_queue``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from sqlite_utils import Database

from sync.community import FeedbackQueue
from sync.outbox import PENDING
from sync.store import Store


class OutboxSink:
    """Queues votes, reports and RSVPs for upload, and other feedback locally."""

    def __init__(self, store: Store) -> None:
        self.local = FeedbackQueue(store)

    def add(
        self, db: Database, kind: str, subject_id: str, payload: dict[str, Any]
    ) -> str:
        """Queue one item and return its id, which the platform de-duplicates on."""
        item = _outbox_item(kind, payload)
        if item is None:
            return self.local.add(db, kind, subject_id, payload)
        outbox_kind, body = item
        item_id = uuid.uuid4().hex
        db.execute(
            "insert or ignore into outbox (id, kind, ref, payload, state, created_at, "
            "attempts) values (?, ?, ?, ?, ?, ?, 0)",
            [item_id, outbox_kind, subject_id, json.dumps(dict(body, id=item_id)),
             PENDING, time.time()],
        )
        return item_id


def _outbox_item(kind: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """Return the outbox kind and body for a feedback item, or None to keep it local."""
    if kind == "tip_vote":
        return "vote", {"tip_id": payload["tip_id"], "helpful": payload["vote"] == "helpful"}
    if kind == "tip_report":
        return "report", {"tip_id": payload["tip_id"]}
    if kind == "event_rsvp":
        return "rsvp", {"event_id": payload["event_id"], "going": payload["status"] == "going"}
    return None
