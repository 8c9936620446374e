"""The head unit with GPS: its status ladder and the track in trip samples."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

from headunit.app import HeadUnit, InputConfig
from headunit.recorder import TripRecorder
from headunit.state import VehicleState
from sync.store import Store
from sync.triplog import TripLog
from tests.conftest import DEMO_PROFILE
from tests.gpsd_peer import GpsdProcess, nmea_recording, nmea_sentences, wait_for
from tests.test_gps_source import (
    FIRST_FIX,
    NEXT_CYCLES,
    NO_FIX_ZEROS,
    play,
    recorded_positions,
    watching,
)
from vehicle import vss
from vehicle.cansource import BusOverride
from vehicle.gps_source import GpsSource, GpsStatus
from vehicle.simulated_gps import SimulatedGps
from vehicle.profile import load_profile
from vehicle.signals import SignalUpdate


@pytest.fixture
def gpsd():
    process = GpsdProcess().start()
    yield process
    process.stop()


def test_headunit_gps_status_ladder(gpsd, db_path: Path) -> None:
    headunit = HeadUnit(
        DEMO_PROFILE,
        db_path,
        inputs=InputConfig(kind="demo", loop=False, gpsd=("127.0.0.1", gpsd.port)),
    )
    assert headunit.gps_status is GpsStatus.NO_GPSD
    headunit.start()
    try:
        source = headunit.gps_source
        assert source is not None
        assert wait_for(lambda: watching(source))
        # gpsd runs, but its receiver has not reported yet.
        assert headunit.gps_status is GpsStatus.NO_GPSD

        play(gpsd, source, NO_FIX_ZEROS)
        assert headunit.gps_status is GpsStatus.NO_FIX

        play(gpsd, source, FIRST_FIX + NEXT_CYCLES)
        assert wait_for(lambda: headunit.gps_status is GpsStatus.FIX_3D)
        assert headunit.state.value(vss.LATITUDE) == pytest.approx(31.230416, abs=1e-6)

        gpsd.kill()
        assert wait_for(lambda: headunit.gps_status is GpsStatus.NO_GPSD)
        assert headunit.state.value(vss.LATITUDE) is None
    finally:
        headunit.stop()


def test_headunit_without_gpsd_shows_no_gps(db_path: Path) -> None:
    headunit = HeadUnit(
        DEMO_PROFILE,
        db_path,
        inputs=InputConfig(
            kind="bus", bus_override=BusOverride("virtual", f"no-gps-{uuid.uuid4().hex}")
        ),
    )
    headunit.start()
    try:
        assert headunit.gps_source is None
        assert headunit.gps_status is GpsStatus.NO_GPSD
    finally:
        headunit.stop()


def test_demo_without_gpsd_uses_simulated_gps(db_path: Path) -> None:
    headunit = HeadUnit(
        DEMO_PROFILE, db_path, inputs=InputConfig(kind="demo", loop=False)
    )
    headunit.start()
    try:
        assert isinstance(headunit.gps_source, SimulatedGps)
    finally:
        headunit.stop()


def test_replayed_track_reaches_trip_samples(gpsd, db_path: Path) -> None:
    # GIVEN a car driving at 30 km/h, as the CAN source would report it,
    # and gpsd replaying a drive recorded in Lithuania
    store = Store(db_path)
    state = VehicleState()
    log = TripLog(store)
    recorder = TripRecorder(state, log, load_profile(DEMO_PROFILE), parked_timeout_s=60)
    state.add_observer(recorder.on_updates)
    source = GpsSource("127.0.0.1", gpsd.port, state.update)
    source.start()
    driving = threading.Event()
    stop = threading.Event()

    def drive() -> None:
        while not stop.is_set():
            state.update([SignalUpdate(vss.SPEED, 30.0, time.time())])
            driving.set()
            stop.wait(0.1)

    car = threading.Thread(target=drive, daemon=True)
    car.start()
    try:
        assert driving.wait(5)
        sentences = nmea_sentences(nmea_recording("bt451.log"))
        assert wait_for(lambda: watching(source))
        # 144 sentences over about 4.5 s give the recorder a few samples.
        gpsd.send(sentences, pace_s=0.03)
        wait_for(lambda: False, 0.5)
    finally:
        stop.set()
        car.join(5)
        source.stop()
    recorder.finish("end of input")

    trip = log.recent()[0]
    samples = log.samples(trip.id)
    track = [
        (s["latitude"], s["longitude"]) for s in samples if s["latitude"] is not None
    ]
    recorded = recorded_positions(sentences)
    store.close()

    assert len(samples) >= 4
    assert len(track) >= 2
    for latitude, longitude in track:
        assert any(
            latitude == pytest.approx(lat, abs=1e-6)
            and longitude == pytest.approx(lon, abs=1e-6)
            for lat, lon in recorded
        ), (latitude, longitude)
    # The samples before the first fix have no position, never (0, 0).
    assert samples[0]["latitude"] is None
    assert all((s["latitude"], s["longitude"]) != (0.0, 0.0) for s in samples)


def test_cli_rejects_invalid_gpsd_address(capsys) -> None:
    from headunit import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "--gpsd", "127.0.0.1:gps"])

    assert exit_info.value.code == 2
    assert "invalid gpsd address '127.0.0.1:gps'" in capsys.readouterr().err
