"""The trip recorder: detects drives and writes them to the trip log.

It observes every batch of vehicle state updates in the source's thread.
Distance and battery energy are integrated at the full rate of the
incoming signals (trapezoidal rule), so the 1 Hz samples carry the exact
running totals even though speed changes many times a second.

When a trip starts and ends:

- it starts when the car moves, whatever else the signals say, so no
  drive is missed; its start is the last moment the car stood still;
- it ends when the power state (``Vehicle.LowVoltageSystemState``, where
  the profile maps it) leaves ON or START while the car stands;
- it ends after a standstill of ``parked_timeout_s`` in P, or without a
  gear signal, and of ``stopped_timeout_s`` with a drive gear engaged, so
  long red lights and queues stay inside one trip;
- it ends when every input has been silent for ``parked_timeout_s``
  (a car whose bus sleeps after switching off), through ``tick``.

After an app restart the trip that was recording continues when the
first input comes within ``parked_timeout_s`` of its last stored sample:
the downtime becomes an ``app_not_running`` gap with the odometer distance
when known. Otherwise it is closed as ``recovered`` from its samples. A
trip is never split silently.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from dataclasses import replace
from typing import Any

from headunit.state import STOPPED_SPEED_KMH, VehicleState
from headunit.tripconfig import DEFAULT_PARKED_TIMEOUT_S, TripSettings
from headunit.tripevents import Event, EventDetector
from headunit.tripwriter import TripWriter, WriterStatus
from sync.triplog import OpenTrip, TripLog
from vehicle import vss
from vehicle.profile import VehicleProfile
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_PARKED_TIMEOUT_S", "TripRecorder"]

#: A gap between two speed values longer than this is not integrated: the
#: distance over it is unknown, not zero-speed and not constant-speed.
MAX_INTEGRATION_GAP_S = 5.0
#: Input silent for longer than this inside a trip is a ``bus_silent`` gap.
BUS_SILENT_GAP_S = MAX_INTEGRATION_GAP_S
#: An odometer that grew by more than this between two trips means the car
#: drove without the head unit recording: an ``odometer_jump`` gap, in km.
ODOMETER_JUMP_KM = 0.5


class TripRecorder:
    """Turn the flow of vehicle state into trips, 1 Hz samples, events and gaps.

    Thread-safe: ``on_updates`` may run in a source thread while ``tick``
    and ``finish`` run in others.
    """

    def __init__(
        self,
        state: VehicleState,
        trip_log: TripLog,
        profile: VehicleProfile,
        parked_timeout_s: float | None = None,
        sample_interval_s: float = 1.0,
        settings: TripSettings | None = None,
        writer: TripWriter | None = None,
    ) -> None:
        settings = settings or TripSettings()
        if parked_timeout_s is not None:
            settings = _with_parked_timeout(settings, parked_timeout_s)
        self.settings = settings
        self._state = state
        self._log = trip_log
        self._profile = profile
        self.writer = writer or TripWriter(trip_log, profile.vehicle_id)
        self.sample_interval_s = sample_interval_s
        self._lock = threading.Lock()
        self.trips_version = 0
        self.trip_id: str | None = None
        #: Trips started or resumed since this recorder was created, oldest first.
        self.trip_ids: list[str] = []
        self._events = EventDetector(settings)
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
        self._power_on: bool | None = None
        self._power_off_at: float | None = None
        self._gear: int | None = None
        self._next_sample_t = 0.0
        self._now = 0.0
        self._last_input_t: float | None = None
        self._gps_gap_start: float | None = None
        self._pending_resume: OpenTrip | None = None

    @property
    def parked_timeout_s(self) -> float:
        return self.settings.parked_timeout_s

    @property
    def recording(self) -> bool:
        return self.trip_id is not None

    @property
    def status(self) -> WriterStatus:
        """Whether the trip log reaches the disk; see ``WriterStatus``."""
        return self.writer.status

    def adopt_open_trips(self, open_trips: list[OpenTrip]) -> None:
        """Take over trips left recording by an earlier run of the app.

        The newest of this vehicle may continue with the next input (see
        the module docstring); the others are closed from their samples.
        """
        with self._lock:
            mine = [trip for trip in open_trips if trip.vehicle == self._profile.vehicle_id]
            others = [trip for trip in open_trips if trip not in mine[-1:]]
            for trip in others:
                self._close_unfinished(trip)
            self._pending_resume = mine[-1] if mine else None

    def on_updates(self, updates: list[SignalUpdate]) -> None:
        """Observe a batch of updates; may start, sample or end a trip."""
        with self._lock:
            if self._pending_resume is not None:
                self._resume_or_close(updates)
            for update in updates:
                self._on_update(update)
            if self.trip_id is not None:
                for event in self._events.check_gps(self._now, True):
                    self._store_event(event)
                self._maybe_sample()
                self._maybe_end()

    def tick(self, now: float) -> None:
        """End the trip when every input has been silent for the parked timeout.

        ``now`` is the state's clock (``VehicleState.now``), which runs on
        in real time while no update arrives. Also retries held writes.
        """
        with self._lock:
            if not self.writer.status.ok:
                self.writer.flush()
            if self.trip_id is None or self._last_input_t is None:
                return
            silent_s = now - self._last_input_t
            if silent_s < self.settings.parked_timeout_s:
                return
            was_moving = self._still_since is None
            end = self._last_input_t if was_moving else self._still_since
            if was_moving:
                self._submit_gap("bus_silent", self._last_input_t, now,
                                 detail="input stopped while the car was moving")
            self._close(end, "input silent")

    def finish(self, reason: str) -> None:
        """Close the running trip, if any, at the end of the input or at shutdown."""
        with self._lock:
            if self._pending_resume is not None:
                self._close_unfinished(self._pending_resume)
                self._pending_resume = None
            if self.trip_id is None:
                self.writer.flush()
                return
            end = self._still_since if self._still_since is not None else self._now
            self._write_sample(self._now)
            self._close(end, reason)

    # -- input -------------------------------------------------------------

    def _on_update(self, update: SignalUpdate) -> None:
        t = update.timestamp
        if (
            self.trip_id is not None
            and self._last_input_t is not None
            and t - self._last_input_t > BUS_SILENT_GAP_S
        ):
            self._submit_gap("bus_silent", self._last_input_t, t,
                             detail="no input from the vehicle")
        if self._last_input_t is None or t > self._last_input_t:
            self._last_input_t = t
        if t > self._now:
            self._now = t
        path = update.path
        if path == vss.SPEED:
            self._on_speed(t, update.value)
        elif path == vss.BATTERY_POWER:
            self._on_power(t, update.value)
        elif path == vss.LOW_VOLTAGE_SYSTEM_STATE:
            self._on_power_state(t, update.value)
        elif path == vss.SELECTED_GEAR:
            self._gear = update.value if isinstance(update.value, int) else None
        for event in self._events.on_update(path, update.value, t):
            self._store_event(event)

    def _on_speed(self, t: float, value: Any) -> None:
        try:
            speed_kmh = float(value)
        except (TypeError, ValueError):
            return
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

    def _on_power(self, t: float, value: Any) -> None:
        try:
            power_w = float(value)
        except (TypeError, ValueError):
            return
        if math.isnan(power_w):
            return
        if self._last_power is not None:
            t0, p0 = self._last_power
            dt = t - t0
            if 0 < dt <= MAX_INTEGRATION_GAP_S:
                self._energy_kwh += (p0 + power_w) / 2 * dt / 3_600_000
        self._last_power = (t, power_w)

    def _on_power_state(self, t: float, value: Any) -> None:
        power_on = value in vss.POWER_STATES_ON
        if self._power_on and not power_on:
            self._power_off_at = t
        elif power_on:
            self._power_off_at = None
        self._power_on = power_on

    # -- trips -------------------------------------------------------------

    def _start(self, t: float) -> None:
        # The drive began when the car last stood still, not when its speed
        # first crossed the moving threshold.
        if self._last_still is not None:
            started_at, distance_m, energy_kwh = self._last_still
        else:
            started_at, distance_m, energy_kwh = t, self._distance_m, self._energy_kwh
        self._trip_start_distance_m = distance_m
        self._trip_start_energy_kwh = energy_kwh
        trip_id = uuid.uuid4().hex
        self._check_odometer_jump(trip_id, started_at)
        self.writer.submit(
            "start_trip",
            vehicle=self._profile.vehicle_id,
            started_at=started_at,
            logged_paths=self.settings.logged_paths,
            trip_id=trip_id,
        )
        self.trip_id = trip_id
        self.trip_ids.append(trip_id)
        self._next_sample_t = started_at
        self._gps_gap_start = None
        self._events.trip_started(started_at)
        self.trips_version += 1

    def _check_odometer_jump(self, trip_id: str, started_at: float) -> None:
        odometer = self._state.value(vss.ODOMETER)
        if odometer is None:
            return
        try:
            previous = self._log.last_closed_trip(self._profile.vehicle_id)
        except Exception as error:  # a read failure must not stop a trip
            logger.warning("cannot read the previous trip for the odometer check: %s", error)
            return
        if previous is None or previous.odometer_end_km is None:
            return
        jump_km = float(odometer) - previous.odometer_end_km
        if jump_km > ODOMETER_JUMP_KM:
            self._submit_gap(
                "odometer_jump", previous.ended_at or previous.started_at, started_at,
                distance_km=round(jump_km, 2), trip_id=trip_id,
                detail="the car drove while nothing was recorded",
            )

    def _resume_or_close(self, updates: list[SignalUpdate]) -> None:
        pending, self._pending_resume = self._pending_resume, None
        assert pending is not None
        first_t = min(update.timestamp for update in updates)
        last_t = pending.last_t
        if last_t is None or not 0 <= first_t - last_t <= self.settings.parked_timeout_s:
            self._close_unfinished(pending)
            return
        odometer = next(
            (float(u.value) for u in updates if u.path == vss.ODOMETER), None
        )
        gap_km = None
        if odometer is not None and pending.odometer_km is not None:
            gap_km = max(odometer - pending.odometer_km, 0.0)
        # Totals in this process start at zero; offsets make the trip's
        # running distance and energy continue from its last sample, plus
        # what the odometer saw during the downtime.
        self._trip_start_distance_m = self._distance_m - pending.distance_m
        if gap_km:
            self._trip_start_distance_m -= gap_km * 1000
        self._trip_start_energy_kwh = self._energy_kwh - (pending.energy_kwh or 0.0)
        self.trip_id = pending.id
        self.trip_ids.append(pending.id)
        self._next_sample_t = first_t
        self._submit_gap(
            "app_not_running", last_t, first_t, distance_km=gap_km,
            detail="the head unit app restarted during the trip",
        )
        logger.info("trip %s continues after a restart of %.1f s", pending.id,
                    first_t - last_t)
        self.trips_version += 1

    def _close_unfinished(self, trip: OpenTrip) -> None:
        logger.warning("trip %s was not closed; closing it from its samples", trip.id)
        self.writer.submit(
            "close_trip", trip_id=trip.id, ended_at=None, end_reason="recovered",
            fuel_tank_l=self._profile.fuel_tank_l,
        )
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
        if self._power_on is False and self._power_off_at is not None:
            if self._still_since is not None:
                self._close(max(self._power_off_at, self._still_since), "power off")
                return
        if self._still_since is None:
            return
        engaged = self._gear is not None and self._gear not in (vss.GEAR_PARK,)
        timeout = (
            self.settings.stopped_timeout_s if engaged else self.settings.parked_timeout_s
        )
        if self._now - self._still_since >= timeout:
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
            "odometer_km": snapshot.value(vss.ODOMETER),
            "gear": snapshot.value(vss.SELECTED_GEAR),
            "climate_power_w": snapshot.value(vss.HVAC_POWER),
        }
        if self.settings.logged_paths:
            values["logged"] = [
                _json_value(snapshot.value(path)) for path in self.settings.logged_paths
            ]
        self.writer.submit_sample(self.trip_id, t, values)
        # The running trip's summary on screen follows its samples.
        self.trips_version += 1

    def _close(self, ended_at: float, reason: str) -> None:
        assert self.trip_id is not None
        trip_id, self.trip_id = self.trip_id, None
        if self._events.gps_lost_since is not None:
            self._submit_gap("gps_lost", self._events.gps_lost_since, ended_at,
                             trip_id=trip_id, detail="no position until the trip ended")
            self._events.gps_lost_since = None
        self.writer.submit(
            "close_trip", trip_id=trip_id, ended_at=ended_at, end_reason=reason,
            fuel_tank_l=self._profile.fuel_tank_l,
        )
        self._power_off_at = None
        self.trips_version += 1

    # -- events and gaps ---------------------------------------------------

    def _store_event(self, event: Event) -> None:
        trip_id = self.trip_id
        if event.kind in ("harsh_braking", "harsh_acceleration", "gps_lost",
                          "gps_regained") and trip_id is None:
            return
        snapshot = self._state.snapshot()
        self.writer.submit(
            "add_event",
            vehicle=self._profile.vehicle_id,
            trip_id=trip_id,
            t=event.t,
            kind=event.kind,
            value=event.value,
            detail=event.detail,
            latitude=snapshot.value(vss.LATITUDE),
            longitude=snapshot.value(vss.LONGITUDE),
        )
        if event.kind == "gps_regained" and event.detail:
            self._submit_gap("gps_lost", event.detail["lost_since"], event.t,
                             detail="no position from the GPS receiver")

    def _submit_gap(
        self,
        kind: str,
        start_t: float,
        end_t: float,
        *,
        distance_km: float | None = None,
        trip_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.writer.submit(
            "add_gap",
            vehicle=self._profile.vehicle_id,
            trip_id=trip_id or self.trip_id,
            kind=kind,
            start_t=start_t,
            end_t=end_t,
            distance_km=distance_km,
            detail=detail,
        )


def _with_parked_timeout(settings: TripSettings, parked_timeout_s: float) -> TripSettings:
    return replace(
        settings,
        parked_timeout_s=parked_timeout_s,
        stopped_timeout_s=max(settings.stopped_timeout_s, parked_timeout_s),
    )


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value)
