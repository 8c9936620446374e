"""Log records to the systemd journal with fields integrators filter on.

Under systemd the head unit writes each record to the journal's native
socket as ``KEY=value`` fields (the journal's native protocol, systemd 252):
``MESSAGE``, ``PRIORITY``, ``SYSLOG_IDENTIFIER=headunit``, ``LOGGER``,
``CODE_FILE``, ``CODE_LINE``, ``CODE_FUNC`` and, for the events below, a
``MESSAGE_ID``. Filter with, for example::

    journalctl SYSLOG_IDENTIFIER=headunit MESSAGE_ID=2c8212d2cb704eef9036a475f0e3bf68

A record gets its ``MESSAGE_ID`` through ``extra={"message_id": ...}``.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import traceback
from pathlib import Path

#: The head unit started and its input is running.
MESSAGE_ID_START = "a115bba834df47c281a2bd3064976ef0"
#: The head unit stopped.
MESSAGE_ID_STOP = "35dbe66932704e2087279ebed7dd942e"
#: The configuration file, a profile or a DBC has an error.
MESSAGE_ID_CONFIG_ERROR = "2c8212d2cb704eef9036a475f0e3bf68"

JOURNAL_SOCKET = Path("/run/systemd/journal/socket")
SYSLOG_IDENTIFIER = "headunit"

# syslog priorities, as journald stores them in PRIORITY.
_PRIORITIES = (
    (logging.CRITICAL, 2),
    (logging.ERROR, 3),
    (logging.WARNING, 4),
    (logging.INFO, 6),
)


def under_journal() -> bool:
    """Whether systemd connected stderr to the journal and its socket exists.

    systemd sets ``$JOURNAL_STREAM`` to the device and inode of the stream
    it gave the service. A shell that inherited the variable has another
    stderr, so the two are compared.
    """
    stream = os.environ.get("JOURNAL_STREAM", "")
    device, _, inode = stream.partition(":")
    if not device.isdigit() or not inode.isdigit():
        return False
    try:
        stat = os.fstat(2)
    except OSError:
        return False
    same_stream = (stat.st_dev, stat.st_ino) == (int(device), int(inode))
    return same_stream and JOURNAL_SOCKET.exists()


def priority(levelno: int) -> int:
    for level, value in _PRIORITIES:
        if levelno >= level:
            return value
    return 7


def encode_fields(fields: dict[str, str]) -> bytes:
    """Encode fields in the journal's native datagram format.

    A value with a newline is sent as the name, a newline, its length as a
    little-endian 64-bit integer, the bytes and a newline.
    """
    parts = []
    for name, value in fields.items():
        data = value.encode("utf-8", "replace")
        if b"\n" in data:
            parts.append(name.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n")
        else:
            parts.append(name.encode() + b"=" + data + b"\n")
    return b"".join(parts)


class JournalHandler(logging.Handler):
    """A logging handler that sends each record to journald's native socket."""

    def __init__(self, address: Path | str = JOURNAL_SOCKET) -> None:
        super().__init__()
        self.address = str(address)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)

    def fields(self, record: logging.LogRecord) -> dict[str, str]:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info))
        fields = {
            "MESSAGE": message,
            "PRIORITY": str(priority(record.levelno)),
            "SYSLOG_IDENTIFIER": SYSLOG_IDENTIFIER,
            "LOGGER": record.name,
            "CODE_FILE": record.pathname,
            "CODE_LINE": str(record.lineno),
            "CODE_FUNC": record.funcName,
            "THREAD_NAME": record.threadName or "",
        }
        message_id = getattr(record, "message_id", None)
        if message_id:
            fields["MESSAGE_ID"] = message_id
        return fields

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._socket.sendto(encode_fields(self.fields(record)), self.address)
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        self._socket.close()
        super().close()
