"""Settings of the OBD-II source, as the profile's ``[obd]`` table gives them.

Example::

    [obd]
    port = "/dev/rfcomm0"          # or socket://127.0.0.1:35000
    baudrate = 38400
    protocol = "6"                 # ELM327 protocol number; omit to detect
    allow_clear_dtcs = false
    ignition_path = "Vehicle.LowVoltageSystemState"   # optional, from CAN
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObdConfig:
    """Settings of the OBD-II source; the profile's ``[obd]`` table."""

    port: str
    baudrate: int | None = 38400
    #: ELM327 protocol number ("6" is CAN 11-bit 500 kbit/s); None detects it.
    protocol: str | None = None
    timeout_s: float = 3.0
    multi_pid: bool = True
    allow_clear_dtcs: bool = False
    dtc_interval_s: float = 60.0
    #: Adapter voltage below which the car counts as asleep (no charging).
    sleep_voltage_v: float = 12.9
    #: Adapter voltage at which a sleeping car counts as awake again.
    wake_voltage_v: float = 13.2
    #: Requests in a row without a response after which polling pauses.
    silent_requests: int = 3
    #: Pause between adapter-only checks while the car sleeps.
    sleep_check_s: float = 5.0
    retry_min_s: float = 1.0
    retry_max_s: float = 60.0
    #: VSS path of an ignition signal from another source (a boolean, or a
    #: ``Vehicle.LowVoltageSystemState`` string such as "ON" or "OFF").
    ignition_path: str | None = None
