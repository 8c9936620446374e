"""Bad input: configuration errors stop a command, bad data is skipped and counted."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import can
import pytest

from headunit import cli
from headunit.app import HeadUnit, InputConfig
from tests.conftest import DEMO_PROFILE, GENESIS_PROFILE
from vehicle.candecode import CanDecoder
from vehicle.cansource import replay_log
from vehicle.dbc import DbcError, load_dbc
from vehicle.profile import ProfileError, load_profile


def test_truncated_log_line_is_skipped(
    genesis_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lines = (genesis_dir / "mphloggenesis.log").read_text().splitlines()
    damaged = tmp_path / "damaged.log"
    # A line cut short in the middle, as a recorder killed mid-write leaves it.
    damaged.write_text("\n".join(lines[:4000] + ["(1598827820.1234"] + lines[4000:]) + "\n")
    decoder = CanDecoder(load_profile(GENESIS_PROFILE), (genesis_dir,))
    updates = []

    with caplog.at_level(logging.WARNING):
        result = replay_log(damaged, decoder, updates.extend)

    assert result.frames == len(lines)
    assert result.skipped_lines == 1
    assert decoder.stats.decoded == 1395
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "line 4001" in warnings[0]


def test_truncated_last_line_keeps_earlier_frames(genesis_dir: Path, tmp_path: Path) -> None:
    text = (genesis_dir / "mphloggenesis.log").read_text()
    damaged = tmp_path / "cut.log"
    # The recorder lost power in the middle of the last line's data.
    damaged.write_text(text.rstrip("\n")[:-9])
    decoder = CanDecoder(load_profile(GENESIS_PROFILE), (genesis_dir,))

    result = replay_log(damaged, decoder, lambda updates: None)

    assert result.frames + result.skipped_lines == text.count("\n")
    assert result.frames >= 7582


def test_frames_with_unknown_ids_are_counted(genesis_dir: Path) -> None:
    decoder = CanDecoder(load_profile(GENESIS_PROFILE), (genesis_dir,))
    lacking = {0x0A0, 0x0A1, 0x1F1, 0x2A0, 0x2C0, 0x350, 0x382, 0x4F0, 0x5A2, 0x5F0, 0x690}

    replay_log(genesis_dir / "mphloggenesis.log", decoder, lambda updates: None)

    assert lacking <= decoder.stats.unmapped_ids
    assert decoder.stats.faults == 0
    assert decoder.stats.frames == decoder.stats.decoded + decoder.stats.unmapped


def test_short_frame_is_counted_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    decoder = CanDecoder(load_profile(DEMO_PROFILE))
    short = can.Message(
        arbitration_id=0x110, is_extended_id=False, data=b"\x10\x27", timestamp=1.0
    )
    good = can.Message(
        arbitration_id=0x110, is_extended_id=False, data=bytes(8), timestamp=1.1
    )

    with caplog.at_level(logging.WARNING):
        for _ in range(50):
            assert decoder.decode(short, "powertrain") == []
        updates = decoder.decode(good, "powertrain")

    assert decoder.stats.faults == 50
    assert len(caplog.records) == 1
    assert "0x110" in caplog.records[0].getMessage()
    assert [update.path for update in updates] == [
        "Vehicle.Speed",
        "Vehicle.Powertrain.Transmission.SelectedGear",
        "Vehicle.LowVoltageSystemState",
    ]


def missing_signal_profile(tmp_path: Path) -> Path:
    text = GENESIS_PROFILE.read_text().replace('signal = "VS"', 'signal = "VS_KPH"')
    profile = tmp_path / "genesis-typo.toml"
    profile.write_text(text)
    return profile


def test_profile_signal_missing_from_dbc(genesis_dir: Path, tmp_path: Path) -> None:
    profile = missing_signal_profile(tmp_path)

    with pytest.raises(ProfileError) as raised:
        CanDecoder(load_profile(profile), (genesis_dir,))

    message = str(raised.value)
    assert str(profile) in message
    assert 'signals."Vehicle.Speed".signal' in message
    assert "'VS_KPH' not found in message EMS11 of hyundai_kia_generic.dbc" in message


def test_commands_exit_nonzero_on_config_error(
    genesis_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = missing_signal_profile(tmp_path)
    log = genesis_dir / "mphloggenesis.log"

    check = cli.main(["config", "check", str(profile), "--dbc-path", str(genesis_dir)])
    check_error = capsys.readouterr().err
    replay = cli.main(
        ["replay", str(log), "--profile", str(profile), "--dbc-path", str(genesis_dir),
         "--db", str(tmp_path / "replay.db")]
    )
    replay_error = capsys.readouterr().err

    assert check == cli.EXIT_CONFIG_ERROR
    assert 'signals."Vehicle.Speed".signal' in check_error
    assert replay == cli.EXIT_CONFIG_ERROR
    assert "VS_KPH" in replay_error


def test_headunit_runs_without_broken_source(
    genesis_dir: Path, tmp_path: Path, db_path: Path
) -> None:
    profile = missing_signal_profile(tmp_path)
    headunit = HeadUnit(
        profile,
        db_path,
        inputs=InputConfig(kind="replay", replay_path=genesis_dir / "mphloggenesis.log"),
        dbc_search_path=(genesis_dir,),
    )
    headunit.start()

    assert headunit.input_done.is_set()
    assert len(headunit.config_errors) == 1
    assert "VS_KPH" in headunit.config_errors[0]
    assert headunit.state.snapshot().readings == {}
    assert headunit.trip_log.recent() == []
    headunit.stop()


def test_dbc_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    dbc = tmp_path / "broken.dbc"
    source = (DEMO_PROFILE.parent / "aurora_e5.dbc").read_text().splitlines()
    line = next(i for i, text in enumerate(source) if "PackVoltage" in text)
    source[line] = source[line].replace("(0.1,0)", "(0.1 0)")
    dbc.write_text("\n".join(source) + "\n")

    with pytest.raises(DbcError) as raised:
        load_dbc(dbc)

    assert raised.value.line == line + 1
    assert raised.value.column is not None
    assert f"{dbc}:{line + 1}:" in str(raised.value)
    assert "PackVoltage" in str(raised.value)


def test_dbc_without_header_lines_loads_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = (DEMO_PROFILE.parent / "aurora_e5.dbc").read_text()
    gappy = tmp_path / "gappy.dbc"
    gappy.write_text(source.replace("BS_:\n", "").replace("BU_: VCU BMS BCM HU\n", ""))

    with caplog.at_level(logging.WARNING):
        loaded = load_dbc(gappy)

    assert len(loaded.database.messages) == 5
    assert loaded.mended == ("no BS_: line", "no BU_: line")
    assert len(caplog.records) == 1


def test_dbc_error_line_counts_from_file_with_gaps(tmp_path: Path) -> None:
    source = (DEMO_PROFILE.parent / "aurora_e5.dbc").read_text()
    source = source.replace("BS_:\n", "").replace("BU_: VCU BMS BCM HU\n", "")
    lines = source.splitlines()
    line = next(i for i, text in enumerate(lines) if "AccelPedal" in text)
    lines[line] = lines[line].replace("@1+", "@1?")
    broken = tmp_path / "gappy-broken.dbc"
    broken.write_text("\n".join(lines) + "\n")

    with pytest.raises(DbcError) as raised:
        load_dbc(broken)

    assert raised.value.line == line + 1
    assert "AccelPedal" in str(raised.value)


def test_missing_dbc_is_a_config_error(tmp_path: Path) -> None:
    profile = tmp_path / "demo.toml"
    shutil.copy(DEMO_PROFILE, profile)

    with pytest.raises(DbcError) as raised:
        CanDecoder(load_profile(profile))

    assert "aurora_e5.dbc" in str(raised.value)
    assert "No such file" in str(raised.value)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (('powertrain = "BEV"', 'powertrain = "steam"'), "vehicle.powertrain"),
        (('bus = "powertrain"', 'bus = "chassis"'), 'signals."Vehicle.Speed".bus'),
        (('message = "VCU_Status"', 'message = "VCU_Stat"'),
         'signals."Vehicle.Speed".message'),
        (('from_unit = "kW"', 'from_unit = "hp"'),
         'signals."Vehicle.Powertrain.TractionBattery.CurrentPower".from_unit'),
        (("P = 126", "Park = 126"),
         'signals."Vehicle.Powertrain.Transmission.SelectedGear".values.Park'),
    ],
)
def test_profile_errors_name_the_key(
    tmp_path: Path, change: tuple[str, str], key: str
) -> None:
    profile = tmp_path / "demo-ev.toml"
    profile.write_text(DEMO_PROFILE.read_text().replace(*change, 1))
    shutil.copy(DEMO_PROFILE.parent / "aurora_e5.dbc", tmp_path)

    with pytest.raises(ProfileError) as raised:
        CanDecoder(load_profile(profile))

    assert raised.value.key == key
    assert str(profile) in str(raised.value)
