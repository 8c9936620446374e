"""Latest known value of every VSS path, shared between threads.

Sources push ``SignalUpdate`` batches from their own threads; the UI and
the trip recorder read snapshots. A single lock guards the table, and
observers run outside it so a slow observer never blocks a reader.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from vehicle import vss
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

#: Speed at or above which the car counts as moving, in km/h. Wheel-speed
#: signals often read a few tenths while parked, so 0 would flicker.
MOVING_SPEED_KMH = 2.0
#: Speed below which a moving car counts as stopped again, in km/h. The gap
#: to MOVING_SPEED_KMH is hysteresis against creeping in traffic.
STOPPED_SPEED_KMH = 0.5

Observer = Callable[[list[SignalUpdate]], None]


@dataclass(frozen=True)
class Reading:
    """A value with the time it was measured and a change counter."""

    value: Any
    timestamp: float
    version: int


class VehicleState:
    """Thread-safe table of the latest ``Reading`` per VSS path.

    ``now`` is the state's own clock: the newest timestamp seen from any
    source, advanced in real time while no update arrives. So staleness
    works on a replay faster than real time, and values still go stale
    when every source falls silent.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readings: dict[str, Reading] = {}
        self._version = 0
        self._now = 0.0
        self._now_received = time.monotonic()
        self._moving = False
        # Paths whose last value a later update declared unavailable, such
        # as the position after a report without a GNSS fix.
        self._unavailable: set[str] = set()
        self._observers: list[Observer] = []

    def add_observer(self, observer: Observer) -> None:
        """Call ``observer`` with every batch of updates, in the pushing thread."""
        with self._lock:
            self._observers.append(observer)

    def update(self, updates: Iterable[SignalUpdate]) -> None:
        """Store a batch of updates and notify observers.

        Observers must catch their own errors: one that raises is logged
        and the remaining observers still run. A GNSS fix-type update marks
        the location paths that fix cannot provide as stale until they get
        a new value.
        """
        batch = list(updates)
        if not batch:
            return
        with self._lock:
            for update in batch:
                self._version += 1
                self._readings[update.path] = Reading(
                    update.value, update.timestamp, self._version
                )
                if update.timestamp > self._now:
                    self._now = update.timestamp
                    self._now_received = time.monotonic()
                if update.path == vss.SPEED:
                    self._moving = _next_moving(self._moving, update.value)
                if update.path == vss.GNSS_FIX_TYPE:
                    self._unavailable.update(
                        vss.UNAVAILABLE_WITH_FIX.get(update.value, ())
                    )
                else:
                    self._unavailable.discard(update.path)
            observers = list(self._observers)
        for observer in observers:
            try:
                observer(batch)
            except Exception:
                logger.exception("vehicle state observer %r failed", observer)

    def get(self, path: str) -> Reading | None:
        """Return the latest reading of ``path``, or None if none arrived."""
        with self._lock:
            return self._readings.get(path)

    def value(self, path: str, default: Any = None) -> Any:
        """Return the latest value of ``path`` if it is still current."""
        with self._lock:
            reading = self._readings.get(path)
            if reading is None or self._is_stale(path, reading, self._clock()):
                return default
            return reading.value

    def snapshot(self) -> "Snapshot":
        """Return a consistent copy of all readings at this instant."""
        with self._lock:
            readings = dict(self._readings)
            now = self._clock()
            stale = {
                path for path, reading in readings.items()
                if self._is_stale(path, reading, now)
            }
            return Snapshot(readings, stale, now, self._moving, self._version)

    @property
    def moving(self) -> bool:
        """Whether the car moves, from speed with hysteresis."""
        with self._lock:
            return self._moving

    @property
    def now(self) -> float:
        """The state's clock in seconds; 0.0 until the first update."""
        with self._lock:
            return self._clock()

    def _clock(self) -> float:
        if not self._readings:
            return 0.0
        return self._now + (time.monotonic() - self._now_received)

    def _is_stale(self, path: str, reading: Reading, now: float) -> bool:
        if path in self._unavailable:
            return True
        signal = vss.CATALOGUE.get(path)
        limit = signal.stale_after_s if signal else 2.0
        return now - reading.timestamp > limit


@dataclass(frozen=True)
class Snapshot:
    """A copy of the state for one reader; ``version`` grows with every update."""

    readings: dict[str, Reading]
    stale: set[str]
    now: float
    moving: bool
    version: int

    def value(self, path: str, default: Any = None) -> Any:
        """Return the current value of ``path``, or ``default`` if absent or stale."""
        reading = self.readings.get(path)
        if reading is None or path in self.stale:
            return default
        return reading.value


def _next_moving(moving: bool, speed_kmh: Any) -> bool:
    try:
        speed = float(speed_kmh)
    except (TypeError, ValueError):
        return moving
    if moving:
        return speed >= STOPPED_SPEED_KMH
    return speed >= MOVING_SPEED_KMH
