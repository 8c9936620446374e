"""What the OBD-II source polls, how often, and how replies become VSS values.

``POLL_TABLE`` is the one place that says which mode 01 PIDs are read and
at what interval: speed and power-related values often, temperatures and
levels rarely. ``PollPlan`` picks the PIDs that are due, and packs up to
six of them into one multi-PID request (SAE J1979 allows six per mode 01
request) when the adapter answers those.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import obd
from obd import OBDCommand
from obd.protocols import ECU
from obd.protocols.protocol import Message

from vehicle import vss

#: SAE J1979 allows up to six PIDs in one mode 01 request.
MAX_PIDS_PER_REQUEST = 6


@dataclass(frozen=True)
class PollItem:
    """One mode 01 PID: its python-OBD command, VSS path, unit and interval."""

    command: str
    path: str
    unit: str
    interval_s: float

    @property
    def pid(self) -> int:
        return obd.commands[self.command].pid


FAST_S = 0.0  # every round
MEDIUM_S = 1.0
SLOW_S = 10.0

POLL_TABLE: tuple[PollItem, ...] = (
    PollItem("SPEED", vss.SPEED, "kph", FAST_S),
    PollItem("RPM", vss.ENGINE_SPEED, "rpm", FAST_S),
    PollItem("ENGINE_LOAD", vss.OBD_ENGINE_LOAD, "percent", FAST_S),
    PollItem("THROTTLE_POS", vss.OBD_THROTTLE_POSITION, "percent", FAST_S),
    PollItem("MAF", vss.OBD_MAF, "gps", MEDIUM_S),
    PollItem("HYBRID_BATTERY_REMAINING", vss.SOC_CURRENT, "percent", MEDIUM_S),
    PollItem("CONTROL_MODULE_VOLTAGE", vss.LOW_VOLTAGE_BATTERY_VOLTAGE, "volt", SLOW_S),
    PollItem("COOLANT_TEMP", vss.COOLANT_TEMPERATURE, "degC", SLOW_S),
    PollItem("INTAKE_TEMP", vss.OBD_INTAKE_TEMPERATURE, "degC", SLOW_S),
    PollItem("AMBIANT_AIR_TEMP", vss.OUTSIDE_TEMPERATURE, "degC", SLOW_S),
    PollItem("FUEL_LEVEL", vss.FUEL_LEVEL, "percent", SLOW_S),
    PollItem("RUN_TIME", vss.OBD_RUN_TIME, "second", SLOW_S),
)


class PollPlan:
    """Schedule of the supported ``POLL_TABLE`` items; not thread-safe."""

    def __init__(
        self, supported_pids: set[int], table: tuple[PollItem, ...] = POLL_TABLE
    ) -> None:
        self.items = [item for item in table if item.pid in supported_pids]
        self._next_due = {item.command: 0.0 for item in self.items}

    def due(self, now: float | None = None) -> list[PollItem]:
        """Return the items due now, the most overdue first."""
        now = time.monotonic() if now is None else now
        due = [item for item in self.items if self._next_due[item.command] <= now]
        return sorted(
            due, key=lambda item: (item.interval_s, self._next_due[item.command])
        )

    def polled(self, item: PollItem, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._next_due[item.command] = now + item.interval_s


def batches(items: list[PollItem], multi_pid: bool) -> list[list[PollItem]]:
    """Split ``items`` into requests: up to six per request, or one each."""
    size = MAX_PIDS_PER_REQUEST if multi_pid else 1
    return [items[start : start + size] for start in range(0, len(items), size)]


def multi_pid_command(items: list[PollItem]) -> OBDCommand:
    """Return a mode 01 command asking for every PID of ``items`` at once.

    python-OBD has no multi-PID command, so this one carries the raw reply
    and ``split_multi_pid`` decodes it with each PID's own command.
    """
    pids = "".join(f"{item.pid:02X}" for item in items)
    return OBDCommand(
        "MULTI_01_" + pids,
        "Mode 01 multi-PID request",
        ("01" + pids).encode(),
        0,
        _raw_data,
        ECU.ENGINE,
        False,
    )


def _raw_data(messages: list[Message]) -> bytes:
    return bytes(messages[0].data)


def split_multi_pid(data: bytes) -> dict[int, obd.OBDResponse]:
    """Decode a multi-PID reply ``41 PID data PID data ...`` per PID.

    Each PID's length comes from python-OBD's command table; an unknown PID
    ends the walk, because the rest of the reply cannot be delimited.
    """
    responses: dict[int, obd.OBDResponse] = {}
    if not data or data[0] != 0x41:
        return responses
    position = 1
    while position < len(data):
        pid = data[position]
        if not obd.commands.has_pid(1, pid):
            break
        command = obd.commands[1][pid]
        length = command.bytes - 2
        chunk = data[position + 1 : position + 1 + length]
        if len(chunk) < length:
            break
        responses[pid] = decode_one(command, bytes([0x41, pid]) + chunk)
        position += 1 + length
    return responses


def decode_one(command: OBDCommand, data: bytes) -> obd.OBDResponse:
    """Decode ``data`` (service byte onwards) with python-OBD's ``command``."""
    message = Message([])
    message.data = bytearray(data)
    message.ecu = ECU.ENGINE
    return command([message])


def to_vss(item: PollItem, response: obd.OBDResponse) -> float | None:
    """Return the response's value in the VSS unit of ``item``, or None."""
    if response.is_null() or response.value is None:
        return None
    value = response.value
    if hasattr(value, "to"):
        return float(value.to(item.unit).magnitude)
    return float(value)


def decode_vin(messages: list[Message]) -> str | None:
    """Return the 17-character VIN of a mode 09 PID 02 reply, or None.

    The reply is ``49 02``, a message count byte (``01`` on CAN), then the
    VIN in ASCII; some ECUs pad it with NUL bytes in front. python-OBD 0.7
    pads the reply to a fixed length and takes its last 17 bytes, which
    drops the first characters of a CAN VIN.
    """
    for message in messages:
        data = bytes(message.data)
        if len(data) < 2 or data[:2] != b"\x49\x02":
            continue
        body = data[2:]
        if len(body) == 18:
            body = body[1:]  # the message count byte
        text = body.lstrip(b"\x00").decode("ascii", "replace")
        if len(text) == 17 and text.isalnum():
            return text.upper()
    return None


VIN_COMMAND = OBDCommand(
    "VIN",
    "Vehicle Identification Number",
    b"0902",
    0,
    decode_vin,
    ECU.ALL,
    False,
)


def mask_vin(vin: str) -> str:
    """Return ``vin`` with its serial part hidden, for log lines."""
    if len(vin) != 17:
        return "*" * len(vin)
    return vin[:5] + "*" * 8 + vin[-4:]
