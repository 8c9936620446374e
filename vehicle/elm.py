"""ELM327 replies as adapters in the field send them, made safe for python-OBD.

python-OBD 0.7 parses adapter replies well when they look like the ELM327
data sheet. Replies from real adapters and cars often do not, and the
parser then returns no value or a wrong one. ``ReplyFilter`` sits between
the adapter and python-OBD's protocol parser and rewrites every reply into
the shape the parser handles, or takes out what must never be decoded:

- status lines (``SEARCHING...``, ``NO DATA``, ``STOPPED``, ``CAN ERROR``,
  ``BUFFER FULL``, ``?``, ``ERRxx`` and the like) are classified; progress
  lines are dropped, the rest stay for python-OBD, which skips them;
- headers-off replies (single lines, or a byte count followed by numbered
  lines) get the header and ISO-TP frame layout python-OBD expects, because
  python-OBD's CAN parser drops every line without a header;
- negative responses (``7F`` service code) are taken out, because python-OBD
  decodes their bytes as data and takes the refusing ECU for the engine;
- frames that answer a different request are taken out;
- the same ECU sending single frames twice becomes one answer (the later
  one), because python-OBD treats several single frames from one ECU as a
  broken multi-frame message and returns nothing.

``vehicle.elm_adapter.FilteringELM327`` puts the filter in place.
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

#: Names of the ISO 14229 / ISO 15765 negative response codes seen on OBD-II.
NEGATIVE_RESPONSE_CODES = {
    0x10: "general reject",
    0x11: "service not supported",
    0x12: "sub-function not supported",
    0x13: "incorrect message length or invalid format",
    0x21: "busy, repeat request",
    0x22: "conditions not correct",
    0x31: "request out of range",
    0x33: "security access denied",
    0x78: "response pending",
    0x7E: "sub-function not supported in active session",
    0x7F: "service not supported in active session",
}


class ReplyStatus(enum.Enum):
    """A text line of the adapter that is not data from the car."""

    SEARCHING = "SEARCHING..."
    CAR_NOT_ANSWERING = "car not answering"
    NO_DATA = "NO DATA"
    STOPPED = "STOPPED"
    CAN_ERROR = "CAN ERROR"
    BUS_ERROR = "BUS ERROR"
    BUS_BUSY = "BUS BUSY"
    BUFFER_FULL = "BUFFER FULL"
    DATA_ERROR = "DATA ERROR"
    RX_ERROR = "RX ERROR"
    FEEDBACK_ERROR = "FB ERROR"
    LOW_VOLTAGE_RESET = "LV RESET"
    ACTIVITY_ALERT = "ACT ALERT"
    UNKNOWN_COMMAND = "?"
    ADAPTER_ERROR = "ERRxx"
    ADAPTER_RESET = "adapter reset"
    UNREADABLE = "unreadable line"


#: Phrases an ELM327 prints instead of data, checked in this order because a
#: line may carry the echoed request in front ("0100CAN ERROR").
_STATUS_PHRASES = (
    ("UNABLE TO CONNECT", ReplyStatus.CAR_NOT_ANSWERING),
    ("BUS INIT", ReplyStatus.CAR_NOT_ANSWERING),
    ("SEARCHING", ReplyStatus.SEARCHING),
    ("NO DATA", ReplyStatus.NO_DATA),
    ("STOPPED", ReplyStatus.STOPPED),
    ("CAN ERROR", ReplyStatus.CAN_ERROR),
    ("BUS ERROR", ReplyStatus.BUS_ERROR),
    ("BUS BUSY", ReplyStatus.BUS_BUSY),
    ("BUFFER FULL", ReplyStatus.BUFFER_FULL),
    ("DATA ERROR", ReplyStatus.DATA_ERROR),
    ("RX ERROR", ReplyStatus.RX_ERROR),
    ("FB ERROR", ReplyStatus.FEEDBACK_ERROR),
    ("LV RESET", ReplyStatus.LOW_VOLTAGE_RESET),
    ("ACT ALERT", ReplyStatus.ACTIVITY_ALERT),
    ("ELM327", ReplyStatus.ADAPTER_RESET),
)
_ADAPTER_ERROR = re.compile(r"ERR(\d\d)")
_HEX_TOKENS = re.compile(r"^[0-9A-F]+( [0-9A-F]+)*$")
_NUMBERED_LINE = re.compile(r"^([0-9A-F]):\s*([0-9A-F ]+)$")
_BYTE_COUNT_LINE = re.compile(r"^[0-9A-F]{3}$")

#: Services whose request carries a PID that the positive response repeats.
_SERVICES_WITH_PID = (0x01, 0x02, 0x05, 0x06, 0x08, 0x09)


class Shape(enum.Enum):
    """Line layout of the protocol in use, as python-OBD parses it."""

    CAN_11BIT = "can11"
    CAN_29BIT = "can29"
    LEGACY = "legacy"


@dataclass(frozen=True)
class NegativeResponse:
    """An ECU's refusal: ``7F``, the rejected service and a reason code."""

    ecu: str
    service: int
    code: int

    @property
    def reason(self) -> str:
        return NEGATIVE_RESPONSE_CODES.get(self.code, "unknown reason")

    def describe(self) -> str:
        return (
            f"negative response 0x{self.code:02X} from ECU {self.ecu} to service "
            f"0x{self.service:02X}, {self.reason}"
        )


@dataclass
class FilteredReply:
    """Findings of the filter in one reply, besides the data it passed on."""

    request: bytes
    statuses: list[ReplyStatus] = field(default_factory=list)
    adapter_errors: list[int] = field(default_factory=list)
    negatives: list[NegativeResponse] = field(default_factory=list)
    unrequested: int = 0
    duplicates: int = 0
    conflicts: int = 0
    data_lines: int = 0
    timed_out: bool = False

    @property
    def has_data(self) -> bool:
        return self.data_lines > 0


@dataclass
class _Frame:
    header: str
    line: str
    payload: bytes  # bytes after the header: PCI and data, or legacy data
    kind: str  # "single", "first", "consecutive" or "legacy"


class ReplyFilter:
    """Rewrite adapter replies into the shape python-OBD parses correctly.

    ``request`` is the command the next reply answers; the adapter class
    sets it before each write. ``last`` describes the latest reply.
    Not thread-safe: one adapter, one filter, one thread at a time.
    """

    def __init__(
        self,
        default_ecu_11bit: str = "7E8",
        default_ecu_29bit: str = "18DAF110",
        default_ecu_legacy: str = "486B10",
    ) -> None:
        self.request = b""
        self.last = FilteredReply(b"")
        self._default_header = {
            Shape.CAN_11BIT: default_ecu_11bit,
            Shape.CAN_29BIT: default_ecu_29bit,
            Shape.LEGACY: default_ecu_legacy,
        }

    def apply(self, lines: list[str], shape: Shape) -> list[str]:
        """Return ``lines`` cleaned for python-OBD; record findings in ``last``."""
        reply = FilteredReply(self.request)
        self.last = reply
        data: list[str] = []
        kept_status: list[str] = []
        for raw in lines:
            line = " ".join(raw.upper().split())
            if not line:
                continue
            if _is_data_line(line):
                data.append(line)
                continue
            status, code = classify_status(line)
            if status is ReplyStatus.ADAPTER_ERROR:
                reply.adapter_errors.append(code)
            reply.statuses.append(status)
            if status is not ReplyStatus.SEARCHING:
                # python-OBD turns such a line into an empty message and
                # checks "UNABLE TO CONNECT" during its connect probe.
                kept_status.append(line)
        frames = self._frames(
            _add_headers(data, shape, self._default_header[shape]), shape
        )
        kept = self._select(frames, reply)
        reply.data_lines = len(kept)
        return kept + kept_status

    def _frames(self, lines: list[str], shape: Shape) -> list[_Frame]:
        frames = []
        for line in lines:
            compact = line.replace(" ", "")
            if shape is Shape.CAN_11BIT:
                header, rest = compact[:3], compact[3:]
            elif shape is Shape.CAN_29BIT:
                header, rest = compact[:8], compact[8:]
            else:
                header, rest = compact[:6], compact[6:]
            if len(rest) % 2 or not rest:
                self.last.statuses.append(ReplyStatus.UNREADABLE)
                continue
            payload = bytes.fromhex(rest)
            if shape is Shape.LEGACY:
                # Legacy frames end in a checksum byte.
                frames.append(_Frame(header, line, payload[:-1], "legacy"))
                continue
            kind = {0x0: "single", 0x1: "first", 0x2: "consecutive"}.get(
                payload[0] >> 4
            )
            if kind is None:
                self.last.statuses.append(ReplyStatus.UNREADABLE)
                continue
            frames.append(_Frame(header, line, payload, kind))
        return frames

    def _select(self, frames: list[_Frame], reply: FilteredReply) -> list[str]:
        service, pid = _request_service_and_pid(self.request)
        by_ecu: dict[str, list[_Frame]] = {}
        for frame in frames:
            by_ecu.setdefault(frame.header, []).append(frame)
        kept: list[str] = []
        for header, ecu_frames in by_ecu.items():
            multi = [f for f in ecu_frames if f.kind in ("first", "consecutive")]
            singles = []
            for frame in ecu_frames:
                if frame.kind == "single":
                    data = frame.payload[1 : 1 + (frame.payload[0] & 0x0F)]
                elif frame.kind == "legacy":
                    data = frame.payload
                elif frame.kind == "first":
                    data = frame.payload[2:]
                else:
                    continue
                negative = _negative(header, data)
                if negative is not None:
                    reply.negatives.append(negative)
                    if frame.kind == "first":
                        multi = []
                    continue
                if service is not None and not _answers(data, service, pid):
                    reply.unrequested += 1
                    if frame.kind == "first":
                        multi = []
                    continue
                if frame.kind != "first":
                    singles.append(frame)
            if multi:
                # A multi-frame answer wins over stray single frames.
                reply.unrequested += len(singles)
                kept.extend(f.line for f in multi)
                continue
            if not singles:
                continue
            if singles[0].kind == "legacy":
                kept.extend(f.line for f in singles)
                continue
            if len(singles) > 1:
                reply.duplicates += len(singles) - 1
                if len({f.payload for f in singles}) > 1:
                    reply.conflicts += 1
                    logger.debug(
                        "ECU %s sent %d different single frames for %r; "
                        "keeping the last: %s",
                        header,
                        len(singles),
                        self.request,
                        singles[-1].line,
                    )
            kept.append(singles[-1].line)
        return kept


def classify_status(line: str) -> tuple[ReplyStatus, int]:
    """Return the status a non-data adapter line reports, and an ERRxx code or 0."""
    text = line.upper()
    match = _ADAPTER_ERROR.search(text)
    if match:
        return ReplyStatus.ADAPTER_ERROR, int(match.group(1))
    for phrase, status in _STATUS_PHRASES:
        if phrase in text:
            return status, 0
    # Some adapters print "ERROR" where the data sheet has "?", and some
    # glue either to the echoed request ("010D?").
    if text.strip().endswith(("?", "ERROR")):
        return ReplyStatus.UNKNOWN_COMMAND, 0
    return ReplyStatus.UNREADABLE, 0


def _is_data_line(line: str) -> bool:
    return bool(_HEX_TOKENS.match(line) or _NUMBERED_LINE.match(line))


def _add_headers(lines: list[str], shape: Shape, header: str) -> list[str]:
    """Give headers-off lines a header and ISO-TP layout; keep the others.

    python-OBD always asks for headers (ATH1), but some clones ignore it.
    Headers-off replies come as ``41 0D 58`` (one frame) or as a byte count
    followed by numbered lines (``014``, ``0: 49 02 01 ...``).
    """
    if not lines:
        return lines
    if _BYTE_COUNT_LINE.match(lines[0]) and len(lines) > 1:
        return _numbered_to_frames(lines, shape, header)
    if _has_header(lines[0], shape):
        return lines
    rebuilt = []
    for line in lines:
        if _NUMBERED_LINE.match(line):
            # Numbered lines without their byte count: cannot be reassembled.
            continue
        data = bytes.fromhex(line.replace(" ", ""))
        if shape is Shape.LEGACY:
            checksum = (sum(bytes.fromhex(header)) + sum(data)) & 0xFF
            rebuilt.append(_hex(bytes.fromhex(header) + data + bytes([checksum])))
        elif len(data) <= 7:
            rebuilt.append(f"{_spaced(header)} {_hex(bytes([len(data)]) + data)}")
    return rebuilt


def _has_header(line: str, shape: Shape) -> bool:
    if _NUMBERED_LINE.match(line):
        return False
    tokens = line.split()
    compact = line.replace(" ", "")
    if shape is Shape.CAN_11BIT:
        return len(tokens[0]) == 3 if len(tokens) > 1 else len(compact) % 2 == 1
    first = int(compact[:2], 16) if len(compact) >= 2 else 0
    if shape is Shape.CAN_29BIT:
        # A 29-bit header starts with the priority byte (0x18), never with a
        # response service byte (0x40 and above).
        return first < 0x40
    # Legacy headers start with a format byte: 0x48 or 0x68 (J1850, ISO 9141)
    # or 0x80-0x8F (ISO 14230); positive responses start with 0x41-0x4A.
    return first in (0x48, 0x68) or 0x80 <= first <= 0x8F


def _numbered_to_frames(lines: list[str], shape: Shape, header: str) -> list[str]:
    length = int(lines[0].replace(" ", ""), 16)
    parts: dict[int, bytes] = {}
    for line in lines[1:]:
        match = _NUMBERED_LINE.match(line)
        if match:
            parts[int(match.group(1), 16)] = bytes.fromhex(
                match.group(2).replace(" ", "")
            )
    payload = b"".join(parts[index] for index in sorted(parts))[:length]
    if shape is Shape.LEGACY:
        return []
    frames = [bytes([0x10 | (length >> 8) & 0x0F, length & 0xFF]) + payload[:6]]
    sequence = 1
    for start in range(6, len(payload), 7):
        frames.append(bytes([0x20 | sequence & 0x0F]) + payload[start : start + 7])
        sequence += 1
    return [f"{_spaced(header)} {_hex(frame)}" for frame in frames]


def _hex(data: bytes) -> str:
    return " ".join(f"{byte:02X}" for byte in data)


def _spaced(header: str) -> str:
    if len(header) % 2:
        return header
    return _hex(bytes.fromhex(header))


def _request_service_and_pid(request: bytes) -> tuple[int | None, int | None]:
    text = request.decode("ascii", "replace").strip().upper()
    if len(text) < 2 or not all(c in "0123456789ABCDEF" for c in text):
        return None, None
    service = int(text[:2], 16)
    pid = None
    if service in _SERVICES_WITH_PID and len(text) >= 4:
        pid = int(text[2:4], 16)
    return service, pid


def _answers(data: bytes, service: int, pid: int | None) -> bool:
    if not data or data[0] != service + 0x40:
        return False
    return pid is None or (len(data) > 1 and data[1] == pid)


def _negative(header: str, data: bytes) -> NegativeResponse | None:
    if len(data) >= 3 and data[0] == 0x7F:
        return NegativeResponse(header, data[1], data[2])
    return None
