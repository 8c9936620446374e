"""DBC files as integrators bring them: header variants, byte orders, floats."""

from __future__ import annotations

import logging
import math
import struct
from pathlib import Path

import can
import cantools
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headunit import cli
from headunit.app import HeadUnit, InputConfig
from headunit.state import VehicleState
from tests.canfiles import candump_frame, decoder_for, write_dbc, write_profile
from vehicle import busstatus, vss
from vehicle.candecode import CanDecoder
from vehicle.dbc import DbcError, load_dbc
from vehicle.profile import load_profile
from vehicle.simulator import encode_frame

BMS_STATUS = """BO_ 832 BMS_Status: 8 BMS
 SG_ PackSoC : 0|16@1+ (0.01,0) [0|100] "%" HU
 SG_ PackVoltage : 16|16@1+ (0.1,0) [0|1000] "V" HU
 SG_ PackCurrent : 32|16@1- (0.1,0) [-1000|1000] "A" HU
 SG_ MaxCellTemp : 48|8@1+ (1,-40) [-40|215] "degC" HU
"""
BMS_SIGNALS = {
    vss.SOC_DISPLAYED: ("BMS_Status", "PackSoC"),
    vss.BATTERY_VOLTAGE: ("BMS_Status", "PackVoltage"),
    vss.BATTERY_CURRENT: ("BMS_Status", "PackCurrent"),
    vss.BATTERY_TEMPERATURE_MAX: ("BMS_Status", "MaxCellTemp"),
}
EXPORT_HEADER = """VERSION "BMS export 2.3"

NS_ :
\tCM_
\tBA_DEF_
\tBA_
\tVAL_

{bs_line}

BU_: BMS HU

"""


def values_of(updates: list) -> dict[str, object]:
    return {update.path: update.value for update in updates}


@pytest.mark.parametrize(
    ("bs_line", "bitrate"),
    [
        ("BS_: 500000 : 0,0", 500000),
        ("BS_:500000:0,0", 500000),
        ("BS_: 250000", 250000),
        ("BS_: 125000 : 12,34", 125000),
        ("BS_:", None),
    ],
)
def test_bit_rate_line_loads_and_decodes(
    tmp_path: Path, bs_line: str, bitrate: int | None
) -> None:
    write_dbc(tmp_path, BMS_STATUS, header=EXPORT_HEADER.format(bs_line=bs_line))
    decoder = CanDecoder(load_profile(write_profile(tmp_path, BMS_SIGNALS)))

    values = values_of(
        decoder.decode(candump_frame("(1717290903.100000) can0 340#661E9B0F38FF4100"),
                       "powertrain")
    )

    assert decoder.dbcs["powertrain"].nominal_bitrate == bitrate
    assert values[vss.SOC_DISPLAYED] == pytest.approx(77.82)
    assert values[vss.BATTERY_VOLTAGE] == pytest.approx(399.5)
    assert values[vss.BATTERY_CURRENT] == pytest.approx(-20.0)
    assert values[vss.BATTERY_TEMPERATURE_MAX] == 25


def test_config_check_reports_dbc_bit_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_dbc(tmp_path, BMS_STATUS, header=EXPORT_HEADER.format(bs_line="BS_: 500000 : 0,0"))
    profile = write_profile(tmp_path, BMS_SIGNALS)
    text = profile.read_text().replace('dbc = "test.dbc"', 'dbc = "test.dbc"\nbitrate = 250000')
    profile.write_text(text)

    status = cli.main(["config", "check", str(profile)])
    output = capsys.readouterr()

    assert status == 0
    assert "DBC nominal bit rate 500000" in output.out
    assert "runs at 250000 bit/s" in output.err


def test_broken_dbc_leaves_can_off_and_says_why(tmp_path: Path, db_path: Path) -> None:
    body = BMS_STATUS.replace("(0.1,0) [0|1000]", "(0.1 0) [0|1000]")
    write_dbc(tmp_path, body, header=EXPORT_HEADER.format(bs_line="BS_: 500000 : 0,0"))
    profile = write_profile(tmp_path, BMS_SIGNALS)

    headunit = HeadUnit(profile, db_path, inputs=InputConfig(kind="bus"))
    headunit.start()

    assert len(headunit.config_errors) == 1
    assert "test.dbc:15:" in headunit.config_errors[0]
    assert "PackVoltage" in headunit.config_errors[0]
    assert headunit.bus_status == busstatus.NO_BUS
    headunit.stop()


DRIVE_STATUS = """BO_ 1433 DriveStatus: 8 VCU
 SG_ Odometer : 7|32@0+ (1,0) [0|4294967295] "km" HU
 SG_ RangeEst : 40|8@1+ (1,0) [0|255] "km" HU
 SG_ VehSpeed : {speed} (0.01,0) [0|300] "km/h" HU
"""
DRIVE_SIGNALS = {
    vss.ODOMETER: ("DriveStatus", "Odometer"),
    vss.RANGE: ("DriveStatus", "RangeEst"),
    vss.SPEED: ("DriveStatus", "VehSpeed"),
}
DRIVE_FRAME = "(1717290903.100000) can0 599#0000A1B2FF962292"


def test_big_endian_signals_decode(tmp_path: Path) -> None:
    decoder = decoder_for(tmp_path, DRIVE_STATUS.format(speed="55|16@0+"), DRIVE_SIGNALS)

    values = values_of(decoder.decode(candump_frame(DRIVE_FRAME), "powertrain"))

    assert values[vss.ODOMETER] == 41394
    assert values[vss.RANGE] == 150
    assert values[vss.SPEED] == pytest.approx(88.50)


def test_signal_past_message_end_fails_load(tmp_path: Path) -> None:
    dbc = write_dbc(tmp_path, DRIVE_STATUS.format(speed="48|16@0+"))

    with pytest.raises(DbcError) as raised:
        load_dbc(dbc)

    message = str(raised.value)
    assert "DriveStatus" in message
    assert "VehSpeed" in message
    assert "does not fit in the 8-byte message" in message
    assert raised.value.line == 17


def test_swapped_byte_order_is_out_of_range(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    decoder = decoder_for(tmp_path, DRIVE_STATUS.format(speed="48|16@1+"), DRIVE_SIGNALS)
    state = VehicleState()
    state.update([vss_update(vss.SPEED, 12.0, 1717290903.0)])

    with caplog.at_level(logging.WARNING):
        for _ in range(20):
            updates = decoder.decode(candump_frame(DRIVE_FRAME), "powertrain")
            state.update(updates)

    assert vss.SPEED not in values_of(updates)
    assert state.get(vss.SPEED).value == 12.0
    assert decoder.stats.rejected_values == 20
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "DriveStatus.VehSpeed" in warnings[0]
    assert "0x9222" in warnings[0]
    assert "374.1" in warnings[0]


def vss_update(path: str, value: object, timestamp: float):
    from vehicle.signals import SignalUpdate

    return SignalUpdate(path, value, timestamp)


PACK_FLOAT = """BO_ 1281 BMS_PackFloat: 8 BMS
 SG_ PackVoltage : 0|32@1- (1,0) [0|1000] "V" HU
 SG_ PackCurrent : 32|32@1- (1,0) [-500|500] "A" HU

SIG_VALTYPE_ 1281 PackVoltage : 1;
SIG_VALTYPE_ 1281 PackCurrent : 1;
"""
FLOAT_SIGNALS = {
    vss.BATTERY_VOLTAGE: ("BMS_PackFloat", "PackVoltage"),
    vss.BATTERY_CURRENT: ("BMS_PackFloat", "PackCurrent"),
}


def test_ieee_float_signals_decode(tmp_path: Path) -> None:
    decoder = decoder_for(tmp_path, PACK_FLOAT, FLOAT_SIGNALS)

    values = values_of(
        decoder.decode(candump_frame("(1717290903.100000) can0 501#0040C743000044C1"),
                       "powertrain")
    )

    assert values[vss.BATTERY_VOLTAGE] == 398.5
    assert values[vss.BATTERY_CURRENT] == -12.25


def test_nan_float_keeps_previous_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    decoder = decoder_for(tmp_path, PACK_FLOAT, FLOAT_SIGNALS)
    state = VehicleState()
    good = candump_frame("(1717290903.100000) can0 501#0040C743000044C1")
    nan = candump_frame("(1717290903.200000) can0 501#0000C07F0000C07F")

    with caplog.at_level(logging.WARNING):
        state.update(decoder.decode(good, "powertrain"))
        for _ in range(5):
            state.update(decoder.decode(nan, "powertrain"))

    assert state.get(vss.BATTERY_VOLTAGE).value == 398.5
    assert state.get(vss.BATTERY_VOLTAGE).timestamp == pytest.approx(1717290903.1)
    assert state.get(vss.BATTERY_CURRENT).value == -12.25
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) == 2
    assert "BMS_PackFloat.PackVoltage" in warnings
    assert "BMS_PackFloat.PackCurrent" in warnings
    assert "not a finite number" in warnings


def test_simulator_encodes_float_bytes(tmp_path: Path) -> None:
    decoder = decoder_for(tmp_path, PACK_FLOAT, FLOAT_SIGNALS)
    message = decoder.dbcs["powertrain"].database.get_message_by_name("BMS_PackFloat")
    mappings = list(decoder.profile.signals.values())

    frame = encode_frame(
        message, mappings, {vss.BATTERY_VOLTAGE: 398.5, vss.BATTERY_CURRENT: -12.25}, 0.0
    )

    assert bytes(frame.data) == bytes.fromhex("0040C743000044C1")


def test_ieee_double_signal_decodes(tmp_path: Path) -> None:
    body = """BO_ 1282 BMS_PackDouble: 8 BMS
 SG_ PackVoltage : 0|64@1- (1,0) [0|1000] "V" HU

SIG_VALTYPE_ 1282 PackVoltage : 2;
"""
    decoder = decoder_for(
        tmp_path, body, {vss.BATTERY_VOLTAGE: ("BMS_PackDouble", "PackVoltage")}
    )
    data = struct.pack("<d", 398.5).hex().upper()

    values = values_of(
        decoder.decode(candump_frame(f"(1.0) can0 502#{data}"), "powertrain")
    )

    assert values[vss.BATTERY_VOLTAGE] == 398.5


def test_value_table_maps_gear(tmp_path: Path) -> None:
    body = """BO_ 272 Gear: 1 VCU
 SG_ GearSelected : 0|3@1+ (1,0) [0|7] "" HU

VAL_ 272 GearSelected 0 "P" 1 "R" 2 "N" 3 "D" ;
"""
    write_dbc(tmp_path, body)
    profile = write_profile(
        tmp_path, {vss.SELECTED_GEAR: ("Gear", "GearSelected")},
    )
    profile.write_text(
        profile.read_text() + "values = { P = 126, R = -1, N = 0, D = 127 }\n"
    )
    decoder = CanDecoder(load_profile(profile))

    gears = [
        values_of(decoder.decode(candump_frame(f"(1.0) can0 110#0{code}"), "powertrain"))
        for code in range(5)
    ]

    assert [gear.get(vss.SELECTED_GEAR) for gear in gears] == [126, -1, 0, 127, None]
    assert decoder.stats.faults == 1


def test_extended_and_standard_ids_differ(tmp_path: Path) -> None:
    body = """BO_ 2147484000 Ext: 2 VCU
 SG_ Speed : 0|16@1+ (0.01,0) [0|300] "km/h" HU

BO_ 352 Std: 2 VCU
 SG_ Voltage : 0|16@1+ (0.01,0) [0|30] "V" HU
"""
    decoder = decoder_for(
        tmp_path, body,
        {vss.SPEED: ("Ext", "Speed"), vss.LOW_VOLTAGE_BATTERY_VOLTAGE: ("Std", "Voltage")},
    )

    extended = decoder.decode(candump_frame("(1.0) can0 00000160#B004"), "powertrain")
    standard = decoder.decode(candump_frame("(1.0) can0 160#B004"), "powertrain")

    assert values_of(extended) == {vss.SPEED: pytest.approx(12.0)}
    assert values_of(standard) == {vss.LOW_VOLTAGE_BATTERY_VOLTAGE: pytest.approx(12.0)}
    filters = decoder.can_filters("powertrain")
    assert {"can_id": 0x160, "can_mask": 0x1FFFFFFF, "extended": True} in filters
    assert {"can_id": 0x160, "can_mask": 0x7FF, "extended": False} in filters


def test_can_fd_message_decodes_last_bytes(tmp_path: Path) -> None:
    body = """BO_ 1440 BMS_Cells: 64 BMS
 SG_ Cell01 : 0|16@1+ (0.001,0) [0|5] "V" HU
 SG_ Cell32 : 496|16@1+ (0.001,0) [0|5] "V" HU
"""
    decoder = decoder_for(
        tmp_path, body,
        {vss.CELL_VOLTAGE_MAX: ("BMS_Cells", "Cell01"),
         vss.CELL_VOLTAGE_MIN: ("BMS_Cells", "Cell32")},
    )
    frame = candump_frame("(1.0) can0 5A0##1" + "800E" * 31 + "790E")

    values = values_of(decoder.decode(frame, "powertrain"))

    assert values == {vss.CELL_VOLTAGE_MAX: pytest.approx(3.712),
                      vss.CELL_VOLTAGE_MIN: pytest.approx(3.705)}


MULTIPLEXED = """BO_ 1200 Mux: 8 BMS
 SG_ Page M : 0|8@1+ (1,0) [0|255] "" HU
 SG_ CellMax m1 : 8|16@1+ (0.001,0) [0|5] "V" HU
 SG_ CellMin m2 : 8|16@1+ (0.001,0) [0|5] "V" HU
 SG_ Other m3 : 8|16@1+ (1,0) [0|65535] "" HU
 SG_ Temp : 56|8@1+ (1,-40) [-40|215] "degC" HU
"""


def test_multiplexed_signals_follow_page(tmp_path: Path) -> None:
    decoder = decoder_for(
        tmp_path, MULTIPLEXED,
        {vss.CELL_VOLTAGE_MAX: ("Mux", "CellMax"),
         vss.BATTERY_TEMPERATURE_MAX: ("Mux", "Temp")},
    )

    page1 = values_of(decoder.decode(candump_frame("(1.0) can0 4B0#01800E000000003C"),
                                     "powertrain"))
    page3 = values_of(decoder.decode(candump_frame("(1.0) can0 4B0#03FFFF000000003D"),
                                     "powertrain"))
    page9 = decoder.decode(candump_frame("(1.0) can0 4B0#09FFFF000000003D"), "powertrain")

    assert page1 == {vss.CELL_VOLTAGE_MAX: pytest.approx(3.712),
                     vss.BATTERY_TEMPERATURE_MAX: 20}
    assert page3 == {vss.BATTERY_TEMPERATURE_MAX: 21}
    assert page9 == []
    assert decoder.stats.faults == 1


def test_reduced_message_decodes_like_full(tmp_path: Path) -> None:
    decoder = decoder_for(
        tmp_path, MULTIPLEXED, {vss.CELL_VOLTAGE_MIN: ("Mux", "CellMin")}
    )
    route_message = decoder.message_for("powertrain", 0x4B0)
    reduced = decoder._routes["powertrain"][0x4B0].reduced

    assert [signal.name for signal in reduced.signals] == ["Page", "CellMin"]
    data = bytes.fromhex("02790E000000003C")
    assert reduced.decode(data)["CellMin"] == route_message.decode(data)["CellMin"]


# Generated layouts: every signal that fits its message decodes to the
# value cantools encoded, whatever its byte order, sign, scale or type.
@st.composite
def signal_layouts(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(["int", "float32", "float64"]))
    length = {"float32": 32, "float64": 64}.get(kind) or draw(st.integers(1, 32))
    big_endian = draw(st.booleans())
    last_start = 64 - length
    if big_endian:
        straight = draw(st.integers(0, last_start))
        start = 8 * (straight // 8) + 7 - straight % 8
    else:
        start = draw(st.integers(0, last_start))
    signed = kind != "int" or draw(st.booleans())
    scale = 1 if kind != "int" else draw(st.sampled_from([1, 0.5, 0.01, 0.1, 2]))
    offset = 0 if kind != "int" else draw(st.sampled_from([0, -40, 100]))
    if kind == "int":
        low = -(2 ** (length - 1)) if signed else 0
        high = 2 ** (length - 1) - 1 if signed else 2**length - 1
        raw = draw(st.integers(low, high))
        value = raw * scale + offset
    else:
        width = 32 if kind == "float32" else 64
        value = draw(st.floats(-1e6, 1e6, width=width, allow_nan=False))
    return {"kind": kind, "length": length, "start": start, "big_endian": big_endian,
            "signed": signed, "scale": scale, "offset": offset, "value": value}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=signal_layouts())
def test_generated_signal_layouts_decode(tmp_path: Path, layout: dict) -> None:
    order = 0 if layout["big_endian"] else 1
    sign = "-" if layout["signed"] else "+"
    body = (
        "BO_ 1024 Gen: 8 ECU\n"
        f" SG_ Value : {layout['start']}|{layout['length']}@{order}{sign} "
        f"({layout['scale']},{layout['offset']}) [0|0] \"V\" HU\n"
    )
    if layout["kind"] != "int":
        body += f"\nSIG_VALTYPE_ 1024 Value : {1 if layout['kind'] == 'float32' else 2};\n"
    decoder = decoder_for(tmp_path, body, {vss.BATTERY_VOLTAGE: ("Gen", "Value")})
    message = decoder.message_for("powertrain", 1024)
    data = message.encode({"Value": layout["value"]}, strict=False)
    frame = can.Message(arbitration_id=1024, is_extended_id=False, data=data)

    values = values_of(decoder.decode(frame, "powertrain"))

    assert values[vss.BATTERY_VOLTAGE] == pytest.approx(layout["value"], rel=1e-6, abs=1e-6)
    assert values[vss.BATTERY_VOLTAGE] == message.decode(data)["Value"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(0, 63), length=st.integers(1, 64), big_endian=st.booleans())
def test_generated_overlong_signals_fail_load(
    tmp_path: Path, start: int, length: int, big_endian: bool
) -> None:
    straight = 8 * (start // 8) + 7 - start % 8 if big_endian else start
    fits = straight + length <= 64
    order = 0 if big_endian else 1
    body = f'BO_ 1024 Gen: 8 ECU\n SG_ Value : {start}|{length}@{order}+ (1,0) [0|0] "" HU\n'
    dbc = write_dbc(tmp_path, body)

    if fits:
        assert load_dbc(dbc).database.messages[0].signals[0].name == "Value"
    else:
        with pytest.raises(DbcError, match="Value .* does not fit in the 8-byte message Gen"):
            load_dbc(dbc)


def test_cantools_decodes_nan_as_float() -> None:
    # The decoder, not cantools, drops NaN: cantools 45.1 returns it as a value.
    database = cantools.database.load_string(
        'VERSION ""\nNS_ :\nBS_:\nBU_:\n'
        'BO_ 1 M: 4 X\n SG_ F : 0|32@1- (1,0) [0|0] "" X\n'
        "SIG_VALTYPE_ 1 F : 1;\n"
    )

    assert math.isnan(database.decode_message(1, bytes.fromhex("0000C07F"))["F"])
