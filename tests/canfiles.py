"""Builders for the DBC, profile and log files that CAN tests write."""

from __future__ import annotations

from pathlib import Path

import can

from vehicle.candecode import CanDecoder
from vehicle.logformats import parse_candump_line
from vehicle.profile import load_profile

DBC_HEADER = """VERSION ""

NS_ :
\tCM_
\tBA_DEF_
\tBA_
\tVAL_
\tSIG_VALTYPE_

BS_:

BU_: ECU HU

"""

#: DBC and candump line for one speed frame (0x3C3), shared by log tests.
SPEED_DBC = """BO_ 963 Speed: 8 VCU
 SG_ VehSpeed : 23|16@0+ (0.01,0) [0|300] "km/h" HU
"""


def write_dbc(folder: Path, body: str, name: str = "test.dbc", header: str = DBC_HEADER) -> Path:
    """Write a DBC made of a standard header and ``body``; return its path."""
    path = folder / name
    path.write_text(header + body)
    return path


def write_profile(
    folder: Path,
    signals: dict[str, tuple[str, str]],
    *,
    dbc: str = "test.dbc",
    extra: str = "",
    buses: str | None = None,
    name: str = "test.toml",
) -> Path:
    """Write a profile mapping VSS paths to (message, signal) on one bus.

    ``buses`` replaces the default single ``powertrain`` bus table; then
    each signal value is (bus, message, signal) joined by dots.
    """
    lines = [
        "[vehicle]",
        'id = "test-car"',
        'make = "Test"',
        'model = "Car"',
        'powertrain = "BEV"',
        "",
    ]
    if buses is None:
        lines += [
            "[buses.powertrain]",
            'interface = "virtual"',
            f'channel = "test-{folder.name}"',
            f'dbc = "{dbc}"',
            "",
        ]
    else:
        lines += [buses, ""]
    for path, (message, signal) in signals.items():
        bus = "powertrain"
        if "." in message:
            bus, message = message.split(".", 1)
        lines += [
            f'[signals."{path}"]',
            f'bus = "{bus}"',
            f'message = "{message}"',
            f'signal = "{signal}"',
            "",
        ]
    profile = folder / name
    profile.write_text("\n".join(lines) + extra)
    return profile


def decoder_for(folder: Path, body: str, signals: dict[str, tuple[str, str]]) -> CanDecoder:
    """Write a DBC with ``body`` and a profile for ``signals``; return a decoder."""
    write_dbc(folder, body)
    return CanDecoder(load_profile(write_profile(folder, signals)))


def candump_frame(line: str) -> can.Message:
    """The frame on one ``candump -l`` line; fails the test if there is none."""
    frame = parse_candump_line(line)
    assert frame is not None, line
    return frame
