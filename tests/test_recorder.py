"""Trip detection and 1 Hz sampling from synthetic speed traces."""

from __future__ import annotations

from pathlib import Path

import pytest

from headunit.recorder import TripRecorder
from headunit.state import VehicleState
from sync.store import Store
from sync.triplog import TripLog
from tests.conftest import DEMO_PROFILE
from vehicle import vss
from vehicle.profile import load_profile
from vehicle.signals import SignalUpdate


@pytest.fixture
def recorder(db_path: Path):
    store = Store(db_path)
    state = VehicleState()
    recorder = TripRecorder(
        state, TripLog(store), load_profile(DEMO_PROFILE), parked_timeout_s=60
    )
    state.add_observer(recorder.on_updates)
    yield state, recorder, TripLog(store)
    store.close()


def drive(state: VehicleState, trace: list[tuple[float, float]], step: float = 0.1) -> None:
    """Feed piecewise-constant speeds: (duration_s, km/h) at 10 Hz."""
    t = 1000.0
    for duration, speed in trace:
        for _ in range(round(duration / step)):
            state.update([SignalUpdate(vss.SPEED, speed, t),
                          SignalUpdate(vss.BATTERY_POWER, 10_000.0, t)])
            t += step


def test_red_light_does_not_split_trip(recorder) -> None:
    state, rec, log = recorder
    drive(state, [(5, 0), (30, 36), (45, 0), (30, 36), (70, 0)])

    trips = log.recent()

    assert len(trips) == 1
    assert trips[0].status == "closed"
    assert trips[0].end_reason == "parked"
    # 60 s at 36 km/h (10 m/s), with the steps at each speed change.
    assert trips[0].distance_m == pytest.approx(600, abs=2)
    assert trips[0].duration_s == pytest.approx(105, abs=0.2)


def test_long_stop_ends_trip_and_next_drive_starts_one(recorder) -> None:
    state, rec, log = recorder
    drive(state, [(10, 50), (61, 0), (10, 20), (1, 0)])
    rec.finish("end of input")

    trips = sorted(log.recent(), key=lambda trip: trip.started_at)

    assert [trip.end_reason for trip in trips] == ["parked", "end of input"]
    assert trips[0].distance_m == pytest.approx(50 / 3.6 * 10, rel=0.01)
    assert trips[1].distance_m == pytest.approx(20 / 3.6 * 10, rel=0.02)


def test_samples_once_a_second_with_energy(recorder) -> None:
    state, rec, log = recorder
    drive(state, [(20, 72)])
    rec.finish("end of input")

    trip = log.recent()[0]
    samples = log.samples(trip.id)
    times = [sample["t"] for sample in samples]

    assert len(samples) == 21
    assert times[1] - times[0] == pytest.approx(1.0)
    assert samples[-1]["distance_m"] == pytest.approx(400, abs=3)
    # 10 kW for 20 s is 0.0556 kWh.
    assert trip.energy_used_kwh == pytest.approx(10_000 * 20 / 3_600_000, rel=0.02)


def test_parked_car_records_nothing(recorder) -> None:
    state, rec, log = recorder
    drive(state, [(120, 0.3)])
    rec.finish("end of input")

    assert log.recent() == []
