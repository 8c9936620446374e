"""Command-line parts for integrators: ``--config``, ``config check FILE``, ``doctor``.

``headunit.cli`` builds the parser and calls in here, so the commands that
read the application configuration live next to each other.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tomllib
from pathlib import Path
from typing import Callable

from typing import TYPE_CHECKING

from headunit import journal, watchdog
from headunit.branding import Branding
from headunit.paths import CONFIG_ENV, SYSTEM_CONFIG_FILE

# The configuration, doctor and vehicle stacks load inside the commands, so
# building the parser stays cheap and `headunit run` reaches its first
# frame sooner.
if TYPE_CHECKING:
    from headunit.app import HeadUnit
    from headunit.config import AppConfig
    from headunit.tripconfig import TripSettings

logger = logging.getLogger(__name__)

EXIT_FAILED_CHECK = 1
EXIT_CONFIG_ERROR = 2
#: How long doctor waits for CAN frames, the adapter and a GPS fix, in seconds.
DOCTOR_TIMEOUT_S = 3.0


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, metavar="FILE",
        help=f"application configuration (TOML); default: ${CONFIG_ENV}, then "
             f"{SYSTEM_CONFIG_FILE}, else the built-in demo",
    )


def add_doctor_command(commands: argparse._SubParsersAction) -> None:
    doctor_parser = commands.add_parser(
        "doctor",
        help="check the bus, DBC, adapter, gpsd, database, platform, token, "
             "fonts and branding; exit 1 when a check fails",
    )
    add_config_option(doctor_parser)
    doctor_parser.add_argument(
        "--timeout", type=float, default=DOCTOR_TIMEOUT_S, metavar="SECONDS",
        help="wait for CAN frames, the adapter and a GPS fix, in seconds "
             f"(default: {DOCTOR_TIMEOUT_S:g})",
    )
    doctor_parser.set_defaults(handler=run_doctor)


def is_app_config(path: Path) -> bool:
    """Tell an application configuration from a vehicle profile by its tables.

    A profile has ``[buses]``; an application configuration names its
    profile in ``[vehicle] profile``. Unreadable files count as
    configurations, so their error is reported by ``load_config``.
    """
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return True
    vehicle = document.get("vehicle")
    return "buses" not in document and isinstance(vehicle, dict) and "profile" in vehicle


def check_app_config(path: Path | None) -> int:
    """Load a configuration, its profile and DBCs; print a summary or the error."""
    from headunit.config import ConfigError, check_profile, resolve_config
    from vehicle.candecode import CanDecoder
    from vehicle.dbc import DbcError
    from vehicle.profile import ProfileError

    try:
        config = resolve_config(path)
        profile = check_profile(config)
        decoder = CanDecoder(profile, config.dbc_path)
    except ConfigError as error:
        print(f"headunit: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except (ProfileError, DbcError) as error:
        print(f"headunit: {config.source or 'built-in demo'}: vehicle.profile: {error}",
              file=sys.stderr)
        return EXIT_CONFIG_ERROR
    if config.branding_error is not None:
        print(f"headunit: {config.branding_error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    print(f"configuration {config.source or 'built-in demo (no file found)'}: ok")
    for name, loaded in decoder.dbcs.items():
        print(f"bus {name}: {loaded.path} ({len(loaded.database.messages)} messages)")
    print(f"profile {profile.source}: {profile.name}, {len(profile.signals)} signals mapped")
    for line in describe(config):
        print(line)
    return 0


def describe(config: AppConfig) -> list[str]:
    """Return one line per setting group, as ``config check`` prints them."""
    can = config.can
    bus = "simulated car" if config.simulate else (
        f"{can.interface or 'profile'} {can.channel or 'profile'}"
    )
    obd = f"{config.obd.port} at {config.obd.baudrate} Bd" if config.obd else "not configured"
    gps = f"{config.gps.host}:{config.gps.port}" if config.gps else "not configured"
    platform = config.platform.url if config.platform else "not configured (offline)"
    features = ", ".join(
        f"{name} {'on' if on else 'off'}"
        for name, on in (
            ("DTC clearing", config.features.dtc_clearing),
            ("clips", config.features.clips),
        )
    )
    return [
        f"can: {bus}",
        f"obd adapter: {obd}",
        f"gpsd: {gps}",
        f"platform: {platform}",
        f"data: {config.data_dir}, budget {config.storage_budget_mb} MiB",
        f"features: {features}",
        f"branding: {describe_branding(config.branding)}",
        f"language: {config.language}",
    ]


def describe_branding(branding: Branding) -> str:
    """Return the brand in one line, as ``config check`` and ``doctor`` print it."""
    if branding.is_default:
        return "not set (the product's own name, colours and no logo)"
    return ", ".join(
        [
            branding.name or "no name",
            f"primary colour {branding.primary_colour or 'not set'}",
            f"accent colour {branding.accent_colour or 'not set'}",
            f"logo {branding.logo}" if branding.logo else "no logo",
        ]
    )


def configured_branding(explicit: Path | None) -> Branding:
    """Read only the ``[branding]`` table of the configuration file, if one is found.

    Cheap enough to run before the first frame. A faulty table gives the
    default brand without a message here: ``resolve_config`` reports the
    same fault when the head unit is built, and the UI shows it.
    """
    from headunit.branding import BrandingError, load_branding
    from headunit.paths import find_config_file

    path = find_config_file(explicit)
    if path is None:
        return Branding()
    try:
        return load_branding(path)
    except BrandingError:
        return Branding()


def run_doctor(args: argparse.Namespace) -> int:
    from headunit import doctor
    from headunit.config import ConfigError, resolve_config

    try:
        # The configuration row checks the profile and its DBCs, so a
        # missing DBC does not hide the other rows.
        config = resolve_config(args.config, check_dbcs=False)
    except ConfigError as error:
        results = doctor.config_error_results(error)
    else:
        results = doctor.run_checks(doctor.Context(config, timeout_s=args.timeout))
    print(doctor.format_table(results))
    return EXIT_FAILED_CHECK if doctor.failed(results) else 0


def configured_headunit(
    args: argparse.Namespace, trip_settings: TripSettings | None = None
) -> HeadUnit:
    """Build the head unit from the configuration file; options given win over it.

    A configuration that does not load still gives a head unit: the screens
    start without vehicle input and show the error.
    """
    from headunit.app import HeadUnit
    from headunit.config import ConfigError, find_config_file, resolve_config

    path = find_config_file(args.config)
    try:
        config = resolve_config(args.config)
    except ConfigError as error:
        logger.error(
            "configuration %s not loaded: %s", path, error,
            extra={"message_id": journal.MESSAGE_ID_CONFIG_ERROR},
        )
        return HeadUnit.without_vehicle(
            error, db_path=args.db, language=args.language,
            parked_timeout_s=args.parked_timeout, trip_settings=trip_settings,
        )
    headunit = HeadUnit.from_config(
        config, db_path=args.db, language=args.language,
        parked_timeout_s=args.parked_timeout, trip_settings=trip_settings,
    )
    headunit.inputs.time_scale = args.time_scale
    gpsd = getattr(args, "gpsd", None)
    if gpsd is not None:
        headunit.inputs.gpsd = gpsd
    headunit.inputs.scenario = getattr(args, "scenario", None)
    return headunit


def log_start(headunit: HeadUnit) -> None:
    """Write the journal's start record for a head unit about to run."""
    config = headunit.config
    logger.info(
        "head unit starting: configuration %s, profile %s, database %s",
        config.source or "built-in demo", headunit.profile.name, headunit.store.path,
        extra={"message_id": journal.MESSAGE_ID_START},
    )


def run_logged(run: Callable[[], int]) -> int:
    """Run the UI, write the journal's stop record, then tell systemd."""
    status = 1
    try:
        status = run()
    finally:
        watchdog.stopping()
        logger.info(
            "head unit stopped with exit status %d", status,
            extra={"message_id": journal.MESSAGE_ID_STOP},
        )
    return status
