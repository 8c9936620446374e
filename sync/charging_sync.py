"""Charging sessions to the platform, charging tariffs from it.

Closed sessions that ended after the owner chose to share are queued in
the outbox as "charging" items, and their payload is built when they are
sent, so the consent at that moment decides what leaves the car:

* with "summaries", the figures, the cost and the currency, but no place
  and no tariff name (a configured name such as "home night" reveals
  where the car charged);
* with "traces", for a session that ended after the owner chose traces,
  also the centre of the coarse grid cell of the place and the tariff
  name, unless the place lies inside a hidden place.

The exact position never leaves the car. Tariffs are pulled for the
coarse cell of the car's position and cached per cell; an invalid tariff
is skipped, and an invalid reply keeps the cache as it was.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from typing import Any

from sync.client import PlatformClient, RejectedError
from sync.privacy import Consent, Privacy, coarse_cell, distance_m
from sync.store import Store

logger = logging.getLogger(__name__)

#: Outbox item ids of charging sessions: this prefix and the session id.
ITEM_PREFIX = "charging-"
HOUR_MINUTE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class ChargingSync:
    """Queue charging sessions for upload, build their bodies, and cache tariffs."""

    def __init__(self, store: Store, privacy: Privacy) -> None:
        self.store = store
        self.privacy = privacy
        #: Count of invalid tariff replies and tariffs per kind of fault.
        self.tariff_faults: Counter[str] = Counter()

    def collect(self, since: float) -> int:
        """Queue closed sessions that ended at or after ``since`` and return how many."""
        with self.store.write() as db:
            before = db.execute("select count(*) from outbox").fetchone()[0]
            db.execute(
                "insert or ignore into outbox (id, kind, ref, state, created_at, attempts) "
                "select ? || id, 'charging', id, 'pending', "
                "coalesce(ended_at, started_at), 0 from charging_sessions "
                "where status = 'closed' and coalesce(ended_at, started_at) >= ?",
                [ITEM_PREFIX, since],
            )
            after = db.execute("select count(*) from outbox").fetchone()[0]
        return after - before

    def payload(self, session_id: str, model: str | None) -> dict[str, Any] | None:
        """Build the upload body of a session, or None when it is gone from the car."""
        rows = self.store.query("select * from charging_sessions where id = ?", [session_id])
        if not rows:
            return None
        session = rows[0]
        cell = self.shared_cell(session)
        currency = session["currency"] or None
        return {
            "id": session["id"],
            "model": model or session["vehicle"],
            "started_at": session["started_at"],
            "ended_at": max(session["ended_at"] or session["started_at"],
                            session["started_at"]),
            "end_reason": session["end_reason"],
            "charge_type": session["charge_type"],
            "start_soc_percent": session["start_soc_percent"],
            "end_soc_percent": session["end_soc_percent"],
            "energy_added_kwh": session["energy_added_kwh"],
            "energy_source": session["energy_source"],
            "cell_latitude": None if cell is None else cell[0],
            "cell_longitude": None if cell is None else cell[1],
            "cost": session["cost"],
            "currency": currency,
            "tariff": session["tariff"] if cell is not None else None,
        }

    def shared_cell(self, session: dict[str, Any]) -> tuple[float, float] | None:
        """Return the coarse cell of the session's place if the owner shares it."""
        latitude, longitude = session["latitude"], session["longitude"]
        if latitude is None or longitude is None:
            return None
        if self.privacy.consent is not Consent.TRACES:
            return None
        traces_since = self.privacy.traces_since
        ended_at = session["ended_at"] or session["started_at"]
        if traces_since is None or ended_at < traces_since:
            return None
        for place in self.privacy.hidden_places():
            if distance_m(latitude, longitude, place.latitude, place.longitude) <= place.radius_m:
                return None
        return coarse_cell(latitude, longitude)

    def pull_tariffs(self, client: PlatformClient, cell: tuple[float, float],
                     radius_km: float, now: float) -> int:
        """Fetch the tariffs around ``cell`` into the cache; return how many were stored.

        Raises the client's ``TransientError`` when the platform cannot be
        reached. A rejected request or an invalid reply is logged once per
        kind and leaves the cache as it was, and the next pass requests them again.
        """
        lat, lon = cell
        try:
            _, reply = client.request(
                "GET", "/tariffs",
                params={"lat": lat, "lon": lon, "radius_km": radius_km}, auth=False,
            )
        except RejectedError as error:
            self._report("rejected", "platform rejected the tariff request: %s", error)
            return 0
        tariffs = reply.get("tariffs") if isinstance(reply, dict) else None
        if not isinstance(tariffs, list):
            self._report("invalid reply", "invalid tariff reply from the platform: "
                         "expected an object with a list 'tariffs'; cache kept")
            return 0
        valid = []
        for tariff in tariffs:
            problem = tariff_problem(tariff)
            if problem is None:
                valid.append(tariff)
            else:
                self._report("invalid tariff", "invalid tariff from the platform skipped: %s",
                             problem)
        area = f"{lat},{lon}"
        with self.store.write() as db:
            db.execute("delete from cached_tariffs where area = ?", [area])
            for tariff in valid:
                db["cached_tariffs"].insert(
                    {"id": tariff["id"], "tariff": json.dumps(tariff), "area": area,
                     "fetched_at": now}, replace=True)
        return len(valid)

    def _report(self, kind: str, message: str, *args: object) -> None:
        self.tariff_faults[kind] += 1
        if self.tariff_faults[kind] == 1:
            logger.warning(message + " (further faults of this kind are counted)", *args)


def tariff_problem(tariff: Any) -> str | None:
    """Return why a tariff from the platform is unusable, or None if it is valid."""
    if not isinstance(tariff, dict):
        return f"expected an object, got {type(tariff).__name__}"
    for key in ("id", "name", "currency"):
        if not isinstance(tariff.get(key), str) or not tariff[key]:
            return f"missing or empty {key!r}"
    bounds = {"price_per_kwh": (0, 100), "latitude": (-90, 90), "longitude": (-180, 180),
              "radius_m": (0, 50_000)}
    for key, (low, high) in bounds.items():
        value = tariff.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{tariff['id']}: {key!r} is not a number"
        if not math.isfinite(value) or not low <= value <= high:
            return f"{tariff['id']}: {key!r} = {value} outside {low}..{high}"
    if tariff["radius_m"] <= 0:
        return f"{tariff['id']}: 'radius_m' must be positive"
    starts, ends = tariff.get("starts"), tariff.get("ends")
    if (starts is None) != (ends is None):
        return f"{tariff['id']}: 'starts' and 'ends' go together"
    for value in (starts, ends):
        if value is not None and not (isinstance(value, str) and HOUR_MINUTE.match(value)):
            return f"{tariff['id']}: expected HH:MM, got {value!r}"
    if tariff.get("charge_type") not in (None, "AC", "DC"):
        return f"{tariff['id']}: expected AC, DC or null, got {tariff.get('charge_type')!r}"
    return None


def cached_tariffs(store: Store) -> list[dict[str, Any]]:
    """Tariffs pulled from the platform, as received, ordered by id."""
    rows = store.query("select tariff from cached_tariffs order by id")
    return [json.loads(row["tariff"]) for row in rows]
