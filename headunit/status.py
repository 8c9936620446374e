"""Connection states of the head unit's inputs and outputs, for the status bar.

Each part reports one state from a short ladder, worst first, so the
driver sees at a glance whether the screen shows live data.
"""

from __future__ import annotations

from dataclasses import dataclass

from vehicle import busstatus

#: Vehicle bus states, as ``vehicle.busstatus`` defines them: frames stopped
#: arriving; no bus configured or it never opened; open but nothing yet;
#: frames arriving.
BUS_LOST = busstatus.LOST
BUS_NONE = busstatus.NO_BUS
BUS_WAITING = busstatus.SILENT
BUS_RECEIVING = busstatus.RECEIVING

#: GPS states.
GPS_NONE = "none"
GPS_NO_FIX = "no_fix"
GPS_FIX_2D = "fix_2d"
GPS_FIX_3D = "fix_3d"

#: OBD-II adapter states.
#: No adapter is configured.
OBD_NONE = "none"
#: The adapter is configured but cannot be reached, as when it is unplugged.
OBD_LOST = "lost"
#: The adapter is there, but the car does not respond or sleeps.
OBD_NO_CAR = "no_car"
#: The car responds to requests.
OBD_CONNECTED = "connected"

#: Platform sync states, as ``sync.engine.SyncStatus.state`` names them.
SYNC_SYNCED = "synced"
SYNC_PENDING = "pending"
SYNC_OFFLINE = "offline"
SYNC_WAITING = "waiting"
SYNC_SIGNED_OUT = "signed_out"
SYNC_ERROR = "error"


@dataclass(frozen=True)
class Status:
    """One reading of every part's state; ``sync_pending`` counts unsent items."""

    bus: str = BUS_NONE
    gps: str = GPS_NONE
    sync: str = SYNC_SIGNED_OUT
    sync_pending: int = 0
    obd: str = OBD_NONE
