"""A position source for the demo when no gpsd is configured.

``SimulatedGps`` receives the simulator's track points and pushes the same
VSS updates that ``GpsSource`` pushes for gpsd's reports. They carry the
simulated time of the CAN frames, so trips, the map and the GPS status
work in the demo at any time scale. gpsd stays the real path: the head
unit uses this source only in the demo and only without ``--gpsd``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Callable

from vehicle import vss
from vehicle.gps_source import GpsStatus
from vehicle.gps_track import TrackPoint
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

Sink = Callable[[list[SignalUpdate]], None]


class SimulatedGps:
    """Turn the simulator's track points into location updates for ``sink``.

    Call it from the simulator's thread; ``status`` may be read from any
    thread. A point without a fix (a tunnel) pushes only the fix type, so
    the last position goes stale as it does with a real receiver.
    """

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self.status = GpsStatus.NO_GPSD
        self.points = 0

    def start(self) -> None:
        logger.info("GPS: no gpsd configured; positions follow the simulated drive")

    def stop(self) -> None:
        logger.info("stopped the simulated GPS after %d positions", self.points)

    def __call__(self, point: TrackPoint, timestamp: float) -> None:
        self.points += 1
        # As in GpsSource, the state receives the updates before the status
        # changes, so a reader of the new status also reads the new position.
        if not point.has_fix:
            self._sink([SignalUpdate(vss.GNSS_FIX_TYPE, vss.FIX_NONE, timestamp)])
            self._set_status(GpsStatus.NO_FIX)
            return
        fix_time = datetime.fromtimestamp(timestamp, timezone.utc)
        self._sink([
            SignalUpdate(vss.GNSS_FIX_TYPE, vss.FIX_3D, timestamp),
            SignalUpdate(vss.LATITUDE, point.latitude, timestamp),
            SignalUpdate(vss.LONGITUDE, point.longitude, timestamp),
            SignalUpdate(vss.HEADING, point.heading_deg % 360, timestamp),
            SignalUpdate(vss.GNSS_SPEED, point.speed_kmh, timestamp),
            SignalUpdate(
                vss.LOCATION_TIMESTAMP,
                fix_time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                timestamp,
            ),
        ])
        self._set_status(GpsStatus.FIX_3D)

    def _set_status(self, status: GpsStatus) -> None:
        if status is not self.status:
            self.status = status
            logger.info("simulated GPS: %s", status.value)
