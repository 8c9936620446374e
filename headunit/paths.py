"""Default locations of the head unit's data and configuration."""

from __future__ import annotations

import os
from pathlib import Path

#: Configuration file read when neither ``--config`` nor the variable is set.
SYSTEM_CONFIG_FILE = Path("/etc/headunit/headunit.toml")
#: Environment variable naming the configuration file.
CONFIG_ENV = "HEADUNIT_CONFIG"


def default_data_dir() -> Path:
    """``$HEADUNIT_DATA_DIR``, else ``$XDG_DATA_HOME/headunit``, else ``~/.local/share/headunit``."""
    explicit = os.environ.get("HEADUNIT_DATA_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "headunit"


def default_db_path() -> Path:
    return default_data_dir() / "headunit.db"
