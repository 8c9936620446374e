"""The ``headunit sync`` command: pair, sync, consent and the owner's data."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

import segno

from headunit.paths import default_data_dir, default_db_path
from headunit.platform_sync import CREDENTIALS_FILE, PlatformSync
from sync.client import PlatformError, TransientError
from sync.engine import SyncConfig
from sync.pairing import PairingError
from sync.privacy import Consent, HiddenPlace
from sync.store import Store

EXIT_FAILED = 1
EXIT_USAGE = 2


def add_sync_parser(commands: argparse._SubParsersAction) -> None:
    """Add ``headunit sync`` and its subcommands to the top-level parser."""
    sync = commands.add_parser("sync", help="sync with the community platform")
    sync.add_argument("--db", type=Path, default=None,
                      help=f"database file (default: {default_db_path()})")
    sync.add_argument("--credentials", type=Path, default=None,
                      help="credentials file of the pairing (default: "
                           f"{CREDENTIALS_FILE} beside the database)")
    sync.add_argument("--model", default=None,
                      help="car model whose community figures are pulled")
    sync.set_defaults(handler=_run)
    sub = sync.add_subparsers(title="sync commands", metavar="COMMAND")

    run = sub.add_parser("run", help="sync now until nothing is pending (the default)")
    run.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                     help="give up waiting for the platform after this long (default: 120)")
    run.set_defaults(handler=_run)

    sub.add_parser("status", help="print the sync status").set_defaults(handler=_status)

    pair = sub.add_parser("pair", help="pair with an owner account (device code and QR)")
    pair.add_argument("--platform", required=True, metavar="URL",
                      help="platform address, such as http://127.0.0.1:8765")
    pair.set_defaults(handler=_pair)

    sub.add_parser("sign-out", help="revoke and forget the pairing").set_defaults(
        handler=_sign_out)

    consent = sub.add_parser("consent", help="choose what leaves the car")
    consent.add_argument("level", choices=[level.value for level in Consent],
                         help="nothing; summaries (trip and charging figures, no "
                              "positions); traces (summaries, trimmed positions and "
                              "the coarse grid cell of charging places)")
    consent.add_argument("--trim", type=float, metavar="METRES",
                         help="cut positions this close to a trip's start and end "
                              "(default: 500)")
    consent.add_argument("--monthly-budget-mb", type=float, metavar="MB",
                         help="mobile data per month after which traces wait")
    consent.set_defaults(handler=_consent)

    places = sub.add_parser("hidden-place", help="places around which no position is sent")
    place_commands = places.add_subparsers(title="hidden place commands", metavar="COMMAND")
    add = place_commands.add_parser("add", help="hide a place, such as home or work")
    add.add_argument("name")
    add.add_argument("latitude", type=float)
    add.add_argument("longitude", type=float)
    add.add_argument("--radius", type=float, default=1000.0, metavar="METRES",
                     help="radius of the hidden circle (default: 1000)")
    add.set_defaults(handler=_place_add)
    place_commands.add_parser("list", help="list hidden places").set_defaults(
        handler=_place_list)
    remove = place_commands.add_parser("remove", help="stop hiding a place")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=_place_remove)

    export = sub.add_parser("export", help="download everything the platform stores about you")
    export.add_argument("file", type=Path, help="JSON file to write")
    export.set_defaults(handler=_export)

    sub.add_parser(
        "delete-my-data",
        help="delete trips and charging sessions here and on the platform (on the "
             "platform at the next sync)",
    ).set_defaults(handler=_delete)


def _open(args: argparse.Namespace) -> tuple[Store, PlatformSync]:
    db_path = args.db or default_db_path()
    credentials = args.credentials or (
        db_path.parent / CREDENTIALS_FILE if args.db else default_data_dir() / CREDENTIALS_FILE)
    store = Store(db_path)
    return store, PlatformSync(store, credentials, model=args.model, config=SyncConfig())


def _run(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        stop = threading.Event()
        timer = threading.Timer(getattr(args, "timeout", 120.0), stop.set)
        timer.daemon = True
        timer.start()
        platform.engine.drain(stop=stop)
        timer.cancel()
        status = platform.status
        print(f"sync: {status.message()}")
        if status.last_error:
            print(f"last error: {status.last_error}")
        return 0 if status.state == "synced" else EXIT_FAILED
    finally:
        store.close()


def _status(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        status = platform.status
        paired = platform.engine.client is not None
        print(f"paired: {'yes' if paired else 'no'}")
        print(f"consent: {status.consent}")
        print(f"pending uploads: {status.pending}")
        print(f"mobile data this month: {platform.privacy.data_used() / 1e6:.2f} MB of "
              f"{platform.privacy.monthly_budget_bytes / 1e6:.0f} MB")
        return 0
    finally:
        store.close()


def _pair(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        pairing, authorization = platform.start_pairing(args.platform)
        print(f"Open {authorization.verification_uri} and enter the code "
              f"{authorization.user_code}, or scan:")
        segno.make(authorization.verification_uri_complete).terminal(compact=True)
        platform.finish_pairing(pairing, authorization)
        print("paired")
        return 0
    except PairingError as error:
        print(f"headunit: pairing failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    except PlatformError as error:
        print(f"headunit: platform not reachable: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()


def _sign_out(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        platform.sign_out()
        print("signed out")
        return 0
    finally:
        store.close()


def _consent(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        platform.privacy.set_consent(args.level)
        if args.trim is not None:
            platform.privacy.set_trim_m(args.trim)
        if args.monthly_budget_mb is not None:
            platform.privacy.set_monthly_budget_bytes(int(args.monthly_budget_mb * 1e6))
        print(f"consent: {args.level}")
        return 0
    except ValueError as error:
        print(f"headunit: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.close()


def _place_add(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        place_id = platform.privacy.add_hidden_place(
            HiddenPlace(args.name, args.latitude, args.longitude, args.radius))
        print(f"hidden place {place_id}: {args.name}, {args.radius:.0f} m")
        return 0
    except ValueError as error:
        print(f"headunit: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.close()


def _place_list(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        for place in platform.privacy.hidden_places():
            print(f"{place.id}  {place.name}  {place.latitude:.5f}, {place.longitude:.5f}  "
                  f"{place.radius_m:.0f} m")
        return 0
    finally:
        store.close()


def _place_remove(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        platform.privacy.remove_hidden_place(args.id)
        return 0
    finally:
        store.close()


def _export(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        client = platform.engine.client
        if client is None:
            print("headunit: not paired; run headunit sync pair first", file=sys.stderr)
            return EXIT_FAILED
        try:
            _, data = client.request("GET", "/me/export")
        except (TransientError, PlatformError) as error:
            print(f"headunit: export failed: {error}", file=sys.stderr)
            return EXIT_FAILED
        args.file.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        sessions = len(data.get("charging_sessions", []))
        print(f"wrote {args.file}: {len(data['trips'])} trips, {sessions} charging sessions")
        return 0
    finally:
        store.close()


def _delete(args: argparse.Namespace) -> int:
    store, platform = _open(args)
    try:
        platform.delete_my_data()
        platform.engine.drain(max_passes=3)
        print("deleted on the head unit; platform: " + platform.status.message())
        return 0
    finally:
        store.close()
