"""Settings of the driving experience log: detection times, thresholds, tariffs.

Two TOML sources feed them. The vehicle profile's ``[trips]`` table names
the signals logged once a second (``logged = [VSS paths]``), because that
depends on the car. An optional trip settings file holds what the owner
or integrator tunes::

    [trips]
    parked_timeout_s = 180        # standstill in P, or without gear signal
    stopped_timeout_s = 600       # standstill in D, N or R (queue, level crossing)
    harsh_braking_g = 0.4
    harsh_acceleration_g = 0.4
    low_energy_percent = 10
    storage_budget_mb = 200
    usb_export_dir = "/media/usb" # where a USB stick is mounted for exports

    [[tariffs]]
    name = "home night"
    price_per_kwh = 0.12
    currency = "EUR"
    hours = "22:00-06:00"         # optional, local time
    latitude = 48.137             # optional: place and radius
    longitude = 11.575
    radius_m = 150
    charge_type = "AC"            # optional: AC or DC

A malformed file raises ``TripConfigError`` naming the file and the key.
"""

from __future__ import annotations

import argparse
import math
import tomllib
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from pathlib import Path
from typing import Any, Iterable

from vehicle import vss

#: Standstill after which a trip ends when the car is in P, or when the
#: profile has no gear signal, in seconds.
DEFAULT_PARKED_TIMEOUT_S = 180.0
#: Standstill after which a trip ends while a drive gear stays engaged, in
#: seconds: long red lights, level crossings and jams stay inside one trip.
DEFAULT_STOPPED_TIMEOUT_S = 600.0
#: Longitudinal deceleration and acceleration that count as harsh, in g.
#: NOTE: 0.4 g is an estimate in the range that insurance telematics
#: programmes use for harsh braking; it was not calibrated on a car.
DEFAULT_HARSH_BRAKING_G = 0.4
DEFAULT_HARSH_ACCELERATION_G = 0.4
#: State of charge or fuel level below which a low-energy event is logged.
DEFAULT_LOW_ENERGY_PERCENT = 10.0
#: Size of the database beyond which raw samples of synced trips are
#: thinned and then evicted, in MB.
DEFAULT_STORAGE_BUDGET_MB = 200.0
#: Mount point of a USB stick that the trips screen exports to. The system
#: (udisks, systemd automount or an fstab entry) mounts the stick there.
DEFAULT_USB_EXPORT_DIR = Path("/media/usb")


class TripConfigError(ValueError):
    """A trip settings file or a profile's ``[trips]`` table is invalid."""

    def __init__(self, path: Path | str, key: str | None, reason: str) -> None:
        where = f"{path}: {key}" if key else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Tariff:
    """A price per kWh that applies at a place, in hours of the day, or both."""

    name: str
    price_per_kwh: float
    currency: str
    start: time | None = None
    end: time | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float = 200.0
    charge_type: str | None = None

    def applies(
        self,
        at: datetime,
        latitude: float | None,
        longitude: float | None,
        charge_type: str | None,
    ) -> bool:
        """Whether this tariff covers a charge at local time ``at`` and this place."""
        if self.charge_type and charge_type and self.charge_type != charge_type:
            return False
        if self.latitude is not None and self.longitude is not None:
            if latitude is None or longitude is None:
                return False
            distance = distance_m(self.latitude, self.longitude, latitude, longitude)
            if distance > self.radius_m:
                return False
        if self.start is not None and self.end is not None:
            now = at.time()
            if self.start <= self.end:
                return self.start <= now < self.end
            return now >= self.start or now < self.end
        return True

    @property
    def specificity(self) -> int:
        """Higher for a tariff bound to a place and hours: it wins over a general one."""
        score = 0
        if self.latitude is not None:
            score += 2
        if self.start is not None:
            score += 1
        if self.charge_type:
            score += 1
        return score


@dataclass(frozen=True)
class TripSettings:
    """Everything the recorder and the trip log can be configured with."""

    parked_timeout_s: float = DEFAULT_PARKED_TIMEOUT_S
    stopped_timeout_s: float = DEFAULT_STOPPED_TIMEOUT_S
    harsh_braking_g: float = DEFAULT_HARSH_BRAKING_G
    harsh_acceleration_g: float = DEFAULT_HARSH_ACCELERATION_G
    low_energy_percent: float = DEFAULT_LOW_ENERGY_PERCENT
    storage_budget_mb: float = DEFAULT_STORAGE_BUDGET_MB
    logged_paths: tuple[str, ...] = ()
    tariffs: tuple[Tariff, ...] = field(default_factory=tuple)
    usb_export_dir: Path = DEFAULT_USB_EXPORT_DIR

    def with_profile(self, profile_source: Path) -> "TripSettings":
        """Return these settings with the logged signals of a profile file."""
        return replace(self, logged_paths=load_logged_paths(profile_source))

    def tariff_for(
        self,
        at: datetime,
        latitude: float | None,
        longitude: float | None,
        charge_type: str | None,
    ) -> Tariff | None:
        """Return the most specific tariff for a charge, or None."""
        return most_specific_tariff(self.tariffs, at, latitude, longitude, charge_type)


def most_specific_tariff(
    tariffs: Iterable[Tariff],
    at: datetime,
    latitude: float | None,
    longitude: float | None,
    charge_type: str | None,
) -> Tariff | None:
    """Return the most specific of ``tariffs`` that covers a charge, or None."""
    matching = [
        tariff for tariff in tariffs
        if tariff.applies(at, latitude, longitude, charge_type)
    ]
    if not matching:
        return None
    return max(matching, key=lambda tariff: tariff.specificity)


def load_logged_paths(profile_source: Path) -> tuple[str, ...]:
    """Read ``[trips] logged`` from a profile file; an absent table logs nothing."""
    document = _read_toml(profile_source)
    table = document.get("trips", {})
    if not isinstance(table, dict):
        raise TripConfigError(profile_source, "trips", "expected a table")
    logged = table.get("logged", [])
    if not isinstance(logged, list) or not all(isinstance(p, str) for p in logged):
        raise TripConfigError(profile_source, "trips.logged", "expected a list of VSS paths")
    for index, path in enumerate(logged):
        if path not in vss.CATALOGUE:
            raise TripConfigError(
                profile_source, f"trips.logged[{index}]",
                f"unknown VSS path {path!r}; see vehicle/vss.py for the catalogue",
            )
    return tuple(logged)


def load_trip_settings(path: Path | None) -> TripSettings:
    """Read a trip settings file; None or a missing default file gives the defaults."""
    if path is None:
        return TripSettings()
    document = _read_toml(path)
    trips = document.get("trips", {})
    if not isinstance(trips, dict):
        raise TripConfigError(path, "trips", "expected a table")
    values: dict[str, Any] = {}
    for key in (
        "parked_timeout_s",
        "stopped_timeout_s",
        "harsh_braking_g",
        "harsh_acceleration_g",
        "low_energy_percent",
        "storage_budget_mb",
    ):
        if key in trips:
            values[key] = _positive_number(path, f"trips.{key}", trips[key])
    if "usb_export_dir" in trips:
        values["usb_export_dir"] = _absolute_path(
            path, "trips.usb_export_dir", trips["usb_export_dir"]
        )
    unknown = set(trips) - set(values)
    if unknown:
        raise TripConfigError(path, f"trips.{sorted(unknown)[0]}", "unknown setting")
    tariffs = document.get("tariffs", [])
    if not isinstance(tariffs, list):
        raise TripConfigError(path, "tariffs", "expected an array of tables [[tariffs]]")
    values["tariffs"] = tuple(
        _parse_tariff(path, index, table) for index, table in enumerate(tariffs)
    )
    return TripSettings(**values)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS 84 positions, in metres (haversine)."""
    radius = 6_371_008.8
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * radius * math.asin(min(1.0, math.sqrt(a)))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise TripConfigError(path, None, f"cannot read file ({error.strerror})") from error
    except tomllib.TOMLDecodeError as error:
        raise TripConfigError(path, None, f"invalid TOML: {error}") from error


def _positive_number(path: Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise TripConfigError(path, key, f"expected a positive number, got {value!r}")
    return float(value)


def _absolute_path(path: Path, key: str, value: Any) -> Path:
    if not isinstance(value, str) or not Path(value).is_absolute():
        raise TripConfigError(path, key, f"expected an absolute path, got {value!r}")
    return Path(value)


def _parse_tariff(path: Path, index: int, table: Any) -> Tariff:
    key = f"tariffs[{index}]"
    if not isinstance(table, dict):
        raise TripConfigError(path, key, "expected a table")
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise TripConfigError(path, f"{key}.name", "missing")
    price = table.get("price_per_kwh")
    if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
        raise TripConfigError(
            path, f"{key}.price_per_kwh", f"expected a number >= 0, got {price!r}"
        )
    currency = table.get("currency", "")
    start = end = None
    hours = table.get("hours")
    if hours is not None:
        try:
            first, second = str(hours).split("-")
            start = time.fromisoformat(first.strip())
            end = time.fromisoformat(second.strip())
        except ValueError:
            raise TripConfigError(
                path, f"{key}.hours", f"expected HH:MM-HH:MM, got {hours!r}"
            ) from None
    latitude = table.get("latitude")
    longitude = table.get("longitude")
    if (latitude is None) != (longitude is None):
        raise TripConfigError(path, key, "latitude and longitude go together")
    charge_type = table.get("charge_type")
    if charge_type not in (None, "AC", "DC"):
        raise TripConfigError(
            path, f"{key}.charge_type", f"expected AC or DC, got {charge_type!r}"
        )
    radius = table.get("radius_m", 200.0)
    return Tariff(
        name=name,
        price_per_kwh=float(price),
        currency=str(currency),
        start=start,
        end=end,
        latitude=None if latitude is None else float(latitude),
        longitude=None if longitude is None else float(longitude),
        radius_m=_positive_number(path, f"{key}.radius_m", radius),
        charge_type=charge_type,
    )


def add_trip_settings_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--trip-settings FILE`` to a command that records trips."""
    parser.add_argument(
        "--trip-settings", type=Path, default=None, metavar="TOML",
        help="trip settings: timeouts, harsh-driving thresholds in g, storage "
             "budget and charging tariffs (see docs/trips.md)",
    )
