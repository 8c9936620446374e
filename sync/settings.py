"""Key-value settings of the head unit in the store's ``settings`` table."""

from __future__ import annotations

from sync.store import Store


class Settings:
    """Typed access to the ``settings`` table; each write is one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str, default: str | None = None) -> str | None:
        rows = self.store.query("select value from settings where key = ?", [key])
        return rows[0]["value"] if rows else default

    def get_float(self, key: str, default: float) -> float:
        value = self.get(key)
        return default if value is None else float(value)

    def set(self, key: str, value: object) -> None:
        with self.store.write() as db:
            db["settings"].insert({"key": key, "value": str(value)}, replace=True)

    def delete(self, key: str) -> None:
        with self.store.write() as db:
            db.execute("delete from settings where key = ?", [key])
