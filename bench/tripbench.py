"""A driving hour fed through the real recorder, shared by the trip benchmarks."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from headunit.recorder import TripRecorder  # noqa: E402
from headunit.state import VehicleState  # noqa: E402
from headunit.tripconfig import TripSettings  # noqa: E402
from sync.store import Store  # noqa: E402
from sync.triplog import TripLog  # noqa: E402
from vehicle import vss  # noqa: E402
from vehicle.profile import load_profile  # noqa: E402
from vehicle.signals import SignalUpdate  # noqa: E402

DEMO_PROFILE = Path(__file__).resolve().parents[1] / "assets" / "profiles" / "demo-ev.toml"
START_T = 1_750_000_000.0


def hour_updates(seconds: int, per_second: int):
    """Yield update batches of a drive with every signal the demo car sends."""
    for index in range(seconds * per_second):
        t = START_T + index / per_second
        elapsed = index / per_second
        speed = 55 + 45 * math.sin(elapsed / 90)
        yield [
            SignalUpdate(vss.SPEED, speed, t),
            SignalUpdate(vss.BATTERY_POWER, 3_000 + speed * 180, t),
            SignalUpdate(vss.SOC_DISPLAYED, 80 - elapsed / 300, t),
            SignalUpdate(vss.ODOMETER, 20_000 + elapsed * 0.015, t),
            SignalUpdate(vss.LATITUDE, 48.1 + elapsed * 1.3e-4, t),
            SignalUpdate(vss.LONGITUDE, 11.5 + elapsed * 0.7e-4, t),
            SignalUpdate(vss.SELECTED_GEAR, vss.GEAR_DRIVE, t),
            SignalUpdate(vss.HVAC_POWER, 850.0 + (index % 7), t),
            SignalUpdate(vss.OUTSIDE_TEMPERATURE, 12.5, t),
            SignalUpdate(vss.RANGE, 300_000 - elapsed * 15, t),
            SignalUpdate(vss.CAR_TRIP_CONSUMPTION, 16.4, t),
            SignalUpdate(vss.LOW_VOLTAGE_SYSTEM_STATE, "ON", t),
        ]


def record(db_path: Path, seconds: int, per_second: int) -> tuple[Store, float]:
    """Record the drive into ``db_path``; return the open store and the seconds
    spent feeding it (opening the store is not counted)."""
    profile = load_profile(DEMO_PROFILE)
    settings = TripSettings().with_profile(DEMO_PROFILE)
    store = Store(db_path)
    state = VehicleState()
    recorder = TripRecorder(state, TripLog(store), profile, settings=settings)
    state.add_observer(recorder.on_updates)
    batches = list(hour_updates(seconds, per_second))
    started = time.perf_counter()
    for batch in batches:
        state.update(batch)
    recorder.finish("end of input")
    return store, time.perf_counter() - started
