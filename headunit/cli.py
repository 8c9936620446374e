"""The ``headunit`` command: run the UI, replay recordings, list trips."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from typing import TYPE_CHECKING

import assets
from headunit import logs, oemcli
from headunit.paths import default_db_path
from headunit.tripconfig import (
    DEFAULT_PARKED_TIMEOUT_S,
    TripConfigError,
    TripSettings,
    add_trip_settings_option,
    load_trip_settings,
)
from headunit.simulate_cli import add_demo_scenario_option, add_simulate_parser
from vehicle.gps_source import DEFAULT_GPSD_PORT, parse_gpsd_address

# The vehicle and storage stacks are imported inside the commands, so that
# `headunit run` shows its first frame before loading them.
if TYPE_CHECKING:
    from vehicle.cansource import BusOverride
    from headunit.app import HeadUnit
    from sync.triplog import TripSummary
    from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

EXIT_CONFIG_ERROR = 2


#: Commands that show the UI: their parser leaves out the tools' commands,
#: whose modules import the storage and sync stacks, so the window comes up
#: sooner.
UI_COMMANDS = ("run", "gallery")


def main(argv: Sequence[str] | None = None) -> int:
    tokens = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser(with_tools=_command_name(tokens) not in UI_COMMANDS)
    args = parser.parse_args(tokens)
    logs.configure(args.log_level)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_CONFIG_ERROR
    return args.handler(args)


def _command_name(tokens: list[str]) -> str | None:
    """Return the subcommand in ``tokens``, skipping global options and their values."""
    skip_value = False
    for token in tokens:
        if skip_value:
            skip_value = False
        elif token == "--log-level":
            skip_value = True
        elif not token.startswith("-"):
            return token
    return None


def _build_parser(with_tools: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="headunit",
        description="Car-owner community head unit: drive screen, trip log, tips.",
    )
    parser.add_argument(
        "--log-level", default="INFO",
        choices=["TRACE", "DEBUG", "INFO", "WARNING", "ERROR"],
        help="lowest level of log messages written to stderr (default: INFO)",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = commands.add_parser(
        "run", help="start the touchscreen UI (no arguments: the built-in demo)"
    )
    _add_vehicle_options(run, profile_required=False)
    run.add_argument("--replay", type=Path, metavar="LOG",
                     help="feed the UI from a recorded CAN log instead of a bus")
    run.add_argument("--speed", type=float, default=1.0,
                     help="replay speed as a multiple of real time (default: 1)")
    run.add_argument("--stop-at", type=float, metavar="SECONDS",
                     help="end the replay after this many seconds of the recording")
    run.add_argument("--time-scale", type=float, default=1.0,
                     help="demo only: simulated seconds per real second (default: 1)")
    _add_bus_override_options(run)
    run.add_argument("--screenshot", type=Path, metavar="PNG",
                     help="render the window offscreen to this PNG once the input "
                          "has settled, then exit")
    run.add_argument("--screen", choices=["drive", "trips", "community", "settings"],
                     default="drive",
                     help="screen shown first (default: drive)")
    run.add_argument("--size", default="1280x720", metavar="WxH",
                     help="window size in pixels (default: 1280x720)")
    run.add_argument("--settle", type=float, default=3.0, metavar="SECONDS",
                     help="with --screenshot: longest wait for the input, in "
                          "seconds (default: 3)")
    run.add_argument("--language", default=None, choices=["zh_CN", "en"],
                     help="UI language (default: the one the driver chose on "
                          "the settings screen, else the configuration's, else "
                          "zh_CN)")
    run.add_argument("--diagonal", type=float, metavar="INCHES",
                     help="screen diagonal in inches, for the size of a dp "
                          "(default: the usual panel of the --size resolution)")
    run.add_argument("--quit-after-first-frame", action="store_true",
                     help="exit once the first frame is rendered (start-up timing)")
    _add_gpsd_option(run)
    _add_obd_options(run)
    add_demo_scenario_option(run)
    oemcli.add_config_option(run)
    run.set_defaults(handler=_run)
    _add_gallery_parser(commands)

    replay = commands.add_parser(
        "replay", help="replay a recorded CAN log without UI and print what it decodes"
    )
    replay.add_argument("log", type=Path, metavar="LOG",
                        help="recorded CAN log (candump -l .log, .asc, .blf, .trc, ...)")
    _add_vehicle_options(replay, profile_required=True)
    replay.add_argument("--speed", type=float, default=None,
                        help="replay speed as a multiple of real time "
                             "(default: as fast as possible)")
    _add_log_timezone_option(replay)
    replay.set_defaults(handler=_replay)

    trips = commands.add_parser("trips", help="the driving experience log")
    trip_commands = trips.add_subparsers(title="trip commands", metavar="COMMAND")
    listing = trip_commands.add_parser("list", help="list recorded trips, newest first")
    listing.add_argument("--db", type=Path, default=None,
                         help=f"database file (default: {default_db_path()})")
    listing.add_argument("--limit", type=int, default=50, help="most trips listed")
    listing.set_defaults(handler=_trips_list)
    if with_tools:
        from headunit import tripcli

        tripcli.add_trip_commands(trip_commands)

    config = commands.add_parser("config", help="check configuration files")
    config_commands = config.add_subparsers(title="config commands", metavar="COMMAND")
    check = config_commands.add_parser(
        "check",
        help="load the application configuration, or a profile, with its DBCs "
             "and report the first error",
    )
    check.add_argument("profile", type=Path, nargs="?", metavar="FILE",
                       help="application configuration or vehicle profile (TOML); "
                            "which one is told from its tables")
    check.add_argument("--dbc-path", type=Path, action="append", default=[],
                       metavar="DIR", help="folder to search for DBC files (repeatable)")
    oemcli.add_config_option(check)
    check.set_defaults(handler=_config_check)

    oemcli.add_doctor_command(commands)
    add_simulate_parser(commands, _resolve_profile)
    if with_tools:
        from headunit.content_cli import add_content_parser
        from headunit.sync_cli import add_sync_parser

        add_content_parser(commands)
        add_sync_parser(commands)
    return parser


def _add_vehicle_options(parser: argparse.ArgumentParser, profile_required: bool) -> None:
    parser.add_argument(
        "--profile", type=Path, required=profile_required,
        help="vehicle profile (TOML); a name without a folder is looked up among "
             "the bundled profiles" + ("" if profile_required else " (default: demo)"),
    )
    parser.add_argument("--dbc-path", type=Path, action="append", default=[],
                        metavar="DIR",
                        help="folder to search for the profile's DBC files before "
                             "the profile's own folder (repeatable)")
    parser.add_argument("--db", type=Path, default=None,
                        help=f"database file (default: {default_db_path()})")
    parser.add_argument("--parked-timeout", type=float, default=None,
                        metavar="SECONDS",
                        help="standstill in P after which a trip ends (default: "
                             f"{DEFAULT_PARKED_TIMEOUT_S:.0f}, or the trip settings)")
    add_trip_settings_option(parser)


def _trip_settings(args: argparse.Namespace) -> TripSettings:
    try:
        return load_trip_settings(args.trip_settings)
    except TripConfigError as error:
        print(f"headunit: {error}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG_ERROR) from None


def _add_gpsd_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gpsd", type=_gpsd_address, metavar="HOST:PORT",
        help="read the position from gpsd at this address, such as "
             f"127.0.0.1:{DEFAULT_GPSD_PORT} (default: no GPS)",
    )


def _gpsd_address(text: str) -> tuple[str, int]:
    try:
        return parse_gpsd_address(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_obd_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--obd-port", metavar="PORT",
        help="ELM327 adapter to poll over OBD-II: a serial device such as "
             "/dev/rfcomm0, or a pyserial URL such as socket://127.0.0.1:35000 "
             "(default: the profile's [obd] port; none: no OBD-II)",
    )


def _resolve_profile(path: Path | None) -> Path:
    if path is None:
        return assets.DEMO_PROFILE
    if not path.exists() and path.parent == Path("."):
        bundled = assets.PROFILES_DIR / path.with_suffix(".toml").name
        if bundled.exists():
            return bundled
    return path


def _add_gallery_parser(commands: argparse._SubParsersAction) -> None:
    gallery = commands.add_parser(
        "gallery",
        help="render every screen parked and moving, by day and night, at each "
             "supported resolution, without and with an OEM brand, check them "
             "against the driving rules and write the PNGs with an index.html; "
             "exit 1 on any problem",
    )
    gallery.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                         help="folder for the PNGs and index.html")
    gallery.add_argument("--size", action="append", metavar="WxH", default=[],
                         help="render only this resolution (repeatable; "
                              "default: 1280x720, 1920x720 and 1024x600)")
    gallery.add_argument("--branding", type=Path, metavar="FILE",
                         help="configuration file whose [branding] table the "
                              "branded pass shows (default: the sample brand "
                              "in assets/branding)")
    gallery.set_defaults(handler=_gallery)


def _gallery(args: argparse.Namespace) -> int:
    sizes = []
    for text in args.size:
        try:
            width, height = (int(part) for part in text.lower().split("x"))
        except ValueError:
            print(f"headunit: --size must look like 1280x720, got {text!r}",
                  file=sys.stderr)
            return EXIT_CONFIG_ERROR
        sizes.append((width, height))
    branding = None
    if args.branding is not None:
        from headunit.branding import BrandingError, load_branding

        try:
            branding = load_branding(args.branding)
        except BrandingError as error:
            print(f"headunit: {error}", file=sys.stderr)
            return EXIT_CONFIG_ERROR
    from headunit import gui

    return gui.gallery(args.out_dir, sizes or None, branding)


def _run(args: argparse.Namespace) -> int:
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        print(f"headunit: --size must look like 1280x720, got {args.size!r}",
              file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        overrides = _bus_overrides(args.interface, args.channel)
    except ValueError as error:
        print(f"headunit: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR

    trip_settings = _trip_settings(args)

    def build() -> HeadUnit:
        if args.profile is None and args.replay is None:
            # No vehicle options: the configuration file, else the built-in demo.
            headunit = oemcli.configured_headunit(args, trip_settings)
        else:
            headunit = _headunit_from_options(args, overrides, trip_settings)
        oemcli.log_start(headunit)
        return headunit

    # The brand is in the first frame, so it is read before the rest of the
    # configuration. Vehicle options given on the command line replace the
    # configuration, and its brand with it.
    if args.profile is None and args.replay is None:
        branding = oemcli.configured_branding(args.config)
    else:
        branding = None

    # The only place outside ui/ that imports it, so the commands without a
    # screen never load Qt.
    from headunit import gui

    return oemcli.run_logged(
        lambda: gui.run(
            build,
            screenshot=args.screenshot,
            screen=args.screen,
            size=(width, height),
            settle_s=args.settle,
            language=args.language,
            diagonal_in=args.diagonal,
            quit_after_first_frame=args.quit_after_first_frame,
            branding=branding,
        )
    )


def _headunit_from_options(
    args: argparse.Namespace,
    overrides: dict[str, BusOverride],
    trip_settings: TripSettings,
) -> HeadUnit:
    from headunit.app import DEFAULT_LANGUAGE, HeadUnit, InputConfig
    from vehicle.cansource import BusOverride

    profile = _resolve_profile(args.profile)
    if args.replay is not None:
        inputs = InputConfig(
            kind="replay", replay_path=args.replay, replay_speed=args.speed,
            replay_stop_at_s=args.stop_at,
        )
    else:
        inputs = InputConfig(
            kind="bus", bus_override=overrides.pop("", BusOverride()),
            bus_overrides=overrides,
        )
    inputs.gpsd = args.gpsd
    inputs.obd_port = args.obd_port
    return HeadUnit(
        profile,
        args.db or default_db_path(),
        inputs=inputs,
        dbc_search_path=tuple(args.dbc_path),
        language=args.language or DEFAULT_LANGUAGE,
        parked_timeout_s=args.parked_timeout,
        trip_settings=trip_settings,
    )


def _replay(args: argparse.Namespace) -> int:
    from headunit.app import HeadUnit, InputConfig

    profile_path = _resolve_profile(args.profile)
    if not args.log.is_file():
        print(f"headunit: recording {args.log} not found", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    headunit = HeadUnit(
        profile_path,
        args.db or default_db_path(),
        inputs=InputConfig(kind="replay", replay_path=args.log, replay_speed=args.speed,
                           replay_timezone=args.log_timezone),
        dbc_search_path=tuple(args.dbc_path),
        parked_timeout_s=args.parked_timeout,
        trip_settings=_trip_settings(args),
    )
    if headunit.config_errors:
        for error in headunit.config_errors:
            print(f"headunit: {error}", file=sys.stderr)
        headunit.store.close()
        return EXIT_CONFIG_ERROR

    printer = _SecondPrinter()
    headunit.state.add_observer(printer.on_updates)
    started = time.perf_counter()
    headunit.start()
    headunit.input_done.wait()
    elapsed = time.perf_counter() - started
    printer.flush()
    _print_replay_counts(headunit, elapsed)
    trips = [headunit.trip_log.get(trip_id) for trip_id in headunit.recorder.trip_ids]
    headunit.stop()
    print(f"trips recorded: {len(trips)}")
    for trip in trips:
        print("  " + _format_trip(trip))
    return 0


class _SecondPrinter:
    """Print the latest decoded value of each signal once per recorded second."""

    def __init__(self) -> None:
        self._second: int | None = None
        self._start: float | None = None
        self._values: dict[str, object] = {}

    def on_updates(self, updates: list[SignalUpdate]) -> None:
        for update in updates:
            if self._start is None:
                self._start = update.timestamp
            second = int(update.timestamp - self._start)
            if self._second is not None and second != self._second:
                self.flush()
            self._second = second
            self._values[update.path] = update.value

    def flush(self) -> None:
        from vehicle import vss

        if self._second is None or not self._values:
            return
        parts = []
        for path in sorted(self._values):
            unit = vss.CATALOGUE[path].unit
            value = self._values[path]
            text = f"{value:.6g}" if isinstance(value, float) else str(value)
            parts.append(f"{path}={text}" + (f" {unit}" if unit else ""))
        print(f"{self._second:5d} s  " + "  ".join(parts))
        self._values = {}


def _print_replay_counts(headunit: HeadUnit, elapsed_s: float) -> None:
    assert headunit.decoder is not None
    stats = headunit.decoder.stats
    result = headunit.replay_result
    frames = result.frames if result else stats.frames
    print(f"frames read: {frames}")
    print(f"frames decoded: {stats.decoded}")
    unmapped = ", ".join(f"{frame_id:#x}" for frame_id in sorted(stats.unmapped_ids))
    print(f"frames skipped, ID not used by the profile: {stats.unmapped}"
          + (f" ({unmapped})" if unmapped else ""))
    print(f"error frames skipped: {stats.error_frames}")
    for kind, count in sorted(stats.bus_errors.items()):
        print(f"  {kind}: {count}")
    print(f"remote frames skipped: {stats.remote_frames}")
    print(f"frames that failed to decode: {stats.faults}")
    if result is not None:
        print(f"unreadable log lines skipped: {result.skipped_lines}")
        print(f"frames on a channel of no profile bus: {result.unknown_channel}")
    rate = frames / elapsed_s if elapsed_s > 0 else 0.0
    print(f"replay time: {elapsed_s:.3f} s ({rate:,.0f} frames/s)")


def _format_trip(trip: TripSummary) -> str:
    started = datetime.fromtimestamp(trip.started_at).strftime("%Y-%m-%d %H:%M:%S")
    parts = [
        started,
        f"{trip.distance_m / 1000:.2f} km",
        f"{trip.duration_s / 60:.1f} min",
        f"avg {trip.avg_speed_kmh:.1f} km/h",
        f"top {trip.max_speed_kmh:.1f} km/h",
    ]
    if trip.energy_used_kwh is not None:
        parts.append(f"{trip.energy_used_kwh:.2f} kWh")
    if trip.fuel_used_l is not None:
        parts.append(f"{trip.fuel_used_l:.2f} L")
    parts.append(trip.status if trip.status != "closed" else f"ended: {trip.end_reason}")
    return "  ".join(parts) + f"  [{trip.id[:8]}]"


def _trips_list(args: argparse.Namespace) -> int:
    from sync.store import Store
    from sync.triplog import TripLog

    store = Store(args.db or default_db_path())
    try:
        trips = TripLog(store).recent(args.limit)
    finally:
        store.close()
    if not trips:
        print("no trips recorded")
        return 0
    for trip in trips:
        print(_format_trip(trip))
    return 0


def _config_check(args: argparse.Namespace) -> int:
    if args.config is not None or args.profile is None or oemcli.is_app_config(args.profile):
        return oemcli.check_app_config(args.config or args.profile)
    from vehicle.candecode import CanDecoder
    from vehicle.dbc import DbcError
    from vehicle.profile import ProfileError, load_profile

    try:
        profile = load_profile(args.profile)
        decoder = CanDecoder(profile, tuple(args.dbc_path), skip_broken_buses=True)
    except (ProfileError, DbcError) as error:
        print(f"headunit: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    for error in decoder.errors:
        print(f"headunit: {error}", file=sys.stderr)
    if decoder.errors:
        return EXIT_CONFIG_ERROR
    for name, loaded in decoder.dbcs.items():
        print(f"bus {name}: {loaded.path} ({len(loaded.database.messages)} messages)")
        _check_bitrate(name, loaded.nominal_bitrate, profile.buses[name].bitrate)
    print(f"profile {profile.source}: {profile.name}, {len(profile.signals)} signals mapped")
    return 0


def _add_bus_override_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--interface", action="append", default=[], metavar="[BUS=]INTERFACE",
        help="python-can interface instead of the profile's, for every bus or, "
             "with BUS=, for that bus only (repeatable)",
    )
    parser.add_argument(
        "--channel", action="append", default=[], metavar="[BUS=]CHANNEL",
        help="CAN channel instead of the profile's, for every bus or, with "
             "BUS=, for that bus only (repeatable)",
    )


def _bus_overrides(interfaces: list[str], channels: list[str]) -> dict[str, BusOverride]:
    """Parse --interface and --channel values into overrides by bus name.

    The key "" holds the values given without a bus name.
    """
    if not interfaces and not channels:
        # Skips importing python-can, which `headunit run` defers until
        # after its first frame.
        return {}
    from vehicle.cansource import BusOverride

    overrides: dict[str, BusOverride] = {}
    for values, attribute in ((interfaces, "interface"), (channels, "channel")):
        for value in values:
            bus, separator, setting = value.partition("=")
            if not separator:
                bus, setting = "", value
            if not setting:
                raise ValueError(f"--{attribute} {value!r} names no {attribute}")
            setattr(overrides.setdefault(bus, BusOverride()), attribute, setting)
    return overrides


def _add_log_timezone_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-timezone", type=_timezone, default=None, metavar="ZONE",
        help="time zone of the start time in an ASC log's header: UTC, an "
             "offset such as +08:00, or a name such as Asia/Shanghai "
             "(default: this machine's local time)",
    )


def _timezone(text: str) -> tzinfo:
    if text.upper() in ("UTC", "Z"):
        return timezone.utc
    if text[:1] in "+-":
        try:
            hours, _, minutes = text[1:].partition(":")
            offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid UTC offset {text!r}") from None
        return timezone(-offset if text[0] == "-" else offset)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"unknown time zone {text!r}") from None


def _check_bitrate(bus: str, dbc_bitrate: int | None, bus_bitrate: int | None) -> None:
    if dbc_bitrate is None:
        return
    print(f"bus {bus}: DBC nominal bit rate {dbc_bitrate}")
    if bus_bitrate is not None and bus_bitrate != dbc_bitrate:
        print(f"headunit: warning: bus {bus} runs at {bus_bitrate} bit/s, but its DBC "
              f"declares {dbc_bitrate} bit/s", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
