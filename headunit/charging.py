"""Charging sessions of an electric car, each its own entry in the log.

A session starts when ``...Charging.IsCharging`` turns true and ends when
it turns false or the input stays silent for the parked timeout. Energy
added is the integral of the battery's charging power (negative
``CurrentPower``) where the profile maps it, else the change of state of
charge times the battery capacity (``energy_source`` says which). The
running figures are stored every ``PERSIST_INTERVAL_S``, so a power cut
keeps all but the last stretch. After an app restart, the session left
open continues when charging is reported within the parked timeout of
its last stored figures, else it is closed as ``recovered``.

One tariff prices the whole session. It is chosen at the start by
place, local time of day and AC or DC. The most specific configured
tariff that matches wins, else the most specific matching tariff pulled
from the platform. Without either, the session has no cost.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from datetime import datetime, time
from typing import Any, Callable, Sequence

from headunit.tripconfig import Tariff, TripSettings, most_specific_tariff
from headunit.tripwriter import TripWriter
from vehicle import vss
from vehicle.profile import VehicleProfile
from sync.charging_sync import cached_tariffs
from sync.store import Store
from sync.triplog import ChargingSession
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

#: How often the running figures of a session are stored, in seconds.
PERSIST_INTERVAL_S = 30.0
#: Longest gap between two power values that is integrated, in seconds.
MAX_INTEGRATION_GAP_S = 10.0


class ChargingRecorder:
    """Turn charging signals into charging sessions. Thread-safe."""

    def __init__(
        self,
        writer: TripWriter,
        profile: VehicleProfile,
        settings: TripSettings,
        platform_tariffs: Callable[[], Sequence[Tariff]] | None = None,
    ) -> None:
        """``platform_tariffs`` returns the tariffs pulled from the platform."""
        self._writer = writer
        self._platform_tariffs = platform_tariffs or (lambda: ())
        self._profile = profile
        self.settings = settings
        self._lock = threading.Lock()
        self.session_id: str | None = None
        self.sessions_version = 0
        self._started_at = 0.0
        self._start_soc: float | None = None
        self._soc: float | None = None
        self._charge_type: str | None = None
        self._position: tuple[float | None, float | None] = (None, None)
        self._energy_kwh = 0.0
        self._last_power: tuple[float, float] | None = None
        self._last_t = 0.0
        self._persisted_at = 0.0
        self._pending_resume: ChargingSession | None = None

    @property
    def charging(self) -> bool:
        return self.session_id is not None

    def adopt_open_sessions(self, sessions: list[ChargingSession]) -> None:
        """Take over sessions an earlier run left open; the newest may continue."""
        with self._lock:
            for session in sessions[:-1]:
                self._close_unfinished(session)
            self._pending_resume = sessions[-1] if sessions else None

    def on_updates(self, updates: list[SignalUpdate]) -> None:
        """Observe a batch of updates; may start, update or end a session."""
        with self._lock:
            if self._pending_resume is not None:
                self._resume_or_close(updates)
            for update in updates:
                self._on_update(update)
            if self.session_id is not None and self._last_t - self._persisted_at >= (
                PERSIST_INTERVAL_S
            ):
                self._persisted_at = self._last_t
                self._writer.submit(
                    "update_charging", session_id=self.session_id, values=self._figures()
                )

    def tick(self, now: float) -> None:
        """End the session when the input has been silent for the parked timeout."""
        with self._lock:
            if self.session_id and now - self._last_t >= self.settings.parked_timeout_s:
                self._close("input silent")

    def finish(self, reason: str) -> None:
        """Close the running session at shutdown or at the end of the input."""
        with self._lock:
            if self._pending_resume is not None:
                self._close_unfinished(self._pending_resume)
                self._pending_resume = None
            if self.session_id is not None:
                self._close(reason)

    def _resume_or_close(self, updates: list[SignalUpdate]) -> None:
        pending = self._pending_resume
        assert pending is not None
        first_t = min(update.timestamp for update in updates)
        last_t = pending.ended_at if pending.ended_at is not None else pending.started_at
        if not 0 <= first_t - last_t <= self.settings.parked_timeout_s:
            self._pending_resume = None
            self._close_unfinished(pending)
            return
        charging = next(
            (bool(u.value) for u in updates if u.path == vss.IS_CHARGING), None
        )
        if charging is None:
            return  # decide on a batch that carries the charging state
        self._pending_resume = None
        if not charging:
            self._close_unfinished(pending)
            return
        self.session_id = pending.id
        self._started_at = pending.started_at
        self._start_soc = pending.start_soc_percent
        self._charge_type = pending.charge_type
        self._position = (pending.latitude, pending.longitude)
        self._energy_kwh = pending.energy_added_kwh or 0.0
        self._last_power = None
        self._persisted_at = first_t
        logger.info("charging session %s continues after a restart of %.1f s",
                    pending.id, first_t - last_t)
        self.sessions_version += 1

    def _close_unfinished(self, session: ChargingSession) -> None:
        logger.warning("charging session %s was not closed; closing it with its "
                       "last stored figures", session.id)
        self._writer.submit("close_charging", session_id=session.id,
                            end_reason="recovered", values={})
        self.sessions_version += 1

    def _on_update(self, update: SignalUpdate) -> None:
        path, value, t = update
        if t > self._last_t:
            self._last_t = t
        if path == vss.SOC_DISPLAYED:
            self._soc = _number(value)
        elif path == vss.CHARGING_TYPE:
            if value in ("AC", "DC"):
                self._charge_type = value
        elif path == vss.LATITUDE:
            self._position = (_number(value), self._position[1])
        elif path == vss.LONGITUDE:
            self._position = (self._position[0], _number(value))
        elif path == vss.BATTERY_POWER and self.session_id is not None:
            self._integrate(t, _number(value))
        elif path == vss.IS_CHARGING:
            charging = bool(value)
            if charging and self.session_id is None:
                self._start(t)
            elif not charging and self.session_id is not None:
                self._close("charging stopped")

    def _start(self, t: float) -> None:
        self.session_id = uuid.uuid4().hex
        self._started_at = t
        self._start_soc = self._soc
        self._energy_kwh = 0.0
        self._last_power = None
        self._persisted_at = t
        latitude, longitude = self._position
        self._writer.submit(
            "start_charging",
            vehicle=self._profile.vehicle_id,
            started_at=t,
            soc_percent=self._soc,
            charge_type=self._charge_type,
            latitude=latitude,
            longitude=longitude,
            session_id=self.session_id,
        )
        self.sessions_version += 1

    def _integrate(self, t: float, power_w: float | None) -> None:
        if power_w is None:
            return
        if self._last_power is not None:
            t0, p0 = self._last_power
            dt = t - t0
            if 0 < dt <= MAX_INTEGRATION_GAP_S:
                # Charging power is negative: energy flows into the pack.
                self._energy_kwh += -(p0 + power_w) / 2 * dt / 3_600_000
        self._last_power = (t, power_w)

    def _figures(self) -> dict[str, Any]:
        figures: dict[str, Any] = {
            "ended_at": self._last_t,
            "end_soc_percent": self._soc,
            "charge_type": self._charge_type,
        }
        if self._last_power is not None:
            figures["energy_added_kwh"] = round(self._energy_kwh, 4)
            figures["energy_source"] = "power"
        elif (
            self._soc is not None
            and self._start_soc is not None
            and self._profile.battery_capacity_kwh
        ):
            added = (self._soc - self._start_soc) / 100 * self._profile.battery_capacity_kwh
            figures["energy_added_kwh"] = round(max(added, 0.0), 4)
            figures["energy_source"] = "state of charge"
        return figures

    def _read_platform_tariffs(self) -> Sequence[Tariff]:
        # A failed read prices this session without platform tariffs, so
        # the session still closes with its figures.
        try:
            return self._platform_tariffs()
        except (sqlite3.Error, KeyError, TypeError, ValueError) as error:
            logger.warning("platform tariffs could not be read, so charging session %s "
                           "is priced without them: %s", self.session_id, error)
            return ()

    def _close(self, reason: str) -> None:
        assert self.session_id is not None
        figures = self._figures()
        energy = figures.get("energy_added_kwh")
        latitude, longitude = self._position
        started = datetime.fromtimestamp(self._started_at)
        tariff = self.settings.tariff_for(started, latitude, longitude, self._charge_type)
        if tariff is None:
            tariff = most_specific_tariff(
                self._read_platform_tariffs(), started, latitude, longitude,
                self._charge_type,
            )
        if tariff is not None and energy is not None:
            figures.update(
                cost=round(energy * tariff.price_per_kwh, 2),
                currency=tariff.currency,
                tariff=tariff.name,
            )
        self._writer.submit(
            "close_charging", session_id=self.session_id, end_reason=reason, values=figures
        )
        self.session_id = None
        self._charge_type = None
        self.sessions_version += 1


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def platform_tariffs(store: Store) -> list[Tariff]:
    """Return the tariffs pulled from the platform as ``Tariff`` values.

    The sync pass checked each one before caching it.
    """
    tariffs = []
    for entry in cached_tariffs(store):
        start = end = None
        if entry.get("starts") is not None:
            start = time.fromisoformat(entry["starts"])
            end = time.fromisoformat(entry["ends"])
        tariffs.append(Tariff(
            name=f"{entry['operator']} {entry['name']}" if entry.get("operator")
            else entry["name"],
            price_per_kwh=float(entry["price_per_kwh"]),
            currency=entry["currency"],
            start=start,
            end=end,
            latitude=float(entry["latitude"]),
            longitude=float(entry["longitude"]),
            radius_m=float(entry["radius_m"]),
            charge_type=entry.get("charge_type"),
        ))
    return tariffs
