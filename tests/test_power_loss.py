"""SIGKILL the recording process 200 times during one drive; nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.powerloss import MANY_TRIPS, UPDATE_STEP_S, run_kills

KILLS = 200
SAMPLE_INTERVAL_S = 1.0


def test_kills_keep_database_and_trip(tmp_path: Path) -> None:
    report = run_kills(tmp_path / "headunit.db", KILLS, seed=7)
    print(
        f"kills {report.kills}, integrity failures {report.integrity_failures}, "
        f"input not covered by a stored sample: max {report.max_loss_s:.2f} s, "
        f"mean {report.mean_loss_s:.2f} s, wall {report.wall_s:.1f} s"
    )

    assert report.kills == KILLS
    assert report.integrity_failures == 0
    # One drive, never split: every restart continued the same trip.
    assert len(report.trips) == 1
    trip = report.trips[0]
    assert trip["status"] == "closed"
    assert trip["end_reason"] == "parked"
    assert trip["gap_count"] >= KILLS // 2
    assert report.gaps == trip["gap_count"]
    # At most the sample interval, plus the one input batch the harness
    # counts as fed before the recorder saw it.
    assert len(report.losses_s) >= KILLS // 2
    assert report.max_loss_s <= SAMPLE_INTERVAL_S + UPDATE_STEP_S + 1e-6


def test_kills_across_many_trips_lose_none(tmp_path: Path) -> None:
    # Trips of the demo cycle end at power off, so kills also hit trip
    # starts, trip ends and the parked time between trips.
    report = run_kills(tmp_path / "headunit.db", 60, seed=11, drive=MANY_TRIPS,
                       pace=200.0, max_delay_s=0.3)
    recorded_km = sum(trip["distance_m"] for trip in report.trips) / 1000
    print(f"trips {len(report.trips)}, driven {report.driven_km:.2f} km, "
          f"recorded {recorded_km:.2f} km, max loss {report.max_loss_s:.2f} s")

    assert report.integrity_failures == 0
    assert len(report.trips) >= 3
    assert all(trip["status"] == "closed" for trip in report.trips)
    # Every metre driven is in a trip: the seconds a kill lost are covered
    # by the odometer distance of the restart gap.
    assert recorded_km == pytest.approx(report.driven_km, rel=0.02)
    assert report.max_loss_s <= SAMPLE_INTERVAL_S + UPDATE_STEP_S + 1e-6
