"""Wiring of the OBD-II source into the head unit.

The source pushes into ``VehicleState`` like the CAN source. It learns
from the state whether the car is parked (for clearing DTCs) and, when
the profile names one, whether the ignition is on. The VIN it reads is
kept in the settings table of the head unit's database, beside the trips.
"""

from __future__ import annotations

import dataclasses
import logging

from headunit.state import STOPPED_SPEED_KMH, VehicleState
from sync.store import Store
from vehicle import vss
from vehicle.obd_config import ObdConfig
from vehicle.obd_plan import mask_vin
from vehicle.obd_source import ObdSource
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

VIN_SETTING = "vehicle.vin"
#: ``Vehicle.LowVoltageSystemState`` values that mean the ignition is on.
IGNITION_ON_STATES = {"ON", "START"}


def build_obd_source(
    config: ObdConfig | None, port: str | None, state: VehicleState, store: Store
) -> ObdSource | None:
    """Return the OBD-II source for ``config``, with ``port`` overriding its port.

    Returns None when neither the profile nor the command line names an
    adapter.
    """
    if config is None and port is None:
        return None
    if config is None:
        config = ObdConfig(port=port)  # type: ignore[arg-type]
    elif port is not None:
        config = dataclasses.replace(config, port=port)
    keeper = VinKeeper(store)
    state.add_observer(keeper.on_updates)
    return ObdSource(
        config,
        state.update,
        ignition=_ignition_reader(state, config.ignition_path),
        is_parked=lambda: is_parked(state),
    )


def is_parked(state: VehicleState) -> bool:
    """Return whether the car stands still: speed known and near zero.

    When the gear is known, it must be park as well.
    """
    speed = state.value(vss.SPEED)
    if speed is None or state.moving or float(speed) >= STOPPED_SPEED_KMH:
        return False
    gear = state.value(vss.SELECTED_GEAR)
    return gear is None or gear == vss.GEAR_PARK


def _ignition_reader(state: VehicleState, path: str | None):  # noqa: ANN202
    if path is None:
        return None

    def ignition() -> bool | None:
        value = state.value(path)
        if value is None:
            return None
        if isinstance(value, str):
            return value.upper() in IGNITION_ON_STATES
        return bool(value)

    return ignition


class VinKeeper:
    """Store the VIN in the database when the OBD-II source reads a new one."""

    def __init__(self, store: Store) -> None:
        self._store = store
        rows = store.query("SELECT value FROM settings WHERE key = ?", (VIN_SETTING,))
        self.vin: str | None = rows[0]["value"] if rows else None

    def on_updates(self, updates: list[SignalUpdate]) -> None:
        for update in updates:
            if update.path != vss.VIN or update.value == self.vin:
                continue
            with self._store.write() as db:
                db["settings"].upsert(
                    {"key": VIN_SETTING, "value": update.value}, pk="key"
                )
            logger.info("stored VIN %s with the vehicle record", mask_vin(update.value))
            self.vin = update.value
