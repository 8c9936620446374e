"""Status of the trip log for the trips screen, and rating only while parked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from headunit.tripwriter import WriterStatus
from sync.triplog import TripSummary

if TYPE_CHECKING:
    from headunit.app import HeadUnit


class RatingWhileMovingError(RuntimeError):
    """A rating or logbook entry was made while the car moves."""


@dataclass(frozen=True)
class TripLogStatus:
    """State of the driving experience log for the screen.

    ``writer.ok`` is False while writes fail (disk full or database
    locked) and recording is kept in memory. ``storage_warning`` is set
    when data that must be kept nearly fills the storage budget.
    """

    recording_trip: str | None
    charging_session: str | None
    writer: WriterStatus
    storage_warning: str | None

    @property
    def warning(self) -> str | None:
        """The one line the screen shows, or None when all is well."""
        if not self.writer.ok:
            return self.writer.message
        return self.storage_warning


def trip_log_status(headunit: "HeadUnit") -> TripLogStatus:
    """Collect the status of the trip log of ``headunit``."""
    return TripLogStatus(
        recording_trip=headunit.recorder.trip_id,
        charging_session=headunit.charging_recorder.session_id,
        writer=headunit.trip_writer.status,
        storage_warning=headunit.storage_warning,
    )


def rate_trip(headunit: "HeadUnit", trip_id: str, **rating: Any) -> TripSummary:
    """Store a rating through the trip log, rejecting it while the car moves."""
    if headunit.state.moving:
        raise RatingWhileMovingError(
            "ratings, tags and the trip purpose can be set only while the car is parked"
        )
    return headunit.trip_log.rate_trip(trip_id, **rating)
