"""Synthetic drives for the trip log tests: speed, power, gear and more at 10 Hz."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from headunit.charging import ChargingRecorder, platform_tariffs
from headunit.recorder import TripRecorder
from headunit.state import VehicleState
from headunit.tripconfig import TripSettings
from headunit.tripwriter import TripWriter
from sync.store import Store
from sync.triplog import TripLog
from tests.conftest import DEMO_PROFILE
from vehicle import vss
from vehicle.profile import load_profile
from vehicle.signals import SignalUpdate

START_T = 1_750_000_000.0


@dataclass
class Rig:
    """A recorder, a charging recorder and their store, fed by ``drive``."""

    store: Store
    state: VehicleState
    recorder: TripRecorder
    charging: ChargingRecorder
    log: TripLog
    t: float = START_T
    odometer_km: float = 10_000.0
    soc: float = 80.0
    extra: dict[str, Any] = field(default_factory=dict)

    def drive(
        self,
        segments: list[tuple[float, float]],
        *,
        power_w: float = 10_000.0,
        step: float = 0.1,
        **signals: Any,
    ) -> None:
        """Feed piecewise-constant (duration_s, km/h) with the given extra signals.

        Keyword arguments name VSS constants of ``vehicle.vss`` in lower
        case (``gear=127``, ``power_state="ON"``) and stay in ``extra``.
        """
        names = {
            "gear": vss.SELECTED_GEAR,
            "power_state": vss.LOW_VOLTAGE_SYSTEM_STATE,
            "latitude": vss.LATITUDE,
            "longitude": vss.LONGITUDE,
            "climate_w": vss.HVAC_POWER,
            "dtcs": vss.DTC_LIST,
            "charging": vss.IS_CHARGING,
            "charging_type": vss.CHARGING_TYPE,
            "car_consumption": vss.CAR_TRIP_CONSUMPTION,
        }
        for key, value in signals.items():
            if value is None:
                self.extra.pop(names[key], None)
            else:
                self.extra[names[key]] = value
        for duration, speed in segments:
            for _ in range(round(duration / step)):
                self.odometer_km += speed / 3.6 * step / 1000
                self.soc -= power_w * step / 3_600_000 / 64 * 100
                updates = [
                    SignalUpdate(vss.SPEED, speed, self.t),
                    SignalUpdate(vss.BATTERY_POWER, power_w, self.t),
                    SignalUpdate(vss.ODOMETER, self.odometer_km, self.t),
                    SignalUpdate(vss.SOC_DISPLAYED, self.soc, self.t),
                ]
                updates += [SignalUpdate(path, value, self.t)
                            for path, value in self.extra.items()]
                self.state.update(updates)
                self.t += step

    def pause(self, seconds: float) -> None:
        """Let time pass with no input at all."""
        self.t += seconds

    def close(self) -> None:
        self.store.close()


def make_rig(db_path: Path, settings: TripSettings | None = None) -> Rig:
    """Build a rig on a database file, as ``HeadUnit`` wires the recorders."""
    profile = load_profile(DEMO_PROFILE)
    settings = (settings or TripSettings(parked_timeout_s=60)).with_profile(DEMO_PROFILE)
    store = Store(db_path)
    log = TripLog(store, car_consumption_path=vss.CAR_TRIP_CONSUMPTION)
    writer = TripWriter(log, profile.vehicle_id)
    state = VehicleState()
    recorder = TripRecorder(state, log, profile, settings=settings, writer=writer)
    charging = ChargingRecorder(writer, profile, settings,
                                platform_tariffs=lambda: platform_tariffs(store))
    recorder.adopt_open_trips(log.open_trips())
    charging.adopt_open_sessions(log.open_charging_sessions())
    state.add_observer(recorder.on_updates)
    state.add_observer(charging.on_updates)
    return Rig(store, state, recorder, charging, log)
