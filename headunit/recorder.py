"""The trip recorder: detects drives and writes them to the trip log.

It observes every batch of vehicle state updates in the source's thread.
Distance and battery energy are integrated at the full rate of the
incoming signals (trapezoidal rule), so the 1 Hz samples carry the exact
running totals even though speed changes many times a second. A trip
starts when the car starts moving, and ends once it has stood still for
``parked_timeout_s`` or when the input ends.
"""

from __future__ import annotations

import logging
import math
import threading
from typing import Any

from headunit.state import STOPPED_SPEED_KMH, VehicleState
from sync.triplog import TripLog
from vehicle import vss
from vehicle.profile import VehicleProfile
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

#: Default time the car must stand still before a trip ends, in seconds.
#: Long enough for a red light or a level crossing.
DEFAULT_PARKED_TIMEOUT_S = 180.0
#: A gap between two speed values longer than this is not integrated: the
#: distance over it is unknown, not zero-speed and not constant-speed.
MAX_INTEGRATION_GAP_S = 5.0


class TripRecorder:
    """Turn the flow of vehicle state into trips and 1 Hz samples.

    Thread-safe: ``on_updates`` may run in a source thread while ``finish``
    runs in another.
    """

    def __init__(
        self,
        state: VehicleState,
        trip_log: TripLog,
        profile: VehicleProfile,
        parked_timeout_s: float = DEFAULT_PARKED_TIMEOUT_S,
        sample_interval_s: float = 1.0,
    ) -> None:
        self._state = state
        self._log = trip_log
        self._profile = profile
        self.parked_timeout_s = parked_timeout_s
        self.sample_interval_s = sample_interval_s
        self._lock = threading.Lock()
        self.trips_version = 0
        self.trip_id: str | None = None
        #: Trips started since this recorder was created, oldest first.
        self.trip_ids: list[str] = []
        self._distance_m = 0.0
        self._energy_kwh = 0.0
        self._last_speed: tuple[float, float] | None = None  # (t, km/h)
        self._last_power: tuple[float, float] | None = None  # (t, W)
        self._trip_start_distance_m = 0.0
        self._trip_start_energy_kwh = 0.0
        # First moment of the current standstill, for the end of a trip.
        self._still_since: float | None = None
        # Last moment the car stood still, with the totals then: the start
        # of a drive that follows.
        self._last_still: tuple[float, float, float] | None = None
        self._next_sample_t = 0.0
        self._now = 0.0

    @property
    def recording(self) -> bool:
        return self.trip_id is not None

    def on_updates(self, updates: list[SignalUpdate]) -> None:
        """Observe a batch of updates; may start, sample or end a trip."""
        with self._lock:
            for update in updates:
                if update.path == vss.SPEED:
                    self._on_speed(update.timestamp, float(update.value))
                elif update.path == vss.BATTERY_POWER:
                    self._on_power(update.timestamp, float(update.value))
                if update.timestamp > self._now:
                    self._now = update.timestamp
            if self.trip_id is not None:
                self._maybe_sample()
                self._maybe_end()

    def finish(self, reason: str) -> None:
        """Close the running trip, if any, at the end of the input or at shutdown."""
        with self._lock:
            if self.trip_id is None:
                return
            end = self._still_since if self._still_since is not None else self._now
            self._write_sample(self._now)
            self._close(end, reason)

    def _on_speed(self, t: float, speed_kmh: float) -> None:
        if math.isnan(speed_kmh):
            return
        if self._last_speed is not None:
            t0, v0 = self._last_speed
            dt = t - t0
            if 0 < dt <= MAX_INTEGRATION_GAP_S:
                self._distance_m += (v0 + speed_kmh) / 2 / 3.6 * dt
        self._last_speed = (t, speed_kmh)

        if speed_kmh < STOPPED_SPEED_KMH:
            self._last_still = (t, self._distance_m, self._energy_kwh)
            if self._still_since is None:
                self._still_since = t
        else:
            self._still_since = None

        if self.trip_id is None and self._state.moving:
            self._start(t)

    def _on_power(self, t: float, power_w: float) -> None:
        if math.isnan(power_w):
            return
        if self._last_power is not None:
            t0, p0 = self._last_power
            dt = t - t0
            if 0 < dt <= MAX_INTEGRATION_GAP_S:
                self._energy_kwh += (p0 + power_w) / 2 * dt / 3_600_000
        self._last_power = (t, power_w)

    def _start(self, t: float) -> None:
        # The drive began when the car last stood still, not when its speed
        # first crossed the moving threshold.
        if self._last_still is not None:
            started_at, distance_m, energy_kwh = self._last_still
        else:
            started_at, distance_m, energy_kwh = t, self._distance_m, self._energy_kwh
        self._trip_start_distance_m = distance_m
        self._trip_start_energy_kwh = energy_kwh
        self.trip_id = self._log.start_trip(self._profile.vehicle_id, started_at)
        self.trip_ids.append(self.trip_id)
        self._next_sample_t = started_at
        self.trips_version += 1

    def _maybe_sample(self) -> None:
        if self._now < self._next_sample_t:
            return
        # Samples sit on a whole-second grid from the trip's start and carry
        # the totals of the newest update. Grid points that the input jumped
        # over (a silent bus) get no sample.
        self._write_sample(self._next_sample_t)
        intervals = math.floor((self._now - self._next_sample_t) / self.sample_interval_s)
        self._next_sample_t += (intervals + 1) * self.sample_interval_s

    def _maybe_end(self) -> None:
        if self._still_since is None:
            return
        if self._now - self._still_since >= self.parked_timeout_s:
            self._close(self._still_since, "parked")

    def _write_sample(self, t: float) -> None:
        assert self.trip_id is not None
        snapshot = self._state.snapshot()
        has_power = self._last_power is not None
        values: dict[str, Any] = {
            "speed_kmh": self._last_speed[1] if self._last_speed else None,
            "distance_m": self._distance_m - self._trip_start_distance_m,
            "soc_percent": snapshot.value(vss.SOC_DISPLAYED),
            "power_w": snapshot.value(vss.BATTERY_POWER),
            "energy_kwh": (
                self._energy_kwh - self._trip_start_energy_kwh if has_power else None
            ),
            "fuel_percent": snapshot.value(vss.FUEL_LEVEL),
            "latitude": snapshot.value(vss.LATITUDE),
            "longitude": snapshot.value(vss.LONGITUDE),
        }
        try:
            self._log.add_sample(self.trip_id, t, values)
            # The running trip's summary on screen follows its samples.
            self.trips_version += 1
        except Exception as error:
            # The next sample tries again; nothing already stored is touched.
            logger.error("failed to store a sample of trip %s: %s", self.trip_id, error)

    def _close(self, ended_at: float, reason: str) -> None:
        assert self.trip_id is not None
        trip_id, self.trip_id = self.trip_id, None
        try:
            self._log.close_trip(trip_id, ended_at, reason, self._profile.fuel_tank_l)
        except Exception as error:
            logger.error(
                "failed to close trip %s (%s); it will be recovered from its samples "
                "at the next start: %s",
                trip_id,
                reason,
                error,
            )
        self.trips_version += 1
