"""The demo car's whole cycle through CAN: a trip that ends at power off."""

from __future__ import annotations

from pathlib import Path

import pytest

from headunit.app import HeadUnit
from sync.store import Store
from sync.triplog import TripLog


def test_demo_cycle_trip_ends_at_power_off(db_path: Path) -> None:
    headunit = HeadUnit.demo(db_path, time_scale=60.0, loop=False)
    headunit.start()
    try:
        assert headunit.input_done.wait(30)
        recording_at_end = headunit.recorder.trip_id
    finally:
        headunit.stop()

    store = Store(db_path)
    trips = TripLog(store).recent()
    store.close()

    assert recording_at_end is None
    assert len(trips) == 1
    trip = trips[0]
    assert trip.end_reason == "power off"
    assert 1300 < trip.distance_m < 1700
    # The demo car draws 400 W for climate all along, so every part is there.
    assert trip.energy_climate_kwh == pytest.approx(0.4 * trip.duration_s / 3600, rel=0.1)
    assert trip.energy_driving_kwh > trip.energy_standby_kwh > 0
    # The car's own figure covers the whole cycle, ours only the trip.
    assert trip.car_consumption_kwh_per_100km == pytest.approx(
        trip.consumption_kwh_per_100km, rel=0.25
    )
