"""Vehicle profiles: what car this is and how each VSS path is read.

A profile is a TOML file::

    [vehicle]
    id = "demo-ev"
    make = "Aurora"
    model = "E5"
    powertrain = "BEV"            # BEV, PHEV or ICE
    battery_capacity_kwh = 64.0   # optional
    fuel_tank_l = 50.0            # optional

    [buses.powertrain]
    interface = "virtual"         # any python-can interface
    channel = "demo-powertrain"
    dbc = "demo_ev.dbc"           # a file name, found on the DBC search path
    bitrate = 500000              # optional
    log_channel = 0               # optional: channel of this bus in recordings
    options = { receive_own_messages = false }  # optional: python-can bus options

    [signals."Vehicle.Speed"]
    bus = "powertrain"
    message = "VCU_Status"
    signal = "VehicleSpeed"
    factor = 1.0                  # optional: vss = dbc * factor + offset
    offset = 0.0
    from_unit = "mph"             # optional: convert from this unit
    values = { P = 126, D = 127 } # optional: DBC value-table names to VSS

Loading checks the file's own structure; ``vehicle.candecode`` then checks
the profile against its DBCs. Both raise ``ProfileError`` naming the file
and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vehicle import vss
from vehicle.obd_config import ObdConfig

POWERTRAINS = ("BEV", "PHEV", "ICE")

#: Conversions into VSS units, as (factor, offset) on the source value.
UNIT_CONVERSIONS: dict[tuple[str, str], tuple[float, float]] = {
    ("mph", "km/h"): (1.609344, 0.0),
    ("m/s", "km/h"): (3.6, 0.0),
    ("kW", "W"): (1000.0, 0.0),
    ("km", "m"): (1000.0, 0.0),
    ("mi", "km"): (1.609344, 0.0),
    ("mi", "m"): (1609.344, 0.0),
    ("degF", "celsius"): (5 / 9, -32 * 5 / 9),
    ("fraction", "percent"): (100.0, 0.0),
}


class ProfileError(ValueError):
    """A profile is missing, malformed or does not match its DBC."""

    def __init__(self, path: Path | str, key: str | None, reason: str) -> None:
        self.path = Path(path)
        self.key = key
        where = f"{path}: {key}" if key else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class BusConfig:
    """One CAN bus of the car: the python-can interface, channel and DBC."""

    name: str
    interface: str
    channel: str
    dbc: str
    bitrate: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: The channel this bus's frames carry in a recording (``can0`` in a
    #: candump log, ``0`` in a GVRET or ASC log); defaults to ``channel``.
    log_channel: str | None = None

    def matches_log_channel(self, channel: object) -> bool:
        """Return whether a recorded frame's channel belongs to this bus."""
        expected = self.channel if self.log_channel is None else self.log_channel
        return str(channel) == expected


@dataclass(frozen=True)
class SignalMapping:
    """Mapping of one VSS path to a DBC signal, with its conversion."""

    path: str
    bus: str
    message: str
    signal: str
    factor: float = 1.0
    offset: float = 0.0
    values: dict[str, Any] | None = None

    def key(self) -> str:
        return f'signals."{self.path}"'


@dataclass(frozen=True)
class VehicleProfile:
    """A car model: its powertrain, buses and signal mappings."""

    source: Path
    vehicle_id: str
    make: str
    model: str
    powertrain: str
    buses: dict[str, BusConfig]
    signals: dict[str, SignalMapping]
    battery_capacity_kwh: float | None = None
    fuel_tank_l: float | None = None
    obd: ObdConfig | None = None

    @property
    def name(self) -> str:
        return f"{self.make} {self.model}"

    def provides(self, path: str) -> bool:
        """Return whether the profile maps ``path`` to a source."""
        return path in self.signals


def load_profile(path: Path | str) -> VehicleProfile:
    """Read and check a profile file; raise ``ProfileError`` on any fault."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ProfileError(path, None, f"cannot read profile ({error.strerror})") from error
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(path, None, f"invalid TOML: {error}") from error
    return _parse_profile(path, document)


def _parse_profile(path: Path, document: dict[str, Any]) -> VehicleProfile:
    vehicle = _table(path, document, "vehicle")
    powertrain = _string(path, vehicle, "vehicle", "powertrain")
    if powertrain not in POWERTRAINS:
        raise ProfileError(
            path, "vehicle.powertrain",
            f"expected one of {', '.join(POWERTRAINS)}, got {powertrain!r}",
        )

    buses = {}
    for name, table in _table(path, document, "buses").items():
        buses[name] = _parse_bus(path, name, table)
    if not buses:
        raise ProfileError(path, "buses", "a profile needs at least one bus")
    _check_channels_unique(path, buses)

    signals = {}
    for vss_path, table in _table(path, document, "signals").items():
        signals[vss_path] = _parse_mapping(path, vss_path, table, buses)

    return VehicleProfile(
        source=path,
        vehicle_id=_string(path, vehicle, "vehicle", "id"),
        make=_string(path, vehicle, "vehicle", "make"),
        model=_string(path, vehicle, "vehicle", "model"),
        powertrain=powertrain,
        buses=buses,
        signals=signals,
        battery_capacity_kwh=_optional_number(
            path, vehicle, "vehicle", "battery_capacity_kwh", float
        ),
        fuel_tank_l=_optional_number(path, vehicle, "vehicle", "fuel_tank_l", float),
        obd=_parse_obd(path, document.get("obd")),
    )


def _parse_bus(path: Path, name: str, table: Any) -> BusConfig:
    key = f"buses.{name}"
    if not isinstance(table, dict):
        raise ProfileError(path, key, "expected a table")
    options = table.get("options", {})
    if not isinstance(options, dict):
        raise ProfileError(path, f"{key}.options", "expected a table")
    for reserved in ("interface", "channel", "bitrate", "can_filters"):
        if reserved in options:
            raise ProfileError(
                path, f"{key}.options.{reserved}",
                f"set {reserved!r} on the bus itself, not in its options"
                if reserved != "can_filters"
                else "filters are built from the profile's signals",
            )
    log_channel = table.get("log_channel")
    if log_channel is not None:
        if isinstance(log_channel, bool) or not isinstance(log_channel, (int, str)):
            raise ProfileError(
                path, f"{key}.log_channel",
                f"expected a channel name or number, got {log_channel!r}",
            )
        log_channel = str(log_channel)
    return BusConfig(
        name=name,
        interface=_string(path, table, key, "interface"),
        channel=_string(path, table, key, "channel"),
        dbc=_string(path, table, key, "dbc"),
        bitrate=_optional_number(path, table, key, "bitrate", int),
        options=options,
        log_channel=log_channel,
    )


def _check_channels_unique(path: Path, buses: dict[str, BusConfig]) -> None:
    """Two buses on one interface channel, or one log channel, would mix frames."""
    seen_live: dict[tuple[str, str], str] = {}
    seen_log: dict[str, str] = {}
    for name, bus in buses.items():
        live = (bus.interface, bus.channel)
        if live in seen_live:
            raise ProfileError(
                path, f"buses.{name}.channel",
                f"bus {seen_live[live]!r} already reads {bus.interface} "
                f"channel {bus.channel!r}",
            )
        seen_live[live] = name
        log = bus.channel if bus.log_channel is None else bus.log_channel
        if log in seen_log:
            raise ProfileError(
                path, f"buses.{name}.log_channel",
                f"bus {seen_log[log]!r} already takes recorded channel {log!r}",
            )
        seen_log[log] = name
#: Keys of the ``[obd]`` table and the type each must have.
_OBD_KEYS: dict[str, tuple[type, ...]] = {
    "port": (str,),
    "baudrate": (int,),
    "protocol": (str,),
    "timeout_s": (int, float),
    "multi_pid": (bool,),
    "allow_clear_dtcs": (bool,),
    "dtc_interval_s": (int, float),
    "sleep_voltage_v": (int, float),
    "wake_voltage_v": (int, float),
    "silent_requests": (int,),
    "sleep_check_s": (int, float),
    "retry_min_s": (int, float),
    "retry_max_s": (int, float),
    "ignition_path": (str,),
}


def _parse_obd(path: Path, table: Any) -> ObdConfig | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ProfileError(path, "obd", "expected a table")
    values = {}
    for key, value in table.items():
        kinds = _OBD_KEYS.get(key)
        if kinds is None:
            raise ProfileError(
                path, f"obd.{key}", f"unknown key; expected one of {', '.join(_OBD_KEYS)}"
            )
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(kind.__name__ for kind in kinds)
            raise ProfileError(path, f"obd.{key}", f"expected {names}, got {value!r}")
        values[key] = value
    if "port" not in values:
        raise ProfileError(path, "obd.port", "missing: the adapter's serial port or URL")
    ignition = values.get("ignition_path")
    if ignition is not None and ignition not in vss.CATALOGUE:
        raise ProfileError(path, "obd.ignition_path",
                           "unknown VSS path; see vehicle/vss.py for the catalogue")
    return ObdConfig(**values)


def _parse_mapping(
    path: Path, vss_path: str, table: Any, buses: dict[str, BusConfig]
) -> SignalMapping:
    key = f'signals."{vss_path}"'
    if not isinstance(table, dict):
        raise ProfileError(path, key, "expected a table")
    if vss_path not in vss.CATALOGUE:
        raise ProfileError(path, key, "unknown VSS path; see vehicle/vss.py for the catalogue")
    bus = _string(path, table, key, "bus")
    if bus not in buses:
        raise ProfileError(
            path, f"{key}.bus", f"no bus named {bus!r}; defined: {', '.join(sorted(buses))}"
        )
    factor = _optional_number(path, table, key, "factor", float)
    offset = _optional_number(path, table, key, "offset", float)
    factor = 1.0 if factor is None else factor
    offset = 0.0 if offset is None else offset
    from_unit = table.get("from_unit")
    if from_unit is not None:
        to_unit = vss.CATALOGUE[vss_path].unit
        conversion = UNIT_CONVERSIONS.get((from_unit, to_unit))
        if conversion is None:
            raise ProfileError(
                path, f"{key}.from_unit",
                f"no conversion from {from_unit!r} to {to_unit!r}",
            )
        # Apply the profile's own scaling first, then the unit conversion.
        factor, offset = factor * conversion[0], offset * conversion[0] + conversion[1]
    values = table.get("values")
    if values is not None and not isinstance(values, dict):
        raise ProfileError(path, f"{key}.values", "expected a table of name = value")
    return SignalMapping(
        path=vss_path,
        bus=bus,
        message=_string(path, table, key, "message"),
        signal=_string(path, table, key, "signal"),
        factor=factor,
        offset=offset,
        values=values,
    )


def _table(path: Path, document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise ProfileError(path, key, "missing table" if value is None else "expected a table")
    return value


def _string(path: Path, table: dict[str, Any], prefix: str, key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        problem = "missing" if value is None else f"expected a string, got {value!r}"
        raise ProfileError(path, f"{prefix}.{key}", problem)
    return value


def _optional_number(
    path: Path, table: dict[str, Any], prefix: str, key: str, kind: type
) -> Any:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProfileError(path, f"{prefix}.{key}", f"expected a number, got {value!r}")
    return kind(value)
