"""Loading DBC files as the field delivers them.

cantools 45 rejects two header gaps that DBC files from suppliers and
forums often have: a file without a ``BS_:`` or ``BU_:`` line, and a
``BS_:`` line that carries the bus's nominal bit rate and timing values
(``BS_: 500000 : 0,0``), which the DBC format allows. Both are mended in
memory before parsing, and the file itself is never changed. Any other
syntax error raises ``DbcError`` with the file, line, column and text.

cantools is used with ``strict=False`` so that overlapping signals, which
field DBCs have, still load. A signal whose bits run past the end of its
message is still an error, found here at load time with the ``SG_`` line,
because it could never decode a value.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import cantools
from cantools.database import Database

logger = logging.getLogger(__name__)

_BS_LINE = re.compile(r"^BS_\s*:(?P<rest>.*)$")
_BU_LINE = re.compile(r"^BU_\s*:")
_NS_LINE = re.compile(r"^NS_\s*:")
_BITRATE = re.compile(r"^\s*(?P<bitrate>\d+)")
_CANTOOLS_POSITION = re.compile(r"line (?P<line>\d+), column (?P<column>\d+)")


class DbcError(ValueError):
    """A DBC file is missing or cannot be parsed; the message names the spot."""

    def __init__(self, path: Path, reason: str, line: int | None = None,
                 column: int | None = None, text: str | None = None) -> None:
        self.path = path
        self.line = line
        self.column = column
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        message = f"{where}: {reason}"
        if text is not None:
            message += f": {text.strip()!r}"
        super().__init__(message)


@dataclass(frozen=True)
class LoadedDbc:
    """A parsed DBC and what loading it had to mend."""

    path: Path
    database: Database
    nominal_bitrate: int | None
    mended: tuple[str, ...]


def load_dbc(path: Path | str) -> LoadedDbc:
    """Parse a DBC file, tolerating the header gaps described above.

    Raises ``DbcError`` when the file is missing or unparseable.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise DbcError(path, f"cannot read DBC file ({error.strerror})") from error

    lines = text.splitlines()
    mended_lines, inserted_at, inserted, bitrate, mended = _mend_header(lines)
    try:
        database = cantools.database.load_string(
            "\n".join(mended_lines) + "\n", database_format="dbc", strict=False
        )
    except cantools.database.Error as error:
        raise _parse_error(path, lines, str(error), inserted_at, inserted) from error

    _check_signals_fit(path, lines, database)
    if mended:
        logger.warning(
            "DBC %s has %s; loaded with the gap filled in memory",
            path,
            " and ".join(mended),
        )
    if bitrate is not None:
        logger.info("DBC %s declares a nominal bit rate of %d bit/s", path, bitrate)
    return LoadedDbc(path, database, bitrate, tuple(mended))


def _mend_header(
    lines: list[str],
) -> tuple[list[str], int, int, int | None, list[str]]:
    """Return the lines with a parseable header, where lines were inserted,
    how many, the nominal bit rate, and what was mended."""
    result = list(lines)
    bitrate = None
    has_bs = has_bu = False
    for index, line in enumerate(result):
        bs = _BS_LINE.match(line)
        if bs:
            has_bs = True
            match = _BITRATE.match(bs.group("rest"))
            if match:
                bitrate = int(match.group("bitrate"))
                result[index] = "BS_:"
        elif _BU_LINE.match(line):
            has_bu = True

    additions = []
    mended = []
    if not has_bs:
        additions.append("BS_:")
        mended.append("no BS_: line")
    if not has_bu:
        additions.append("BU_:")
        mended.append("no BU_: line")
    position = _header_insert_position(result)
    result[position:position] = additions
    return result, position, len(additions), bitrate, mended


def _header_insert_position(lines: list[str]) -> int:
    """Index just after the ``NS_`` block, or after ``VERSION``, or 0."""
    for index, line in enumerate(lines):
        if _NS_LINE.match(line):
            end = index + 1
            while end < len(lines) and lines[end][:1] in (" ", "\t"):
                end += 1
            return end
    for index, line in enumerate(lines):
        if line.startswith("VERSION"):
            return index + 1
    return 0


def _parse_error(
    path: Path, lines: list[str], message: str, inserted_at: int, inserted: int
) -> DbcError:
    match = _CANTOOLS_POSITION.search(message)
    if not match:
        return DbcError(path, f"invalid DBC: {message}")
    line = int(match.group("line"))
    # Lines inserted in memory shift cantools' count; map back to the file.
    if line > inserted_at + inserted:
        line -= inserted
    column = int(match.group("column"))
    text = lines[line - 1] if 0 < line <= len(lines) else None
    return DbcError(path, "invalid DBC syntax", line, column, text)


def _check_signals_fit(path: Path, lines: list[str], database: Database) -> None:
    """Raise ``DbcError`` for the first signal that runs past its message."""
    for message in database.messages:
        for signal in message.signals:
            if signal.byte_order == "little_endian":
                last_bit = signal.start + signal.length - 1
            else:
                # DBC big-endian start bits name the most significant bit in
                # the sawtooth numbering (bit 7 of byte 0 first); count it in
                # the straight order from there.
                first = 8 * (signal.start // 8) + 7 - signal.start % 8
                last_bit = first + signal.length - 1
            if last_bit < 8 * message.length:
                continue
            line = _signal_line(lines, message.frame_id, signal.name)
            raise DbcError(
                path,
                f"signal {signal.name} ({signal.start}|{signal.length}@"
                f"{0 if signal.byte_order == 'big_endian' else 1}) does not fit in "
                f"the {message.length}-byte message {message.name}",
                line,
                1 if line is not None else None,
                lines[line - 1] if line is not None else None,
            )


def _signal_line(lines: list[str], frame_id: int, signal: str) -> int | None:
    """1-based line of ``SG_ signal`` inside the ``BO_`` block of ``frame_id``."""
    in_message = False
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        if stripped.startswith("BO_ "):
            parts = stripped.split()
            # cantools sets bit 31 of the DBC ID for extended frames.
            in_message = len(parts) > 1 and parts[1].isdigit() and (
                int(parts[1]) & 0x1FFFFFFF == frame_id
            )
        elif in_message and stripped.startswith("SG_ "):
            parts = stripped.split()
            if len(parts) > 1 and parts[1] == signal:
                return number
    return None
