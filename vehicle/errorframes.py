"""Naming SocketCAN error frames for bus health counts.

An error frame carries its class in the ID word (``CAN_ERR_*`` bits of
``linux/can/error.h``) and details in the data bytes. Byte 1 holds the
controller status for class ``CAN_ERR_CRTL``. python-can delivers the
class bits as ``arbitration_id`` with ``is_error_frame`` set; log readers
here do the same after removing ``CAN_ERR_FLAG``.
"""

from __future__ import annotations

import can

#: Error classes in the ID word, in the order ``linux/can/error.h`` lists them.
ERROR_CLASSES: tuple[tuple[int, str], ...] = (
    (0x001, "TX timeout"),
    (0x002, "lost arbitration"),
    (0x004, "controller problem"),
    (0x008, "protocol violation"),
    (0x010, "transceiver status"),
    (0x020, "no acknowledgement on transmission"),
    (0x040, "bus off"),
    (0x080, "bus error"),
    (0x100, "controller restarted"),
)
CAN_ERR_CRTL = 0x004
CAN_ERR_BUSOFF = 0x040

#: Controller status bits in data byte 1 of a ``CAN_ERR_CRTL`` frame.
CONTROLLER_STATUS: tuple[tuple[int, str], ...] = (
    (0x01, "RX buffer overflow"),
    (0x02, "TX buffer overflow"),
    (0x04, "controller warning: RX errors"),
    (0x08, "controller warning: TX errors"),
    (0x10, "controller passive: RX errors"),
    (0x20, "controller passive: TX errors"),
    (0x40, "controller recovered to error active"),
)


def describe_error_frame(frame: can.Message) -> tuple[str, ...]:
    """Return the fault names an error frame reports, most specific first.

    A frame with no known bit set is reported as ``"unspecified error"``.
    """
    error_class = frame.arbitration_id & 0x1FFFFFFF
    names: list[str] = []
    if error_class & CAN_ERR_CRTL and len(frame.data) > 1:
        names.extend(name for bit, name in CONTROLLER_STATUS if frame.data[1] & bit)
    names.extend(name for bit, name in ERROR_CLASSES if error_class & bit)
    return tuple(names) or ("unspecified error",)


def is_bus_off(frame: can.Message) -> bool:
    """Whether an error frame says the controller went bus-off."""
    return bool(frame.arbitration_id & CAN_ERR_BUSOFF)
