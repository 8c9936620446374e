"""The driver's UI choices (language, units, theme), kept in the store.

They live in the database's ``settings`` table under ``ui.`` keys, so they
survive a restart of the head unit. Unknown values read back are ignored.
"""

from __future__ import annotations

import logging

from sync.store import Store

logger = logging.getLogger(__name__)

#: Preference names and the values each may take.
ALLOWED = {
    "language": ("zh_CN", "en"),
    "units": ("metric", "imperial"),
    "theme_mode": ("auto", "day", "night"),
}
_PREFIX = "ui."


def load_preferences(store: Store) -> dict[str, str]:
    """Return the saved preferences; a value that is not allowed is skipped and logged."""
    rows = store.query(
        "SELECT key, value FROM settings WHERE key LIKE ?", (_PREFIX + "%",)
    )
    preferences = {}
    for row in rows:
        name = row["key"][len(_PREFIX) :]
        if row["value"] in ALLOWED.get(name, ()):
            preferences[name] = row["value"]
        else:
            logger.warning(
                "ignored saved setting %s=%r: expected one of %s",
                row["key"],
                row["value"],
                ", ".join(ALLOWED.get(name, ())) or "no value (unknown setting)",
            )
    return preferences


def save_preference(store: Store, name: str, value: str) -> None:
    """Save one preference; raise ``ValueError`` for an unknown name or value."""
    if value not in ALLOWED.get(name, ()):
        raise ValueError(f"invalid UI setting {name}={value!r}")
    with store.write() as db:
        db["settings"].upsert({"key": _PREFIX + name, "value": value}, pk="key")
