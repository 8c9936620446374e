"""The ``headunit-platform`` command: serve the reference platform."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from pathlib import Path
from typing import Sequence

OPENAPI_FILE = Path(__file__).with_name("openapi.json")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="headunit-platform",
        description="Reference community platform that implements the head unit's sync API.",
    )
    parser.add_argument("--database-url", default="sqlite:///platform.db",
                        help="SQLAlchemy URL: sqlite:///FILE (default: sqlite:///platform.db) "
                             "or postgresql://USER@HOST:PORT/DB")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="serve the sync API and the pairing page")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8765, help="TCP port (default: 8765)")
    serve.add_argument("--demo-content", action="store_true",
                       help="publish a few demo tips and club events if there are none")
    serve.add_argument("--rate", type=float, default=20.0,
                       help="requests per second a client may send on average (default: 20)")
    serve.set_defaults(handler=_serve)

    owner = commands.add_parser("add-owner", help="create an owner account")
    owner.add_argument("email")
    owner.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input instead of a prompt")
    owner.set_defaults(handler=_add_owner)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document of the API")
    openapi.add_argument("--write", action="store_true",
                         help=f"write it to {OPENAPI_FILE.name} in the package instead")
    openapi.set_defaults(handler=_openapi)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.handler(args))


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from platform_server.app import ServerConfig, create_app

    config = ServerConfig(database_url=args.database_url, rate_per_s=args.rate,
                          seed_demo_content=args.demo_content)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info")
    return 0


def _add_owner(args: argparse.Namespace) -> int:
    from platform_server import accounts, storage

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
    try:
        owner_id = accounts.create_owner(storage.connect(args.database_url), args.email, password)
    except accounts.AccountError as error:
        print(f"headunit-platform: {error}", file=sys.stderr)
        return 2
    print(f"owner {owner_id} created: {args.email}")
    return 0


def openapi_text() -> str:
    """Return the OpenAPI document as the committed file stores it."""
    from platform_server.app import create_app
    from platform_server import storage

    document = create_app(engine=storage.connect("sqlite://")).openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _openapi(args: argparse.Namespace) -> int:
    text = openapi_text()
    if args.write:
        OPENAPI_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {OPENAPI_FILE}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
