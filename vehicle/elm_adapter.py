"""python-OBD's ELM327 adapter class with the reply filter and a reply deadline.

``FilteringELM327`` is python-OBD's ``ELM327`` with ``vehicle.elm.ReplyFilter``
in front of every protocol parser, one deadline per reply, and a drain of
late bytes after a timeout.
"""

from __future__ import annotations

import logging
import re
import time

from obd.elm327 import ELM327
from obd.protocols.protocol_can import CANProtocol
from obd.utils import OBDStatus

from vehicle.elm import ReplyFilter, Shape

logger = logging.getLogger(__name__)

PROMPT = b">"


def filtered_protocol(base: type, reply_filter: ReplyFilter) -> type:
    """Return a subclass of python-OBD protocol ``base`` that filters replies."""
    shape = _shape_of(base)

    def call(self, lines):  # noqa: ANN001 - python-OBD's own signature
        return base.__call__(self, reply_filter.apply(list(lines), shape))

    return type(base.__name__, (base,), {"__call__": call})


def _shape_of(protocol: type) -> Shape:
    if issubclass(protocol, CANProtocol):
        # python-OBD names the 29-bit classes after their header size.
        if "29bit" in protocol.__name__ or protocol.ELM_ID == "A":
            return Shape.CAN_29BIT
        return Shape.CAN_11BIT
    return Shape.LEGACY


class FilteringELM327(ELM327):
    """python-OBD's ``ELM327`` with ``ReplyFilter`` and a reply deadline.

    python-OBD reads until the prompt with a 10 s serial timeout and then
    retries empty reads for another second. Here each reply has one
    deadline, ``timeout_s``; after a timeout the late rest of the reply is
    drained before the next command, so a late answer is never read as the
    answer to the next request and the adapter never sees a command before
    its prompt (which it would answer with ``STOPPED``).
    """

    def __init__(
        self,
        portname: str,
        baudrate: int | None,
        protocol: str | None,
        timeout_s: float,
        check_voltage: bool = True,
    ) -> None:
        self.reply_filter = ReplyFilter()
        self.timeout_s = timeout_s
        self.last_timed_out = False
        self._drain_needed = False
        # An instance attribute shadows python-OBD's class table, so the
        # protocol chosen during the connect probe already filters.
        self._SUPPORTED_PROTOCOLS = {
            key: filtered_protocol(cls, self.reply_filter)
            for key, cls in ELM327._SUPPORTED_PROTOCOLS.items()
        }
        super().__init__(portname, baudrate, protocol, timeout_s, check_voltage)

    @property
    def port(self):  # noqa: ANN201 - a pyserial port or None
        return self._ELM327__port

    def send_raw(self, command: bytes) -> list[str]:
        """Send an AT or OBD command and return the reply lines, unparsed."""
        return self._ELM327__send(command)

    # NOTE: the two methods below replace python-OBD 0.7's private
    # ``__send`` and ``__read`` (name-mangled); obd is pinned below 0.8.
    def _ELM327__send(
        self, cmd: bytes, delay: float | None = None, end_marker: bytes = PROMPT
    ) -> list[str]:
        if self._drain_needed:
            self._drain()
        self.reply_filter.request = cmd
        self._ELM327__write(cmd)
        if delay is not None:
            time.sleep(delay)
        return self._ELM327__read(end_marker=end_marker)

    def _ELM327__read(self, end_marker: bytes = PROMPT) -> list[str]:
        port = self.port
        if port is None:
            return []
        buffer = bytearray()
        deadline = time.monotonic() + self.timeout_s
        self.last_timed_out = False
        while end_marker not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.last_timed_out = True
                self._drain_needed = True
                logger.debug(
                    "no prompt within %.2f s; read %r", self.timeout_s, bytes(buffer)
                )
                break
            try:
                port.timeout = remaining
                chunk = port.read(port.in_waiting or 1)
            except Exception as error:  # pyserial raises several types
                logger.warning("adapter port failed while reading: %s", error)
                self._lose_port()
                return []
            buffer.extend(chunk)
        text = bytes(buffer).replace(b"\x00", b"").rstrip(PROMPT)
        decoded = text.decode("ascii", "ignore")
        return [part.strip() for part in re.split("[\r\n]", decoded) if part.strip()]

    def _drain(self) -> None:
        """Read and drop the late rest of a timed-out reply, up to its prompt."""
        port = self.port
        self._drain_needed = False
        if port is None:
            return
        deadline = time.monotonic() + self.timeout_s
        drained = bytearray()
        try:
            while not drained.endswith(PROMPT):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                port.timeout = remaining
                drained.extend(port.read(port.in_waiting or 1))
        except Exception as error:  # pyserial raises several types
            logger.warning("adapter port failed while draining: %s", error)
            self._lose_port()
            return
        logger.debug("drained %d late bytes: %r", len(drained), bytes(drained))

    def _lose_port(self) -> None:
        port = self.port
        self._ELM327__port = None
        self._ELM327__status = OBDStatus.NOT_CONNECTED
        if port is not None:
            try:
                port.close()
            except Exception:  # the port is gone already
                pass

    def close(self) -> None:
        """Close the port without python-OBD's ATZ, which fails on a dead port."""
        self._lose_port()
