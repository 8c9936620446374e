"""The health of one CAN bus as a ladder of readable states.

A driver must see "vehicle bus lost" rather than values that stopped
changing. Each bus reader keeps a ``BusMonitor``; its ``status()`` is one
of the strings below, from worst to best:

- ``LOST``: frames arrived before and then stopped for ``lost_after_s``,
  the interface failed while open, or the controller went bus-off.
- ``NO_BUS``: the interface has never opened (missing adapter, wrong
  channel, no CAN input configured).
- ``SILENT``: the interface is open but no frame has arrived yet, as on
  a car that is switched off.
- ``RECEIVING``: frames arrive.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Iterable

LOST = "lost"
NO_BUS = "no bus"
SILENT = "silent"
RECEIVING = "receiving"
#: Statuses from worst to best; the status of several buses is the worst.
LADDER = (LOST, NO_BUS, SILENT, RECEIVING)

#: Silence after which a bus that was receiving counts as lost, in seconds.
#: Powertrain messages repeat every 10 ms to 1 s, so a second without any
#: frame means the bus or the adapter is gone.
DEFAULT_LOST_AFTER_S = 1.0


class BusMonitor:
    """Track whether one bus is open and receiving; thread-safe.

    ``clock`` is a monotonic time source in seconds, replaceable in tests.
    """

    def __init__(
        self,
        lost_after_s: float = DEFAULT_LOST_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lost_after_s = lost_after_s
        self._clock = clock
        self._lock = threading.Lock()
        self._open = False
        self._was_open = False
        self._ever_received = False
        self._bus_off = False
        self._failed = False
        self._last_frame = 0.0

    def opened(self) -> None:
        with self._lock:
            self._open = True
            self._was_open = True
            self._bus_off = False
            self._failed = False

    def closed(self) -> None:
        with self._lock:
            self._open = False

    def failed(self) -> None:
        """Mark the open interface as failed; the reader then reconnects."""
        with self._lock:
            self._open = False
            self._failed = True
            # Frames from before the failure do not show that the new link works.
            self._last_frame = float("-inf")

    def frame_received(self) -> None:
        # Called for every frame: one assignment under the lock.
        with self._lock:
            self._last_frame = self._clock()
            self._ever_received = True
            self._bus_off = False

    def bus_off(self) -> None:
        with self._lock:
            self._bus_off = True

    def status(self) -> str:
        """Return the bus's place on the ladder, as one of the module's strings."""
        with self._lock:
            if not self._open:
                lost = self._failed or (self._was_open and self._ever_received)
                return LOST if lost else NO_BUS
            if self._bus_off:
                return LOST
            if self._ever_received:
                if self._clock() - self._last_frame <= self.lost_after_s:
                    return RECEIVING
                return LOST
            return SILENT


def worst_status(statuses: Iterable[str]) -> str:
    """Return the worst of several bus statuses; ``NO_BUS`` for none."""
    ranks = [LADDER.index(status) for status in statuses]
    return LADDER[min(ranks)] if ranks else NO_BUS
