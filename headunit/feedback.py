"""The owner's feedback on community content: tip votes and event RSVPs.

Each choice is stored twice in one transaction. The current state of the
item lets the screens and the tips engine use it at once. A queued item
goes to upload through a ``FeedbackSink``: the local ``community_queue``
table, or the shared outbox once there is one.
Choices that need a glance longer than a tap raise ``NotWhileMoving``
while the car moves.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    # Only for annotations: the UI imports this module before its first
    # frame, and the storage stack must load after it.
    from sync.community import FeedbackSink
    from sync.store import Store

logger = logging.getLogger(__name__)

HELPFUL = "helpful"
NOT_HELPFUL = "not_helpful"
#: How long a tip the owner voted helpful rests before it may show again, in
#: seconds: the owner already took it in.
HELPFUL_REST_S = 30 * 86400.0
#: How long a dismissed tip stays away, in seconds.
DISMISS_REST_S = 7 * 86400.0

GOING = "going"
NOT_GOING = "not_going"


class NotWhileMoving(RuntimeError):
    """The action needs the car parked: reading or choosing takes more than a glance."""


@dataclass(frozen=True)
class TipFeedbackState:
    """The owner's current choices on one tip."""

    tip_id: str
    vote: str | None
    later: bool
    no_longer_true: bool
    hidden_until: float | None


class TipFeedback:
    """Votes, "Later", "no longer true" and dismissals of tips.

    ``version`` grows with every change, so the tips engine can tell when
    to recompute what it hides. Safe to call from several threads.
    """

    def __init__(
        self, store: Store, sink: FeedbackSink, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.sink = sink
        self.clock = clock
        self.version = 0
        self._lock = threading.Lock()
        self._states = self._load()

    def vote(self, tip_id: str, helpful: bool) -> None:
        """Record a helpful or not-helpful vote; one tap, allowed while moving.

        A not-helpful vote hides the tip for good and a helpful one rests it
        for ``HELPFUL_REST_S``. Voting the same way again changes nothing.
        """
        vote = HELPFUL if helpful else NOT_HELPFUL
        current = self.state(tip_id)
        if current.vote == vote:
            return
        now = self.clock()
        hidden_until = now + HELPFUL_REST_S if helpful else float("inf")
        self._save(
            current.tip_id,
            "tip_vote",
            {"tip_id": tip_id, "vote": vote, "at": _iso(now)},
            vote=vote,
            later=False,
            hidden_until=hidden_until,
        )

    def later(self, tip_id: str) -> None:
        """Keep the tip for when the car is parked; allowed while moving."""
        if self.state(tip_id).later:
            return
        self._save(tip_id, None, None, later=True)

    def read_later(self, tip_id: str) -> None:
        """Take the tip off the saved list once the owner has read it."""
        if not self.state(tip_id).later:
            return
        self._save(tip_id, None, None, later=False)

    def report_no_longer_true(self, tip_id: str, moving: bool) -> None:
        """Report stale advice; the tip is hidden here and the report queued.

        Raises ``NotWhileMoving`` while the car moves, because the owner
        should read the whole tip before judging it.
        """
        if moving:
            raise NotWhileMoving(
                "reporting a tip as no longer true needs the car parked"
            )
        if self.state(tip_id).no_longer_true:
            return
        now = self.clock()
        self._save(
            tip_id,
            "tip_report",
            {"tip_id": tip_id, "report": "no_longer_true", "at": _iso(now)},
            no_longer_true=True,
            later=False,
            hidden_until=float("inf"),
        )

    def dismiss(self, tip_id: str) -> None:
        """Hide the tip for ``DISMISS_REST_S``; nothing is uploaded."""
        current = self.state(tip_id)
        until = self.clock() + DISMISS_REST_S
        if current.hidden_until is not None and current.hidden_until >= until:
            return
        self._save(tip_id, None, None, later=False, hidden_until=until)

    def state(self, tip_id: str) -> TipFeedbackState:
        with self._lock:
            return self._states.get(tip_id) or TipFeedbackState(
                tip_id, None, False, False, None
            )

    def states(self) -> dict[str, TipFeedbackState]:
        with self._lock:
            return dict(self._states)

    def _save(
        self, tip_id: str, kind: str | None, payload: dict | None, **changes: object
    ) -> None:
        current = self.state(tip_id)
        values = {
            "vote": current.vote,
            "later": current.later,
            "no_longer_true": current.no_longer_true,
            "hidden_until": current.hidden_until,
        }
        values.update(changes)
        row = {
            "tip_id": tip_id,
            "vote": values["vote"],
            "later": int(bool(values["later"])),
            "no_longer_true": int(bool(values["no_longer_true"])),
            # "Hidden for good" is stored as a finite time, the end of year 9999.
            "hidden_until": _finite(values["hidden_until"]),
            "updated_at": self.clock(),
        }
        with self.store.write() as db:
            db["tip_feedback"].insert(row, replace=True)
            if kind is not None and payload is not None:
                self.sink.add(db, kind, tip_id, payload)
        with self._lock:
            self._states[tip_id] = _state_from_row(row)
            self.version += 1
        logger.info("tip %s feedback: %s", tip_id, kind or changes)

    def _load(self) -> dict[str, TipFeedbackState]:
        rows = self.store.query("select * from tip_feedback")
        return {row["tip_id"]: _state_from_row(row) for row in rows}


class Rsvps:
    """The owner's RSVPs to club events."""

    def __init__(
        self, store: Store, sink: FeedbackSink, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.sink = sink
        self.clock = clock

    def record(self, event_id: str, going: bool, moving: bool) -> None:
        """Store going or not going; raises ``NotWhileMoving`` while the car moves."""
        if moving:
            raise NotWhileMoving("an RSVP to an event needs the car parked")
        status = GOING if going else NOT_GOING
        if self.status(event_id) == status:
            return
        now = self.clock()
        with self.store.write() as db:
            db["event_rsvps"].insert(
                {"event_id": event_id, "status": status, "updated_at": now},
                replace=True,
            )
            self.sink.add(
                db,
                "event_rsvp",
                event_id,
                {"event_id": event_id, "status": status, "at": _iso(now)},
            )
        logger.info("event %s RSVP: %s", event_id, status)

    def status(self, event_id: str) -> str | None:
        """Return ``GOING``, ``NOT_GOING``, or None without an RSVP."""
        rows = self.store.query(
            "select status from event_rsvps where event_id = ?", [event_id]
        )
        return rows[0]["status"] if rows else None

    def all(self) -> dict[str, str]:
        rows = self.store.query("select event_id, status from event_rsvps")
        return {row["event_id"]: row["status"] for row in rows}


#: Stored in place of "hidden for good": year 9999 in Unix seconds.
_FOREVER = 253402300799.0


def _finite(value: object) -> float | None:
    if value is None:
        return None
    return min(float(value), _FOREVER)  # type: ignore[arg-type]


def _state_from_row(row: dict) -> TipFeedbackState:
    return TipFeedbackState(
        row["tip_id"],
        row["vote"],
        bool(row["later"]),
        bool(row["no_longer_true"]),
        row["hidden_until"],
    )


def _iso(unix_s: float) -> str:
    return datetime.fromtimestamp(unix_s, timezone.utc).isoformat(timespec="seconds")
