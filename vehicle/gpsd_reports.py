"""Decoding gpsd's JSON reports into VSS location updates.

gpsd sends one JSON object a line. A TPV report carries the fix: ``mode``
(0 unknown, 1 no fix, 2 two-dimensional, 3 three-dimensional) and the
values the receiver had, and gpsd leaves out every field it has no value
for. A SKY report carries the satellites. The decoder treats a missing
field as "not available", never as 0, and reports a position only with a
fix of mode 2 or 3.

Bad reports never raise: each fault is counted and logged once per kind
through ``FaultLog``, and the rest of the report is used where it can be.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import datetime
from typing import Any

from vehicle import vss
from vehicle.faults import FaultLog
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

#: gpsd TPV ``mode`` to the VSS fix type.
FIX_TYPES = {0: vss.FIX_NONE, 1: vss.FIX_NONE, 2: vss.FIX_2D, 3: vss.FIX_3D}

METRES_PER_SECOND_TO_KMH = 3.6

#: Valid range of each numeric TPV field the decoder reads. Altitudes span
#: the Dead Sea shore to above any road; gpsd reports speed in m/s.
TPV_RANGES: dict[str, tuple[float, float]] = {
    "lat": (-90.0, 90.0),
    "lon": (-180.0, 180.0),
    "track": (0.0, 360.0),
    "speed": (0.0, 1000.0),
    "altHAE": (-1000.0, 20000.0),
    "altMSL": (-1000.0, 20000.0),
    "alt": (-1000.0, 20000.0),
}


class GpsdDecoder:
    """Turn gpsd JSON lines into ``SignalUpdate`` batches.

    ``fix_type`` is the VSS fix type of the newest TPV report (None before
    the first one), and ``satellites_used`` the number of satellites in
    the fix from the newest SKY report that gave it (None while unknown).
    Not thread-safe: one reader thread owns a decoder.
    """

    def __init__(self, faults: FaultLog | None = None) -> None:
        self.faults = faults or FaultLog(logger)
        self.fix_type: str | None = None
        self.satellites_used: int | None = None
        #: Lines that were JSON objects, and the TPV reports among them.
        self.reports = 0
        self.tpv_reports = 0
        #: Class of the newest report, such as "TPV" or "WATCH".
        self.last_class: str | None = None

    def decode(self, line: str, received_at: float) -> list[SignalUpdate]:
        """Decode one line of gpsd output received at ``received_at`` (Unix s).

        The fix-type update comes first in the batch, so the vehicle state
        invalidates what the fix cannot provide before it stores the rest.
        """
        try:
            report = json.loads(line)
        except (ValueError, RecursionError) as error:
            self._fault(
                ("json",),
                "gpsd sent a line that is not valid JSON (%s): %.80r",
                error,
                line,
            )
            return []
        if not isinstance(report, dict):
            self._fault(
                ("not an object",), "gpsd sent JSON that is not an object: %.80r", line
            )
            return []
        self.reports += 1
        report_class = report.get("class")
        self.last_class = report_class if isinstance(report_class, str) else None
        if report_class == "TPV":
            self.tpv_reports += 1
            return self._decode_tpv(report, received_at)
        if report_class == "SKY":
            self._decode_sky(report)
        elif report_class == "ERROR":
            self._fault(
                ("gpsd error",), "gpsd reported an error: %.200s", report.get("message")
            )
        elif not isinstance(report_class, str):
            self._fault(
                ("no class",), "gpsd sent a report without a class: %.80r", line
            )
        # VERSION, DEVICES, WATCH, GST, ATT, PPS and the rest carry nothing
        # the head unit shows.
        return []

    def _decode_tpv(self, report: dict[str, Any], t: float) -> list[SignalUpdate]:
        mode = report.get("mode")
        if type(mode) is not int or mode not in FIX_TYPES:
            self._fault(
                ("TPV", "mode"),
                "gpsd TPV report has an invalid mode %.40r; report skipped",
                mode,
            )
            return []
        fix = FIX_TYPES[mode]
        values = {name: self._number(report, name) for name in TPV_RANGES}
        latitude, longitude = values["lat"], values["lon"]
        if fix != vss.FIX_NONE:
            if latitude is None or longitude is None:
                self._fault(
                    ("TPV", "no position"),
                    "gpsd TPV report of mode %d has no valid position; taken as no fix",
                    mode,
                )
                fix = vss.FIX_NONE
            elif latitude == 0.0 and longitude == 0.0:
                # Receivers that fill empty fields with zeros claim this spot
                # in the Gulf of Guinea; a car there is far less likely.
                self._fault(
                    ("TPV", "zero position"),
                    "gpsd TPV report of mode %d is at "
                    "latitude 0, longitude 0; taken as no fix",
                    mode,
                )
                fix = vss.FIX_NONE
        self.fix_type = fix

        updates = [SignalUpdate(vss.GNSS_FIX_TYPE, fix, t)]
        if fix == vss.FIX_NONE:
            return updates
        updates.append(SignalUpdate(vss.LATITUDE, latitude, t))
        updates.append(SignalUpdate(vss.LONGITUDE, longitude, t))
        if values["track"] is not None:
            updates.append(SignalUpdate(vss.HEADING, values["track"], t))
        if values["speed"] is not None:
            speed_kmh = values["speed"] * METRES_PER_SECOND_TO_KMH
            updates.append(SignalUpdate(vss.GNSS_SPEED, speed_kmh, t))
        if fix == vss.FIX_3D:
            if values["altHAE"] is not None:
                updates.append(SignalUpdate(vss.ALTITUDE, values["altHAE"], t))
            # gpsd before 3.20 sent only "alt", above mean sea level.
            msl = values["altMSL"] if values["altMSL"] is not None else values["alt"]
            if msl is not None:
                updates.append(SignalUpdate(vss.ALTITUDE_MSL, msl, t))
        fix_time = self._time(report)
        if fix_time is not None:
            updates.append(SignalUpdate(vss.LOCATION_TIMESTAMP, fix_time, t))
        return updates

    def _decode_sky(self, report: dict[str, Any]) -> None:
        used = report.get("uSat")
        if used is not None:
            if type(used) is int and used >= 0:
                self.satellites_used = used
                return
            self._fault(
                ("SKY", "uSat"), "gpsd SKY report has an invalid uSat %.40r", used
            )
        satellites = report.get("satellites")
        if satellites is None:
            # A SKY report without a satellite list gives no satellite count.
            return
        if not isinstance(satellites, list):
            self._fault(
                ("SKY", "satellites"),
                "gpsd SKY report has an invalid satellite list %.80r",
                satellites,
            )
            return
        self.satellites_used = sum(
            1
            for satellite in satellites
            if isinstance(satellite, dict) and satellite.get("used") is True
        )

    def _number(self, report: dict[str, Any], name: str) -> float | None:
        value = report.get(name)
        if value is None:
            return None
        low, high = TPV_RANGES[name]
        number = math.nan
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:
                pass
        if not low <= number <= high:
            self._fault(
                ("TPV", name),
                "gpsd TPV field %s is invalid: %.40r; ignored",
                name,
                value,
            )
            return None
        return number

    def _time(self, report: dict[str, Any]) -> str | None:
        value = report.get("time")
        if value is None:
            return None
        try:
            if not isinstance(value, str) or not value.endswith("Z"):
                raise ValueError("not an ISO 8601 UTC time")
            datetime.fromisoformat(value)
        except ValueError:
            self._fault(
                ("TPV", "time"), "gpsd TPV field time is invalid: %.40r; ignored", value
            )
            return None
        return value

    def _fault(self, kind: tuple[str, ...], message: str, *args: object) -> None:
        self.faults.report(("gpsd",) + kind, message, *args)
