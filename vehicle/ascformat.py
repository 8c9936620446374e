"""A Vector ASC reader that plugs into ``can.LogReader``.

python-can 4.6.1's ``ASCReader`` gets three things wrong that recordings
from the field contain:

- A ``CANFD`` start marker (``0.000000 CANFD   Start of measurement``)
  raises ``ValueError`` and ends the whole replay.
- A classic frame with a DLC code above 8 (``d d 11 22 …``) gets
  ``dlc`` 32, the CAN FD length of the code, although classic CAN always
  carries 8 bytes for codes 9 to 15.
- Any other line it cannot split raises and ends the replay, and lines it
  does not recognise are skipped without a count.

``AscReader`` parses frame lines itself, skips an unreadable line with one
warning that gives its line number, and counts what it skipped. Importing
this module registers it for the ``.asc`` suffix, so every replay path that
goes through ``can.LogReader`` takes it. Channels are numbered from 0, as
python-can numbers them: ASC channel 1 becomes channel 0.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, tzinfo
from typing import Any, Iterator

import can
from can.io.generic import TextIOMessageReader
from can.io.player import MESSAGE_READERS
from can.util import dlc2len

logger = logging.getLogger(__name__)

_DATE = re.compile(r"^date\s+\w+\s+(?P<date>.+)$", re.IGNORECASE)
_BASE = re.compile(r"^base\s+(?P<base>hex|dec)\b", re.IGNORECASE)
_TRIGGER = re.compile(r"^begin\s+triggerblock\s+\w+\s+(?P<date>.+)$", re.IGNORECASE)
_HEADER_WORDS = re.compile(
    r"^(?://|(?:no\s+)?internal\s+events\s+logged|end\s+triggerblock)", re.IGNORECASE
)
_EVENT = re.compile(r"^\d+(?:\.\d+)?\s")
_DIRECTIONS = ("Rx", "Tx")


class AscReader(TextIOMessageReader):
    """Iterate the frames of a Vector ASC file, skipping unreadable lines.

    ``relative_timestamp`` False (the default here, unlike python-can's)
    adds the start time from the file's header, read as a wall-clock time
    in ``timezone`` (None: the head unit's local time zone).
    ``start_datetime`` is that header time as written. ``skipped_lines``
    counts unreadable lines; ``ignored_events`` counts events that are not
    frames (statistics, status, J1939 and other logged events).
    """

    def __init__(
        self,
        file: Any,
        base: str = "hex",
        relative_timestamp: bool = False,
        timezone: tzinfo | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(file, mode="r", **kwargs)
        self._base = 16 if base == "hex" else 10
        self.relative_timestamp = relative_timestamp
        self.timezone = timezone
        self.start_datetime: datetime | None = None
        self.skipped_lines = 0
        self.ignored_events = 0
        self._start_time = 0.0

    def __iter__(self) -> Iterator[can.Message]:
        for number, line in enumerate(self.file, start=1):
            text = line.strip()
            if not text or self._read_header_line(text):
                continue
            if not _EVENT.match(text):
                self._skip(number, text, "not an ASC event")
                continue
            try:
                frame = self._parse_event(text)
            except (ValueError, IndexError) as error:
                self._skip(number, text, str(error))
                continue
            if frame is None:
                self.ignored_events += 1
                continue
            yield frame
        if self.skipped_lines:
            logger.info("%s: %d unreadable lines skipped", self._name(), self.skipped_lines)
        self.stop()

    def _read_header_line(self, text: str) -> bool:
        if match := _TRIGGER.match(text) or _DATE.match(text):
            self._set_start(match.group("date"))
            return True
        if match := _BASE.match(text):
            self._base = 16 if match.group("base").lower() == "hex" else 10
            return True
        return bool(_HEADER_WORDS.match(text))

    def _set_start(self, date_text: str) -> None:
        # python-can's parser knows the date forms Vector tools write, in
        # English and German; it returns local time, which round-trips.
        local = can.ASCReader._datetime_to_timestamp(date_text)
        self.start_datetime = datetime.fromtimestamp(local)
        if self.relative_timestamp:
            self._start_time = 0.0
        elif self.timezone is None:
            self._start_time = local
        else:
            self._start_time = self.start_datetime.replace(tzinfo=self.timezone).timestamp()

    def _parse_event(self, text: str) -> can.Message | None:
        tokens = text.split()
        timestamp = float(tokens[0]) + self._start_time
        if tokens[1].upper() == "CANFD":
            return self._parse_fd(tokens[2:], timestamp)
        if tokens[1].isdigit():
            return self._parse_classic(int(tokens[1]) - 1, tokens[2:], timestamp)
        # Start of measurement, statistics, status and other events.
        return None

    def _parse_classic(
        self, channel: int, tokens: list[str], timestamp: float
    ) -> can.Message | None:
        if tokens[0].lower() == "errorframe":
            return can.Message(timestamp=timestamp, channel=channel, is_error_frame=True)
        if len(tokens) > 3 and tokens[1] not in _DIRECTIONS and tokens[2] in _DIRECTIONS:
            tokens = [tokens[0], *tokens[2:]]  # a symbolic name after the ID
        if len(tokens) < 3 or tokens[1] not in _DIRECTIONS:
            return None  # chip status, J1939 and other per-channel events
        can_id, extended = self._frame_id(tokens[0])
        kind = tokens[2].lower()
        common = {
            "timestamp": timestamp,
            "channel": channel,
            "arbitration_id": can_id,
            "is_extended_id": extended,
            "is_rx": tokens[1] == "Rx",
        }
        if kind == "r":
            dlc = int(tokens[3], 16) if len(tokens) > 3 else 0
            return can.Message(is_remote_frame=True, dlc=min(dlc, 8), **common)
        if kind != "d":
            raise ValueError(f"unknown frame type {tokens[2]!r}")
        # Codes 9 to 15 mean 8 bytes on classic CAN.
        length = min(int(tokens[3], 16), 8)
        return can.Message(data=self._data(tokens[4:], length), **common)

    def _parse_fd(self, tokens: list[str], timestamp: float) -> can.Message | None:
        if not tokens[0].isdigit():
            return None  # "Start of measurement" and other CANFD events
        channel, direction = int(tokens[0]) - 1, tokens[1]
        if direction not in _DIRECTIONS:
            raise ValueError(f"unknown direction {direction!r}")
        if tokens[2].lower() == "errorframe":
            return can.Message(
                timestamp=timestamp, channel=channel, is_error_frame=True, is_fd=True
            )
        can_id, extended = self._frame_id(tokens[2])
        # An optional symbolic name sits between the ID and the BRS flag.
        rest = tokens[3:] if tokens[3].isdigit() else tokens[4:]
        brs, esi, dlc_code, length = rest[0], rest[1], int(rest[2], 16), int(rest[3])
        if dlc2len(dlc_code) != length:
            raise ValueError(
                f"DLC code {dlc_code:x} means {dlc2len(dlc_code)} bytes, "
                f"but the line gives data length {length}"
            )
        common = {
            "timestamp": timestamp,
            "channel": channel,
            "arbitration_id": can_id,
            "is_extended_id": extended,
            "is_rx": direction == "Rx",
            "is_fd": True,
            "bitrate_switch": brs == "1",
            "error_state_indicator": esi == "1",
        }
        if length == 0 and dlc_code != 0:
            return can.Message(is_remote_frame=True, dlc=dlc_code, **common)
        return can.Message(data=self._data(rest[4:], length), **common)

    def _frame_id(self, text: str) -> tuple[int, bool]:
        if text[-1:] in ("x", "X"):
            return int(text[:-1], self._base), True
        return int(text, self._base), False

    def _data(self, tokens: list[str], length: int) -> bytes:
        if len(tokens) < length:
            raise ValueError(f"{length} data bytes expected, {len(tokens)} found")
        values = [int(token, self._base) for token in tokens[:length]]
        if any(value > 0xFF or value < 0 for value in values):
            raise ValueError("data byte out of range")
        return bytes(values)

    def _skip(self, number: int, text: str, reason: str) -> None:
        self.skipped_lines += 1
        if self.skipped_lines == 1:
            logger.warning(
                "%s line %d is not a readable ASC frame and was skipped (%s): %r "
                "(further unreadable lines are counted)",
                self._name(),
                number,
                reason,
                text[:80],
            )

    def _name(self) -> str:
        return str(getattr(self.file, "name", "log"))


MESSAGE_READERS[".asc"] = AscReader
