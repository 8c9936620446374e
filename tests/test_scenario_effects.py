"""Scenario phases that reach the head unit: DTCs on CAN, GPS tunnels, unplugged adapters."""

from __future__ import annotations

import math
import uuid
from pathlib import Path

import can
import pytest

import assets
from headunit import status
from headunit.app import HeadUnit, InputConfig
from sync.store import Store
from sync.triplog import TripLog
from tests.gpsd_peer import GpsdProcess, wait_for
from vehicle import vss
from vehicle.candecode import CanDecoder
from vehicle.cansource import BusOverride
from vehicle.gps_source import GpsStatus
from vehicle.gps_track import EARTH_RADIUS_M, GpsTrack, TrackPoint
from vehicle.nmea import NmeaUdpFeed, sentences_for
from vehicle.profile import load_profile
from vehicle.scenario import (
    DEFAULT_START_LATITUDE, DEFAULT_START_LONGITUDE, ScenarioError, load_scenario,
)
from vehicle.simulator import Simulator

DTC_DRIVE = """
[[phase]]
kind = "parked"
duration_s = 2

[[phase]]
kind = "accelerate"
duration_s = 5
speed_kmh = 30

[[phase]]
kind = "dtc"
code = "p0a80"

[[phase]]
kind = "cruise"
duration_s = 5

[[phase]]
kind = "dtc_clear"
duration_s = 1

[[phase]]
kind = "cruise"
duration_s = 3

[[phase]]
kind = "brake"

[[phase]]
kind = "parked"
duration_s = 3
"""

# The tunnel is longer than the catalogue's 5 s staleness limit of a
# position, after which the recorder counts the GPS as lost.
TUNNEL_DRIVE = """
[gps]
latitude = 30.25
longitude = 120.15
heading_deg = 0

[[phase]]
kind = "parked"
duration_s = 1

[[phase]]
kind = "accelerate"
duration_s = 3
speed_kmh = 40

[[phase]]
kind = "cruise"
duration_s = 2

[[phase]]
kind = "tunnel"
duration_s = 7

[[phase]]
kind = "cruise"
duration_s = 3

[[phase]]
kind = "brake"

[[phase]]
kind = "parked"
duration_s = 1
"""
#: The gps_lost gap of TUNNEL_DRIVE: from the last fix, 1 s before the
#: tunnel, to the first fix when it ends.
TUNNEL_GAP_S = 8.0

ADAPTER_DRIVE = """
[[phase]]
kind = "parked"
duration_s = 1

[[phase]]
kind = "accelerate"
duration_s = 5
speed_kmh = 30

[[phase]]
kind = "cruise"
duration_s = 4

[[phase]]
kind = "adapter_unplugged"
duration_s = 6

[[phase]]
kind = "cruise"
duration_s = 12

[[phase]]
kind = "brake"

[[phase]]
kind = "parked"
duration_s = 2
"""


def write_scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"drive-{uuid.uuid4().hex[:8]}.toml"
    path.write_text(text)
    return path


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def bus_headunit(db_path: Path, channel: str, **inputs: object) -> HeadUnit:
    """Return a head unit reading the demo profile's bus on a virtual ``channel``."""
    return HeadUnit(
        assets.DEMO_PROFILE,
        db_path,
        inputs=InputConfig(
            kind="bus", bus_override=BusOverride("virtual", channel), **inputs
        ),
    )


def virtual_bus(channel: str):  # noqa: ANN201 - a bus factory
    def open_bus(**options: object) -> can.BusABC:
        return can.Bus(**{**options, "interface": "virtual", "channel": channel})

    return open_bus


def trip_events(db_path: Path) -> list[dict]:
    store = Store(db_path)
    try:
        return TripLog(store).events_between(0, math.inf)
    finally:
        store.close()


def trip_gaps(db_path: Path) -> list[dict]:
    store = Store(db_path)
    try:
        return TripLog(store).gaps()
    finally:
        store.close()


# --- GPS track and NMEA ---------------------------------------------------------


def test_track_follows_speeds_and_headings(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, """
[gps]
heading_deg = 0

[[phase]]
kind = "accelerate"
duration_s = 10
speed_kmh = 36

[[phase]]
kind = "cruise"
duration_s = 10
heading_deg = 90
""")
    scenario = load_scenario(path)
    track = GpsTrack(scenario.phases, scenario.gps)
    start = (DEFAULT_START_LATITUDE, DEFAULT_START_LONGITUDE)

    turn = track.point_at(10.0)
    end = track.point_at(20.0)

    # 0 to 10 m/s in 10 s is 50 m north; then 10 s at 10 m/s is 100 m east.
    assert metres_between(start, (turn.latitude, turn.longitude)) == pytest.approx(50, abs=0.1)
    assert turn.longitude == pytest.approx(DEFAULT_START_LONGITUDE, abs=1e-9)
    assert metres_between((turn.latitude, turn.longitude),
                          (end.latitude, end.longitude)) == pytest.approx(100, abs=0.1)
    assert end.latitude == pytest.approx(turn.latitude, abs=1e-9)
    assert end.heading_deg == 90
    assert end.speed_kmh == pytest.approx(36)


def test_tunnel_points_have_no_fix() -> None:
    scenario = load_scenario("highway")
    track = GpsTrack(scenario.phases, scenario.gps)
    tunnel_start = sum(p.duration_s for p in scenario.phases[:3])
    tunnel_end = tunnel_start + scenario.phases[3].duration_s

    points = track.points()

    lost = [point.t for point in points if not point.has_fix]
    assert lost
    assert min(lost) == pytest.approx(tunnel_start)
    assert max(lost) < tunnel_end
    assert all(point.has_fix for point in points if point.t >= tunnel_end)


def test_looped_track_continues_from_end() -> None:
    scenario = load_scenario("harsh-braking")
    first = GpsTrack(scenario.phases, scenario.gps)
    second = GpsTrack(scenario.phases, first.end)

    last = first.point_at(first.duration_s)

    assert second.point_at(0.0).latitude == pytest.approx(last.latitude)
    assert second.point_at(0.0).longitude == pytest.approx(last.longitude)


def test_nmea_sentences_for_fix_and_no_fix() -> None:
    point = TrackPoint(0.0, 31.230416, 121.473701, 87.3, 90.0, True)
    timestamp = 1748826904.0  # 2025-06-02 01:15:04 UTC

    rmc, gga = sentences_for(point, timestamp)
    lost_rmc, lost_gga = sentences_for(
        TrackPoint(0.0, 31.23, 121.47, 87.3, 90.0, False), timestamp
    )

    assert rmc.startswith("$GPRMC,011504.00,A,3113.82496,N,12128.42206,E,48.596,87.30,020625,")
    assert gga.startswith("$GPGGA,011504.00,3113.82496,N,12128.42206,E,1,09,")
    assert lost_rmc.startswith("$GPRMC,011504.00,V,,,,,,,020625,")
    assert lost_gga.startswith("$GPGGA,011504.00,,,,,0,00,")
    for sentence in (rmc, gga, lost_rmc, lost_gga):
        body, checksum = sentence[1:].split("*")
        expected = 0
        for byte in body.encode():
            expected ^= byte
        assert int(checksum, 16) == expected


# --- DTC phases over CAN ----------------------------------------------------------


def test_dtc_phase_reaches_trip_and_service(tmp_path: Path, db_path: Path) -> None:
    channel = f"dtc-{uuid.uuid4().hex}"
    headunit = bus_headunit(db_path, channel)
    scenario = load_scenario(write_scenario(tmp_path, DTC_DRIVE))
    simulator = Simulator(headunit.decoder, time_scale=10, loop=False,
                          scenario=scenario, bus_factory=virtual_bus(channel))
    seen_codes = []
    service_codes = []

    def watch(updates: list) -> None:
        for update in updates:
            if update.path == vss.DTC_LIST and (not seen_codes or seen_codes[-1] != update.value):
                seen_codes.append(update.value)

    headunit.state.add_observer(watch)
    headunit.start()
    try:
        simulator.start()
        assert wait_for(lambda: seen_codes[-1:] == [["P0A80"]], 10)
        view = headunit.community.service_view(headunit.state.snapshot(), "en")
        service_codes = list(view.codes) if view is not None else []
        assert simulator.stopped.wait(15)
    finally:
        simulator.stop()
        headunit.stop()

    assert not simulator.failed
    assert seen_codes == [[], ["P0A80"], []]
    assert service_codes == ["P0A80"]
    events = [(e["kind"], e["detail"]) for e in trip_events(db_path)
              if e["kind"].startswith("dtc_")]
    assert [kind for kind, _ in events] == ["dtc_appeared", "dtc_cleared"]
    assert all("P0A80" in str(detail) for _, detail in events)


def test_unknown_dtc_rejected_before_sending(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, '[[phase]]\nkind = "dtc"\ncode = "U0100"\n')
    decoder = CanDecoder(load_profile(assets.DEMO_PROFILE))

    with pytest.raises(ScenarioError) as error:
        Simulator(decoder, scenario=load_scenario(path))

    assert "U0100" in str(error.value)
    assert "ActiveDtc" in str(error.value)
    assert "P0A80" in str(error.value)


def test_profile_without_dtc_signal_accepts_codes(tmp_path: Path) -> None:
    profile = tmp_path / "car.toml"
    text = assets.DEMO_PROFILE.read_text()
    profile.write_text(text.replace('[signals."Vehicle.OBD.DTCList"]', '[unused]'))
    decoder = CanDecoder(load_profile(profile), (assets.PROFILES_DIR,))
    path = write_scenario(tmp_path, '[[phase]]\nkind = "dtc"\ncode = "U0100"\n')

    simulator = Simulator(decoder, scenario=load_scenario(path))

    assert simulator.cycle[0].dtc == "U0100"


# --- GPS: the simulated source of the demo ---------------------------------------


def test_demo_without_gpsd_has_positions(db_path: Path) -> None:
    headunit = HeadUnit.demo(db_path, time_scale=5, loop=False)
    headunit.start()
    try:
        assert wait_for(lambda: headunit.state.value(vss.LATITUDE) is not None, 5)
        latitude = headunit.state.value(vss.LATITUDE)
        longitude = headunit.state.value(vss.LONGITUDE)
        gps = headunit.gps_status
        bar = headunit.status().gps
    finally:
        headunit.stop()

    assert metres_between((latitude, longitude),
                          (DEFAULT_START_LATITUDE, DEFAULT_START_LONGITUDE)) < 500
    assert gps is GpsStatus.FIX_3D
    assert bar == status.GPS_FIX_3D


def test_demo_tunnel_records_gps_gap(tmp_path: Path, db_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path, TUNNEL_DRIVE))
    headunit = HeadUnit(
        assets.DEMO_PROFILE, db_path,
        inputs=InputConfig(kind="demo", scenario=scenario, time_scale=10, loop=False),
    )
    states = []

    def watch(_updates: list) -> None:
        if not states or states[-1] is not headunit.gps_status:
            states.append(headunit.gps_status)

    headunit.state.add_observer(watch)
    headunit.start()
    try:
        assert headunit.input_done.wait(20)
    finally:
        headunit.stop()

    # An observer runs before the status changes, so it sees each change
    # one update late.
    assert states == [GpsStatus.NO_GPSD, GpsStatus.FIX_3D, GpsStatus.NO_FIX, GpsStatus.FIX_3D]
    kinds = [e["kind"] for e in trip_events(db_path)]
    assert kinds.count("gps_lost") == 1
    assert kinds.count("gps_regained") == 1
    gaps = [gap for gap in trip_gaps(db_path) if gap["kind"] == "gps_lost"]
    assert len(gaps) == 1
    assert gaps[0]["end_t"] - gaps[0]["start_t"] == pytest.approx(TUNNEL_GAP_S, abs=0.1)


# --- GPS: NMEA through a real gpsd --------------------------------------------------


@pytest.mark.slow
def test_tunnel_through_gpsd(tmp_path: Path, db_path: Path) -> None:
    gpsd = GpsdProcess().start()
    channel = f"gps-{uuid.uuid4().hex}"
    headunit = bus_headunit(db_path, channel, gpsd=("127.0.0.1", gpsd.port))
    feed = NmeaUdpFeed("127.0.0.1", gpsd.udp_port)
    scenario = load_scenario(write_scenario(tmp_path, TUNNEL_DRIVE))
    # Real time: gpsd stamps its reports with the wall clock.
    simulator = Simulator(headunit.decoder, time_scale=1, loop=False, scenario=scenario,
                          bus_factory=virtual_bus(channel), position_sinks=[feed])
    states = []

    def watch(_updates: list) -> None:
        if not states or states[-1] is not headunit.gps_status:
            states.append(headunit.gps_status)

    headunit.state.add_observer(watch)
    headunit.start()
    try:
        assert wait_for(lambda: headunit.gps_source.watching, 10)
        simulator.start()
        assert simulator.stopped.wait(60)
    finally:
        simulator.stop()
        headunit.stop()
        feed.close()
        gpsd.stop()

    assert not simulator.failed
    assert feed.sent > 0
    assert GpsStatus.NO_FIX in states
    assert states.index(GpsStatus.NO_FIX) > 0
    assert states[-1] in (GpsStatus.FIX_2D, GpsStatus.FIX_3D)
    kinds = [e["kind"] for e in trip_events(db_path)]
    assert kinds.count("gps_lost") == 1
    assert kinds.count("gps_regained") == 1
    gaps = [gap for gap in trip_gaps(db_path) if gap["kind"] == "gps_lost"]
    assert len(gaps) == 1
    # gpsd stamps a report when it arrives, so the gap is less exact.
    assert gaps[0]["end_t"] - gaps[0]["start_t"] == pytest.approx(TUNNEL_GAP_S, abs=1.5)


# --- OBD-II: the adapter unplugged and back ------------------------------------------


@pytest.mark.slow
def test_adapter_unplugged_phase_with_emulator(tmp_path: Path, db_path: Path) -> None:
    from vehicle.emulated_adapter import EmulatedAdapter

    link = tmp_path / "obd-adapter"
    adapter = EmulatedAdapter(link)
    adapter.plug_in()
    profile = tmp_path / "car.toml"
    profile.write_text(
        assets.DEMO_PROFILE.read_text()
        + f'\n[obd]\nport = "{link}"\nprotocol = "6"\ntimeout_s = 1.0\n'
        + "retry_min_s = 0.2\nretry_max_s = 0.5\n"
    )
    channel = f"obd-{uuid.uuid4().hex}"
    headunit = HeadUnit(
        profile, db_path, dbc_search_path=(assets.PROFILES_DIR,),
        inputs=InputConfig(kind="bus", bus_override=BusOverride("virtual", channel)),
    )
    scenario = load_scenario(write_scenario(tmp_path, ADAPTER_DRIVE))
    simulator = Simulator(headunit.decoder, time_scale=1, loop=False, scenario=scenario,
                          bus_factory=virtual_bus(channel), adapter=adapter)
    headunit.start()
    try:
        assert wait_for(lambda: headunit.status().obd == status.OBD_CONNECTED, 15)
        simulator.start()
        assert wait_for(lambda: not link.exists(), 15)
        assert wait_for(lambda: headunit.status().obd == status.OBD_LOST, 10)
        read_while_lost = headunit.obd_source.values_read
        assert wait_for(lambda: link.exists(), 15)
        assert wait_for(lambda: headunit.status().obd == status.OBD_CONNECTED, 15)
        assert wait_for(lambda: headunit.obd_source.values_read > read_while_lost, 10)
    finally:
        simulator.stop()
        headunit.stop()
        adapter.close()

    assert not simulator.failed
    assert adapter.plug_ins == 2
    assert headunit.obd_source.reconnects == 2


# --- headunit simulate ---------------------------------------------------------------


def test_simulate_sends_nmea_and_runs_adapter(tmp_path: Path, capsys) -> None:
    import socket

    from headunit import cli

    path = write_scenario(tmp_path, """
[[phase]]
kind = "parked"
duration_s = 2

[[phase]]
kind = "tunnel"
duration_s = 2

[[phase]]
kind = "adapter_unplugged"
duration_s = 1

[[phase]]
kind = "parked"
duration_s = 1
""")
    link = tmp_path / "obd-adapter"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(0.5)
        port = receiver.getsockname()[1]

        code = cli.main([
            "simulate", "--scenario", str(path), "--time-scale", "4",
            "--channel", f"cli-{uuid.uuid4().hex}",
            "--nmea-udp", f"127.0.0.1:{port}", "--obd-link", str(link),
        ])
        sentences = []
        while True:
            try:
                sentences.append(receiver.recv(200).decode().strip())
            except TimeoutError:
                break

    out = capsys.readouterr().out
    assert code == 0
    assert f"ELM327 emulator at {link}" in out
    assert "no GPS fix" in out
    assert "OBD-II adapter unplugged" in out
    assert not link.exists()
    rmc = [sentence for sentence in sentences if sentence.startswith("$GPRMC")]
    assert [sentence.split(",")[2] for sentence in rmc] == list("AAVVAAA")


def test_simulate_rejects_bad_udp_address(capsys) -> None:
    from headunit import cli

    with pytest.raises(SystemExit):
        cli.main(["simulate", "--scenario", "highway", "--nmea-udp", "localhost"])

    assert "invalid UDP address 'localhost'" in capsys.readouterr().err


def test_configured_gpsd_wins_over_simulated_gps(tmp_path: Path) -> None:
    from dataclasses import replace

    from headunit.config import GpsSettings, default_config

    config = replace(default_config(), gps=GpsSettings("127.0.0.1", 1), data_dir=tmp_path)

    headunit = HeadUnit.from_config(config)
    headunit.store.close()

    assert headunit.inputs.kind == "demo"
    assert headunit.inputs.gpsd == ("127.0.0.1", 1)


def test_run_scenario_option_reaches_demo(tmp_path: Path) -> None:
    from headunit import cli, oemcli

    parser = cli._build_parser()
    args = parser.parse_args(["run", "--scenario", "highway", "--db", str(tmp_path / "h.db")])

    headunit = oemcli.configured_headunit(args)
    headunit.store.close()

    assert headunit.inputs.kind == "demo"
    assert headunit.inputs.scenario is not None
    assert headunit.inputs.scenario.name == "highway"


def test_run_rejects_unknown_scenario(capsys) -> None:
    from headunit import cli

    with pytest.raises(SystemExit):
        cli._build_parser().parse_args(["run", "--scenario", "moon-landing"])

    assert "moon-landing" in capsys.readouterr().err


def test_adapter_start_failure_raises(tmp_path: Path, monkeypatch) -> None:
    from vehicle import emulated_adapter

    # /bin/false stands in for a Python without the emulator: it exits at once.
    monkeypatch.setattr(emulated_adapter.sys, "executable", "/bin/false")
    adapter = emulated_adapter.EmulatedAdapter(tmp_path / "obd-adapter")

    with pytest.raises(emulated_adapter.AdapterError, match="exited with code 1"):
        adapter.plug_in()

    assert not adapter.plugged
    assert not (tmp_path / "obd-adapter").exists()
