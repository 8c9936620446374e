"""ELM327 reply shapes through python-OBD's own parser, with and without the filter.

The replies are those real adapters send. Each shape is tested through
python-OBD's protocol classes and commands; the tests named
``test_python_obd_...`` pin python-OBD's own behaviour on the raw shape,
so they fail (and the filter may shrink) when python-OBD changes.
"""

from __future__ import annotations

import ast
import re

import obd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from obd.protocols import (
    ISO_14230_4_5baud,
    ISO_15765_4_11bit_500k,
    ISO_15765_4_29bit_500k,
)
from obd.protocols.protocol import ECU

from conftest import SHARED_DATA
from vehicle.elm import ReplyFilter, ReplyStatus
from vehicle.elm_adapter import filtered_protocol
from vehicle.obd_plan import VIN_COMMAND, mask_vin, split_multi_pid

ENGINE_0100 = "7E8 06 41 00 BE 3F A8 13"
EXCERPTS = SHARED_DATA / "obd" / "elm327-debug-excerpts-from-issue-threads.txt"


def split(raw: str) -> list[str]:
    """Split raw adapter text the way python-OBD's reader does."""
    return [
        line.strip() for line in re.split("[\r\n]", raw.rstrip(">")) if line.strip()
    ]


class Parser:
    """A python-OBD protocol parser with the reply filter, as the adapter uses it."""

    def __init__(self, protocol=ISO_15765_4_11bit_500k, connect_reply=ENGINE_0100):
        self.filter = ReplyFilter()
        self.filter.request = b"0100"
        self.protocol = filtered_protocol(protocol, self.filter)(split(connect_reply))

    def value(self, command: obd.OBDCommand, raw: str):
        self.filter.request = command.command
        return command(self.protocol(split(raw))).value


def raw_python_obd(
    command, raw, protocol=ISO_15765_4_11bit_500k, connect_reply=ENGINE_0100
):
    parser = protocol(split(connect_reply))
    return command(parser(split(raw))).value


# ------------------------------------------------- SEARCHING... prefix


@pytest.mark.parametrize(
    "raw",
    [
        "SEARCHING...\r41 0C 0F A0 \r\r>",
        "SEARCHING...\r7E8 04 41 0C 0F A0 \r\r>",
    ],
)
def test_searching_prefix_gives_rpm(raw):
    parser = Parser()
    assert parser.value(obd.commands.RPM, raw).magnitude == 1000.0
    assert parser.filter.last.has_data
    assert ReplyStatus.NO_DATA not in parser.filter.last.statuses


@pytest.mark.parametrize(
    "raw",
    [
        "SEARCHING...\rUNABLE TO CONNECT\r\r>",
        "BUS INIT: ...ERROR\r\r>",
    ],
)
def test_car_not_answering_gives_no_value(raw):
    parser = Parser()
    assert parser.value(obd.commands.PIDS_A, raw) is None
    assert ReplyStatus.CAR_NOT_ANSWERING in parser.filter.last.statuses
    assert not parser.filter.last.has_data


def test_python_obd_drops_headers_off_reply():
    assert raw_python_obd(obd.commands.RPM, "SEARCHING...\r41 0C 0F A0 \r\r>") is None


# --------------------------------------------- single frame sent twice


@pytest.mark.parametrize(
    "raw",
    [
        "7E8 03 41 0D 58 \r7E8 03 41 0D 58 \r\r>",
        "41 0D 58 \r41 0D 58 \r\r>",
    ],
)
def test_duplicate_single_frame_gives_speed(raw):
    parser = Parser()
    assert parser.value(obd.commands.SPEED, raw).magnitude == 88.0
    assert parser.filter.last.duplicates == 1
    assert parser.filter.last.conflicts == 0


def test_differing_single_frames_keep_the_later(caplog):
    parser = Parser()
    caplog.set_level("DEBUG", logger="vehicle.elm")
    value = parser.value(obd.commands.SPEED, "7E8 03 41 0D 50 \r7E8 03 41 0D 58 \r\r>")
    assert value.magnitude == 88.0
    assert parser.filter.last.conflicts == 1
    assert sum("different single frames" in r.message for r in caplog.records) == 1


@pytest.mark.parametrize(
    "raw",
    [
        "7E8 03 41 0D 58 \r7E8 03 41 0D 58 \r\r>",
        "41 0D 58 \r41 0D 58 \r\r>",
    ],
)
def test_python_obd_loses_duplicate_single_frame(raw):
    assert raw_python_obd(obd.commands.SPEED, raw) is None


single_frame_payloads = st.tuples(
    st.sampled_from([(0x0D, 1), (0x05, 1), (0x0C, 2), (0x2F, 1), (0x42, 2)]),
    st.binary(min_size=2, max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(
    pid_and_data=single_frame_payloads,
    copies=st.integers(min_value=1, max_value=3),
    headers=st.booleans(),
    lower=st.booleans(),
    searching=st.booleans(),
    other_ecu=st.booleans(),
)
def test_single_frame_shapes_decode_alike(
    pid_and_data, copies, headers, lower, searching, other_ecu
):
    """Every shape of one ECU's single-frame answer decodes to the same value."""
    (pid, size), data = pid_and_data
    payload = bytes([0x41, pid]) + data[:size]
    command = obd.commands[1][pid]
    clean = f"7E8 {len(payload):02X} {payload.hex(' ').upper()} \r\r>"
    expected = Parser().value(command, clean)

    line = payload.hex(" ").upper()
    if headers:
        line = f"7E8 {len(payload):02X} {line}"
    lines = [line] * copies
    if other_ecu and headers:
        lines.append(f"7E9 {len(payload):02X} {payload.hex(' ').upper()}")
    raw = ("SEARCHING...\r" if searching else "") + " \r".join(lines) + " \r\r>"
    if lower:
        raw = raw.lower()
    assert Parser().value(command, raw) == expected


# ------------------------------------------------- negative responses


def test_negative_response_is_not_supported_pids():
    parser = Parser(connect_reply="SEARCHING...\r7EA 03 7F 01 7F \r\r>")
    assert parser.filter.last.negatives[0].code == 0x7F
    assert parser.filter.last.negatives[0].ecu == "7EA"
    assert parser.value(obd.commands.PIDS_A, "7EA 03 7F 01 7F \r\r>") is None
    # No ECU was taken for the engine, so no number is built from 7F.
    assert parser.value(obd.commands.SPEED, "7EA 03 7F 01 7F \r\r>") is None


def test_negative_response_kline_with_header():
    parser = Parser(
        ISO_14230_4_5baud, connect_reply="SEARCHING...\r83 F1 11 7F 01 11 16 \r\r>"
    )
    negative = parser.filter.last.negatives[0]
    assert (negative.service, negative.code) == (0x01, 0x11)
    assert negative.reason == "service not supported"
    assert parser.value(obd.commands.PIDS_A, "83 F1 11 7F 01 11 16 \r\r>") is None


def test_negative_response_describes_reason():
    parser = Parser(connect_reply="7EA 03 7F 01 7F \r\r>")
    text = parser.filter.last.negatives[0].describe()
    assert "negative response 0x7F" in text
    assert "service not supported in active session" in text


def test_python_obd_decodes_negative_response_as_pids():
    value = raw_python_obd(
        obd.commands.PIDS_A, "7EA 03 7F 01 7F", connect_reply="7EA 03 7F 01 7F"
    )
    assert value is not None and any(value)
    parser = ISO_15765_4_11bit_500k(split("7EA 03 7F 01 7F"))
    assert ECU.ENGINE in parser.ecu_map.values()


@settings(max_examples=100, deadline=None)
@given(
    service=st.sampled_from([0x01, 0x02, 0x09]),
    code=st.integers(0, 255),
    header=st.sampled_from(["7E8", "7E9", "7EA"]),
)
def test_negative_responses_never_decode(service, code, header):
    parser = Parser()
    command = {
        0x01: obd.commands.SPEED,
        0x02: obd.commands.DTC_SPEED,
        0x09: VIN_COMMAND,
    }[service]
    raw = f"{header} 03 7F {service:02X} {code:02X} \r\r>"
    assert parser.value(command, raw) is None
    assert parser.filter.last.negatives[0].code == code


# --------------------------------------------- STOPPED and ERRxx


@pytest.mark.parametrize(
    "raw, status",
    [
        ("STOPPED\r\r>", ReplyStatus.STOPPED),
        ("ERR93\r\r>", ReplyStatus.ADAPTER_ERROR),
        ("ERR94\r\r>", ReplyStatus.ADAPTER_ERROR),
        ("NO DATA\r\r>", ReplyStatus.NO_DATA),
        ("CAN ERROR\r\r>", ReplyStatus.CAN_ERROR),
        ("BUFFER FULL\r\r>", ReplyStatus.BUFFER_FULL),
        ("?\r\r>", ReplyStatus.UNKNOWN_COMMAND),
        ("0100CAN ERROR\r\r>", ReplyStatus.CAN_ERROR),
        ("41 0D 58 <DATA ERROR\r\r>", ReplyStatus.DATA_ERROR),
    ],
)
def test_status_reply_gives_no_value(raw, status):
    parser = Parser()
    assert parser.value(obd.commands.SPEED, raw) is None
    assert status in parser.filter.last.statuses


@settings(max_examples=200, deadline=None)
@given(
    status=st.sampled_from(
        [
            "STOPPED",
            "NO DATA",
            "CAN ERROR",
            "BUFFER FULL",
            "?",
            "BUS ERROR",
            "BUS BUSY",
            "FB ERROR",
            "LV RESET",
            "UNABLE TO CONNECT",
            "BUS INIT: ...ERROR",
            "ACT ALERT",
        ]
    ),
    code=st.integers(0, 99),
    echo=st.booleans(),
    lower=st.booleans(),
)
def test_status_lines_never_decode(status, code, echo, lower):
    """Every adapter status line, with or without the echoed request, is no value."""
    parser = Parser()
    for line in (status, f"ERR{code:02d}"):
        text = ("010D" if echo else "") + line
        raw = (text.lower() if lower else text) + "\r\r>"
        assert parser.value(obd.commands.SPEED, raw) is None
        assert not parser.filter.last.has_data
        assert ReplyStatus.UNREADABLE not in parser.filter.last.statuses
    assert parser.filter.last.adapter_errors == [code]


def test_stopped_and_err_sequence_values():
    parser = Parser()
    sequence = [
        (obd.commands.RPM, "41 0C 1A F8 \r\r>", 1726.0),
        (obd.commands.SPEED, "STOPPED\r\r>", None),
        (obd.commands.SPEED, "41 0D 58 \r\r>", 88.0),
        (obd.commands.COOLANT_TEMP, "ERR93\r\r>", None),
        (obd.commands.COOLANT_TEMP, "41 05 5A \r\r>", 50.0),
    ]
    for command, raw, expected in sequence:
        value = parser.value(command, raw)
        assert (value.magnitude if value is not None else None) == expected, raw
    assert parser.filter.last.adapter_errors == []


def test_adapter_error_code_recorded():
    parser = Parser()
    parser.value(obd.commands.COOLANT_TEMP, "ERR94\r\r>")
    assert parser.filter.last.adapter_errors == [94]


# ------------------------------------------------------ VIN, ISO-TP

VIN_HEADERS_ON = (
    "7E8 10 14 49 02 01 4C 54 45 \r7E8 21 53 54 30 30 30 30 30 \r"
    "7E8 22 30 30 30 30 30 34 32 \r\r>"
)
VIN_HEADERS_OFF = (
    "014 \r0: 49 02 01 4C 54 45 \r1: 53 54 30 30 30 30 30 \r"
    "2: 30 30 30 30 30 34 32 \r\r>"
)


@pytest.mark.parametrize("raw", [VIN_HEADERS_ON, VIN_HEADERS_OFF])
def test_vin_multiframe_gives_17_characters(raw):
    assert Parser().value(VIN_COMMAND, raw) == "LTEST000000000042"


def test_vin_masked_for_logs():
    assert mask_vin("LTEST000000000042") == "LTEST********0042"


def test_python_obd_vin_drops_characters():
    assert raw_python_obd(obd.commands.VIN, VIN_HEADERS_ON) != b"LTEST000000000042"
    assert raw_python_obd(obd.commands.VIN, VIN_HEADERS_OFF) is None


@settings(max_examples=100, deadline=None)
@given(payload=st.binary(min_size=8, max_size=60), headers=st.booleans())
def test_isotp_reassembly_any_length(payload, headers):
    """A multi-frame answer of any length reassembles, headers on or off."""
    data = b"\x49\x04" + payload  # mode 09 calibration ID: free-form bytes
    length = len(data)
    chunks = [data[:6]] + [data[i : i + 7] for i in range(6, length, 7)]
    if headers:
        lines = [f"7E8 1{length >> 8:X} {length & 0xFF:02X} {chunks[0].hex(' ')}"]
        lines += [
            f"7E8 2{(n + 1) & 0xF:X} {c.hex(' ')}" for n, c in enumerate(chunks[1:])
        ]
    else:
        lines = [f"{length:03X}"] + [
            f"{n:X}: {c.hex(' ')}"
            for n, c in enumerate([data[i : i + 7] for i in range(0, length, 7)][:16])
        ]
        if length > 16 * 7:
            return  # numbered lines count 0-F; longer answers wrap the index
    command = obd.OBDCommand(
        "RAW", "raw", b"0904", 0, lambda m: bytes(m[0].data), ECU.ALL, False
    )
    assert Parser().value(command, " \r".join(lines).upper() + " \r\r>") == data


# ------------------------------------------------------ multi-PID


def test_multi_pid_reply_splits_per_pid():
    values = split_multi_pid(bytes.fromhex("410C0FA00D58055A"))
    assert values[0x0C].value.magnitude == 1000.0
    assert values[0x0D].value.magnitude == 88.0
    assert values[0x05].value.magnitude == 50.0


def test_multi_pid_reply_stops_at_unknown_pid():
    values = split_multi_pid(bytes.fromhex("410D58FF0102"))
    assert set(values) == {0x0D}


# --------------------------------------- transcripts from real adapters


def _excerpt_reads(block: int) -> list[tuple[bytes, str]]:
    if not EXCERPTS.is_file():
        pytest.skip(
            f"{EXCERPTS} not found: set HEADUNIT_SHARED_DATA to the shared data folder"
        )
    text = EXCERPTS.read_text()
    body = text.split(f"### BLOCK {block}\n", 1)[1].split("### BLOCK", 1)[0]
    pairs, request = [], b""
    for line in body.splitlines():
        match = re.match(r"\[obd\.elm327\] (write|read): (b'.*')$", line)
        if not match:
            continue
        value = ast.literal_eval(match.group(2))
        if match.group(1) == "write":
            request = value.strip()
        else:
            pairs.append((request, value.decode("latin-1")))
    return pairs


def _reply_to(block: int, request: bytes) -> str:
    return next(raw for sent, raw in _excerpt_reads(block) if sent == request)


def test_two_ecus_answer_engine_is_7e8():
    raw = _reply_to(1, b"0100")
    parser = Parser(connect_reply=raw)
    supported = parser.value(obd.commands.PIDS_A, raw)
    # 7E8's bitmask BE 3F A8 13: PID 0x01 supported, 0x02 not.
    assert supported[0] and not supported[1]
    assert parser.protocol.ecu_map[0] == ECU.ENGINE


def test_29bit_ecus_with_unrequested_frames():
    raw = _reply_to(2, b"0100")
    parser = Parser(ISO_15765_4_29bit_500k, connect_reply=raw)
    assert parser.filter.last.unrequested == 2
    supported = parser.value(obd.commands.PIDS_A, raw)
    # ECU 0x11 has most PIDs (BF DF A8 93), so python-OBD takes it as the engine.
    assert supported is not None and sum(supported) == 21
    assert parser.filter.last.data_lines == 4


def test_vin_from_adapter_transcript():
    raw = _reply_to(3, b"0902")
    assert Parser().value(VIN_COMMAND, raw) == "WP0ZZZ99ZTS000000"


def test_kline_negative_from_transcript():
    body = EXCERPTS.read_text() if EXCERPTS.is_file() else pytest.skip("no excerpts")
    raw = ast.literal_eval(
        re.search(r"read: (b'83 F1 10 7F[^']*')", body).group(1)
    ).decode()
    parser = Parser(ISO_14230_4_5baud, connect_reply=raw)
    assert [(n.service, n.code) for n in parser.filter.last.negatives] == [(0x01, 0x11)]
    assert parser.value(obd.commands.PIDS_A, raw) is None


def test_can_error_from_transcript():
    raw = _reply_to(6, b"01881")
    parser = Parser()
    assert parser.value(obd.commands.RUN_TIME, raw) is None
    assert parser.filter.last.statuses == [ReplyStatus.CAN_ERROR]
