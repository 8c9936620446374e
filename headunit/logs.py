"""Logging set-up for the head unit's programs; only the CLI calls it."""

from __future__ import annotations

import logging
import sys

#: Below DEBUG: one line per CAN frame, off unless asked for.
TRACE = 5


def configure(level: str = "INFO") -> None:
    """Send log records to stderr, where systemd's journal collects them."""
    logging.addLevelName(TRACE, "TRACE")
    numeric = TRACE if level.upper() == "TRACE" else getattr(logging, level.upper())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    # python-OBD adds a stderr handler of its own when imported (the CLI
    # imports it before calling this); its records reach the root handler
    # anyway, so keeping both would print every line twice.
    logging.getLogger("obd").handlers.clear()
