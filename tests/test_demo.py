"""The built-in demo: a simulated car on a virtual bus, recorded into SQLite."""

from __future__ import annotations

import time
from pathlib import Path

import can

from headunit.app import HeadUnit
from vehicle import vss
from vehicle.cansource import CanSource, ReadOnlyBus, VehicleBusWriteError

SIMULATED_MINUTE_S = 60.0
TIME_SCALE = 30.0


def run_demo_for(headunit: HeadUnit, simulated_s: float) -> None:
    headunit.start()
    deadline = time.monotonic() + simulated_s / TIME_SCALE * 4 + 10
    first = None
    while time.monotonic() < deadline:
        now = headunit.state.now
        if now:
            first = first or now
            if now - first >= simulated_s:
                return
        time.sleep(0.05)
    raise AssertionError(f"the demo did not reach {simulated_s} simulated seconds")


def test_demo_minute_records_a_trip(db_path: Path) -> None:
    headunit = HeadUnit.demo(db_path, time_scale=TIME_SCALE, loop=False)
    run_demo_for(headunit, SIMULATED_MINUTE_S)
    snapshot = headunit.state.snapshot()
    recording = headunit.recorder.trip_id
    headunit.stop()

    assert recording is not None
    assert snapshot.value(vss.SOC_DISPLAYED) is not None
    assert snapshot.value(vss.SELECTED_GEAR) in (vss.GEAR_DRIVE, vss.GEAR_PARK)
    assert headunit.decoder is not None
    assert headunit.decoder.stats.faults == 0
    assert headunit.decoder.stats.unmapped == 0

    from sync.store import Store
    from sync.triplog import TripLog

    store = Store(db_path)
    log = TripLog(store)
    trips = log.recent()
    samples = log.samples(trips[0].id)
    store.close()
    assert len(trips) == 1
    trip = trips[0]
    assert trip.status == "closed"
    assert trip.end_reason == "shutdown"
    # The car pulls away after 6 s; about 50 s of driving at up to 45 km/h.
    assert 200 < trip.distance_m < 800
    assert 40 <= len(samples) <= 60
    assert trip.energy_used_kwh is not None and trip.energy_used_kwh > 0
    assert trip.max_speed_kmh > 40


def test_demo_drive_sends_nothing_on_vehicle_bus(db_path: Path, monkeypatch) -> None:
    sent: list[can.Message] = []
    opened: list[ReadOnlyBus] = []

    class SpyBus(can.interfaces.virtual.VirtualBus):
        def send(self, msg: can.Message, timeout: float | None = None) -> None:
            sent.append(msg)
            super().send(msg, timeout)

    def spy_factory(**kwargs) -> can.BusABC:
        kwargs.pop("interface")
        return SpyBus(**kwargs)

    original_start = CanSource.start

    def start_with_spy(self: CanSource) -> None:
        self._bus_factory = spy_factory
        original_start(self)
        opened.extend(self.buses.values())

    monkeypatch.setattr(CanSource, "start", start_with_spy)
    headunit = HeadUnit.demo(db_path, time_scale=60.0, loop=False)
    headunit.start()
    try:
        assert headunit.input_done.wait(30)
        bus = opened[0]
        try:
            bus.send(can.Message(arbitration_id=0x7DF, data=b"\x02\x01\x0d"))
        except VehicleBusWriteError:
            pass
        else:
            raise AssertionError("the read-only bus accepted a frame")
    finally:
        headunit.stop()

    assert headunit.decoder is not None
    assert headunit.decoder.stats.decoded > 10_000
    assert opened[0].rejected_sends == 1
    assert sent == []


def test_bus_status_follows_the_demo(db_path: Path) -> None:
    headunit = HeadUnit.demo(db_path, time_scale=TIME_SCALE, loop=False)
    before = headunit.status().bus
    run_demo_for(headunit, 10.0)
    during = headunit.status().bus
    headunit._simulator.stop()
    time.sleep(2.5)
    after = headunit.status().bus
    headunit.stop()

    assert before == "no bus"
    assert during == "receiving"
    assert after == "lost"
