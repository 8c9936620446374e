"""The ``headunit content check`` command: check community content documents.

Content editors and the platform run it on a folder of documents in the
bundle's format before publishing them. Every malformed item is logged as
the head unit would skip it, and the exit status is non-zero if any was.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

import assets
from headunit import clubs, content, ratings, service, tips

#: Content kinds and the parser that checks one item of each.
PARSERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "tips": tips.parse_tip,
    "clubs": clubs.parse_club,
    "events": clubs.parse_event,
    "workshops": service.parse_workshop,
    "dtc_experiences": service.parse_experience,
    "model_stats": ratings.parse_model_stats,
}
EXIT_INVALID_CONTENT = 2


def add_content_parser(commands: argparse._SubParsersAction) -> None:
    """Add the ``content`` command and its ``check`` subcommand."""
    content_parser = commands.add_parser("content", help="community content documents")
    content_commands = content_parser.add_subparsers(
        title="content commands", metavar="COMMAND"
    )
    check = content_commands.add_parser(
        "check", help="check every document in a folder and count skipped items"
    )
    check.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=assets.CONTENT_DIR,
        help="folder of KIND.json documents (default: the bundled content)",
    )
    check.set_defaults(handler=check_content)


def check_content(args: argparse.Namespace) -> int:
    """Print the items accepted and skipped per kind; return 2 if any was skipped."""
    source = content.BundledContent(args.folder)
    skipped_total = 0
    for kind, parse in PARSERS.items():
        items = source.items(kind)
        accepted = content.parse_items(kind, items, parse)
        skipped = len(items) - len(accepted)
        skipped_total += skipped
        print(f"{kind}: {len(accepted)} items, {skipped} skipped")
    return EXIT_INVALID_CONTENT if skipped_total else 0
