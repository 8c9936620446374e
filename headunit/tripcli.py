"""The ``headunit trips`` subcommands beyond ``list``: show, export, logbook, charging.

Every command opens the database with its own connection and reads in
short transactions, so it is safe to run on a head unit that is recording.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, TextIO

from headunit.paths import default_db_path
from sync import tripexport
from sync.store import Store
from sync.triplog import TripLog, TripSummary

EXIT_USAGE = 2
EXPORTERS = {
    "gpx": tripexport.write_gpx,
    "csv": tripexport.write_csv,
    "json": tripexport.write_json,
}


def add_trip_commands(trip_commands: argparse._SubParsersAction) -> None:
    """Add show, export, logbook and charging to the ``trips`` command."""
    show = trip_commands.add_parser(
        "show", help="one trip: summary, energy split, events and gaps"
    )
    show.add_argument("trip", help="trip id or its first characters, as `list` shows")
    _add_db_option(show)
    show.set_defaults(handler=_show)

    export = trip_commands.add_parser(
        "export", help="export trips as GPX 1.1, CSV samples or JSON"
    )
    export.add_argument("--format", choices=sorted(EXPORTERS), default="gpx",
                        help="output format (default: gpx)")
    _add_selection_options(export)
    export.set_defaults(handler=_export)

    logbook = trip_commands.add_parser(
        "logbook", help="driver's logbook as CSV: purpose and distance per trip, "
                        "totals per purpose"
    )
    _add_selection_options(logbook)
    logbook.set_defaults(handler=_logbook)

    charging = trip_commands.add_parser("charging", help="list charging sessions")
    charging.add_argument("--limit", type=int, default=50,
                          help="maximum number of sessions listed, newest first")
    _add_db_option(charging)
    charging.set_defaults(handler=_charging)


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help=f"database file (default: {default_db_path()})")


def _add_selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trip", nargs="?",
                        help="one trip id or its first characters; without it, "
                             "--from/--to or --all choose the trips")
    parser.add_argument("--from", dest="first_day", type=date.fromisoformat,
                        metavar="YYYY-MM-DD", help="first day (local time), inclusive")
    parser.add_argument("--to", dest="last_day", type=date.fromisoformat,
                        metavar="YYYY-MM-DD", help="last day (local time), inclusive")
    parser.add_argument("--all", action="store_true", help="every recorded trip")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="file to write (default: standard output)")
    _add_db_option(parser)


def _open(args: argparse.Namespace) -> tuple[Store, TripLog]:
    store = Store(args.db or default_db_path())
    return store, TripLog(store)


def _select(log: TripLog, args: argparse.Namespace) -> list[TripSummary]:
    if args.trip:
        return [log.find(args.trip)]
    if args.first_day or args.last_day:
        first = args.first_day or date(1970, 1, 2)
        last = args.last_day or date.today()
        start = datetime.combine(first, datetime.min.time()).timestamp()
        end = datetime.combine(last + timedelta(days=1), datetime.min.time()).timestamp()
        return log.trips_between(start, end)
    if args.all:
        return log.trips_between(float("-inf"), float("inf"))
    raise KeyError("name a trip, a range with --from/--to, or --all")


def _export(args: argparse.Namespace) -> int:
    store, log = _open(args)
    try:
        try:
            trips = _select(log, args)
        except KeyError as error:
            print(f"headunit: {error.args[0]}", file=sys.stderr)
            return EXIT_USAGE
        progress = _progress_bar(sys.stderr) if sys.stderr.isatty() else None
        with _output(args.output) as out:
            EXPORTERS[args.format](log, trips, out, progress)
        if progress:
            sys.stderr.write("\n")
    finally:
        store.close()
    if args.output is not None:
        print(f"exported {len(trips)} trips to {args.output}", file=sys.stderr)
    return 0


def _logbook(args: argparse.Namespace) -> int:
    store, log = _open(args)
    try:
        try:
            trips = _select(log, args)
        except KeyError as error:
            print(f"headunit: {error.args[0]}", file=sys.stderr)
            return EXIT_USAGE
        with _output(args.output) as out:
            tripexport.write_logbook(log, trips, out)
    finally:
        store.close()
    return 0


def _show(args: argparse.Namespace) -> int:
    store, log = _open(args)
    try:
        try:
            trip = log.find(args.trip)
        except KeyError as error:
            print(f"headunit: {error.args[0]}", file=sys.stderr)
            return EXIT_USAGE
        events = log.events(trip.id)
        gaps = log.gaps(trip.id)
    finally:
        store.close()
    started = datetime.fromtimestamp(trip.started_at)
    print(f"trip {trip.id}  {started:%Y-%m-%d %H:%M:%S}  {trip.status}"
          + (f" ({trip.end_reason})" if trip.end_reason else ""))
    print(f"  distance {trip.distance_m / 1000:.2f} km in {trip.duration_s / 60:.1f} min, "
          f"avg {trip.avg_speed_kmh:.1f} km/h, top {trip.max_speed_kmh:.1f} km/h")
    if trip.energy_used_kwh is not None:
        line = f"  energy {trip.energy_used_kwh:.3f} kWh"
        if trip.consumption_kwh_per_100km is not None:
            line += f", {trip.consumption_kwh_per_100km:.1f} kWh/100 km"
        if trip.car_consumption_kwh_per_100km is not None:
            line += f" (car shows {trip.car_consumption_kwh_per_100km:.1f})"
        print(line)
        split = [("driving", trip.energy_driving_kwh), ("climate", trip.energy_climate_kwh),
                 ("standby", trip.energy_standby_kwh)]
        print("  split " + ", ".join(f"{name} {value:.3f} kWh"
                                     for name, value in split if value is not None))
    if trip.fuel_used_l is not None:
        print(f"  fuel {trip.fuel_used_l:.2f} L")
    for event in events:
        moment = datetime.fromtimestamp(event["t"])
        detail = event["detail"] or {}
        extra = " ".join(f"{key}={value}" for key, value in detail.items())
        value = "" if event["value"] is None else f" {event['value']}"
        print(f"  event {moment:%H:%M:%S} {event['kind']}{value} {extra}".rstrip())
    for gap in gaps:
        moment = datetime.fromtimestamp(gap["start_t"])
        length = gap["end_t"] - gap["start_t"]
        distance = "" if gap["distance_km"] is None else f", {gap['distance_km']:.2f} km"
        print(f"  gap {moment:%H:%M:%S} {gap['kind']} {length:.1f} s{distance}")
    return 0


def _charging(args: argparse.Namespace) -> int:
    store, log = _open(args)
    try:
        sessions = log.charging_sessions()[-args.limit:]
    finally:
        store.close()
    if not sessions:
        print("no charging sessions recorded")
        return 0
    for session in reversed(sessions):
        started = datetime.fromtimestamp(session.started_at)
        parts = [f"{started:%Y-%m-%d %H:%M}", session.charge_type or "?"]
        if session.duration_s is not None:
            parts.append(f"{session.duration_s / 60:.0f} min")
        if session.start_soc_percent is not None and session.end_soc_percent is not None:
            parts.append(f"{session.start_soc_percent:.0f}->{session.end_soc_percent:.0f} %")
        if session.energy_added_kwh is not None:
            parts.append(f"{session.energy_added_kwh:.2f} kWh")
        if session.cost is not None:
            parts.append(f"{session.cost:.2f} {session.currency or ''} ({session.tariff})")
        parts.append(session.status)
        print("  ".join(parts) + f"  [{session.id[:8]}]")
    return 0


class _output:
    """Standard output or a file, as a context manager."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.handle: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        self.handle = self.path.open("w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def _progress_bar(stream: TextIO, width: int = 30) -> Callable[[int, int], None]:
    """Return a progress callback that redraws one line on ``stream``."""
    last_draw = [0.0]

    def draw(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last_draw[0] < 0.1:
            return
        last_draw[0] = now
        share = done / total if total else 1.0
        filled = round(width * share)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] "
                     f"{done}/{total} samples")
        stream.flush()

    return draw
