"""NMEA 0183 sentences for simulated positions, and a UDP feed for gpsd.

A simulated receiver sends one RMC and one GGA sentence a second, as
cheap receivers do. Without a fix it keeps sending them with the status
``V`` and fix quality 0 and empty position fields, which is what a
receiver in a tunnel sends. gpsd reads such a feed with
``gpsd -n -b udp://127.0.0.1:PORT``, and then reports the fixes to the
head unit as it would a real receiver's.
"""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timezone

from vehicle.gps_track import TrackPoint

logger = logging.getLogger(__name__)

KNOTS_PER_KMH = 1 / 1.852
#: Satellites, horizontal dilution and altitudes (above mean sea level and
#: the geoid's height above the WGS 84 ellipsoid, in metres) of a simulated fix.
SIMULATED_SATELLITES = 9
SIMULATED_HDOP = 0.9
SIMULATED_ALTITUDE_MSL_M = 12.0
SIMULATED_GEOID_SEPARATION_M = 8.9


def with_checksum(body: str) -> str:
    """Return ``$body*HH`` with the NMEA checksum, the XOR of the body's bytes."""
    checksum = 0
    for byte in body.encode("ascii"):
        checksum ^= byte
    return f"${body}*{checksum:02X}"


def sentences_for(point: TrackPoint, timestamp: float) -> list[str]:
    """Return the RMC and GGA sentences of ``point``, stamped with Unix time ``timestamp``."""
    when = datetime.fromtimestamp(timestamp, timezone.utc)
    clock = when.strftime("%H%M%S.") + f"{when.microsecond // 10_000:02d}"
    date = when.strftime("%d%m%y")
    if not point.has_fix:
        return [
            with_checksum(f"GPRMC,{clock},V,,,,,,,{date},,,N"),
            with_checksum(f"GPGGA,{clock},,,,,0,00,99.99,,,,,,"),
        ]
    latitude = _degrees_minutes(point.latitude, 2, "N", "S")
    longitude = _degrees_minutes(point.longitude, 3, "E", "W")
    knots = point.speed_kmh * KNOTS_PER_KMH
    return [
        with_checksum(
            f"GPRMC,{clock},A,{latitude},{longitude},{knots:.3f},"
            f"{point.heading_deg % 360:.2f},{date},,,A"
        ),
        with_checksum(
            f"GPGGA,{clock},{latitude},{longitude},1,{SIMULATED_SATELLITES:02d},"
            f"{SIMULATED_HDOP:.2f},{SIMULATED_ALTITUDE_MSL_M:.1f},M,"
            f"{SIMULATED_GEOID_SEPARATION_M:.1f},M,,"
        ),
    ]


def _degrees_minutes(value: float, degree_digits: int, positive: str, negative: str) -> str:
    """Format a coordinate as NMEA ``dddmm.mmmmm,H``."""
    hemisphere = positive if value >= 0 else negative
    value = abs(value)
    degrees = int(value)
    minutes = (value - degrees) * 60
    return f"{degrees:0{degree_digits}d}{minutes:08.5f},{hemisphere}"


class NmeaUdpFeed:
    """Send each simulated position as NMEA datagrams to a UDP port, for gpsd.

    The address is the caller's, and the command line and the tests give a
    loopback one. A send that fails with ``OSError`` is counted and logged
    once instead of raised, because a missing gpsd must not stop the CAN
    simulation.
    """

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.sent = 0
        self.failed = 0
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_DGRAM)

    def __call__(self, point: TrackPoint, timestamp: float) -> None:
        for sentence in sentences_for(point, timestamp):
            try:
                self._socket.sendto(sentence.encode("ascii") + b"\r\n", self.address)
            except OSError as error:
                self.failed += 1
                if self.failed == 1:
                    logger.warning(
                        "cannot send NMEA to udp://%s:%d: %s; further failures "
                        "are only counted", *self.address, error,
                    )
                return
            self.sent += 1

    def close(self) -> None:
        self._socket.close()
