"""Events of the driving experience log, detected from vehicle signals.

Harsh braking and acceleration come from the change of speed over about
one second. DTC events come from the difference between two DTC lists,
low energy from the state of charge or fuel level, and GPS loss from the
age of the last position. Each detector fires once per episode and re-arms when
the value is back in range, so one long brake is one event.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from headunit.tripconfig import TripSettings
from vehicle import vss

STANDARD_GRAVITY = 9.80665
#: Window over which acceleration is measured, in seconds: long enough to
#: smooth wheel-speed noise, short enough to catch a hard stop.
ACCELERATION_WINDOW_S = 1.0
#: A harsh-driving detector re-arms once the acceleration is below this
#: share of its threshold.
REARM_SHARE = 0.5
#: The low-energy event re-arms once the level is this many points above
#: the threshold, so charging back across it does not fire twice.
LOW_ENERGY_HYSTERESIS_PERCENT = 2.0
#: A position older than this, while the trip runs, counts as GPS lost,
#: in seconds. Equal to the catalogue's staleness limit of a position.
GPS_LOST_AFTER_S = vss.CATALOGUE[vss.LATITUDE].stale_after_s


@dataclass(frozen=True)
class Event:
    """Something worth a line in the trip's story."""

    t: float
    kind: str
    value: float | None = None
    detail: dict[str, Any] | None = None


@dataclass
class EventDetector:
    """Turn updates into ``Event``s; not thread-safe (the recorder's lock guards it)."""

    settings: TripSettings
    _speeds: deque[tuple[float, float]] = field(default_factory=deque)
    _braking_armed: bool = True
    _accelerating_armed: bool = True
    _dtcs: frozenset[str] | None = None
    _low_energy_armed: bool = True
    _last_fix_t: float | None = None
    gps_lost_since: float | None = None

    def on_update(self, path: str, value: Any, t: float) -> list[Event]:
        """Return the events one update causes."""
        if path == vss.SPEED:
            return self._on_speed(t, value)
        if path == vss.DTC_LIST:
            return self._on_dtcs(t, value)
        if path in (vss.SOC_DISPLAYED, vss.FUEL_LEVEL):
            return self._on_energy(t, path, value)
        if path in (vss.LATITUDE, vss.LONGITUDE):
            return self._on_position(t)
        return []

    def trip_started(self, started_at: float) -> None:
        """Count a position loss from ``started_at`` at the earliest.

        A fix from before the trip tells nothing about the trip itself, so a
        receiver that went quiet between two trips causes a loss that starts
        with the new trip, not inside the previous one.
        """
        if self._last_fix_t is not None and self._last_fix_t < started_at:
            self._last_fix_t = started_at

    def check_gps(self, now: float, recording: bool) -> list[Event]:
        """Return a ``gps_lost`` event when the position went quiet during a trip."""
        if not recording or self._last_fix_t is None or self.gps_lost_since is not None:
            return []
        if now - self._last_fix_t > GPS_LOST_AFTER_S:
            self.gps_lost_since = self._last_fix_t
            return [Event(self._last_fix_t, "gps_lost")]
        return []

    def _on_speed(self, t: float, speed_kmh: Any) -> list[Event]:
        try:
            speed = float(speed_kmh)
        except (TypeError, ValueError):
            return []
        speeds = self._speeds
        speeds.append((t, speed))
        while len(speeds) > 2 and t - speeds[1][0] >= ACCELERATION_WINDOW_S:
            speeds.popleft()
        t0, v0 = speeds[0]
        dt = t - t0
        if dt < ACCELERATION_WINDOW_S / 2 or dt > 3 * ACCELERATION_WINDOW_S:
            return []
        accel_g = (speed - v0) / 3.6 / dt / STANDARD_GRAVITY
        events = []
        braking = self.settings.harsh_braking_g
        if self._braking_armed and -accel_g >= braking:
            self._braking_armed = False
            events.append(Event(t, "harsh_braking", round(-accel_g, 3),
                                {"speed_kmh": round(speed, 1)}))
        elif not self._braking_armed and -accel_g < braking * REARM_SHARE:
            self._braking_armed = True
        accelerating = self.settings.harsh_acceleration_g
        if self._accelerating_armed and accel_g >= accelerating:
            self._accelerating_armed = False
            events.append(Event(t, "harsh_acceleration", round(accel_g, 3),
                                {"speed_kmh": round(speed, 1)}))
        elif not self._accelerating_armed and accel_g < accelerating * REARM_SHARE:
            self._accelerating_armed = True
        return events

    def _on_dtcs(self, t: float, value: Any) -> list[Event]:
        if isinstance(value, str):
            codes = frozenset(code.strip() for code in value.split(",") if code.strip())
        else:
            # python-OBD reports (code, description) pairs; keep the code.
            codes = frozenset(
                str(code[0] if isinstance(code, (tuple, list)) else code)
                for code in (value or ())
            )
        previous, self._dtcs = self._dtcs, codes
        if previous is None:
            # The first list seen: codes already stored count as appearing now,
            # because the log has no earlier record of them.
            previous = frozenset()
        events = [Event(t, "dtc_appeared", None, {"code": code})
                  for code in sorted(codes - previous)]
        events += [Event(t, "dtc_cleared", None, {"code": code})
                   for code in sorted(previous - codes)]
        return events

    def _on_energy(self, t: float, path: str, value: Any) -> list[Event]:
        try:
            level = float(value)
        except (TypeError, ValueError):
            return []
        threshold = self.settings.low_energy_percent
        if self._low_energy_armed and level < threshold:
            self._low_energy_armed = False
            source = "battery" if path == vss.SOC_DISPLAYED else "fuel"
            return [Event(t, "low_energy", level, {"source": source})]
        if not self._low_energy_armed and level >= threshold + LOW_ENERGY_HYSTERESIS_PERCENT:
            self._low_energy_armed = True
        return []

    def _on_position(self, t: float) -> list[Event]:
        self._last_fix_t = t
        if self.gps_lost_since is None:
            return []
        since, self.gps_lost_since = self.gps_lost_since, None
        return [Event(t, "gps_regained", round(t - since, 1), {"lost_since": since})]
