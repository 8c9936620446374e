"""Export of every trip to a USB stick: GPX tracks and the logbook CSV.

The trips screen starts an export and polls ``UsbExport.status`` on a
timer, so the UI thread does not wait on the stick. The export runs in a
thread of its own and writes through ``sync.tripexport``. Each file is
written as ``NAME.part``, synced and then renamed, so a stick pulled out
mid-export holds at most a ``.part`` file, not a truncated file under
the final name.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sync.tripexport import write_gpx, write_logbook
from sync.triplog import CLOSED, TripLog, TripSummary

logger = logging.getLogger(__name__)

IDLE = "idle"
RUNNING = "running"
DONE = "done"
FAILED = "failed"

#: Kinds of failure, which the screen turns into a translated sentence.
NO_STICK = "no_stick"
DISK_FULL = "disk_full"
READ_ONLY = "read_only"
NO_TRIPS = "no_trips"
WRITE_FAILED = "write_failed"


@dataclass(frozen=True)
class UsbExportStatus:
    """Progress of the latest export; ``done`` and ``total`` count samples."""

    state: str = IDLE
    done: int = 0
    total: int = 0
    error: str | None = None
    detail: str = ""
    files: tuple[str, ...] = ()
    trip_count: int = 0

    @property
    def fraction(self) -> float:
        """Share of the samples written, from 0 to 1."""
        if self.state == DONE:
            return 1.0
        if self.total <= 0:
            return 0.0
        return min(self.done / self.total, 1.0)


def stick_present(folder: Path) -> bool:
    """Return whether ``folder`` exists and this process may write into it."""
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


class UsbExport:
    """Export of all closed trips to ``folder``, run in a worker thread."""

    def __init__(self, trip_log: TripLog, folder: Path) -> None:
        self.trip_log = trip_log
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._status = UsbExportStatus()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> UsbExportStatus:
        with self._lock:
            return self._status

    @property
    def running(self) -> bool:
        return self.status.state == RUNNING

    def stick_present(self) -> bool:
        return stick_present(self.folder)

    def start(self, now: datetime | None = None) -> bool:
        """Start an export unless one is running; return whether it started."""
        with self._lock:
            if self._status.state == RUNNING:
                return False
            self._status = UsbExportStatus(state=RUNNING)
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        self._thread = threading.Thread(
            target=self._run, args=(stamp,), name="usb-export", daemon=True
        )
        self._thread.start()
        return True

    def join(self, timeout_s: float | None = None) -> None:
        """Wait up to ``timeout_s`` seconds for the running export to finish."""
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _update(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _progress(self, done: int, total: int) -> None:
        self._update(done=done, total=total)

    def _run(self, stamp: str) -> None:
        if not self.stick_present():
            logger.warning("USB export failed: %s is missing or not writable", self.folder)
            self._update(state=FAILED, error=NO_STICK, detail=str(self.folder))
            return
        try:
            trips = self._closed_trips()
            if not trips:
                self._update(state=FAILED, error=NO_TRIPS)
                return
            gpx_name = f"trips-{stamp}.gpx"
            logbook_name = f"logbook-{stamp}.csv"
            self._write(gpx_name, lambda out: write_gpx(
                self.trip_log, trips, out, progress=self._progress
            ))
            self._write(logbook_name, lambda out: write_logbook(self.trip_log, trips, out))
        except OSError as error:
            kind = _error_kind(error)
            logger.error("USB export to %s failed (%s): %s", self.folder, kind, error)
            self._update(state=FAILED, error=kind, detail=error.strerror or str(error))
            return
        except Exception as error:  # a bug must not leave the screen at "exporting"
            logger.exception("USB export to %s failed", self.folder)
            self._update(state=FAILED, error=WRITE_FAILED, detail=str(error))
            return
        logger.info(
            "exported %d trips to %s: %s, %s", len(trips), self.folder, gpx_name, logbook_name
        )
        self._update(state=DONE, files=(gpx_name, logbook_name), trip_count=len(trips))

    def _closed_trips(self) -> list[TripSummary]:
        trips = self.trip_log.trips_between(float("-inf"), float("inf"))
        return [trip for trip in trips if trip.status == CLOSED]

    def _write(self, name: str, write: object) -> None:
        final = self.folder / name
        partial = self.folder / (name + ".part")
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                write(out)  # type: ignore[operator]
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, final)
        except OSError:
            try:
                partial.unlink(missing_ok=True)
            except OSError:
                logger.debug("could not remove %s after a failed export", partial)
            raise


def _error_kind(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DISK_FULL
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return READ_ONLY
    if error.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO):
        return NO_STICK
    return WRITE_FAILED
