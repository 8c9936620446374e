"""Recorded logs as testers bring them: candump dialects and Vector ASC."""

from __future__ import annotations

import datetime
import logging
import time
from pathlib import Path

import can
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.canfiles import SPEED_DBC, decoder_for
from vehicle import vss
from vehicle.ascformat import AscReader
from vehicle.cansource import replay_log
from vehicle.logformats import FD_LENGTHS, parse_candump_line, parse_candump_screen_line

SPEED = {vss.SPEED: ("Speed", "VehSpeed")}
UTC = datetime.timezone.utc


def replay_speeds(tmp_path: Path, log: Path, **options) -> tuple[list, object, object]:
    decoder = decoder_for(tmp_path, SPEED_DBC, SPEED)
    updates: list = []
    result = replay_log(log, decoder, updates.extend, **options)
    return [round(update.value, 2) for update in updates], result, decoder


CANDUMP_SCREEN = """\
  can0  3C3   [8]  00 00 22 92 00 00 00 00
  can0  20000004   [8]  00 04 00 00 00 00 00 00   ERRORFRAME
  can0  3C3   [8]  00 00 22 9C 00 00 00 00
"""
CANDUMP_LOG = """\
(1717290903.100000) can0 3C3#0000229200000000
(1717290903.110000) can0 20000004#0004000000000000
(1717290903.120000) can0 3C3#0000229C00000000
"""


@pytest.mark.parametrize("text", [CANDUMP_SCREEN, CANDUMP_LOG], ids=["screen", "log"])
def test_error_frame_counted_not_decoded(tmp_path: Path, text: str) -> None:
    log = tmp_path / "errors.log"
    log.write_text(text)

    speeds, result, decoder = replay_speeds(tmp_path, log)

    assert speeds == [88.50, 88.60]
    assert result.frames == 3
    assert result.skipped_lines == 0
    assert decoder.stats.error_frames == 1
    assert decoder.stats.bus_errors["controller warning: RX errors"] == 1
    assert decoder.stats.bus_errors["controller problem"] == 1
    assert decoder.stats.unmapped == 0


def test_error_frame_detail_lines_skipped(tmp_path: Path) -> None:
    log = tmp_path / "details.log"
    lines = CANDUMP_SCREEN.splitlines()
    lines.insert(2, "\tcontroller-problem{rx-error-warning}")
    log.write_text("\n".join(lines) + "\n")

    speeds, result, _ = replay_speeds(tmp_path, log)

    assert speeds == [88.50, 88.60]
    assert result.skipped_lines == 0


def test_errorframe_word_never_reaches_hex(tmp_path: Path) -> None:
    frame = parse_candump_screen_line(CANDUMP_SCREEN.splitlines()[1].strip())

    assert frame is not None
    assert frame.is_error_frame
    assert bytes(frame.data) == bytes.fromhex("0004000000000000")
    assert frame.arbitration_id == 0x004


def test_unreadable_line_logged_with_number(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = tmp_path / "damaged.log"
    lines = CANDUMP_SCREEN.splitlines()
    log.write_text("\n".join([lines[0], "  can0  3C3   [8]  00 00 2", "garbage", lines[2]]))

    with caplog.at_level(logging.WARNING):
        speeds, result, _ = replay_speeds(tmp_path, log)

    assert speeds == [88.50, 88.60]
    assert result.skipped_lines == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "line 2" in warnings[0]


def test_python_can_candump_reader_misreads_error_frame(tmp_path: Path) -> None:
    # python-can 4.6.1 takes an error-flagged ID without the bus-error class
    # bit for a data frame; vehicle.logformats registers its own reader.
    log = tmp_path / "errors.log"
    log.write_text(CANDUMP_LOG)

    frames = list(can.io.CanutilsLogReader(log))

    assert not frames[1].is_error_frame
    assert isinstance(can.LogReader(log), __import__("vehicle.logformats").logformats.CandumpReader)


CANDUMP_DIALECTS = """\
(1717290903.100000) can0 3C3#0000229200000000 R
(1717290903.105000) can0 1A0#R
(1717290903.106000) can0 1A0#R8
(1717290903.110000) can0 3C3#0000229C00000000 T
(1717290903.120000) can0 5A0##1800E800E800E800E800E800E800E800E
"""
CELLS_DBC = SPEED_DBC + """
BO_ 1440 BMS_Cells: 16 BMS
 SG_ Cell01 : 0|16@1+ (0.001,0) [0|5] "V" HU
 SG_ Cell08 : 112|16@1+ (0.001,0) [0|5] "V" HU
"""


def test_candump_dialects_read(tmp_path: Path) -> None:
    frames = [parse_candump_line(line) for line in CANDUMP_DIALECTS.splitlines()]

    assert [frame.is_remote_frame for frame in frames] == [False, True, True, False, False]
    assert [frame.is_rx for frame in frames] == [True, True, True, False, True]
    assert [frame.dlc for frame in frames[1:3]] == [0, 8]
    assert frames[0].data == bytes.fromhex("0000229200000000")
    assert frames[4].is_fd
    assert frames[4].bitrate_switch
    assert len(frames[4].data) == 16
    gaps = [round(b.timestamp - a.timestamp, 6) for a, b in zip(frames, frames[1:])]
    assert gaps == [0.005, 0.001, 0.004, 0.01]


def test_candump_dialects_decode(tmp_path: Path) -> None:
    decoder = decoder_for(
        tmp_path, CELLS_DBC,
        {**SPEED, vss.CELL_VOLTAGE_MAX: ("BMS_Cells", "Cell01"),
         vss.CELL_VOLTAGE_MIN: ("BMS_Cells", "Cell08")},
    )
    log = tmp_path / "dialects.log"
    log.write_text(CANDUMP_DIALECTS)
    batches: list = []
    arrivals: list[float] = []

    def sink(updates: list) -> None:
        batches.append({update.path: round(update.value, 3) for update in updates})
        arrivals.append(time.monotonic())

    result = replay_log(log, decoder, sink, speed=1.0)

    assert batches == [
        {vss.SPEED: 88.5},
        {vss.SPEED: 88.6},
        {vss.CELL_VOLTAGE_MAX: 3.712, vss.CELL_VOLTAGE_MIN: 3.712},
    ]
    assert decoder.stats.remote_frames == 0  # 0x1A0 is not mapped
    assert result.frames == 5
    # Real-time replay keeps the recorded 20 ms from the first speed frame
    # to the FD frame, less the time the first frame took to decode.
    assert arrivals[2] - arrivals[0] >= 0.015


F09_ASC = """\
date Mon Jun 02 09:15:01.000 am 2025
base hex  timestamps absolute
internal events logged
// version 13.0.0
Begin Triggerblock Mon Jun 02 09:15:01.000 am 2025
   0.000000 CANFD   Start of measurement
   0.010000 CANFD   1 Rx        3C3                                   1 0 8 8 00 00 22 92 00 00 00 00   0  0   323040 0 0 0 0 0
   0.020000 CANFD   1 Rx        3C3                                   1 0 8 8 00 00 22 9C 00 00 00 00   0  0   323040 0 0 0 0 0
End TriggerBlock
"""  # noqa: E501
ASC_HEADER = """\
date Mon Jun 02 09:15:01.000 am 2025
base hex  timestamps absolute
internal events logged
Begin Triggerblock Mon Jun 02 09:15:01.000 am 2025
"""
F10_ASC = ASC_HEADER + """\
   2.501000 1  2A1             Rx   d d 11 22 33 44 55 66 77 88  Length = 231910 BitCount = 119 ID = 673
   2.511000 1  3C3             Rx   d 8 00 00 22 92 00 00 00 00  Length = 231910 BitCount = 119 ID = 963
End TriggerBlock
"""  # noqa: E501
F11_ASC = ASC_HEADER + (
    "   5.250000 CANFD   2 Rx        5a0  BMS_Cells                        1 0 f 64 "
    + "80 0e " * 32
    + "  0  0   323040 0 0 0 0 0\nEnd TriggerBlock\n"
)


def test_asc_fd_start_marker_skipped(tmp_path: Path) -> None:
    log = tmp_path / "fd.asc"
    log.write_text(F09_ASC)

    reader = AscReader(log, timezone=UTC)
    frames = list(reader)
    speeds, result, _ = replay_speeds(tmp_path, log)

    assert [frame.arbitration_id for frame in frames] == [0x3C3, 0x3C3]
    assert all(frame.is_fd and frame.bitrate_switch for frame in frames)
    assert [len(frame.data) for frame in frames] == [8, 8]
    assert frames[1].timestamp - frames[0].timestamp == pytest.approx(0.01)
    assert reader.start_datetime == datetime.datetime(2025, 6, 2, 9, 15, 1)
    assert frames[0].timestamp == pytest.approx(
        datetime.datetime(2025, 6, 2, 9, 15, 1, 10000, tzinfo=UTC).timestamp()
    )
    assert speeds == [88.50, 88.60]
    assert result.skipped_lines == 0


def test_asc_replay_time_zone_setting(tmp_path: Path) -> None:
    log = tmp_path / "fd.asc"
    log.write_text(F09_ASC)
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    decoder = decoder_for(tmp_path, SPEED_DBC, SPEED)
    updates: list = []

    replay_log(log, decoder, updates.extend, reader_options={"timezone": tokyo})

    expected = datetime.datetime(2025, 6, 2, 0, 15, 1, 10000, tzinfo=UTC).timestamp()
    assert updates[0].timestamp == pytest.approx(expected)


def test_python_can_asc_reader_fails_on_fd_marker(tmp_path: Path) -> None:
    # python-can 4.6.1 reads the word "Start" as a channel number and
    # raises; when this starts to pass, vehicle.ascformat may be dropped.
    log = tmp_path / "fd.asc"
    log.write_text(F09_ASC)

    with pytest.raises(ValueError, match="Start"):
        list(can.ASCReader(log))


def test_asc_classic_dlc_above_8(tmp_path: Path) -> None:
    log = tmp_path / "classic.asc"
    log.write_text(F10_ASC)

    frames = list(can.LogReader(log))
    speeds, result, _ = replay_speeds(tmp_path, log)

    assert frames[0].arbitration_id == 0x2A1
    assert bytes(frames[0].data) == bytes.fromhex("1122334455667788")
    assert frames[0].dlc == 8
    assert not frames[0].is_fd
    assert speeds == [88.50]
    assert result.frames == 2


def test_python_can_asc_reader_dlc_above_8(tmp_path: Path) -> None:
    # python-can 4.6.1 gives a classic frame with DLC code 13 the CAN FD
    # length 32; vehicle.ascformat caps it at 8 bytes.
    log = tmp_path / "classic.asc"
    log.write_text(F10_ASC)

    frames = list(can.ASCReader(log))

    assert frames[0].dlc == 32
    assert len(frames[0].data) == 8


def test_asc_fd_64_bytes(tmp_path: Path) -> None:
    log = tmp_path / "cells.asc"
    log.write_text(F11_ASC)
    decoder = decoder_for(
        tmp_path,
        """BO_ 1440 BMS_Cells: 64 BMS
 SG_ Cell01 : 0|16@1+ (0.001,0) [0|5] "V" HU
 SG_ Cell32 : 496|16@1+ (0.001,0) [0|5] "V" HU
""",
        {vss.CELL_VOLTAGE_MAX: ("BMS_Cells", "Cell01"),
         vss.CELL_VOLTAGE_MIN: ("BMS_Cells", "Cell32")},
    )
    frames = list(can.LogReader(log))
    updates: list = []

    replay_log(log, decoder, updates.extend)
    written = tmp_path / "written.asc"
    with can.ASCWriter(written) as writer:
        writer.on_message_received(frames[0])

    assert len(frames) == 1
    assert frames[0].is_fd and frames[0].bitrate_switch
    assert len(frames[0].data) == 64
    assert frames[0].channel == 1
    assert {u.path: round(u.value, 3) for u in updates} == {
        vss.CELL_VOLTAGE_MAX: 3.712, vss.CELL_VOLTAGE_MIN: 3.712
    }
    assert " f 64 " in written.read_text()


@pytest.mark.parametrize(
    ("code", "length"),
    [(9, 12), (0xA, 16), (0xB, 20), (0xC, 24), (0xD, 32), (0xE, 48), (0xF, 64)],
)
def test_asc_fd_dlc_codes(tmp_path: Path, code: int, length: int) -> None:
    log = tmp_path / "code.asc"
    data = " ".join(f"{i:02x}" for i in range(length))
    log.write_text(
        ASC_HEADER
        + f"   1.000000 CANFD   1 Rx        5a0  1 0 {code:x} {length} {data}"
        + "   0  0   323040 0 0 0 0 0\n"
    )

    frames = list(can.LogReader(log))

    assert len(frames) == 1
    assert bytes(frames[0].data) == bytes(range(length))


def test_asc_code_length_mismatch_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = tmp_path / "mismatch.asc"
    log.write_text(ASC_HEADER + "   1.000000 CANFD   1 Rx  5a0  1 0 f 15 " + "00 " * 15 + "\n")

    with caplog.at_level(logging.WARNING):
        reader = AscReader(log)
        frames = list(reader)

    assert frames == []
    assert reader.skipped_lines == 1
    assert "line 5" in caplog.records[0].getMessage()


# Generated frames: whatever python-can's writers put in a log, our readers
# give back frame for frame.
frames_strategy = st.builds(
    lambda can_id, extended, fd, length, brs, payload, t, remote: (
        can_id & (0x1FFFFFFF if extended else 0x7FF), extended, fd,
        sorted(FD_LENGTHS)[length % len(FD_LENGTHS)] if fd else length % 9,
        brs, payload, t, remote and not fd,
    ),
    st.integers(0, 0x1FFFFFFF), st.booleans(), st.booleans(), st.integers(0, 100),
    st.booleans(), st.binary(min_size=64, max_size=64),
    st.floats(0, 4e6, allow_nan=False).map(lambda t: round(t, 6)), st.booleans(),
)


def make_frame(spec: tuple) -> can.Message:
    can_id, extended, fd, length, brs, payload, timestamp, remote = spec
    return can.Message(
        timestamp=timestamp, arbitration_id=can_id, is_extended_id=extended,
        is_fd=fd, bitrate_switch=fd and brs, is_remote_frame=remote,
        data=None if remote else payload[:length], dlc=length if remote else None,
        channel=0,
    )


def same_frame(read: can.Message, written: can.Message) -> None:
    assert read.arbitration_id == written.arbitration_id
    assert read.is_extended_id == written.is_extended_id
    assert read.is_remote_frame == written.is_remote_frame
    assert bytes(read.data) == bytes(written.data)
    assert read.is_fd == written.is_fd
    if written.is_fd:
        assert read.bitrate_switch == written.bitrate_switch


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(frames_strategy, min_size=1, max_size=20))
def test_generated_frames_round_trip(tmp_path: Path, specs: list) -> None:
    frames = [make_frame(spec) for spec in specs]
    for suffix in (".asc", ".log"):
        path = tmp_path / f"round{suffix}"
        with can.Logger(path) as writer:
            for frame in frames:
                writer.on_message_received(frame)

        read = list(can.LogReader(path))

        assert len(read) == len(frames), suffix
        for got, written in zip(read, frames):
            same_frame(got, written)


def test_replay_command_log_timezone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from headunit import cli
    from tests.canfiles import write_dbc, write_profile

    log = tmp_path / "fd.asc"
    log.write_text(F09_ASC)
    write_dbc(tmp_path, SPEED_DBC)
    profile = write_profile(tmp_path, SPEED)

    status = cli.main(["replay", str(log), "--profile", str(profile),
                       "--db", str(tmp_path / "replay.db"), "--log-timezone", "+08:00"])
    output = capsys.readouterr().out

    assert status == 0
    assert "frames read: 2" in output
    assert "error frames skipped: 0" in output
    assert "Vehicle.Speed=88.6 km/h" in output


def test_headunit_replay_uses_log_timezone(tmp_path: Path, db_path: Path) -> None:
    from headunit.app import HeadUnit, InputConfig
    from tests.canfiles import write_dbc, write_profile

    log = tmp_path / "fd.asc"
    log.write_text(F09_ASC)
    write_dbc(tmp_path, SPEED_DBC)
    headunit = HeadUnit(
        write_profile(tmp_path, SPEED), db_path,
        inputs=InputConfig(kind="replay", replay_path=log, replay_speed=None,
                           replay_timezone=UTC),
    )
    headunit.start()
    assert headunit.input_done.wait(10)
    reading = headunit.state.get(vss.SPEED)
    headunit.stop()

    expected = datetime.datetime(2025, 6, 2, 9, 15, 1, 20000, tzinfo=UTC).timestamp()
    assert reading.timestamp == pytest.approx(expected)


candump_like = st.text(alphabet="0123456789abcdefABCDEFRr#(). \tcan", max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    stamp=st.sampled_from(["(1.5)", "(1717290903.100000)", "(.5)", "(1.)", "(1)", "(1..2)"]),
    channel=st.sampled_from(["can0", "vcan1", "0"]),
    rest=candump_like,
)
def test_fast_candump_path_agrees_with_regex(stamp: str, channel: str, rest: str) -> None:
    from vehicle import logformats

    line = f"{stamp} {channel} {rest}".strip()
    fast = logformats._parse_plain_data_line(line)
    if fast is None:
        return
    match = logformats._LINE.match(line)

    assert match is not None, line
    assert fast.arbitration_id == int(match.group("id"), 16)
    assert bytes(fast.data) == bytes.fromhex(match.group("payload"))
    assert fast.timestamp == float(match.group("timestamp"))
    assert fast.is_extended_id == (len(match.group("id")) > 3)


def test_replay_command_prints_bus_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from headunit import cli
    from tests.canfiles import write_dbc, write_profile

    log = tmp_path / "errors.log"
    log.write_text(CANDUMP_SCREEN)
    write_dbc(tmp_path, SPEED_DBC)
    profile = write_profile(tmp_path, SPEED)

    status = cli.main(["replay", str(log), "--profile", str(profile),
                       "--db", str(tmp_path / "replay.db")])
    output = capsys.readouterr().out

    assert status == 0
    assert "error frames skipped: 1" in output
    assert "  controller warning: RX errors: 1" in output


def test_asc_classic_symbolic_name_read(tmp_path: Path) -> None:
    log = tmp_path / "named.asc"
    log.write_text(ASC_HEADER + "   1.000000 1  3C3  Speed  Rx   d 8 00 00 22 92 00 00 00 00\n")

    reader = AscReader(log)
    frames = list(reader)

    assert [frame.arbitration_id for frame in frames] == [0x3C3]
    assert bytes(frames[0].data) == bytes.fromhex("0000229200000000")
    assert reader.ignored_events == 0
