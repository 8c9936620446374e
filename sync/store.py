"""The head unit's SQLite database: trips, samples and settings.

One file on disk, opened through sqlite-utils in WAL mode. The head unit
loses power without warning, so every write is one short transaction that
starts with ``BEGIN IMMEDIATE``: writers queue on the busy timeout instead
of failing halfway, and a reader's old snapshot never blocks a later write.
The schema is versioned by named migrations that run when the store opens.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from sync.schema import MIGRATIONS, SCHEMA_VERSION

logger = logging.getLogger(__name__)

#: How long a connection waits for another writer before it gives up, in ms.
BUSY_TIMEOUT_MS = 10_000


class StoreError(RuntimeError):
    """The database could not be opened or written."""


class Store:
    """Access to the head unit's database; safe to share between threads.

    The connection is guarded by a lock, so writes from the recorder thread
    and reads from the UI thread never interleave inside one transaction.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None stops Python's sqlite3 from opening deferred
        # transactions on its own; write() opens every transaction explicitly.
        connection = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        self._lock = threading.RLock()
        self.db = sqlite_utils.Database(connection)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.enable_wal()
        # In WAL mode NORMAL keeps the database consistent after a power cut;
        # only the last commits before the cut may be rolled back.
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        with self._lock:
            applied = MIGRATIONS.pending(self.db)
            MIGRATIONS.apply(self.db)
        for migration in applied:
            logger.info("applied database migration %s to %s", migration.name, self.path)

    @property
    def schema_version(self) -> int:
        """Number of schema migrations applied to this database."""
        return len(MIGRATIONS.applied(self.db))

    def close(self) -> None:
        """Close the connection; the WAL is checkpointed by SQLite."""
        with self._lock:
            self.db.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """Run the block as one ``BEGIN IMMEDIATE`` transaction."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """Hold the connection for several reads that belong together."""
        with self._lock:
            yield self.db

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Run a read-only query and return its rows as dicts."""
        with self._lock:
            return list(self.db.query(sql, params))

    def integrity_check(self) -> str:
        """Return SQLite's integrity report: ``"ok"`` for a sound database."""
        with self._lock:
            return self.db.execute("PRAGMA integrity_check").fetchone()[0]


__all__ = ["Store", "StoreError", "SCHEMA_VERSION"]
