"""VehicleState: latest values, staleness and the moving flag."""

from __future__ import annotations

import time

from headunit.state import VehicleState
from vehicle import vss
from vehicle.signals import SignalUpdate


def test_value_goes_stale_by_data_time() -> None:
    state = VehicleState()
    state.update([SignalUpdate(vss.SPEED, 50.0, 100.0)])
    fresh = state.snapshot()
    state.update([SignalUpdate(vss.SOC_DISPLAYED, 80.0, 105.0)])
    later = state.snapshot()

    assert fresh.value(vss.SPEED) == 50.0
    assert later.value(vss.SPEED) is None
    assert vss.SPEED in later.stale
    assert later.readings[vss.SPEED].value == 50.0
    assert later.value(vss.SOC_DISPLAYED) == 80.0


def test_value_goes_stale_when_sources_fall_silent() -> None:
    state = VehicleState()
    state.update([SignalUpdate(vss.SPEED, 50.0, 100.0)])
    assert state.value(vss.SPEED) == 50.0

    time.sleep(vss.CATALOGUE[vss.SPEED].stale_after_s + 0.1)

    assert state.value(vss.SPEED) is None


def test_moving_has_hysteresis() -> None:
    state = VehicleState()
    flags = []
    for t, speed in enumerate([0.0, 1.5, 2.5, 1.0, 0.6, 0.2, 1.9]):
        state.update([SignalUpdate(vss.SPEED, speed, float(t))])
        flags.append(state.moving)

    assert flags == [False, False, True, True, True, False, False]


def test_failing_observer_does_not_stop_others() -> None:
    state = VehicleState()
    seen = []

    def broken(updates):
        raise RuntimeError("observer bug")

    state.add_observer(broken)
    state.add_observer(seen.extend)
    state.update([SignalUpdate(vss.SPEED, 10.0, 1.0)])

    assert len(seen) == 1
