"""A full disk pauses recording with a visible status and loses nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.tripfeed import make_rig

FILESYSTEM_MB = 4


@pytest.fixture
def small_filesystem(tmp_path: Path):
    """A tmpfs of a few MB that the test fills; skipped where mounting is not allowed."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={FILESYSTEM_MB}m", "tmpfs", str(mount_point)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.skip(
            "cannot mount a small tmpfs to fill (needs root or CAP_SYS_ADMIN): "
            + result.stderr.strip()
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_disk(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            pass
    return filler


def integrity(db_path: Path) -> str:
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_disk_full_pauses_and_resumes(small_filesystem: Path) -> None:
    db_path = small_filesystem / "headunit.db"
    rig = make_rig(db_path)
    rig.drive([(5, 0), (60, 50)], latitude=48.1, longitude=11.5)
    assert rig.recorder.status.ok

    # WHEN the disk fills up during the drive
    filler = fill_disk(small_filesystem)
    rig.drive([(120, 50)], latitude=48.2, longitude=11.6)
    full_status = rig.recorder.status
    check_while_full = integrity(db_path)

    # THEN recording is on hold with a visible status, and the file is sound
    assert not full_status.ok
    assert "full" in (full_status.last_error or "")
    assert "cannot be written" in full_status.message
    assert full_status.queued >= 100
    assert check_while_full == "ok"

    # WHEN space is back, the held samples are written with the next ones
    filler.unlink()
    rig.drive([(20, 50), (70, 0)], latitude=48.3, longitude=11.7)
    status = rig.recorder.status
    trips = rig.log.recent()
    samples = rig.log.samples(trips[0].id)
    rig.close()

    assert status.ok
    assert status.queued == 0
    assert status.dropped_samples == 0
    assert len(trips) == 1
    assert trips[0].status == "closed"
    times = [sample["t"] for sample in samples]
    # One sample a second from start to end, none missing across the full disk.
    assert len(times) == round(times[-1] - times[0]) + 1
    assert times[-1] - times[0] >= trips[0].duration_s
    assert max(b - a for a, b in zip(times, times[1:])) <= 1.0 + 1e-6
    assert integrity(db_path) == "ok"


def test_full_queue_drops_oldest_samples_as_gap(small_filesystem: Path) -> None:
    db_path = small_filesystem / "headunit.db"
    rig = make_rig(db_path)
    rig.recorder.writer.max_queued_samples = 30
    rig.drive([(5, 0), (20, 50)])
    filler = fill_disk(small_filesystem)
    # 100 s at 1 Hz while only 30 samples fit in memory.
    rig.drive([(100, 50)])
    dropped = rig.recorder.status.dropped_samples
    filler.unlink()
    rig.drive([(10, 50), (70, 0)])

    trip = rig.log.recent()[0]
    gaps = rig.log.gaps(trip.id)
    rig.close()

    assert dropped >= 65
    assert [gap["kind"] for gap in gaps] == ["storage_full"]
    assert gaps[0]["end_t"] - gaps[0]["start_t"] == pytest.approx(dropped - 1, abs=1)
    assert trip.status == "closed"


def test_headunit_status_shows_full_disk(small_filesystem: Path) -> None:
    from headunit.app import HeadUnit
    from vehicle import vss
    from vehicle.signals import SignalUpdate

    headunit = HeadUnit.demo(small_filesystem / "headunit.db", parked_timeout_s=30)
    t = 1_750_000_000.0

    def feed(seconds: float, speed: float) -> None:
        nonlocal t
        for _ in range(round(seconds * 10)):
            headunit.state.update([SignalUpdate(vss.SPEED, speed, t)])
            t += 0.1

    feed(20, 40)
    filler = fill_disk(small_filesystem)
    feed(10, 40)
    full = headunit.trip_log_status
    filler.unlink()
    feed(5, 40)
    back = headunit.trip_log_status
    headunit.recorder.finish("end of input")
    headunit.store.close()

    assert full.recording_trip is not None
    assert full.warning is not None
    assert "cannot be written" in full.warning
    assert back.warning is None
