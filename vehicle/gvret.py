"""SavvyCAN "GVRET" CSV logs, read through ``can.LogReader``.

python-can 4.6.1 owns the ``.csv`` suffix for its own CSV layout
(``timestamp,arbitration_id,extended,…``) and cannot read GVRET files.
``CsvReader`` takes the suffix over and sniffs the header line: a GVRET
header is read here, anything else goes to python-can's ``CSVReader``
unchanged. Importing this module registers it, so every replay path that
goes through ``can.LogReader`` takes it.

A GVRET file looks like this, with an optional ``Dir`` column and an
optional comma at the end of each line::

    Time Stamp,ID,Extended,Dir,Bus,LEN,D1,D2,D3,D4,D5,D6,D7,D8
    22213513,00000111,false,Rx,0,8,00,00,00,00,00,00,00,00,

The time stamp is in microseconds and may jump, even below zero, when
SavvyCAN moved its time base during the capture. ``ID`` is hex, ``Bus`` is the channel
number the frame becomes on (0, 1, …).
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

import can
from can.io.generic import TextIOMessageReader
from can.io.player import MESSAGE_READERS

from vehicle.logformats import FD_LENGTHS

logger = logging.getLogger(__name__)

GVRET_FIRST_COLUMN = "time stamp"
_REQUIRED = ("time stamp", "id", "extended", "bus", "len")


def is_gvret_header(line: str) -> bool:
    """Return whether ``line`` is the header line of a GVRET CSV file."""
    return line.lstrip("\ufeff").strip().lower().startswith(GVRET_FIRST_COLUMN + ",")


class GvretReader(TextIOMessageReader):
    """Iterate the frames of a GVRET CSV file, skipping unreadable rows.

    ``skipped_lines`` counts the rows that were not frames.
    """

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, mode="r", **kwargs)
        self.skipped_lines = 0

    def __iter__(self) -> Iterator[can.Message]:
        header = next(iter(self.file), "")
        if not is_gvret_header(header):
            raise ValueError(f"{self._name()} does not start with a GVRET header")
        columns = [name.strip().lower() for name in header.lstrip("\ufeff").split(",")]
        missing = [name for name in _REQUIRED if name not in columns]
        if missing:
            raise ValueError(
                f"{self._name()}: GVRET header lacks column {', '.join(missing)}"
            )
        index = {name: columns.index(name) for name in _REQUIRED}
        direction = columns.index("dir") if "dir" in columns else None
        for number, line in enumerate(self.file, start=2):
            text = line.strip()
            if not text:
                continue
            frame = parse_gvret_row(text.split(","), index, direction)
            if frame is None:
                self._skip(number, text)
                continue
            yield frame
        if self.skipped_lines:
            logger.info("%s: %d unreadable rows skipped", self._name(), self.skipped_lines)
        self.stop()

    def _skip(self, number: int, text: str) -> None:
        self.skipped_lines += 1
        if self.skipped_lines == 1:
            logger.warning(
                "%s line %d is not a GVRET frame and was skipped: %r "
                "(further unreadable rows are counted)",
                self._name(),
                number,
                text[:80],
            )

    def _name(self) -> str:
        return str(getattr(self.file, "name", "log"))


def parse_gvret_row(
    fields: list[str], index: dict[str, int], direction: int | None
) -> can.Message | None:
    """Return the frame in one split GVRET row, or None if it is not one."""
    try:
        length = int(fields[index["len"]])
        first = index["len"] + 1
        data_fields = fields[first:first + length]
        if length not in FD_LENGTHS or len(data_fields) != length:
            return None
        data = bytes(int(value, 16) for value in data_fields)
        if any(len(value.strip()) > 2 for value in data_fields):
            return None
        extended = fields[index["extended"]].strip().lower()
        if extended not in ("true", "false"):
            return None
        can_id = int(fields[index["id"]], 16)
        if can_id < 0 or can_id > (0x1FFFFFFF if extended == "true" else 0x7FF):
            return None
        timestamp = int(fields[index["time stamp"]]) / 1_000_000
        channel = int(fields[index["bus"]])
    except (ValueError, IndexError):
        return None
    # Time stamps may be negative: SavvyCAN writes times relative to a base
    # that can move during a capture, and the frames are real all the same.
    if channel < 0:
        return None
    return can.Message(
        timestamp=timestamp,
        arbitration_id=can_id,
        is_extended_id=extended == "true",
        data=data,
        is_fd=length > 8,
        channel=channel,
        is_rx=direction is None or fields[direction].strip() != "Tx",
    )


class CsvReader(TextIOMessageReader):
    """Read a ``.csv`` log as GVRET or as python-can's own CSV, by its header."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, mode="r", **kwargs)
        self._kwargs = kwargs
        self._reader: TextIOMessageReader | None = None

    @property
    def skipped_lines(self) -> int:
        return getattr(self._reader, "skipped_lines", 0)

    def __iter__(self) -> Iterator[can.Message]:
        first = self.file.readline()
        self.file.seek(0)
        if is_gvret_header(first):
            self._reader = GvretReader(self.file, **self._kwargs)
        else:
            self._reader = can.CSVReader(self.file, **self._kwargs)
        yield from self._reader
        self.stop()


MESSAGE_READERS[".csv"] = CsvReader
