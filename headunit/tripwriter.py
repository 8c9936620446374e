"""An ordered queue in front of the trip log, so a failed write loses nothing.

The recorder hands every write (trip start, samples, events, gaps, trip
end, charging sessions) to ``TripWriter``. Writes reach the database in
the order they were made; when one fails (disk full, database locked past
the busy timeout, a read-only file system), it and everything after it
stay queued and the next write tries again. While writes fail, the status
says so, for the screen. Only samples are ever dropped, oldest first, once
more than ``max_queued_samples`` wait; the dropped stretch is stored as a
``storage_full`` gap as soon as writing works again.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from sync.store import StoreError
from sync.triplog import TripLog

logger = logging.getLogger(__name__)

#: Samples kept in memory while the database cannot be written: one hour
#: at 1 Hz, about 1 MB of Python objects.
DEFAULT_MAX_QUEUED_SAMPLES = 3600
#: Samples written in one transaction when a backlog drains.
FLUSH_BATCH = 600

WRITE_ERRORS = (sqlite3.Error, OSError, StoreError)

_TABLES = {
    "sample": "samples",
    "start_trip": "trips",
    "close_trip": "trips",
    "add_event": "events",
    "add_gap": "gaps",
    "start_charging": "charging_sessions",
    "update_charging": "charging_sessions",
    "close_charging": "charging_sessions",
}


@dataclass(frozen=True)
class WriterStatus:
    """Whether the trip log reaches the disk, for the screen and the CLI.

    ``ok`` False means recording is on hold: values are kept in memory
    (``queued`` writes) and written once the disk takes them again.
    """

    ok: bool
    queued: int
    dropped_samples: int
    last_error: str | None
    failing_since: float | None

    @property
    def message(self) -> str:
        if self.ok:
            return "trip log writing normally"
        return (
            f"trip log cannot be written ({self.last_error}); "
            f"{self.queued} writes held in memory"
        )


@dataclass
class _Write:
    method: str
    kwargs: dict[str, Any]


class TripWriter:
    """Forward writes to a ``TripLog`` in order, holding them while the disk fails.

    Thread-safe: the trip and charging recorders share one writer.
    """

    def __init__(
        self,
        log: TripLog,
        vehicle: str,
        max_queued_samples: int = DEFAULT_MAX_QUEUED_SAMPLES,
    ) -> None:
        self.log = log
        self.vehicle = vehicle
        self.max_queued_samples = max_queued_samples
        self._lock = threading.RLock()
        self._queue: deque[_Write] = deque()
        self._queued_samples = 0
        self._dropped: dict[str, list[float]] = {}  # trip id -> [first t, last t]
        self._dropped_count = 0
        self._last_error: str | None = None
        self._failing_since: float | None = None
        self.failed_attempts = 0

    @property
    def status(self) -> WriterStatus:
        with self._lock:
            return WriterStatus(
                ok=self._failing_since is None,
                queued=len(self._queue),
                dropped_samples=self._dropped_count,
                last_error=self._last_error,
                failing_since=self._failing_since,
            )

    def submit(self, method: str, **kwargs: Any) -> bool:
        """Queue one call of a ``TripLog`` method and try to write the queue.

        Returns whether the queue is empty afterwards.
        """
        with self._lock:
            self._queue.append(_Write(method, kwargs))
            return self.flush()

    def submit_sample(self, trip_id: str, t: float, values: dict[str, Any]) -> bool:
        """Queue one sample and try to write the queue."""
        with self._lock:
            self._queue.append(_Write("sample", {"trip_id": trip_id, "t": t, "values": values}))
            self._queued_samples += 1
            if self._queued_samples > self.max_queued_samples:
                self._drop_oldest_sample()
            return self.flush()

    def flush(self) -> bool:
        """Write what is queued, in order; stop at the first failure."""
        with self._lock:
            while self._queue:
                write = self._queue[0]
                started = time.monotonic()
                try:
                    if write.method == "sample":
                        self._write_samples()
                        continue
                    getattr(self.log, write.method)(**write.kwargs)
                except WRITE_ERRORS as error:
                    self._failed(write.method, error, time.monotonic() - started)
                    return False
                self._queue.popleft()
            if self._failing_since is not None:
                self._recovered()
            return True

    def _write_samples(self) -> None:
        first = self._queue[0]
        trip_id = first.kwargs["trip_id"]
        batch = []
        for write in self._queue:
            if write.method != "sample" or write.kwargs["trip_id"] != trip_id:
                break
            batch.append((write.kwargs["t"], write.kwargs["values"]))
            if len(batch) >= FLUSH_BATCH:
                break
        self.log.add_samples(trip_id, batch)
        for _ in batch:
            self._queue.popleft()
        self._queued_samples -= len(batch)

    def _drop_oldest_sample(self) -> None:
        for index, write in enumerate(self._queue):
            if write.method == "sample":
                del self._queue[index]
                self._queued_samples -= 1
                self._dropped_count += 1
                extent = self._dropped.setdefault(
                    write.kwargs["trip_id"], [write.kwargs["t"], write.kwargs["t"]]
                )
                extent[0] = min(extent[0], write.kwargs["t"])
                extent[1] = max(extent[1], write.kwargs["t"])
                return

    def _failed(self, method: str, error: Exception, waited_s: float) -> None:
        self.failed_attempts += 1
        text = str(error) or type(error).__name__
        if self._failing_since is None or text != self._last_error:
            logger.error(
                "trip log write %s (table %s) failed after %.1f s: %s; %d writes "
                "kept in memory and retried with the next one",
                method, _TABLES.get(method, "?"), waited_s, text, len(self._queue),
            )
        if self._failing_since is None:
            self._failing_since = time.time()
        self._last_error = text

    def _recovered(self) -> None:
        logger.warning(
            "trip log writes work again after %d failed attempts; %d samples "
            "were dropped while the queue was full",
            self.failed_attempts, self._dropped_count,
        )
        self._failing_since = None
        dropped, self._dropped = self._dropped, {}
        for trip_id, (first, last) in dropped.items():
            try:
                self.log.add_gap(
                    self.vehicle, trip_id, "storage_full", first, last,
                    detail="samples dropped while the database could not be written",
                )
            except WRITE_ERRORS as error:
                logger.error("cannot store the storage_full gap of trip %s: %s",
                             trip_id, error)
