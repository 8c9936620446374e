"""Drive scenarios for the simulated car, read from TOML files.

A scenario file has an optional ``[car]`` table with the starting state
and a list of ``[[phase]]`` tables, played in order. Each phase has a
``kind`` and the keys of that kind::

    [car]
    soc_percent = 68.0
    outside_temperature_c = 12.0

    [[phase]]
    kind = "accelerate"
    duration_s = 10
    speed_kmh = 42

Phases that change speed do so linearly from the end speed of the phase
before. A traffic jam expands into stop-and-go phases drawn from its
``seed``, so one file always gives the same drive.

An optional ``[gps]`` table sets where the drive starts and its first
heading (``latitude``, ``longitude``, ``heading_deg``); any phase may
turn the car with ``heading_deg``. ``vehicle.gps_track`` turns the phase
speeds and headings into positions.
"""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import assets
from vehicle import vss

#: Standard gravity in m/s², for decelerations given in g.
G = 9.81
#: Deceleration of an ordinary brake phase without a duration, in g.
NORMAL_BRAKE_G = 0.25
#: Deceleration of a brake phase with ``hard = true``, in g.
HARD_BRAKE_G = 0.6
#: Charging power when the phase gives none, in kW.
DEFAULT_CHARGE_KW = {"AC": 11.0, "DC": 120.0}
#: Value of ``Phase.dtc_clear`` that clears every active trouble code.
ALL_DTCS = "*"
_DTC_CODE = re.compile(r"[PCBU][0-9A-F]{4}")
#: Start of the GPS track when a scenario has no ``[gps]`` table: Wulin
#: Square in Hangzhou, the city of the bundled community content.
DEFAULT_START_LATITUDE = 30.2741
DEFAULT_START_LONGITUDE = 120.1551


class ScenarioError(ValueError):
    """A scenario file that cannot be read; the message names the file and key."""


@dataclass(frozen=True)
class Phase:
    """A stretch of the drive: reach ``end_speed_kmh`` linearly over ``duration_s``."""

    name: str
    duration_s: float
    end_speed_kmh: float
    gear: int = vss.GEAR_DRIVE
    #: Vehicle.LowVoltageSystemState during the phase.
    power_state: str = "ON"
    #: Phase kind from the scenario file.
    kind: str = "cruise"
    #: Vehicle.Powertrain.TractionBattery.Charging.ChargingType: NONE, AC or DC.
    charging_type: str = "NONE"
    charge_power_kw: float = 0.0
    #: Charging stops once the state of charge reaches this, in percent.
    target_soc_percent: float = 100.0
    #: State of charge set when the phase begins, in percent.
    set_soc_percent: float | None = None
    #: No frames are sent during the phase (adapter or gateway unplugged).
    bus_silent: bool = False
    #: The car has no GPS fix during the phase (tunnel).
    gps_lost: bool = False
    #: Diagnostic trouble code that appears when the phase begins.
    dtc: str | None = None
    #: Trouble code cleared when the phase begins, or ``ALL_DTCS``.
    dtc_clear: str | None = None
    #: Heading the car turns to when the phase begins, in degrees from
    #: north; None keeps the heading of the phase before.
    heading_deg: float | None = None


@dataclass(frozen=True)
class CarStart:
    """State of the simulated car when the scenario begins."""

    soc_percent: float = 68.0
    outside_temperature_c: float = 12.0
    odometer_km: float = 12_480.0
    climate_w: float = 400.0


@dataclass(frozen=True)
class GpsStart:
    """Start point and first heading of a scenario's GPS track."""

    latitude: float = DEFAULT_START_LATITUDE
    longitude: float = DEFAULT_START_LONGITUDE
    #: Degrees clockwise from true north.
    heading_deg: float = 90.0


@dataclass(frozen=True)
class Scenario:
    name: str
    source: Path
    phases: tuple[Phase, ...]
    car: CarStart = field(default_factory=CarStart)
    description: str = ""
    gps: GpsStart = field(default_factory=GpsStart)

    @property
    def duration_s(self) -> float:
        return sum(phase.duration_s for phase in self.phases)


def bundled_scenarios() -> list[str]:
    """Return the names of the scenarios shipped in ``assets/scenarios``."""
    return sorted(path.stem for path in assets.SCENARIOS_DIR.glob("*.toml"))


def resolve_scenario(name_or_path: str | Path) -> Path:
    """Return the file of a bundled scenario name, or the path itself."""
    path = Path(name_or_path)
    if path.suffix != ".toml" and path.parent == Path("."):
        bundled = assets.SCENARIOS_DIR / f"{path.name}.toml"
        if bundled.exists():
            return bundled
    return path


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read a scenario file or bundled scenario name; raise ``ScenarioError``."""
    path = resolve_scenario(name_or_path)
    try:
        with open(path, "rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        known = ", ".join(bundled_scenarios())
        raise ScenarioError(
            f"{path}: scenario file not found (bundled scenarios: {known})"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: invalid TOML: {error}") from None
    return _parse(path, document)


def _parse(path: Path, document: dict[str, Any]) -> Scenario:
    _reject_unknown(path, "", document, {"name", "description", "car", "gps", "phase"})
    car = _parse_car(path, document.get("car", {}))
    gps = _parse_gps(path, document.get("gps", {}))
    tables = document.get("phase")
    if not isinstance(tables, list) or not tables:
        raise ScenarioError(f"{path}: key 'phase' is missing: add at least one [[phase]] table")
    phases: list[Phase] = []
    speed = 0.0
    for index, table in enumerate(tables):
        where = f"phase[{index}]"
        if not isinstance(table, dict):
            raise ScenarioError(f"{path}: {where} must be a table")
        reader = _Reader(path, where, table)
        for phase in _parse_phase(reader, speed):
            phases.append(phase)
            speed = phase.end_speed_kmh
        reader.finish()
    name = document.get("name", path.stem)
    if not isinstance(name, str):
        raise ScenarioError(f"{path}: key 'name' must be a string")
    description = document.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(f"{path}: key 'description' must be a string")
    return Scenario(name, path, tuple(phases), car, description, gps)


def _parse_car(path: Path, table: Any) -> CarStart:
    if not isinstance(table, dict):
        raise ScenarioError(f"{path}: key 'car' must be a table")
    reader = _Reader(path, "car", table)
    defaults = CarStart()
    car = CarStart(
        soc_percent=reader.number("soc_percent", defaults.soc_percent, 0, 100),
        outside_temperature_c=reader.number(
            "outside_temperature_c", defaults.outside_temperature_c, -40, 87.5
        ),
        odometer_km=reader.number("odometer_km", defaults.odometer_km, 0, 1_600_000),
        climate_w=reader.number("climate_w", defaults.climate_w, 0, 16_000),
    )
    reader.finish()
    return car


def _parse_gps(path: Path, table: Any) -> GpsStart:
    if not isinstance(table, dict):
        raise ScenarioError(f"{path}: key 'gps' must be a table")
    reader = _Reader(path, "gps", table)
    defaults = GpsStart()
    start = GpsStart(
        latitude=reader.number("latitude", defaults.latitude, -85, 85),
        longitude=reader.number("longitude", defaults.longitude, -180, 180),
        heading_deg=reader.number("heading_deg", defaults.heading_deg, 0, 360),
    )
    reader.finish()
    return start


def _parse_phase(reader: _Reader, speed: float) -> list[Phase]:
    kind = reader.choice("kind", None, sorted(_KINDS))
    phases = _KINDS[kind](reader, speed)
    if "heading_deg" in reader.table:
        # The turn happens when the first of the expanded phases begins.
        heading = reader.number("heading_deg", None, 0, 360)
        phases[0] = replace(phases[0], heading_deg=heading)
    return phases


def _parked(reader: _Reader, speed: float) -> list[Phase]:
    reader.require_stopped(speed)
    return [Phase(
        reader.name("parked"), reader.duration(), 0.0, vss.GEAR_PARK,
        reader.choice("power_state", "ON", ["OFF", "ACC", "ON"]), kind="parked",
    )]


def _stopped(reader: _Reader, speed: float) -> list[Phase]:
    return [Phase(reader.name("stopped"), reader.duration(), 0.0, kind="stopped")]


def _accelerate(reader: _Reader, speed: float) -> list[Phase]:
    target = reader.number("speed_kmh", None, 0, 250)
    if target < speed:
        raise ScenarioError(
            f"{reader.path}: {reader.where}.speed_kmh: {target} is below the speed "
            f"before the phase ({speed} km/h); use kind = \"brake\""
        )
    return [Phase(reader.name("accelerate"), reader.duration(), target, kind="accelerate")]


def _cruise(reader: _Reader, speed: float) -> list[Phase]:
    target = reader.number("speed_kmh", speed, 0, 250)
    return [Phase(reader.name("cruise"), reader.duration(), target, kind="cruise")]


def _brake(reader: _Reader, speed: float) -> list[Phase]:
    target = reader.number("speed_kmh", 0.0, 0, 250)
    if target > speed:
        raise ScenarioError(
            f"{reader.path}: {reader.where}.speed_kmh: {target} is above the speed "
            f"before the phase ({speed} km/h)"
        )
    hard = reader.boolean("hard", False)
    decel_g = reader.number("deceleration_g", HARD_BRAKE_G if hard else NORMAL_BRAKE_G, 0.01, 1.5)
    if "duration_s" in reader.table:
        duration = reader.duration()
    else:
        duration = max((speed - target) / 3.6 / (decel_g * G), 0.1)
    return [Phase(reader.name("hard brake" if hard else "brake"), duration, target, kind="brake")]


def _traffic_jam(reader: _Reader, speed: float) -> list[Phase]:
    """Expand a jam into crawls and stops whose lengths come from ``seed``."""
    total = reader.duration()
    seed = reader.integer("seed", 0)
    top = reader.number("max_speed_kmh", 15.0, 1, 60)
    name = reader.name("traffic jam")
    rng = random.Random(seed)
    phases = []
    elapsed = 0.0
    if speed > 0:
        phases.append(Phase(f"{name}: brake", 4.0, 0.0, kind="traffic_jam"))
        elapsed = 4.0
    while elapsed < total:
        crawl = rng.uniform(0.4, 1.0) * top
        steps = [
            ("creep", rng.uniform(3, 8), crawl),
            ("roll", rng.uniform(2, 10), crawl),
            ("brake", rng.uniform(2, 5), 0.0),
            ("wait", rng.uniform(3, 15), 0.0),
        ]
        for label, duration, end in steps:
            duration = min(round(duration, 1), total - elapsed)
            if duration <= 0:
                break
            phases.append(Phase(f"{name}: {label}", duration, end, kind="traffic_jam"))
            elapsed += duration
    if phases[-1].end_speed_kmh > 0:
        phases.append(Phase(f"{name}: brake", 3.0, 0.0, kind="traffic_jam"))
    return phases


def _charge(reader: _Reader, speed: float) -> list[Phase]:
    reader.require_stopped(speed)
    charging_type = reader.choice("type", None, ["AC", "DC"])
    return [Phase(
        reader.name(f"{charging_type} charge"), reader.duration(), 0.0, vss.GEAR_PARK,
        reader.choice("power_state", "ACC", ["OFF", "ACC", "ON"]),
        kind="charge",
        charging_type=charging_type,
        charge_power_kw=reader.number(
            "power_kw", DEFAULT_CHARGE_KW[charging_type], 1, 300
        ),
        target_soc_percent=reader.number("target_soc", 80.0, 1, 100),
    )]


def _dtc(reader: _Reader, speed: float) -> list[Phase]:
    code = reader.dtc_code(None)
    return [Phase(
        reader.name(f"DTC {code}"), reader.duration(1.0), speed, kind="dtc", dtc=code
    )]


def _dtc_clear(reader: _Reader, speed: float) -> list[Phase]:
    code = reader.dtc_code(ALL_DTCS)
    label = "all DTCs" if code == ALL_DTCS else f"DTC {code}"
    return [Phase(
        reader.name(f"clear {label}"), reader.duration(1.0), speed,
        kind="dtc_clear", dtc_clear=code,
    )]


def _battery_low(reader: _Reader, speed: float) -> list[Phase]:
    return [Phase(
        reader.name("battery low"), reader.duration(1.0), reader.number("speed_kmh", speed, 0, 250),
        kind="battery_low", set_soc_percent=reader.number("soc", 12.0, 0, 100),
    )]


def _tunnel(reader: _Reader, speed: float) -> list[Phase]:
    return [Phase(
        reader.name("tunnel"), reader.duration(), reader.number("speed_kmh", speed, 0, 250),
        kind="tunnel", gps_lost=True,
    )]


def _adapter_unplugged(reader: _Reader, speed: float) -> list[Phase]:
    return [Phase(
        reader.name("adapter unplugged"), reader.duration(),
        reader.number("speed_kmh", speed, 0, 250),
        kind="adapter_unplugged", bus_silent=reader.boolean("bus_silent", False),
    )]


def _power_off(reader: _Reader, speed: float) -> list[Phase]:
    reader.require_stopped(speed)
    return [Phase(
        reader.name("switched off"), reader.duration(), 0.0, vss.GEAR_PARK, "OFF",
        kind="power_off",
    )]


_KINDS = {
    "parked": _parked,
    "stopped": _stopped,
    "accelerate": _accelerate,
    "cruise": _cruise,
    "brake": _brake,
    "traffic_jam": _traffic_jam,
    "charge": _charge,
    "dtc": _dtc,
    "dtc_clear": _dtc_clear,
    "battery_low": _battery_low,
    "tunnel": _tunnel,
    "adapter_unplugged": _adapter_unplugged,
    "power_off": _power_off,
}


class _Reader:
    """Typed access to one table's keys, with errors naming file and key."""

    def __init__(self, path: Path, where: str, table: dict[str, Any]) -> None:
        self.path = path
        self.where = where
        self.table = table
        self._used: set[str] = set()

    def _fail(self, key: str, problem: str) -> ScenarioError:
        return ScenarioError(f"{self.path}: {self.where}.{key}: {problem}")

    def _get(self, key: str, default: Any) -> Any:
        self._used.add(key)
        if key in self.table:
            return self.table[key]
        if default is None:
            raise self._fail(key, "missing")
        return default

    def number(self, key: str, default: float | None, low: float, high: float) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._fail(key, f"must be a number, got {value!r}")
        if not low <= value <= high:
            raise self._fail(key, f"{value} is outside {low} to {high}")
        return float(value)

    def integer(self, key: str, default: int) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"must be an integer, got {value!r}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, f"must be true or false, got {value!r}")
        return value

    def string(self, key: str, default: str | None = None) -> str:
        value = self._get(key, default)
        if not isinstance(value, str) or not value:
            raise self._fail(key, f"must be a non-empty string, got {value!r}")
        return value

    def choice(self, key: str, default: str | None, choices: list[str]) -> str:
        value = self.string(key, default)
        if value not in choices:
            raise self._fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def dtc_code(self, default: str | None) -> str:
        """Read ``code``: an SAE J2012 trouble code such as P0A80, upper-cased."""
        code = self.string("code", default)
        if code == default:
            return code
        code = code.upper()
        if not _DTC_CODE.fullmatch(code):
            raise self._fail(
                "code", f"{code!r} is not a trouble code such as P0A80 "
                "(P, C, B or U and four hexadecimal digits)"
            )
        return code

    def name(self, default: str) -> str:
        return self.string("name", default)

    def duration(self, default: float | None = None) -> float:
        return self.number("duration_s", default, 0.1, 86_400)

    def require_stopped(self, speed: float) -> None:
        if speed > 0:
            raise ScenarioError(
                f"{self.path}: {self.where}.kind: the car is still at {speed} km/h; "
                "add a brake phase before it"
            )

    def finish(self) -> None:
        _reject_unknown(self.path, self.where, self.table, self._used)


def _reject_unknown(path: Path, where: str, table: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        prefix = f"{where}." if where else ""
        raise ScenarioError(f"{path}: {prefix}{unknown[0]}: unknown key")
