"""The platform address and access token of a paired head unit.

Kept in a JSON file that only the head unit's user may read (mode 0600),
written to a temporary file and renamed, so a power cut leaves either the
old or the new file. The token never appears in a repr or a log line.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Credentials:
    platform_url: str
    access_token: str

    def __repr__(self) -> str:
        return f"Credentials(platform_url={self.platform_url!r}, access_token=<hidden>)"


class TokenStore:
    """The credentials file; absent while the head unit is not paired."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def load(self) -> Credentials | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Credentials(str(data["platform_url"]), str(data["access_token"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.error("credentials file %s is unreadable (%s); pair again",
                         self.path, type(error).__name__)
            return None

    def save(self, credentials: Credentials) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        if temporary.exists():
            temporary.unlink()
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            # The mode given to open() is reduced by the umask; set it exactly.
            os.fchmod(handle.fileno(), 0o600)
            json.dump({"platform_url": credentials.platform_url,
                       "access_token": credentials.access_token}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        logger.info("paired with %s; credentials saved to %s",
                    credentials.platform_url, self.path)

    def clear(self) -> None:
        try:
            self.path.unlink()
            logger.info("signed out; credentials removed from %s", self.path)
        except FileNotFoundError:
            pass
