"""Rating a drive through the head unit: only while parked."""

from __future__ import annotations

from pathlib import Path

import pytest

from headunit.app import HeadUnit
from headunit.tripstatus import RatingWhileMovingError
from vehicle import vss
from vehicle.signals import SignalUpdate


def test_rating_rejected_while_moving(db_path: Path) -> None:
    headunit = HeadUnit.demo(db_path, parked_timeout_s=30)
    state = headunit.state
    t = 1_750_000_000.0
    for step in range(600):
        speed = 40.0 if 50 <= step < 300 else 0.0
        state.update([SignalUpdate(vss.SPEED, speed, t + step * 0.1)])
    headunit.recorder.finish("end of input")
    trip_id = headunit.trip_log.recent()[0].id
    state.update([SignalUpdate(vss.SPEED, 30.0, t + 61)])

    with pytest.raises(RatingWhileMovingError):
        headunit.rate_trip(trip_id, drive_rating=5)
    state.update([SignalUpdate(vss.SPEED, 0.0, t + 62)])
    rated = headunit.rate_trip(trip_id, drive_rating=5, purpose="commute")
    status = headunit.trip_log_status
    headunit.store.close()

    assert rated.drive_rating == 5
    assert rated.purpose == "commute"
    assert status.writer.ok
    assert status.warning is None
