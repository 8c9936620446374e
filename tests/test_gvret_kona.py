"""SavvyCAN GVRET logs and the two-bus Hyundai Kona Electric profile."""

from __future__ import annotations

import collections
import logging
from pathlib import Path

import can
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headunit.app import HeadUnit, InputConfig
from tests.conftest import PROFILES, SHARED_DATA
from vehicle import busstatus, vss
from vehicle.candecode import CanDecoder
from vehicle.cansource import replay_log
from vehicle.gvret import CsvReader, GvretReader
from vehicle.profile import ProfileError, load_profile

KONA_DIR = SHARED_DATA / "can" / "hyundai-kona-ev"
KONA_LOG = KONA_DIR / "230112-7-2019-pcan-ccan-power-off-on-ready-off.csv"
KONA_HEATING_LOG = KONA_DIR / "250105-1-2020-comp-can-heating.csv"
KONA_PROFILE = PROFILES / "hyundai-kona-electric.toml"


@pytest.fixture
def kona_dir() -> Path:
    """Folder of the Kona Electric GVRET recordings and DBCs."""
    if not KONA_LOG.is_file() or not (KONA_DIR / "pcan.dbc").is_file():
        pytest.skip(
            f"recording not found in {KONA_DIR}: put the shared data folder "
            "beside the checkout or set HEADUNIT_SHARED_DATA"
        )
    return KONA_DIR


def test_gvret_log_reads_every_frame(kona_dir: Path) -> None:
    reader = can.LogReader(KONA_LOG)
    frames = list(reader)

    assert isinstance(reader, CsvReader)
    assert len(frames) == 39546
    assert collections.Counter(frame.channel for frame in frames) == {0: 24263, 1: 15283}
    assert frames[0].arbitration_id == 0x109
    assert bytes(frames[0].data) == bytes.fromhex("000100FFFFFF0F3D")
    assert frames[0].timestamp == pytest.approx(1953.6135)
    assert frames[-1].timestamp - frames[0].timestamp == pytest.approx(10.84, abs=0.01)
    assert reader.skipped_lines == 0


def test_gvret_layout_with_direction_column(kona_dir: Path) -> None:
    frames = list(can.LogReader(KONA_HEATING_LOG))

    assert len(frames) == 27982
    assert frames[0].arbitration_id == 0x111
    assert all(frame.is_rx for frame in frames)
    assert frames[2].data[7] == 0x05


def test_python_can_csv_reader_rejects_gvret(kona_dir: Path) -> None:
    # python-can 4.6.1's CSVReader cannot read GVRET; vehicle.gvret takes
    # over the .csv suffix and sends python-can's own layout back to it.
    with pytest.raises(ValueError):
        list(can.CSVReader(KONA_LOG))


def test_python_can_csv_still_reads(tmp_path: Path) -> None:
    log = tmp_path / "own.csv"
    written = [
        can.Message(timestamp=1.5, arbitration_id=0x123, is_extended_id=False,
                    data=b"\x01\x02"),
        can.Message(timestamp=1.6, arbitration_id=0x1ABCDE, data=b"\xff" * 8),
    ]
    with can.CSVWriter(log) as writer:
        for frame in written:
            writer.on_message_received(frame)

    read = list(can.LogReader(log))

    assert [frame.arbitration_id for frame in read] == [0x123, 0x1ABCDE]
    assert [bytes(frame.data) for frame in read] == [b"\x01\x02", b"\xff" * 8]


def test_gvret_bad_rows_skipped_with_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = tmp_path / "bad.csv"
    log.write_text(
        "Time Stamp,ID,Extended,Bus,LEN,D1,D2\n"
        "100,00000123,false,0,2,01,02\n"
        "200,00000123,false,0,2,01\n"
        "300,0000XYZ3,false,0,2,01,02\n"
        "400,00000123,false,0,2,03,04\n"
    )

    with caplog.at_level(logging.WARNING):
        reader = GvretReader(log)
        frames = list(reader)

    assert [bytes(frame.data) for frame in frames] == [b"\x01\x02", b"\x03\x04"]
    assert reader.skipped_lines == 2
    assert len(caplog.records) == 1
    assert "line 3" in caplog.records[0].getMessage()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 2**40), st.integers(0, 0x1FFFFFFF), st.booleans(),
                  st.integers(0, 3), st.binary(max_size=8), st.booleans()),
        min_size=1, max_size=30,
    ),
    with_direction=st.booleans(),
)
def test_generated_gvret_rows_read(tmp_path: Path, rows: list, with_direction: bool) -> None:
    header = "Time Stamp,ID,Extended,Dir,Bus,LEN" if with_direction else (
        "Time Stamp,ID,Extended,Bus,LEN"
    )
    lines = [header + "," + ",".join(f"D{i}" for i in range(1, 9))]
    for micros, can_id, extended, bus, data, tx in rows:
        can_id &= 0x1FFFFFFF if extended else 0x7FF
        fields = [str(micros), f"{can_id:08X}", "true" if extended else "false"]
        if with_direction:
            fields.append("Tx" if tx else "Rx")
        fields += [str(bus), str(len(data))] + [f"{byte:02X}" for byte in data]
        lines.append(",".join(fields) + ("," if with_direction else ""))
    log = tmp_path / "generated.csv"
    log.write_text("\n".join(lines) + "\n")

    frames = list(can.LogReader(log))

    assert len(frames) == len(rows)
    for frame, (micros, can_id, extended, bus, data, tx) in zip(frames, rows):
        assert frame.arbitration_id == can_id & (0x1FFFFFFF if extended else 0x7FF)
        assert frame.is_extended_id == extended
        assert frame.channel == bus
        assert bytes(frame.data) == data
        assert frame.timestamp == micros / 1_000_000
        assert frame.is_rx == (not (with_direction and tx))


def test_kona_replay_shows_displayed_soc(kona_dir: Path, db_path: Path) -> None:
    headunit = HeadUnit(
        KONA_PROFILE,
        db_path,
        inputs=InputConfig(kind="replay", replay_path=KONA_LOG, replay_speed=None),
        dbc_search_path=(kona_dir,),
    )
    soc: list[float] = []
    headunit.state.add_observer(
        lambda updates: soc.extend(
            u.value for u in updates if u.path == vss.SOC_DISPLAYED
        )
    )
    headunit.start()
    assert headunit.input_done.wait(60)
    status = headunit.bus_status
    headunit.stop()

    assert headunit.config_errors == []
    assert soc and set(soc) == {36.5}
    assert headunit.replay_result.unknown_channel == 0
    assert headunit.replay_result.frames == 39546
    assert status in (busstatus.RECEIVING, busstatus.LOST)
    assert headunit.decoder.stats.faults == 0


def test_kona_buses_take_their_channels(kona_dir: Path, tmp_path: Path) -> None:
    # GIVEN a signal of the chassis DBC mapped, which only channel 1 carries
    profile = tmp_path / "kona-chassis.toml"
    profile.write_text(
        KONA_PROFILE.read_text()
        + '\n[signals."Vehicle.Powertrain.TractionBattery.Temperature.Max"]\n'
        'bus = "chassis"\nmessage = "IEB_MAYBE_C371"\nsignal = "BrakeUnknown"\n'
    )
    decoder = CanDecoder(load_profile(profile), (kona_dir,))
    paths: collections.Counter[str] = collections.Counter()

    # WHEN the two-bus recording replays
    result = replay_log(KONA_LOG, decoder, lambda us: paths.update(u.path for u in us))

    # THEN channel 1 reached the chassis DBC and channel 0 the powertrain DBC
    assert paths[vss.BATTERY_TEMPERATURE_MAX] == 1086
    assert paths[vss.SOC_DISPLAYED] > 0
    assert result.unknown_channel == 0
    assert decoder.stats.frames == 39546
    assert decoder.dbcs["chassis"].path.name == "ccan.dbc"


def test_two_buses_on_one_log_channel_rejected(tmp_path: Path) -> None:
    profile = tmp_path / "kona.toml"
    profile.write_text(KONA_PROFILE.read_text().replace("log_channel = 1", "log_channel = 0"))

    with pytest.raises(ProfileError) as raised:
        load_profile(profile)

    assert raised.value.key == "buses.chassis.log_channel"
    assert "'powertrain'" in str(raised.value)


def test_broken_chassis_dbc_keeps_powertrain(
    kona_dir: Path, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the chassis DBC with a syntax error on line 12 and the powertrain DBC intact
    broken = (kona_dir / "ccan.dbc").read_text().splitlines()
    line = next(i for i, text in enumerate(broken) if text.startswith(" SG_ BrakeUnknown"))
    broken[line] = broken[line].replace("@0+", "@0?")
    (tmp_path / "ccan.dbc").write_text("\n".join(broken) + "\n")
    (tmp_path / "pcan.dbc").write_text((kona_dir / "pcan.dbc").read_text())
    profile = tmp_path / "kona.toml"
    profile.write_text(KONA_PROFILE.read_text())

    headunit = HeadUnit(
        profile, db_path,
        inputs=InputConfig(kind="replay", replay_path=KONA_LOG, replay_speed=None),
    )
    soc: list[float] = []
    headunit.state.add_observer(
        lambda updates: soc.extend(u.value for u in updates if u.path == vss.SOC_DISPLAYED)
    )
    headunit.start()
    assert headunit.input_done.wait(60)
    headunit.stop()
    check = cli_main(["config", "check", str(profile)])
    error_output = capsys.readouterr().err

    assert len(headunit.config_errors) == 1
    assert f"ccan.dbc:{line + 1}:" in headunit.config_errors[0]
    assert "BrakeUnknown" in headunit.config_errors[0]
    assert set(soc) == {36.5}
    assert headunit.replay_result.unknown_channel == 15283
    assert check == 2
    assert f"ccan.dbc:{line + 1}:" in error_output


def cli_main(argv: list[str]) -> int:
    from headunit import cli

    return cli.main(argv)
