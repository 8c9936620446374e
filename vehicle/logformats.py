"""Readers for recorded CAN logs that plug into ``can.LogReader``.

python-can 4.6's candump reader stops at the first line it cannot split,
so a truncated last line ends the whole replay. It treats an ID with the
SocketCAN error flag as a data frame unless the bus-error class bit is
also set, and it reads a trailing direction marker only in lower case. The
reader here accepts every ``candump -l`` dialect the field produces, and
also candump's screen output (``candump -e``, ``-t a``, ``-x``) that
testers save as a log. It skips what it cannot read with one warning that
gives the line number.

Importing this module registers the reader for the ``.log`` suffix, so
every replay path that goes through ``can.LogReader`` takes it.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Iterator

import can
from can.io.generic import TextIOMessageReader
from can.io.player import MESSAGE_READERS

logger = logging.getLogger(__name__)

#: SocketCAN ``CAN_ERR_FLAG``: set in the ID word of every error frame.
CAN_ERR_FLAG = 0x20000000
#: SocketCAN CAN FD flag bits carried in the nibble after ``##``.
CANFD_BRS = 0x01
CANFD_ESI = 0x02
#: Data lengths a CAN FD frame can have.
FD_LENGTHS = frozenset((*range(9), 12, 16, 20, 24, 32, 48, 64))

# (1717290903.100000) can0 3C3#0000229200000000 R
_LINE = re.compile(
    r"^\((?P<timestamp>\d+(?:\.\d+)?)\)\s+(?P<channel>\S+)\s+"
    r"(?P<id>[0-9A-Fa-f]{1,8})#(?P<payload>\S*)"
    r"(?:\s+(?P<direction>[RTrt]))?\s*$"
)
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})*$")
_HEX_DIGITS = "0123456789abcdefABCDEF"
_DIGITS_AND_POINT = "0123456789."
# (1717290903.110000)  can0  RX - -  20000004   [8]  00 04 00 00 00 00 00 00   ERRORFRAME
# Timestamp (-t) and direction columns (-x) are optional; FD lengths print
# with two digits ([08], [16]).
_SCREEN_LINE = re.compile(
    r"^(?:\((?P<timestamp>\d+(?:\.\d+)?)\)\s+)?(?P<channel>\S+)\s+"
    r"(?:(?P<direction>[RT]X)\s+\S\s+\S\s+)?"
    r"(?P<id>[0-9A-Fa-f]{1,8})\s+\[(?P<length>\d{1,2})\]\s*(?P<rest>.*)$"
)
_HEX_BYTE = re.compile(r"^[0-9A-Fa-f]{2}$")


class CandumpReader(TextIOMessageReader):
    """Iterate frames of a ``candump -l`` file, skipping unreadable lines.

    ``skipped_lines`` counts the lines that were not frames and not blank.
    """

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, mode="r", **kwargs)
        self.skipped_lines = 0

    def __iter__(self) -> Iterator[can.Message]:
        after_error_frame = False
        for number, line in enumerate(self.file, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            # candump -e prints an error frame's decoded details on the
            # following tab-indented lines.
            if after_error_frame and line.startswith("\t"):
                continue
            frame = parse_candump_line(text)
            if frame is None:
                frame = parse_candump_screen_line(text)
            after_error_frame = frame is not None and frame.is_error_frame
            if frame is None:
                self.skipped_lines += 1
                if self.skipped_lines == 1:
                    logger.warning(
                        "%s line %d is not a candump frame and was skipped: %r "
                        "(further unreadable lines are counted)",
                        getattr(self.file, "name", "log"),
                        number,
                        text[:80],
                    )
                continue
            yield frame
        if self.skipped_lines:
            logger.info(
                "%s: %d unreadable lines skipped",
                getattr(self.file, "name", "log"),
                self.skipped_lines,
            )
        self.stop()


def parse_candump_line(text: str) -> can.Message | None:
    """Return the frame on one ``candump -l`` line, or None if it is not one."""
    frame = _parse_plain_data_line(text)
    if frame is not None:
        return frame
    match = _LINE.match(text)
    if match is None:
        return None
    stamp, channel, id_text, payload, direction = match.groups()
    can_id = int(id_text, 16)
    timestamp = float(stamp)
    is_rx = direction is None or direction in "Rr"

    if len(id_text) == 8 and can_id & CAN_ERR_FLAG:
        if not _HEX.match(payload):
            return None
        return can.Message(
            timestamp=timestamp,
            arbitration_id=can_id & 0x1FFFFFFF,
            is_error_frame=True,
            is_extended_id=True,
            data=bytes.fromhex(payload),
            channel=channel,
            is_rx=is_rx,
        )

    is_extended = len(id_text) > 3
    if payload[:1] in ("R", "r"):
        length = payload[1:]
        if length and not (length.isdigit() and int(length) <= 8):
            return None
        return can.Message(
            timestamp=timestamp,
            arbitration_id=can_id,
            is_extended_id=is_extended,
            is_remote_frame=True,
            dlc=int(length) if length else 0,
            channel=channel,
            is_rx=is_rx,
        )

    is_fd = payload.startswith("#")
    flags = 0
    if is_fd:
        if len(payload) < 2 or payload[1] not in "0123456789abcdefABCDEF":
            return None
        flags = int(payload[1], 16)
        payload = payload[2:]
    if not _HEX.match(payload):
        return None
    data = bytes.fromhex(payload)
    if len(data) not in FD_LENGTHS or (not is_fd and len(data) > 8):
        return None
    return can.Message(
        timestamp=timestamp,
        arbitration_id=can_id,
        is_extended_id=is_extended,
        data=data,
        is_fd=is_fd,
        bitrate_switch=bool(flags & CANFD_BRS),
        error_state_indicator=bool(flags & CANFD_ESI),
        channel=channel,
        is_rx=is_rx,
    )


def _parse_plain_data_line(text: str) -> can.Message | None:  # noqa: C901
    """Parse the common ``(stamp) chan ID#DATA`` line without a regex.

    Returns None for every other form, which ``_LINE`` then parses; this
    path only makes the nine lines in ten that carry plain data cheaper.
    """
    parts = text.split()
    if len(parts) != 3:
        return None
    stamp, channel, frame = parts
    id_text, separator, payload = frame.partition("#")
    if (
        not separator
        or stamp[:1] != "("
        or stamp[-1:] != ")"
        or stamp[1:-1].strip(_DIGITS_AND_POINT)
        or stamp.count(".") > 1
        or len(stamp) < 3
        or not stamp[1].isdigit()
        or not stamp[-2].isdigit()
        or len(id_text) not in (3, 8)
        or id_text.strip(_HEX_DIGITS)
        or payload.strip(_HEX_DIGITS)
        or len(payload) % 2
        or len(payload) > 16
    ):
        return None
    can_id = int(id_text, 16)
    if can_id & CAN_ERR_FLAG and len(id_text) == 8:
        return None
    return can.Message(
        timestamp=float(stamp[1:-1]),
        arbitration_id=can_id,
        is_extended_id=len(id_text) == 8,
        data=bytes.fromhex(payload),
        channel=channel,
    )


def parse_candump_screen_line(text: str) -> can.Message | None:
    """Return the frame on one line of candump's screen output, or None.

    Lines without a ``(timestamp)`` column get timestamp 0.0.
    """
    match = _SCREEN_LINE.match(text)
    if match is None:
        return None
    id_text = match.group("id")
    can_id = int(id_text, 16)
    length_text = match.group("length")
    length = int(length_text)
    tokens = match.group("rest").split()
    is_error = bool(tokens) and tokens[-1] == "ERRORFRAME"
    if is_error:
        tokens.pop()
    if tokens and tokens[-1].startswith("'"):
        tokens.pop()  # the ASCII column of candump -a
    stamp = match.group("timestamp")
    common: dict[str, Any] = {
        "timestamp": float(stamp) if stamp else 0.0,
        "channel": match.group("channel"),
        "is_rx": match.group("direction") != "TX",
    }
    if tokens == ["remote", "request"]:
        if length > 8:
            return None
        return can.Message(
            arbitration_id=can_id,
            is_extended_id=len(id_text) > 3,
            is_remote_frame=True,
            dlc=length,
            **common,
        )
    if len(tokens) != length or not all(_HEX_BYTE.match(token) for token in tokens):
        return None
    data = bytes.fromhex("".join(tokens))
    if is_error or (len(id_text) == 8 and can_id & CAN_ERR_FLAG):
        return can.Message(
            arbitration_id=can_id & 0x1FFFFFFF,
            is_error_frame=True,
            is_extended_id=True,
            data=data,
            **common,
        )
    is_fd = length > 8 or len(length_text) == 2
    if length not in FD_LENGTHS:
        return None
    return can.Message(
        arbitration_id=can_id,
        is_extended_id=len(id_text) > 3,
        data=data,
        is_fd=is_fd,
        **common,
    )


MESSAGE_READERS[".log"] = CandumpReader
