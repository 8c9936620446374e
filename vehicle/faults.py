"""Counting run-time faults without flooding the log.

A bad frame at 100 Hz must not become 100 log lines a second: the first
fault of each kind is logged with its details, later ones are only counted,
and the counts are reported at intervals and at the end of a replay.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Hashable


class FaultLog:
    """Warn once per fault kind and count every occurrence; thread-safe."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._counts: Counter[Hashable] = Counter()
        self._lock = threading.Lock()

    def report(self, kind: Hashable, message: str, *args: object) -> None:
        """Count a fault of ``kind``; log ``message`` the first time it is seen."""
        with self._lock:
            self._counts[kind] += 1
            first = self._counts[kind] == 1
        if first:
            self._logger.warning(message + " (further faults of this kind are counted)", *args)

    def counts(self) -> dict[Hashable, int]:
        """Return a copy of the count per fault kind."""
        with self._lock:
            return dict(self._counts)

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())
