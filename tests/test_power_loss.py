"""SIGKILL the recording process 200 times during one drive; nothing is lost."""

from __future__ import annotations

from pathlib import Path

from tests.powerloss import UPDATE_STEP_S, run_kills

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
