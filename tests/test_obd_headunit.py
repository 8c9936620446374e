"""The OBD-II source inside the head unit: profile ``[obd]`` table, wiring, CLI."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import assets
from elm_emulator import Emulator
from headunit import cli
from headunit.app import HeadUnit, InputConfig
from headunit.obd_link import VIN_SETTING, is_parked
from headunit.state import VehicleState
from vehicle import vss
from vehicle.profile import ProfileError, load_profile
from vehicle.signals import SignalUpdate


def profile_with_obd(tmp_path: Path, obd_table: str) -> Path:
    path = tmp_path / "car.toml"
    path.write_text(assets.DEMO_PROFILE.read_text() + "\n[obd]\n" + obd_table)
    return path


def test_profile_obd_table_loads(tmp_path):
    path = profile_with_obd(
        tmp_path, 'port = "/dev/rfcomm0"\nprotocol = "6"\nallow_clear_dtcs = true\n'
    )
    config = load_profile(path).obd
    assert config.port == "/dev/rfcomm0"
    assert config.protocol == "6"
    assert config.allow_clear_dtcs is True
    assert config.baudrate == 38400


@pytest.mark.parametrize(
    "table, key",
    [
        ('protocol = "6"\n', "obd.port"),
        ('port = "/dev/rfcomm0"\nallow_clear = true\n', "obd.allow_clear"),
        ('port = "/dev/rfcomm0"\nbaudrate = "fast"\n', "obd.baudrate"),
        (
            'port = "/dev/rfcomm0"\nignition_path = "Vehicle.Ignition"\n',
            "obd.ignition_path",
        ),
    ],
)
def test_profile_obd_table_errors_name_key(tmp_path, table, key):
    path = profile_with_obd(tmp_path, table)
    with pytest.raises(ProfileError, match=key.replace(".", r"\.")) as error:
        load_profile(path)
    assert str(path) in str(error.value)


def test_profile_without_obd_has_none():
    assert load_profile(assets.DEMO_PROFILE).obd is None


def test_is_parked_needs_known_standstill():
    state = VehicleState()
    assert not is_parked(state)
    state.update([SignalUpdate(vss.SPEED, 0.0, time.time())])
    assert is_parked(state)
    state.update([SignalUpdate(vss.SELECTED_GEAR, vss.GEAR_DRIVE, time.time())])
    assert not is_parked(state)
    state.update(
        [
            SignalUpdate(vss.SELECTED_GEAR, vss.GEAR_PARK, time.time()),
            SignalUpdate(vss.SPEED, 30.0, time.time()),
        ]
    )
    assert not is_parked(state)


def test_cli_has_obd_port_option():
    parser = cli._build_parser()
    args = parser.parse_args(["run", "--obd-port", "socket://127.0.0.1:35000"])
    assert args.obd_port == "socket://127.0.0.1:35000"


@pytest.mark.slow
def test_headunit_polls_obd_beside_can(tmp_path, db_path):
    peer = Emulator(tmp_path / "elm").start()
    try:
        profile = profile_with_obd(
            tmp_path, f'port = "{peer.url}"\nprotocol = "6"\ntimeout_s = 1.0\n'
        )
        headunit = HeadUnit(
            profile,
            db_path,
            inputs=InputConfig(kind="demo", time_scale=1.0, loop=False),
            dbc_search_path=(assets.PROFILES_DIR,),
        )
        assert headunit.config_errors == []
        headunit.start()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if (
                headunit.state.value(vss.ENGINE_SPEED) is not None
                and headunit.state.value(vss.SOC_DISPLAYED) is not None
            ):
                break
            time.sleep(0.1)
        rpm = headunit.state.value(vss.ENGINE_SPEED)
        soc = headunit.state.value(vss.SOC_DISPLAYED)
        vin = headunit.obd_source.vin
        headunit.stop()
    finally:
        peer.stop()
    assert rpm is not None and 0 <= rpm < 16384
    assert soc is not None
    assert vin is not None and len(vin) == 17
    from sync.store import Store

    store = Store(db_path)
    rows = store.query("SELECT value FROM settings WHERE key = ?", (VIN_SETTING,))
    store.close()
    assert rows == [{"value": vin}]


def test_logging_prints_python_obd_lines_once():
    import logging

    import obd  # noqa: F401  (adds python-OBD's own stderr handler)
    from headunit import logs

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logs.configure("INFO")
        assert logging.getLogger("obd").handlers == []
        assert logging.getLogger("obd").propagate
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
