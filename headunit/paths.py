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


def find_config_file(
    explicit: Path | None = None, system_file: Path = SYSTEM_CONFIG_FILE
) -> Path | None:
    """Return the configuration file to read, or ``None`` for the built-in demo.

    ``explicit`` (the ``--config`` option) wins, then ``$HEADUNIT_CONFIG``,
    then ``system_file`` if it exists. A file named by the option or the
    variable must exist, so a typo there is an error, not the demo.
    """
    if explicit is not None:
        return explicit
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    if system_file.exists():
        return system_file
    return None
