"""The head unit's application configuration: one TOML file per vehicle line.

An integrator writes one file per vehicle line, and
``packaging/headunit.example.toml`` documents every key. The file names the
vehicle profile and its DBC folders, the CAN interface, the OBD-II adapter,
gpsd and the community platform. It also sets the data directory and its
storage budget, the features, the branding and the default language.
``load_config`` checks all of it when the head unit starts and raises
``ConfigError`` naming the file, the key, the value found and what was
expected.

The file is found by ``find_config_file``: the ``--config`` option, then
``$HEADUNIT_CONFIG``, then ``/etc/headunit/headunit.toml``. With none of
them the head unit runs the built-in demo (``default_config``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import assets
from headunit.branding import KEYS as BRANDING_KEYS
from headunit.branding import Branding, BrandingError, branding_from_table
from headunit import paths
from headunit.paths import CONFIG_ENV, SYSTEM_CONFIG_FILE, default_data_dir
from vehicle.profile import ProfileError, VehicleProfile, load_profile


#: Languages the UI has strings for; English is the source language.
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
DEFAULT_STORAGE_BUDGET_MB = 512
DEFAULT_GPSD_PORT = 2947
#: Baud rate of most ELM327 adapters on a serial port.
DEFAULT_OBD_BAUDRATE = 38400


class ConfigError(ValueError):
    """The configuration file is missing, malformed or names things that are not there."""

    def __init__(
        self, path: Path | str | None, key: str | None, reason: str
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.key = key
        where = [str(path)] if path is not None else []
        if key:
            where.append(key)
        super().__init__(": ".join([*where, reason]))


@dataclass(frozen=True)
class CanSettings:
    """The python-can interface and channel that replace the profile's, if set."""

    interface: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class ObdSettings:
    """The ELM327 adapter: a serial device or a ``socket://host:port`` URL."""

    port: str
    baudrate: int = DEFAULT_OBD_BAUDRATE
    #: python-OBD protocol id ("6" is ISO 15765-4 CAN 11 bit, 500 kbit/s);
    #: ``None`` lets python-OBD detect it, which takes seconds longer.
    protocol: str | None = None


@dataclass(frozen=True)
class GpsSettings:
    """The address of gpsd."""

    host: str
    port: int = DEFAULT_GPSD_PORT


@dataclass(frozen=True)
class PlatformSettings:
    """The community platform the head unit syncs with."""

    url: str
    #: PEM bundle of the CAs that sign the platform's certificate; ``None``
    #: uses the system's bundle.
    ca_bundle: Path | None = None


@dataclass(frozen=True)
class FeatureSettings:
    """Features an integrator may switch off for a vehicle line."""

    #: Offer to clear diagnostic trouble codes over OBD-II (Mode 04).
    dtc_clearing: bool = False
    #: Show video clips in tips.
    clips: bool = True


@dataclass(frozen=True)
class AppConfig:
    """The whole application configuration, checked and with absolute paths."""

    #: The file it was read from; ``None`` for the built-in demo.
    source: Path | None
    profile_path: Path
    dbc_path: tuple[Path, ...] = ()
    #: Drive the profile's buses with the built-in simulated car (bench, demo).
    simulate: bool = False
    can: CanSettings = field(default_factory=CanSettings)
    obd: ObdSettings | None = None
    gps: GpsSettings | None = None
    platform: PlatformSettings | None = None
    data_dir: Path = field(default_factory=default_data_dir)
    storage_budget_mb: int = DEFAULT_STORAGE_BUDGET_MB
    features: FeatureSettings = field(default_factory=FeatureSettings)
    branding: Branding = field(default_factory=Branding)
    #: Why ``[branding]`` was not used; the UI then shows the default brand
    #: and this error, and ``config check`` and ``doctor`` fail with it.
    branding_error: ConfigError | None = None
    language: str = DEFAULT_LANGUAGE

    @property
    def is_demo(self) -> bool:
        """Whether this is the built-in demo: no file, the simulated car."""
        return self.source is None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "headunit.db"

    @property
    def token_path(self) -> Path:
        """Where the platform's access token is kept, with file mode 0600."""
        return self.data_dir / "token.json"

    @property
    def storage_budget_bytes(self) -> int:
        return self.storage_budget_mb * 1024 * 1024


def default_config() -> AppConfig:
    """Return the built-in demo: the demo car on a simulated bus, nothing else."""
    return AppConfig(source=None, profile_path=assets.DEMO_PROFILE, simulate=True)


def find_config_file(explicit: Path | None = None) -> Path | None:
    """Return the configuration file to read, or ``None`` for the built-in demo.

    The order is in ``headunit.paths.find_config_file``.
    """
    return paths.find_config_file(explicit, SYSTEM_CONFIG_FILE)


def resolve_config(explicit: Path | None = None, check_dbcs: bool = True) -> AppConfig:
    """Find and load the configuration; raise ``ConfigError`` on any fault."""
    path = find_config_file(explicit)
    if path is None:
        return default_config()
    return load_config(path, check_dbcs=check_dbcs)


def load_config(path: Path | str, check_dbcs: bool = True) -> AppConfig:
    """Read and check one configuration file; raise ``ConfigError`` on any fault.

    With ``check_dbcs`` false the profile is not loaded, so a caller such
    as ``headunit doctor`` can report a profile or DBC fault on its own.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError as error:
        raise ConfigError(path, None, "configuration file not found") from error
    except OSError as error:
        raise ConfigError(
            path, None, f"cannot read configuration file ({error.strerror})"
        ) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, None, f"invalid TOML: {error}") from error
    config = _Parser(path, document).parse()
    if check_dbcs:
        check_profile(config)
    return config


def check_profile(config: AppConfig) -> VehicleProfile:
    """Load the configured profile and check that each of its DBCs exists.

    Raises ``ConfigError`` naming ``vehicle.profile`` or ``vehicle.dbc_path``.
    Whether the DBC matches the profile is checked by ``CanDecoder``.
    """
    # Imported here: cantools and python-can load with it, and `headunit
    # run` reads the configuration's branding before its first frame.
    from vehicle.candecode import find_dbc

    try:
        profile = load_profile(config.profile_path)
    except ProfileError as error:
        raise ConfigError(config.source, "vehicle.profile", str(error)) from error
    for bus in profile.buses.values():
        dbc = find_dbc(bus.dbc, config.dbc_path, profile.source.parent)
        if not dbc.is_file():
            folders = [str(folder) for folder in config.dbc_path]
            folders.append(str(profile.source.parent))
            raise ConfigError(
                config.source, "vehicle.dbc_path",
                f"DBC {bus.dbc!r} of bus {bus.name!r} not found; searched "
                f"{', '.join(folders)}; expected a folder that contains it",
            )
    return profile


class _Parser:
    """Walk one TOML document and build an ``AppConfig`` from it."""

    #: Tables and the keys each may contain; anything else is a typo.
    KNOWN_KEYS: dict[str, tuple[str, ...]] = {
        "vehicle": ("profile", "dbc_path", "simulate"),
        "can": ("interface", "channel"),
        "obd": ("port", "baudrate", "protocol"),
        "gps": ("gpsd",),
        "platform": ("url", "ca_bundle"),
        "storage": ("data_dir", "budget_mb"),
        "features": ("dtc_clearing", "clips"),
        "branding": BRANDING_KEYS,
        "ui": ("language",),
    }

    def __init__(self, path: Path, document: dict[str, Any]) -> None:
        self.path = path
        self.document = document
        self.base = path.resolve().parent

    def parse(self) -> AppConfig:
        self._reject_unknown_keys()
        vehicle = self._table("vehicle", required=True)
        branding, branding_error = self._branding()
        return AppConfig(
            source=self.path,
            profile_path=self._profile(vehicle),
            dbc_path=tuple(self._folder_list(vehicle, "vehicle.dbc_path")),
            simulate=self._boolean(vehicle, "vehicle.simulate", False),
            can=self._can(),
            obd=self._obd(),
            gps=self._gps(),
            platform=self._platform(),
            data_dir=self._data_dir(),
            storage_budget_mb=self._budget(),
            features=self._features(),
            branding=branding,
            branding_error=branding_error,
            language=self._language(),
        )

    # Tables

    def _reject_unknown_keys(self) -> None:
        for name, value in self.document.items():
            if name not in self.KNOWN_KEYS:
                raise self._error(
                    name, value,
                    f"a table among {', '.join(self.KNOWN_KEYS)}", what="unknown table",
                )
            if name == "branding":
                continue  # Checked by _branding, whose faults do not stop the vehicle.
            if not isinstance(value, dict):
                raise self._error(name, value, "a table")
            for key in value:
                if key not in self.KNOWN_KEYS[name]:
                    raise self._error(
                        f"{name}.{key}", value[key],
                        f"one of the keys {', '.join(self.KNOWN_KEYS[name])}",
                        what="unknown key",
                    )

    def _table(self, name: str, required: bool = False) -> dict[str, Any]:
        table = self.document.get(name)
        if table is None:
            if required:
                raise ConfigError(self.path, f"[{name}]", "missing table")
            return {}
        return table

    def _profile(self, vehicle: dict[str, Any]) -> Path:
        name = self._string(vehicle, "vehicle.profile", required=True)
        assert name is not None
        candidate = self._path(name)
        if candidate.is_file():
            return candidate
        # A bare name such as "demo-ev" picks a profile shipped with the app.
        bundled = assets.PROFILES_DIR / Path(name).with_suffix(".toml").name
        if "/" not in name and bundled.is_file():
            return bundled
        raise self._error(
            "vehicle.profile", name,
            "an existing profile file or the name of a bundled profile "
            f"({', '.join(sorted(p.stem for p in assets.PROFILES_DIR.glob('*.toml')))})",
            what="profile not found",
        )

    def _can(self) -> CanSettings:
        table = self._table("can")
        return CanSettings(
            interface=self._string(table, "can.interface"),
            channel=self._string(table, "can.channel"),
        )

    def _obd(self) -> ObdSettings | None:
        table = self._table("obd")
        port = self._string(table, "obd.port")
        if not port:
            return None
        baudrate = self._integer(table, "obd.baudrate", minimum=1)
        protocol = self._string(table, "obd.protocol")
        if protocol is not None and not re.fullmatch(r"[1-9A-C]", protocol):
            raise self._error(
                "obd.protocol", protocol, 'an ELM327 protocol id from "1" to "C"'
            )
        return ObdSettings(
            port=port,
            baudrate=DEFAULT_OBD_BAUDRATE if baudrate is None else baudrate,
            protocol=protocol,
        )

    def _gps(self) -> GpsSettings | None:
        address = self._string(self._table("gps"), "gps.gpsd")
        if not address:
            return None
        host, _, port_text = address.rpartition(":")
        if not host:
            host, port_text = address, str(DEFAULT_GPSD_PORT)
        host = host.strip("[]")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise self._error("gps.gpsd", address, "HOST:PORT with a port from 1 to 65535")
        return GpsSettings(host=host, port=int(port_text))

    def _platform(self) -> PlatformSettings | None:
        table = self._table("platform")
        url = self._string(table, "platform.url")
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self._error("platform.url", url, "an http:// or https:// URL")
        ca_text = self._string(table, "platform.ca_bundle")
        ca_bundle = self._path(ca_text) if ca_text else None
        if ca_bundle is not None and not ca_bundle.is_file():
            raise self._error(
                "platform.ca_bundle", ca_text, "an existing PEM file",
                what="file not found",
            )
        return PlatformSettings(url=url.rstrip("/"), ca_bundle=ca_bundle)

    def _data_dir(self) -> Path:
        text = self._string(self._table("storage"), "storage.data_dir")
        return self._path(text) if text else default_data_dir()

    def _budget(self) -> int:
        budget = self._integer(self._table("storage"), "storage.budget_mb", minimum=16)
        return DEFAULT_STORAGE_BUDGET_MB if budget is None else budget

    def _features(self) -> FeatureSettings:
        table = self._table("features")
        defaults = FeatureSettings()
        return FeatureSettings(
            dtc_clearing=self._boolean(table, "features.dtc_clearing", defaults.dtc_clearing),
            clips=self._boolean(table, "features.clips", defaults.clips),
        )

    def _branding(self) -> tuple[Branding, ConfigError | None]:
        """Return the brand, or the default brand and why the table is invalid.

        A bad brand is a configuration error that leaves the vehicle inputs
        running, so it is returned for the UI to show instead of raised.
        """
        try:
            return branding_from_table(self._table("branding"), self.path), None
        except BrandingError as error:
            return Branding(), ConfigError(self.path, error.key, error.reason)

    def _language(self) -> str:
        language = self._string(self._table("ui"), "ui.language")
        if language is None:
            return DEFAULT_LANGUAGE
        if language not in LANGUAGES:
            raise self._error("ui.language", language, f"one of {', '.join(LANGUAGES)}")
        return language

    # Values

    def _string(
        self, table: dict[str, Any], key: str, required: bool = False
    ) -> str | None:
        value = table.get(key.rpartition(".")[2])
        if value is None:
            if required:
                raise ConfigError(self.path, key, "missing key; expected a string")
            return None
        if not isinstance(value, str):
            raise self._error(key, value, "a string")
        return value

    def _integer(
        self, table: dict[str, Any], key: str, minimum: int
    ) -> int | None:
        value = table.get(key.rpartition(".")[2])
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._error(key, value, "an integer")
        if value < minimum:
            raise self._error(key, value, f"an integer of at least {minimum}")
        return value

    def _boolean(self, table: dict[str, Any], key: str, default: bool) -> bool:
        value = table.get(key.rpartition(".")[2])
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._error(key, value, "true or false")
        return value

    def _folder_list(self, table: dict[str, Any], key: str) -> list[Path]:
        value = table.get(key.rpartition(".")[2], [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._error(key, value, "a folder or a list of folders")
        folders = [self._path(text) for text in value]
        for text, folder in zip(value, folders):
            if not folder.is_dir():
                raise self._error(key, text, "an existing folder", what="folder not found")
        return folders

    def _path(self, text: str) -> Path:
        """Resolve ``text`` against the configuration file's folder."""
        return self.base / Path(text).expanduser()

    def _error(
        self, key: str, value: Any, expected: str, what: str = "invalid value"
    ) -> ConfigError:
        return ConfigError(self.path, key, f"{what} {value!r}; expected {expected}")
