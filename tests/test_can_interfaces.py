"""Live CAN buses through python-can: interfaces, faults, status, no sending."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import can
import pytest

from headunit.app import HeadUnit, InputConfig
from tests.canfiles import SPEED_DBC, write_dbc, write_profile
from tests.conftest import REPO_ROOT
from vehicle import busstatus, vss
from vehicle.candecode import CanDecoder
from vehicle.cansource import (
    LISTEN_ONLY_OPTIONS,
    CanSource,
    ReadOnlyBus,
    VehicleBusWriteError,
    replay_log,
)
from vehicle.profile import load_profile

SPEED_FRAME = bytes.fromhex("0000229200000000")  # 88.50 km/h


def speed_frame(timestamp: float = 0.0) -> can.Message:
    return can.Message(
        arbitration_id=0x3C3, is_extended_id=False, data=SPEED_FRAME, timestamp=timestamp
    )


def speed_decoder(folder: Path, interface: str, channel: str, options: str = "") -> CanDecoder:
    write_dbc(folder, SPEED_DBC)
    buses = (
        "[buses.powertrain]\n"
        f'interface = "{interface}"\n'
        f'channel = "{channel}"\n'
        'dbc = "test.dbc"\n' + options
    )
    profile = write_profile(folder, {vss.SPEED: ("Speed", "VehSpeed")}, buses=buses)
    return CanDecoder(load_profile(profile))


def wait_for(condition, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


class Collector:
    def __init__(self) -> None:
        self.updates: list = []
        self.lock = threading.Lock()

    def __call__(self, updates: list) -> None:
        with self.lock:
            self.updates.extend(updates)

    def speeds(self) -> list[float]:
        with self.lock:
            return [round(u.value, 2) for u in self.updates if u.path == vss.SPEED]


def test_virtual_bus_filters_and_decodes(tmp_path: Path) -> None:
    channel = f"test-{uuid.uuid4().hex}"
    decoder = speed_decoder(tmp_path, "virtual", channel)
    collector = Collector()
    source = CanSource(decoder, collector, lost_after_s=0.5)
    source.start()
    try:
        assert source.status() == busstatus.SILENT
        with can.Bus(interface="virtual", channel=channel) as car:
            car.send(can.Message(arbitration_id=0x100, is_extended_id=False, data=b"\1"))
            car.send(speed_frame())
            error = can.Message(is_error_frame=True, arbitration_id=0x004,
                                data=bytes([0, 0x04, 0, 0, 0, 0, 0, 0]))
            car.send(error)
            assert wait_for(lambda: decoder.stats.error_frames == 1)
            assert source.status() == busstatus.RECEIVING
        assert wait_for(lambda: source.status() == busstatus.LOST)
    finally:
        source.stop()

    assert collector.speeds() == [88.50]
    # The frame-ID lookup drops 0x100 before any decoding.
    assert decoder.stats.unmapped == 1
    assert decoder.stats.decoded == 1
    assert decoder.stats.bus_errors["controller warning: RX errors"] == 1


def test_read_only_bus_rejects_every_send(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[can.Message] = []

    class SpyBus(can.interfaces.virtual.VirtualBus):
        def send(self, msg: can.Message, timeout: float | None = None) -> None:
            sent.append(msg)
            super().send(msg, timeout)

    bus = ReadOnlyBus(SpyBus(channel=f"spy-{uuid.uuid4().hex}"), "powertrain")
    frame = can.Message(arbitration_id=0x7DF, is_extended_id=False, data=b"\x02\x01\x0d")
    with caplog.at_level(logging.ERROR):
        with pytest.raises(VehicleBusWriteError):
            bus.send(frame)
        with pytest.raises(VehicleBusWriteError):
            bus.send_periodic(frame, 0.01)
        with pytest.raises(VehicleBusWriteError):
            bus.send_periodic([frame, frame], 0.01, duration=1.0)
    time.sleep(0.05)
    bus.shutdown()

    assert sent == []
    assert bus.rejected_sends == 3
    assert len(caplog.records) == 3
    assert all("0x7df" in record.getMessage() for record in caplog.records)


def test_listen_only_options_reach_interface(tmp_path: Path) -> None:
    decoder = speed_decoder(tmp_path, "slcan", "/dev/ttyACM0", "bitrate = 500000\n")
    source = CanSource(decoder, lambda updates: None)

    options = source.bus_options("powertrain")

    assert options["listen_only"] is True
    assert options["bitrate"] == 500000
    assert "can_filters" not in options
    assert LISTEN_ONLY_OPTIONS["pcan"] == {"state": can.BusState.PASSIVE}


class FlakyAdapter:
    """Bus factory whose adapter is missing, then works, then vanishes, then works.

    ``script`` lists, per open, either an exception to raise or the number
    of frames to deliver before the bus raises ``CanOperationError``
    (None: deliver frames until closed).
    """

    def __init__(self, script: list) -> None:
        self.script = list(script)
        self.opens = 0

    def __call__(self, **options) -> can.BusABC:
        self.opens += 1
        step = self.script.pop(0) if self.script else None
        if isinstance(step, Exception):
            raise step
        return _ScriptedBus(step, options["channel"])


class _ScriptedBus(can.BusABC):
    def __init__(self, frames: int | None, channel: str) -> None:
        self._frames = frames
        self.channel_info = channel
        super().__init__(channel=channel)

    def _recv_internal(self, timeout):
        if self._frames == 0:
            raise can.CanOperationError("adapter vanished (errno 19, No such device)")
        if self._frames is not None:
            self._frames -= 1
        time.sleep(0.002)
        return speed_frame(time.time()), True

    def send(self, msg, timeout=None):
        raise AssertionError("a frame was sent")


class RecordingSource(CanSource):
    """A CanSource that records its reconnect delays and waits only briefly."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.delays: list[float] = []

    def _wait(self, delay_s: float) -> bool:
        self.delays.append(delay_s)
        return self._stop.wait(0.01)


def test_vanished_interface_reconnects_with_backoff(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    decoder = speed_decoder(tmp_path, "scripted", "can0")
    adapter = FlakyAdapter([
        can.CanInitializationError("no adapter"),
        can.CanInitializationError("no adapter"),
        can.CanInitializationError("no adapter"),
        5,
        can.CanInitializationError("no adapter"),
        None,
    ])
    collector = Collector()
    statuses: list[str] = []
    source = RecordingSource(
        decoder, collector, bus_factory=adapter, lost_after_s=0.5,
        reconnect_initial_s=1.0, reconnect_max_s=4.0,
    )
    with caplog.at_level(logging.WARNING):
        source.start()
        statuses.append(source.status())
        try:
            assert wait_for(lambda: adapter.opens >= 6 and len(collector.speeds()) > 20)
            statuses.append(source.status())
        finally:
            source.stop()

    assert statuses == [busstatus.NO_BUS, busstatus.RECEIVING]
    assert source.reconnects["powertrain"] == 5
    # Doubling from 1 s, capped at 4 s, reset once frames arrived; each
    # delay carries up to 20 % jitter.
    expected = [1.0, 2.0, 4.0, 1.0, 2.0]
    assert len(source.delays) == len(expected)
    for delay, base in zip(source.delays, expected):
        assert 0.8 * base <= delay <= 1.2 * base
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sum("failed to open" in message for message in messages) == 1
    assert sum("failed to read" in message for message in messages) == 1


def test_bus_lost_while_reconnecting(tmp_path: Path) -> None:
    decoder = speed_decoder(tmp_path, "scripted", "can0")
    adapter = FlakyAdapter([3] + [can.CanInitializationError("gone")] * 1000)
    source = RecordingSource(decoder, lambda updates: None, bus_factory=adapter)
    source.start()
    try:
        assert wait_for(lambda: adapter.opens >= 3)
        status = source.status()
    finally:
        source.stop()

    assert status == busstatus.LOST


def test_unknown_interface_is_no_bus(tmp_path: Path, db_path: Path) -> None:
    write_dbc(tmp_path, SPEED_DBC)
    buses = '[buses.powertrain]\ninterface = "no-such-interface"\nchannel = "x"\ndbc = "test.dbc"\n'
    profile = write_profile(tmp_path, {vss.SPEED: ("Speed", "VehSpeed")}, buses=buses)

    headunit = HeadUnit(profile, db_path, inputs=InputConfig(kind="bus"))
    headunit.start()
    status = headunit.bus_status
    headunit.stop()

    assert status == busstatus.NO_BUS


def test_recorded_bus_off_shows_lost(tmp_path: Path) -> None:
    decoder = speed_decoder(tmp_path, "virtual", "can0")
    log = tmp_path / "busoff.log"
    log.write_text(
        "(1.000) can0 3C3#0000229200000000\n"
        "(1.010) can0 20000040#0000000000000000\n"
    )
    monitor = busstatus.BusMonitor(lost_after_s=60)

    replay_log(log, decoder, lambda updates: None, monitor=monitor)
    status_after_bus_off = monitor.status()
    monitor.frame_received()

    assert status_after_bus_off == busstatus.LOST
    assert monitor.status() == busstatus.RECEIVING
    assert decoder.stats.bus_errors["bus off"] == 1


def test_bus_monitor_ladder() -> None:
    now = [100.0]
    monitor = busstatus.BusMonitor(lost_after_s=1.0, clock=lambda: now[0])

    ladder = [monitor.status()]
    monitor.opened()
    ladder.append(monitor.status())
    monitor.frame_received()
    ladder.append(monitor.status())
    now[0] += 1.5
    ladder.append(monitor.status())
    monitor.frame_received()
    ladder.append(monitor.status())
    monitor.failed()
    ladder.append(monitor.status())
    monitor.opened()
    ladder.append(monitor.status())

    assert ladder == ["no bus", "silent", "receiving", "lost", "receiving", "lost", "lost"]
    assert busstatus.worst_status(["receiving", "silent"]) == "silent"
    assert busstatus.worst_status(["receiving", "lost", "no bus"]) == "lost"


def test_headunit_bus_status_on_live_bus(tmp_path: Path, db_path: Path) -> None:
    channel = f"test-{uuid.uuid4().hex}"
    decoder = speed_decoder(tmp_path, "virtual", channel)
    headunit = HeadUnit(decoder.profile.source, db_path, inputs=InputConfig(kind="bus"))
    headunit.start()
    try:
        silent = headunit.bus_status
        with can.Bus(interface="virtual", channel=channel) as car:
            car.send(speed_frame(time.time()))
            assert wait_for(lambda: headunit.state.value(vss.SPEED) is not None)
            receiving = headunit.bus_status
        assert wait_for(lambda: headunit.bus_status == busstatus.LOST, 3.0)
    finally:
        headunit.stop()

    assert silent == busstatus.SILENT
    assert receiving == busstatus.RECEIVING


# --- Interfaces between processes -------------------------------------------

MULTICAST_NODE = r"""
import json, sys, time, can
from vehicle.candecode import CanDecoder
from vehicle.cansource import CanSource
from vehicle.profile import load_profile

decoder = CanDecoder(load_profile(sys.argv[1]))
speeds = []
source = CanSource(decoder, lambda updates: speeds.extend(u.value for u in updates))
source.start()
with can.Bus(interface="udp_multicast", channel=sys.argv[2]) as car:
    time.sleep(0.2)
    for _ in range(50):
        car.send(can.Message(arbitration_id=0x3C3, is_extended_id=False,
                             data=bytes.fromhex("0000229200000000")))
        car.send(can.Message(arbitration_id=0x101, is_extended_id=False, data=b"x"))
        time.sleep(0.002)
    deadline = time.monotonic() + 5
    while len(speeds) < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
status = source.status()
source.stop()
print(json.dumps({"speeds": speeds, "status": status,
                  "unmapped": decoder.stats.unmapped}))
"""


@pytest.fixture
def loopback_namespace():
    """A network namespace whose multicast routes go to its own loopback."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("udp_multicast test needs root and iproute2 to create a "
                    "network namespace that keeps multicast on loopback")
    name = f"hu-can-{uuid.uuid4().hex[:8]}"
    created = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if created.returncode != 0:
        pytest.skip(f"cannot create a network namespace: {created.stderr.strip()}")
    try:
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        subprocess.run(["ip", "-n", name, "route", "add", "224.0.0.0/4", "dev", "lo"],
                       check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


def test_udp_multicast_between_nodes(tmp_path: Path, loopback_namespace: str) -> None:
    pytest.importorskip("msgpack", reason="install python-can[multicast]")
    group = "239.74.163.2"
    decoder = speed_decoder(tmp_path, "udp_multicast", group)

    result = subprocess.run(
        ["ip", "netns", "exec", loopback_namespace, sys.executable, "-c",
         MULTICAST_NODE, str(decoder.profile.source), group],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
    )

    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(output["speeds"]) == 50
    assert set(output["speeds"]) == {88.5}
    assert output["status"] == busstatus.RECEIVING
    # udp_multicast has no kernel filter: the decoder drops 0x101 unread.
    assert output["unmapped"] == 50


@pytest.fixture
def pty_pair(tmp_path: Path):
    """Two linked serial ports from socat, removed after the test."""
    if shutil.which("socat") is None:
        pytest.skip("socat not installed: ./dev setup installs it")
    head_unit, car = tmp_path / "head-unit", tmp_path / "car"
    process = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={head_unit}", f"pty,raw,echo=0,link={car}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        assert wait_for(lambda: head_unit.exists() and car.exists())
        yield head_unit, car
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_serial_interface_over_pty(tmp_path: Path, pty_pair: tuple[Path, Path]) -> None:
    head_unit, car_port = pty_pair
    decoder = speed_decoder(tmp_path, "serial", str(head_unit),
                            "options = { baudrate = 115200 }\n")
    collector = Collector()
    source = CanSource(decoder, collector)
    source.start()
    try:
        with can.Bus(interface="serial", channel=str(car_port), baudrate=115200) as car:
            for _ in range(20):
                car.send(speed_frame())
            assert wait_for(lambda: len(collector.speeds()) == 20)
        status = source.status()
    finally:
        source.stop()

    assert set(collector.speeds()) == {88.5}
    assert status == busstatus.RECEIVING


def test_filters_go_to_filtering_drivers_only(tmp_path: Path) -> None:
    applied: list = []

    class KernelFilteringBus(_ScriptedBus):
        def _apply_filters(self, filters) -> None:
            applied.append(filters)

    decoder = speed_decoder(tmp_path, "scripted", "can0")
    kernel = CanSource(decoder, lambda updates: None,
                       bus_factory=lambda **options: KernelFilteringBus(None, "can0"))
    software = CanSource(decoder, lambda updates: None,
                         bus_factory=lambda **options: _ScriptedBus(None, "can0"))
    for source in (kernel, software):
        source.start()
        source.stop()

    # python-can applies the constructor's filters (none) first, then ours.
    assert applied[-1] == decoder.can_filters("powertrain")
    assert applied[-1] == [{"can_id": 0x3C3, "can_mask": 0x7FF, "extended": False}]
    assert len([filters for filters in applied if filters]) == 1


def test_channel_override_per_bus(tmp_path: Path, db_path: Path) -> None:
    from headunit import cli

    write_dbc(tmp_path, SPEED_DBC)
    write_dbc(tmp_path, SPEED_DBC.replace("963 Speed", "964 Speed2"), name="chassis.dbc")
    first, second = f"test-{uuid.uuid4().hex}", f"test-{uuid.uuid4().hex}"
    buses = (
        '[buses.powertrain]\ninterface = "socketcan"\nchannel = "can0"\ndbc = "test.dbc"\n'
        '[buses.chassis]\ninterface = "socketcan"\nchannel = "can1"\ndbc = "chassis.dbc"\n'
    )
    profile = write_profile(
        tmp_path,
        {vss.SPEED: ("powertrain.Speed", "VehSpeed"),
         vss.LOW_VOLTAGE_BATTERY_VOLTAGE: ("chassis.Speed2", "VehSpeed")},
        buses=buses,
    )
    overrides = cli._bus_overrides(
        ["virtual"], [f"powertrain={first}", f"chassis={second}"]
    )
    headunit = HeadUnit(profile, db_path, inputs=InputConfig(
        kind="bus", bus_override=overrides.pop(""), bus_overrides=overrides,
    ))
    headunit.start()
    try:
        with can.Bus(interface="virtual", channel=second) as car:
            car.send(can.Message(arbitration_id=0x3C4, is_extended_id=False,
                                 data=bytes.fromhex("00000C8000000000")))
            assert wait_for(
                lambda: headunit.state.value(vss.LOW_VOLTAGE_BATTERY_VOLTAGE) is not None
            )
    finally:
        headunit.stop()

    assert headunit.config_errors == []
    assert headunit.state.value(vss.SPEED) is None
    assert headunit.state.get(vss.LOW_VOLTAGE_BATTERY_VOLTAGE).value == pytest.approx(32.0)


def test_override_of_unknown_bus_is_config_error(tmp_path: Path, db_path: Path) -> None:
    from vehicle.cansource import BusOverride

    decoder = speed_decoder(tmp_path, "virtual", f"test-{uuid.uuid4().hex}")
    headunit = HeadUnit(decoder.profile.source, db_path, inputs=InputConfig(
        kind="bus", bus_overrides={"chasis": BusOverride(channel="can1")},
    ))
    headunit.store.close()

    assert len(headunit.config_errors) == 1
    assert "buses.chasis" in headunit.config_errors[0]


@pytest.mark.parametrize(
    ("bus_lines", "key"),
    [
        ('options = { can_filters = [] }\n', "buses.chassis.options.can_filters"),
        ('options = { channel = "can7" }\n', "buses.chassis.options.channel"),
        ("log_channel = true\n", "buses.chassis.log_channel"),
        ("log_channel = 0\n", "buses.chassis.log_channel"),
    ],
)
def test_multi_bus_profile_errors_name_key(
    tmp_path: Path, bus_lines: str, key: str
) -> None:
    from vehicle.profile import ProfileError

    write_dbc(tmp_path, SPEED_DBC)
    buses = (
        '[buses.powertrain]\ninterface = "socketcan"\nchannel = "can0"\n'
        'dbc = "test.dbc"\nlog_channel = 0\n'
        '[buses.chassis]\ninterface = "socketcan"\nchannel = "can1"\ndbc = "test.dbc"\n'
        + bus_lines
    )
    profile = write_profile(tmp_path, {vss.SPEED: ("Speed", "VehSpeed")}, buses=buses)

    with pytest.raises(ProfileError) as raised:
        load_profile(profile)

    assert raised.value.key == key
    assert str(profile) in str(raised.value)


def test_two_buses_on_one_channel_rejected(tmp_path: Path) -> None:
    from vehicle.profile import ProfileError

    write_dbc(tmp_path, SPEED_DBC)
    buses = (
        '[buses.powertrain]\ninterface = "socketcan"\nchannel = "can0"\ndbc = "test.dbc"\n'
        '[buses.chassis]\ninterface = "socketcan"\nchannel = "can0"\ndbc = "test.dbc"\n'
    )
    profile = write_profile(tmp_path, {vss.SPEED: ("Speed", "VehSpeed")}, buses=buses)

    with pytest.raises(ProfileError) as raised:
        load_profile(profile)

    assert raised.value.key == "buses.chassis.channel"
    assert "'powertrain' already reads socketcan channel 'can0'" in str(raised.value)


def test_slcan_opens_listen_only(tmp_path: Path, pty_pair: tuple[Path, Path]) -> None:
    import serial

    head_unit, adapter_port = pty_pair
    decoder = speed_decoder(
        tmp_path, "slcan", str(head_unit),
        "bitrate = 500000\noptions = { sleep_after_open = 0 }\n",
    )
    collector = Collector()
    source = CanSource(decoder, collector)
    with serial.Serial(str(adapter_port), timeout=0.2) as adapter:
        source.start()
        try:
            # GIVEN the adapter side of an SLCAN link: the head unit's commands
            # arrive here, and frames written here reach the head unit.
            received = bytearray()

            def listen_only_seen() -> bool:
                received.extend(adapter.read(64))
                return b"L\r" in received

            assert wait_for(listen_only_seen)
            for _ in range(10):
                adapter.write(b"t3C380000229200000000\r")
            assert wait_for(lambda: len(collector.speeds()) == 10)
        finally:
            source.stop()
        received.extend(adapter.read(64))

    lines = bytes(received).split(b"\r")
    assert b"S6" in lines  # 500 kbit/s
    assert b"L" in lines  # listen-only
    assert b"O" not in lines
    assert not [line for line in lines if line[:1] in (b"t", b"T", b"r", b"R")]
    assert set(collector.speeds()) == {88.5}
