"""Scenario files: parsing, errors, and playing them through the real decoder."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

import assets
from tests.conftest import REPO_ROOT
from tests.test_can_interfaces import loopback_namespace  # noqa: F401 (fixture)
from vehicle import vss
from vehicle.candecode import CanDecoder
from vehicle.profile import load_profile
from vehicle.scenario import ScenarioError, bundled_scenarios, load_scenario
from vehicle.simulator import STOP_AND_GO, DemoCar

G = 9.81


def play(name: str) -> tuple[CanDecoder, dict[str, list[tuple[float, object]]], list[float]]:
    """Decode a whole scenario; return the decoder, series per VSS path, frame times."""
    scenario = load_scenario(name)
    decoder = CanDecoder(load_profile(assets.DEMO_PROFILE))
    car = DemoCar(decoder, scenario.phases, scenario.car)
    series: dict[str, list[tuple[float, object]]] = defaultdict(list)
    frame_times = []
    for _, bus, frame in car.frames(0.0):
        frame_times.append(frame.timestamp)
        for update in decoder.decode(frame, bus):
            series[update.path].append((update.timestamp, update.value))
    return decoder, series, frame_times


def values(series: dict, path: str) -> list:
    return [value for _, value in series[path]]


def max_deceleration_g(speeds: list[tuple[float, float]], window_s: float = 0.5) -> float:
    worst = 0.0
    start = 0
    for end in range(len(speeds)):
        while speeds[end][0] - speeds[start][0] > window_s:
            start += 1
        dt = speeds[end][0] - speeds[start][0]
        if dt >= window_s * 0.9:
            drop = (speeds[start][1] - speeds[end][1]) / 3.6
            worst = max(worst, drop / dt / G)
    return worst


def test_bundled_scenarios_listed() -> None:
    assert {"stop-and-go", "highway", "winter-cold-start", "fast-charge",
            "harsh-braking", "low-battery"} <= set(bundled_scenarios())


@pytest.mark.parametrize("name", bundled_scenarios())
def test_scenario_decodes_without_faults(name: str) -> None:
    decoder, series, _ = play(name)

    assert decoder.stats.faults == 0
    assert decoder.stats.rejected_values == 0
    assert decoder.stats.unmapped == 0
    assert decoder.stats.decoded > 100
    assert series[vss.SPEED]
    assert values(series, vss.LOW_VOLTAGE_SYSTEM_STATE)[-1] == "OFF"


def test_stop_and_go_keeps_demo_timing() -> None:
    assert sum(phase.duration_s for phase in STOP_AND_GO) == 236
    assert [phase.name for phase in STOP_AND_GO][:5] == [
        "parked", "pull away", "cruise", "brake", "red light"]
    assert STOP_AND_GO[0].gear == vss.GEAR_PARK
    assert STOP_AND_GO[-1].power_state == "OFF"
    assert max(phase.end_speed_kmh for phase in STOP_AND_GO) == 60


def test_harsh_braking_decelerates_above_0_4_g() -> None:
    _, series, _ = play("harsh-braking")

    speeds = series[vss.SPEED]
    assert max(values(series, vss.SPEED)) == pytest.approx(80, abs=0.1)
    assert max_deceleration_g(speeds) > 0.4


def test_stop_and_go_brakes_gently() -> None:
    _, series, _ = play("stop-and-go")

    assert max_deceleration_g(series[vss.SPEED]) < 0.4


def test_fast_charge_raises_soc_over_dc() -> None:
    _, series, _ = play("fast-charge")

    soc = values(series, vss.SOC_DISPLAYED)
    types = values(series, vss.CHARGING_TYPE)
    assert soc[0] == pytest.approx(22, abs=0.5)
    assert soc[-1] > soc[0] + 15
    assert "DC" in types
    assert "AC" not in types
    assert True in values(series, vss.IS_CHARGING)
    assert min(values(series, vss.BATTERY_POWER)) < -100_000


def test_charge_stops_at_target(tmp_path: Path) -> None:
    path = tmp_path / "short.toml"
    path.write_text('[car]\nsoc_percent = 79.0\n'
                    '[[phase]]\nkind = "charge"\ntype = "AC"\ntarget_soc = 80\n'
                    'power_kw = 22\nduration_s = 600\n')
    scenario = load_scenario(path)
    decoder = CanDecoder(load_profile(assets.DEMO_PROFILE))
    car = DemoCar(decoder, scenario.phases, scenario.car)
    types = []
    for _, bus, frame in car.frames(0.0):
        types += [u.value for u in decoder.decode(frame, bus) if u.path == vss.CHARGING_TYPE]

    assert car.model.soc_percent == pytest.approx(80, abs=0.1)
    assert types[0] == "AC"
    assert types[-1] == "NONE"


def test_low_battery_ends_below_15_percent() -> None:
    _, series, _ = play("low-battery")

    assert values(series, vss.SOC_DISPLAYED)[-1] < 15


def test_winter_cold_start_is_cold() -> None:
    _, series, _ = play("winter-cold-start")

    assert set(values(series, vss.OUTSIDE_TEMPERATURE)) == {-15}
    assert set(values(series, vss.HVAC_POWER)) == {5000}


def test_highway_tunnel_loses_gps() -> None:
    scenario = load_scenario("highway")
    _, series, _ = play("highway")

    assert [phase.kind for phase in scenario.phases if phase.gps_lost] == ["tunnel"]
    assert max(values(series, vss.SPEED)) == pytest.approx(120, abs=0.1)


def test_rush_hour_bus_silent_and_dtc() -> None:
    _, series, frame_times = play("rush-hour")

    gaps = [b - a for a, b in zip(frame_times, frame_times[1:])]
    assert max(gaps) == pytest.approx(10, abs=0.1)
    changes = []
    for t, codes in series[vss.DTC_LIST]:
        if not changes or changes[-1][1] != codes:
            changes.append((t, codes))
    assert [codes for _, codes in changes] == [[], ["P0A80"], []]
    assert changes[1][0] == pytest.approx(100, abs=1.0)
    assert set(values(series, vss.OBD_DTC_COUNT)) == {0, 1}


def test_traffic_jam_follows_seed(tmp_path: Path) -> None:
    def jam(seed: int) -> tuple:
        path = tmp_path / f"jam-{seed}.toml"
        path.write_text(f'[[phase]]\nkind = "traffic_jam"\nduration_s = 120\nseed = {seed}\n')
        return load_scenario(path).phases

    first = jam(3)
    assert first == jam(3)
    assert first != jam(4)
    assert sum(phase.duration_s for phase in first) == pytest.approx(120, abs=3.1)
    assert max(phase.end_speed_kmh for phase in first) <= 15
    assert first[-1].end_speed_kmh == 0


def test_scenario_frames_repeat_exactly() -> None:
    def first_frames() -> list[bytes]:
        scenario = load_scenario("rush-hour")
        car = DemoCar(CanDecoder(load_profile(assets.DEMO_PROFILE)), scenario.phases,
                      scenario.car)
        frames = car.frames(0.0)
        return [bytes(next(frames)[2].data) for _ in range(3000)]

    assert first_frames() == first_frames()


BAD_FILES = [
    ("kind", '[[phase]]\nduration_s = 5\n'),
    ("kind", '[[phase]]\nkind = "teleport"\nduration_s = 5\n'),
    ("speed_kmh", '[[phase]]\nkind = "accelerate"\nduration_s = 5\nspeed_kmh = "fast"\n'),
    ("speed_kmh", '[[phase]]\nkind = "accelerate"\nduration_s = 5\nspeed_kmh = 400\n'),
    ("duration_s", '[[phase]]\nkind = "cruise"\nspeed_kmh = 30\n'),
    ("spead_kmh", '[[phase]]\nkind = "cruise"\nduration_s = 5\nspead_kmh = 30\n'),
    ("type", '[[phase]]\nkind = "charge"\ntype = "wireless"\nduration_s = 5\n'),
    ("hard", '[[phase]]\nkind = "brake"\nhard = "yes"\n'),
    ("phase[1].kind", '[[phase]]\nkind = "accelerate"\nduration_s = 5\nspeed_kmh = 30\n'
                      '[[phase]]\nkind = "power_off"\nduration_s = 5\n'),
    ("soc_percent", '[car]\nsoc_percent = 120\n[[phase]]\nkind = "parked"\nduration_s = 5\n'),
    ("phase", 'name = "empty"\n'),
    ("seed", '[[phase]]\nkind = "traffic_jam"\nduration_s = 5\nseed = 1.5\n'),
    ("colour", 'colour = "red"\n[[phase]]\nkind = "parked"\nduration_s = 5\n'),
    ("code", '[[phase]]\nkind = "dtc"\ncode = "engine hot"\n'),
    ("code", '[[phase]]\nkind = "dtc"\n'),
    ("gps.latitude", '[gps]\nlatitude = 91\n[[phase]]\nkind = "parked"\nduration_s = 5\n'),
    ("gps.altitude", '[gps]\naltitude = 3\n[[phase]]\nkind = "parked"\nduration_s = 5\n'),
    ("heading_deg", '[[phase]]\nkind = "cruise"\nduration_s = 5\nheading_deg = "north"\n'),
]


@pytest.mark.parametrize(("key", "text"), BAD_FILES)
def test_bad_scenario_names_file_and_key(tmp_path: Path, key: str, text: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)

    with pytest.raises(ScenarioError) as error:
        load_scenario(path)

    assert str(path) in str(error.value)
    assert key in str(error.value)


def test_invalid_toml_names_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[[phase]\nkind = \n")

    with pytest.raises(ScenarioError, match="broken.toml: invalid TOML"):
        load_scenario(path)


def test_simulate_rejects_bad_scenario(tmp_path: Path, capsys) -> None:
    from headunit import cli

    path = tmp_path / "bad.toml"
    path.write_text('[[phase]]\nkind = "hover"\nduration_s = 5\n')

    assert cli.main(["simulate", "--scenario", str(path)]) == cli.EXIT_CONFIG_ERROR
    assert f"{path}: phase[0].kind" in capsys.readouterr().err


# --- headunit simulate feeding another process --------------------------------

RECEIVER = r"""
import json, sys, time, can
import assets
from vehicle import vss
from vehicle.candecode import CanDecoder
from vehicle.profile import load_profile

decoder = CanDecoder(load_profile(assets.DEMO_PROFILE))
speeds, states = [], []
with can.Bus(interface="udp_multicast", channel=sys.argv[1]) as bus:
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "OFF" not in states:
        frame = bus.recv(0.5)
        if frame is None:
            continue
        for update in decoder.decode(frame, "powertrain"):
            if update.path == vss.SPEED:
                speeds.append(update.value)
            if update.path == vss.LOW_VOLTAGE_SYSTEM_STATE:
                states.append(update.value)
print(json.dumps({"speeds": speeds, "states": states, "faults": decoder.stats.faults}))
"""


def test_simulate_over_udp_multicast(loopback_namespace: str) -> None:  # noqa: F811
    pytest.importorskip("msgpack", reason="install python-can[multicast]")
    group = "239.74.163.7"
    in_namespace = ["ip", "netns", "exec", loopback_namespace, sys.executable]
    receiver = subprocess.Popen(
        [*in_namespace, "-c", RECEIVER, group],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT,
    )
    try:
        assert receiver.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        sender = subprocess.run(
            [*in_namespace, "-c", "from headunit.cli import main; raise SystemExit(main())",
             "simulate", "--scenario", "harsh-braking", "--interface", "udp_multicast",
             "--channel", group, "--time-scale", "10"],
            capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
        )
        out, err = receiver.communicate(timeout=60)
    finally:
        receiver.kill()

    assert sender.returncode == 0, sender.stderr
    assert "phase emergency stop (brake)" in sender.stdout
    assert receiver.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["faults"] == 0
    assert max(result["speeds"]) == pytest.approx(80, abs=0.1)
    assert result["states"][-1] == "OFF"


def test_simulator_plays_scenario_on_virtual_bus() -> None:
    import uuid

    import can

    from vehicle.simulator import Simulator

    channel = f"test-{uuid.uuid4().hex}"
    decoder = CanDecoder(load_profile(assets.DEMO_PROFILE))

    def open_bus(**options) -> can.BusABC:
        return can.Bus(**{**options, "interface": "virtual", "channel": channel})

    simulator = Simulator(decoder, time_scale=50, loop=False,
                          scenario=load_scenario("harsh-braking"), bus_factory=open_bus)
    speeds = []
    with can.Bus(interface="virtual", channel=channel) as receiver:
        simulator.start()
        while True:
            frame = receiver.recv(0.2)
            if frame is None:
                if simulator.stopped.is_set():
                    break
                continue
            speeds += [u.value for u in decoder.decode(frame, "powertrain")
                       if u.path == vss.SPEED]
        simulator.stop()

    assert not simulator.failed
    assert simulator.car is not None
    assert simulator.car.phase.kind == "power_off"
    assert max(speeds) == pytest.approx(80, abs=0.1)


def test_looping_keeps_simulated_time_running():
    """Each loop continues the clock, so frames and positions never go back in time."""
    import uuid

    import can

    from vehicle.simulator import Simulator

    channel = f"test-{uuid.uuid4().hex}"
    decoder = CanDecoder(load_profile(assets.DEMO_PROFILE))

    def open_bus(**options) -> can.BusABC:
        return can.Bus(**{**options, "interface": "virtual", "channel": channel})

    positions: list[float] = []
    simulator = Simulator(
        decoder, time_scale=2000, loop=True, bus_factory=open_bus,
        position_sinks=[lambda point, timestamp: positions.append(timestamp)],
    )
    frame_times: list[float] = []
    with can.Bus(interface="virtual", channel=channel) as receiver:
        simulator.start()
        deadline = time.monotonic() + 30
        # Three passes of the cycle, or more.
        while len(positions) < 3 * DemoCar(decoder).duration_s and time.monotonic() < deadline:
            frame = receiver.recv(0.2)
            if frame is not None:
                frame_times.append(frame.timestamp)
        simulator.stop()

    assert not simulator.failed
    assert len(positions) >= 3 * DemoCar(decoder).duration_s
    assert all(later > earlier for earlier, later in zip(positions, positions[1:]))
    assert all(later >= earlier for earlier, later in zip(frame_times, frame_times[1:]))
