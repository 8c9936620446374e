"""The sync engine: push the outbox, pull community content, report status.

One pass (``sync_once``) queues newly closed trips and uploads every
pending item that the owner's consent allows, in gzip-compressed batches.
Then it pulls into local caches the tips changed since the last cursor,
the club events of the car's coarse area and the model's community figures. A pass never sleeps:
after a failure it sets the time of the next attempt (exponential backoff
with full jitter, or the server's ``Retry-After`` up to a ceiling), and
``run`` waits for that time on an event, so stopping is immediate.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable

from sync.charging_sync import ChargingSync
from sync.client import PlatformClient, RejectedError, SignedOutError, TransientError
from sync.community import ContentCache, clip_cache_dir
from sync.community_pull import pull_community
from sync.outbox import SENT, Outbox, OutboxItem
from sync.platform_content import Validator, store_events, store_tips
from sync.privacy import Consent, Privacy, coarse_cell, filter_trace
from sync.settings import Settings
from sync.store import Store
from sync.triplog import TripLog

logger = logging.getLogger(__name__)

TIPS_CURSOR = "sync.tips_cursor"

#: Path, JSON key and consent level needed for each kind of outbox item.
UPLOADS: dict[str, tuple[str, str, Consent]] = {
    "trip": ("/trips/batch", "trips", Consent.SUMMARIES),
    "trace": ("/traces/batch", "traces", Consent.TRACES),
    "rating": ("/ratings/batch", "ratings", Consent.SUMMARIES),
    "vote": ("/tip-votes/batch", "votes", Consent.SUMMARIES),
    "report": ("/tip-reports/batch", "reports", Consent.SUMMARIES),
    "rsvp": ("/rsvps/batch", "rsvps", Consent.SUMMARIES),
    "charging": ("/charging-sessions/batch", "sessions", Consent.SUMMARIES),
}
#: Outbox kinds that carry a trip of the trip log, by its id in ``ref``.
TRIP_KINDS = ("trip", "trace")


@dataclass
class SyncConfig:
    """Tuning of the sync engine; times in seconds."""

    batch_size: int = 100
    #: A batch closes early when its JSON reaches this many bytes.
    max_batch_bytes: int = 2_000_000
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    backoff_base_s: float = 2.0
    backoff_cap_s: float = 600.0
    #: Longest Retry-After obeyed; longer values are cut to this.
    retry_after_cap_s: float = 6 * 3600.0
    #: Time between passes while everything is synced.
    interval_s: float = 300.0
    pull_radius_km: float = 50.0
    tip_pages_per_pass: int = 10


@dataclass(frozen=True)
class SyncStatus:
    """Sync state shown by the UI.

    ``state`` is one of "synced", "pending", "offline" (the last pass
    could not reach the platform), "waiting" (the platform asked to wait
    until ``next_attempt_at``), "signed_out" (not paired, or the token
    was revoked) or "error" (the platform rejected a pull or an erase
    request; see ``last_error``).
    """

    state: str
    pending: int = 0
    last_error: str | None = None
    next_attempt_at: float | None = None
    last_synced_at: float | None = None
    consent: str = Consent.NOTHING.value
    traces_deferred: bool = False

    def message(self) -> str:
        """Return a one-line English summary for logs and the CLI."""
        texts = {
            "synced": "synced",
            "pending": f"{self.pending} pending",
            "offline": f"offline, {self.pending} pending",
            "signed_out": "signed out",
        }
        if self.state == "waiting":
            when = datetime.fromtimestamp(self.next_attempt_at or 0).strftime("%H:%M")
            return f"waiting for the server, next try {when} ({self.pending} pending)"
        text = texts.get(self.state, self.state)
        if self.state in ("offline", "pending") and self.next_attempt_at:
            when = datetime.fromtimestamp(self.next_attempt_at).strftime("%H:%M:%S")
            text += f", next try {when}"
        return text


@dataclass
class PassResult:
    uploaded: int = 0
    rejected: int = 0
    pulled_tips: int = 0
    pulled_events: int = 0
    #: Workshops, trouble-code experiences and clips stored by this pass.
    pulled_community: int = 0
    errors: list[str] = field(default_factory=list)


class SyncEngine:
    """Sync of one head unit with one platform."""

    def __init__(
        self,
        store: Store,
        client: PlatformClient | None,
        *,
        model: str | None = None,
        position: Callable[[], tuple[float, float] | None] | None = None,
        config: SyncConfig | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        validators: dict[str, Validator] | None = None,
    ) -> None:
        self.store = store
        #: Parsers by content kind ("tips", "events") that check pulled items.
        self.validators = validators or {}
        self.client = client
        self.model = model
        self.position = position or (lambda: None)
        self.config = config or SyncConfig()
        self.clock = clock
        self.rng = rng or random.Random()
        self.outbox = Outbox(store)
        self.privacy = Privacy(store)
        self.settings = Settings(store)
        self.charging = ChargingSync(store, self.privacy)
        self.failures = 0
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._status = SyncStatus(state="signed_out" if client is None else "pending")
        self.use_client(client)

    def use_client(self, client: PlatformClient | None) -> None:
        """Sync through ``client`` from the next pass on (None: signed out)."""
        if client is not None:
            client.timeout = (self.config.connect_timeout_s, self.config.read_timeout_s)
            client.on_bytes = self._count_bytes
        self.client = client

    # -- status ----------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        """The latest status, with the pending count read now."""
        with self._lock:
            status = self._status
        return replace(status, pending=self.outbox.pending_count(),
                       consent=self.privacy.consent.value,
                       traces_deferred=self.privacy.traces_deferred(self.clock()))

    def _set_status(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def wake(self) -> None:
        """Start the next pass now (after a trip closed, or pairing), unless
        the platform asked to wait."""
        with self._lock:
            if self._status.state != "waiting":
                self._status = replace(self._status, next_attempt_at=None)
        self._wake.set()

    # -- passes ----------------------------------------------------------

    def due(self) -> bool:
        next_at = self._status.next_attempt_at
        return next_at is None or self.clock() >= next_at

    def sync_once(self) -> PassResult:
        """Run one pass if it is due; never sleeps."""
        result = PassResult()
        if self.client is None:
            self._set_status(state="signed_out",
                             next_attempt_at=self.clock() + self.config.interval_s)
            return result
        if not self.due():
            return result
        try:
            self._collect()
            self._push(result)
            self._pull(result)
        except SignedOutError as error:
            logger.warning("sync stopped: %s; pair the head unit again", error)
            self._set_status(state="signed_out", last_error=str(error),
                             next_attempt_at=self.clock() + self.config.interval_s)
            result.errors.append(str(error))
            return result
        except TransientError as error:
            self._schedule_retry(error)
            result.errors.append(str(error))
            return result
        except RejectedError as error:
            # A rejected pull or erase: the same request would fail again,
            # so wait for the next regular pass instead of retrying soon.
            logger.warning("platform rejected a sync request: %s", error)
            self._set_status(state="error", last_error=str(error),
                             next_attempt_at=self.clock() + self.config.interval_s)
            result.errors.append(str(error))
            return result
        self.failures = 0
        now = self.clock()
        state = "synced" if self.outbox.pending_count(self._sendable_kinds()) == 0 else "pending"
        self._set_status(state=state, last_synced_at=now, last_error=None,
                         next_attempt_at=now + self.config.interval_s)
        return result

    def run(self, stop: threading.Event) -> None:
        """Run passes until ``stop`` is set; every wait ends within 0.5 s of it."""
        logger.info("sync engine started")
        while not stop.is_set():
            self._wake.clear()
            try:
                self.sync_once()
            except Exception:  # noqa: BLE001 - a bug in one pass must not end syncing
                logger.exception("sync pass failed")
                self._schedule_retry(TransientError("internal error in the sync pass"))
            while not (stop.is_set() or self._wake.is_set() or self.due()):
                next_at = self._status.next_attempt_at or self.clock()
                stop.wait(min(max(next_at - self.clock(), 0.01), 0.5))
        logger.info("sync engine stopped")

    def drain(self, max_passes: int = 1000, stop: threading.Event | None = None) -> int:
        """Run passes, waiting out every delay, until nothing sendable is pending.

        Return the number of passes. For the CLI and benches; the head unit
        uses ``run``.
        """
        stop = stop or threading.Event()
        for passes in range(1, max_passes + 1):
            self.sync_once()
            state = self._status.state
            if state in ("synced", "signed_out", "error"):
                return passes
            if state == "pending":
                self._set_status(next_attempt_at=None)
                continue
            next_at = self._status.next_attempt_at or self.clock()
            if stop.wait(max(0.0, next_at - self.clock())):
                return passes
        return max_passes

    # -- failures --------------------------------------------------------

    def _schedule_retry(self, error: TransientError) -> None:
        self.failures += 1
        now = self.clock()
        if error.retry_after_s is not None:
            delay = error.retry_after_s
            if delay > self.config.retry_after_cap_s:
                logger.warning(
                    "platform asked to wait %.0f s (Retry-After); waiting %.0f s instead",
                    delay, self.config.retry_after_cap_s,
                )
                delay = self.config.retry_after_cap_s
            state = "waiting"
        else:
            # Full jitter: a random delay up to the exponential bound, so
            # many head units coming back online do not retry in step.
            bound = min(self.config.backoff_cap_s,
                        self.config.backoff_base_s * 2 ** (self.failures - 1))
            delay = self.rng.uniform(0, bound)
            state = "offline" if error.status is None else "waiting"
        logger.info("sync failed (%s); next try in %.1f s", error, delay)
        self._set_status(state=state, last_error=str(error), next_attempt_at=now + delay)

    # -- push ------------------------------------------------------------

    def _sendable_kinds(self) -> list[str]:
        consent = self.privacy.consent
        kinds = ["erase"]
        for kind, (_, _, needed) in UPLOADS.items():
            if consent.allows(needed):
                kinds.append(kind)
        if "trace" in kinds and self.privacy.traces_deferred(self.clock()):
            kinds.remove("trace")
        return kinds

    def _collect(self) -> None:
        since = self.privacy.consent_since
        if since is None:
            return
        added = self.outbox.collect_trips(since, self.privacy.traces_since)
        added += self.charging.collect(since)
        if added:
            logger.info("queued %d new outbox items for upload", added)

    def _push(self, result: PassResult) -> None:
        for kind in self._sendable_kinds():
            if kind == "erase":
                self._push_erase(result)
                continue
            # Re-checked before every batch: consent may change mid-pass
            # and the data budget may run out.
            while kind in self._sendable_kinds():
                items = self.outbox.pending(kind, self.config.batch_size)
                if not items:
                    break
                self._upload(kind, items, result)

    def _push_erase(self, result: PassResult) -> None:
        assert self.client is not None
        for item in self.outbox.pending("erase", 10):
            self.client.request("DELETE", "/me/data")
            self.outbox.mark_sent([item.id], self.clock())
            result.uploaded += 1
            logger.info("personal data deleted on the platform")

    def _upload(self, kind: str, items: list[OutboxItem], result: PassResult) -> None:
        """Send items as one batch, splitting it to isolate items the platform rejects."""
        assert self.client is not None
        path, key, _ = UPLOADS[kind]
        bodies: list[tuple[OutboxItem, dict[str, Any]]] = []
        size = 0
        for item in items:
            body = self._payload(kind, item)
            if body is None:
                self.outbox.mark_rejected(item.id, f"the {kind} item's data is no longer "
                                          "on the car")
                result.rejected += 1
                continue
            size += len(json.dumps(body))
            if bodies and size > self.config.max_batch_bytes:
                break
            bodies.append((item, body))
        if not bodies:
            return

        try:
            reply = self.client.upload(path, key, [body for _, body in bodies])
        except RejectedError as error:
            if len(bodies) == 1:
                self.outbox.mark_rejected(bodies[0][0].id, str(error))
                result.rejected += 1
                return
            half = len(bodies) // 2
            logger.info("%s batch of %d rejected (%s); splitting it", kind, len(bodies), error)
            self._upload(kind, [item for item, _ in bodies[:half]], result)
            self._upload(kind, [item for item, _ in bodies[half:]], result)
            return
        except TransientError as error:
            self.outbox.record_failure([item.id for item, _ in bodies], str(error))
            raise

        confirmed = set(reply.get("accepted", [])) | set(reply.get("duplicates", []))
        id_key = "trip_id" if kind == "trace" else "id"
        done = [item.id for item, body in bodies if body[id_key] in confirmed]
        if not done:
            # Sending the same batch again at once would loop; back off.
            raise TransientError(f"platform confirmed none of {len(bodies)} {kind} items")
        self.outbox.mark_sent(done, self.clock())
        result.uploaded += len(done)
        if kind in TRIP_KINDS:
            confirmed_refs = [item.ref for item, body in bodies if body[id_key] in confirmed]
            self._mark_trips_synced(confirmed_refs)
        if kind == "charging":
            sessions = [item.ref for item, body in bodies if body["id"] in confirmed]
            TripLog(self.store).mark_charging_synced(sessions, self.clock())

    def _mark_trips_synced(self, trip_ids: list[str]) -> None:
        """Flag trips synced once every queued upload of theirs is confirmed.

        A trip with a trace queued counts as synced only after the trace
        was sent too, since thinning its samples would cut the trace.
        """
        trip_ids = [trip_id for trip_id in trip_ids if trip_id]
        if not trip_ids:
            return
        marks = ",".join("?" * len(trip_ids))
        open_rows = self.store.query(
            f"select distinct ref from outbox where ref in ({marks}) "
            f"and kind in ({','.join('?' * len(TRIP_KINDS))}) and state != ?",
            [*trip_ids, *TRIP_KINDS, SENT],
        )
        still_open = {row["ref"] for row in open_rows}
        synced = [trip_id for trip_id in trip_ids if trip_id not in still_open]
        flagged = TripLog(self.store).mark_synced(synced, self.clock())
        if flagged:
            logger.info("%d trips are synced; their samples may now be thinned", flagged)

    def _payload(self, kind: str, item: OutboxItem) -> dict[str, Any] | None:
        if kind == "trip":
            rows = self.store.query("select * from trips where id = ?", [item.ref])
            if not rows:
                return None
            trip = rows[0]
            return {
                "id": trip["id"],
                "model": self.model or trip["vehicle"],
                "started_at": trip["started_at"],
                "ended_at": trip["ended_at"],
                "distance_m": trip["distance_m"] or 0.0,
                "duration_s": trip["duration_s"] or 0.0,
                "avg_speed_kmh": trip["avg_speed_kmh"] or 0.0,
                "max_speed_kmh": trip["max_speed_kmh"] or 0.0,
                "energy_used_kwh": trip["energy_used_kwh"],
                "fuel_used_l": trip["fuel_used_l"],
            }
        if kind == "trace":
            samples = self.store.query(
                "select t, latitude, longitude, speed_kmh from samples where trip_id = ? "
                "order by t", [item.ref])
            if not samples and not self.store.query(
                    "select 1 from trips where id = ?", [item.ref]):
                return None
            points = filter_trace(samples, self.privacy.trim_m, self.privacy.hidden_places())
            return {"trip_id": item.ref, "points": points}
        if kind == "charging":
            return self.charging.payload(item.ref or "", self.model)
        return item.payload

    # -- pull ------------------------------------------------------------

    def _pull(self, result: PassResult) -> None:
        assert self.client is not None
        cursor = int(self.settings.get(TIPS_CURSOR, "0") or 0)
        for _ in range(self.config.tip_pages_per_pass):
            _, page = self.client.request("GET", "/tips", params={"since": cursor},
                                          auth=False)
            store_tips(self.store, page["tips"], self.validators.get("tips"))
            cursor = page["cursor"]
            self.settings.set(TIPS_CURSOR, cursor)
            result.pulled_tips += len(page["tips"])
            if not page["more"]:
                break
        position = self.position()
        if position is not None:
            # Only the centre of a grid cell several km wide leaves the car.
            lat, lon = coarse_cell(*position)
            _, events = self.client.request(
                "GET", "/club-events",
                params={"lat": lat, "lon": lon, "radius_km": self.config.pull_radius_km},
                auth=False,
            )
            store_events(self.store, f"{lat},{lon}", events["events"],
                         self.validators.get("events"))
            result.pulled_events += len(events["events"])
        if self.model:
            for kind in ("satisfaction", "consumption"):
                _, stats = self.client.request(
                    "GET", f"/models/{_quote(self.model)}/{kind}", auth=False)
                with self.store.write() as db:
                    db["cached_model_stats"].insert(
                        {"model": self.model, "kind": kind, "stats": json.dumps(stats),
                         "fetched_at": self.clock()}, replace=True)
        cell = coarse_cell(*position) if position is not None else None
        if cell is not None:
            self.charging.pull_tariffs(self.client, cell, self.config.pull_radius_km,
                                       self.clock())
        pulled = pull_community(self.client, self.store, model=self.model, cell=cell,
                                radius_km=self.config.pull_radius_km,
                                clip_dir=clip_cache_dir(self.store))
        result.pulled_community += pulled.items

    def _count_bytes(self, count: int) -> None:
        self.privacy.count_data(count, self.clock())

    # -- owner's data ----------------------------------------------------

    def delete_my_data(self) -> None:
        """Delete the trip log and queued uploads here; queue the platform's erase.

        The trip log is every table that contains the owner's drives, charges or
        positions: samples, trips, their events and gaps, and charging sessions.
        The owner's votes, reports, RSVPs and points go too.
        """
        with self.store.write() as db:
            for table in PERSONAL_TABLES + COMMUNITY_TABLES:
                db.execute(f"delete from {table}")
        self.outbox.forget_personal_items()
        self.outbox.enqueue("erase", item_id=f"erase-{int(self.clock() * 1000)}")
        logger.info("personal data deleted on the head unit; platform erase queued")
        self.wake()


#: Tables of the owner's trip log, children first so foreign keys hold.
PERSONAL_TABLES = ("samples", "events", "gaps", "charging_sessions", "trips")
#: Tables of the owner's community feedback and points.
COMMUNITY_TABLES = ("tip_feedback", "event_rsvps", "community_queue", "points_ledger")


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def cached_tips(store: Store) -> list[dict[str, Any]]:
    """Tips pulled from the platform and not withdrawn, in the content format."""
    return [tip for tip in ContentCache(store).items("tips") if not tip.get("deleted")]


def cached_club_events(store: Store) -> list[dict[str, Any]]:
    """Club events pulled from the platform, soonest first, in the content format."""
    return sorted(ContentCache(store).items("events"), key=lambda event: event["starts_at"])


def cached_model_stats(store: Store, model: str) -> dict[str, Any]:
    rows = store.query("select kind, stats from cached_model_stats where model = ?", [model])
    return {row["kind"]: json.loads(row["stats"]) for row in rows}
