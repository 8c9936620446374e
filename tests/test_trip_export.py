"""Exports: GPX that gpxpy reads, CSV, JSON, the logbook, and safety beside the recorder."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import gpxpy
import pytest

from headunit import cli
from sync.store import Store
from sync.triplog import TripLog
from tests.tripfeed import make_rig

HEADUNIT = [sys.executable, "-m", "headunit.cli"]


@pytest.fixture
def two_trips(db_path: Path) -> Path:
    rig = make_rig(db_path)
    rig.drive([(5, 0), (30, 36)], latitude=48.1, longitude=11.5)
    rig.drive([(20, 36)], latitude=None, longitude=None)  # a tunnel
    rig.drive([(30, 36), (70, 0)], latitude=48.2, longitude=11.6)
    rig.pause(600)
    rig.drive([(5, 0), (40, 50), (70, 0)], latitude=48.3, longitude=11.7)
    trips = sorted(rig.log.recent(), key=lambda trip: trip.started_at)
    rig.log.rate_trip(trips[0].id, purpose="business", tags=["client"])
    rig.log.rate_trip(trips[1].id, purpose="private")
    rig.close()
    return db_path


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_gpx_export_parses_with_gpxpy(two_trips: Path, capsys) -> None:
    code, out, _ = run_cli(["trips", "export", "--all", "--format", "gpx",
                            "--db", str(two_trips)], capsys)

    gpx = gpxpy.parse(out)

    assert code == 0
    assert gpx.version == "1.1"
    assert len(gpx.tracks) == 2
    # The tunnel splits the first track into two segments.
    assert len(gpx.tracks[0].segments) == 2
    points = [point for segment in gpx.tracks[0].segments for point in segment.points]
    assert points[0].latitude == pytest.approx(48.1)
    assert points[-1].latitude == pytest.approx(48.2)
    assert points[0].time is not None
    assert points[0].time.tzinfo is not None
    assert all(a.time < b.time for a, b in zip(points, points[1:]))


def test_csv_and_json_export_one_trip(two_trips: Path, capsys) -> None:
    store = Store(two_trips)
    log = TripLog(store)
    trip = sorted(log.recent(), key=lambda t: t.started_at)[1]
    samples = len(log.samples(trip.id))
    store.close()

    code, out, _ = run_cli(["trips", "export", trip.id[:8], "--format", "csv",
                            "--db", str(two_trips)], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    code_json, out_json, _ = run_cli(["trips", "export", trip.id[:8], "--format",
                                      "json", "--db", str(two_trips)], capsys)
    document = json.loads(out_json)

    assert code == 0
    assert code_json == 0
    assert len(rows) == samples
    assert rows[0]["trip_id"] == trip.id
    assert rows[0]["time"].endswith("Z")
    assert len(document["trips"]) == 1
    assert document["trips"][0]["summary"]["id"] == trip.id
    assert len(document["trips"][0]["samples"]) == samples


def test_logbook_totals_per_purpose(two_trips: Path, capsys) -> None:
    code, out, _ = run_cli(["trips", "logbook", "--all", "--db", str(two_trips)],
                           capsys)
    lines = out.splitlines()
    blank = lines.index("")
    trips = list(csv.DictReader(io.StringIO("\n".join(lines[:blank]))))
    totals = dict(csv.reader(io.StringIO("\n".join(lines[blank + 2:]))))

    assert code == 0
    assert [row["purpose"] for row in trips] == ["business", "private"]
    assert trips[0]["tags"] == "client"
    assert float(totals["business"]) == pytest.approx(float(trips[0]["distance_km"]))
    assert float(totals["commute"]) == 0.0
    assert float(totals["total"]) == pytest.approx(
        sum(float(row["distance_km"]) for row in trips), abs=0.01
    )


def test_export_without_selection_is_usage_error(two_trips: Path, capsys) -> None:
    code, _, err = run_cli(["trips", "export", "--db", str(two_trips)], capsys)

    assert code == 2
    assert "--all" in err


def test_progress_bar_only_on_terminal(two_trips: Path, tmp_path: Path) -> None:
    args = HEADUNIT + ["trips", "export", "--all", "--db", str(two_trips),
                       "-o", str(tmp_path / "out.gpx")]
    piped = subprocess.run(args, capture_output=True, text=True, timeout=60)
    leader, follower = pty.openpty()
    with_tty = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=follower,
                              timeout=60)
    os.close(follower)
    terminal = os.read(leader, 65536).decode()
    os.close(leader)

    assert piped.returncode == 0
    assert "samples" not in piped.stderr
    assert with_tty.returncode == 0
    assert "\r[" in terminal
    assert "samples" in terminal


def test_recorder_writes_while_export_reads(db_path: Path, tmp_path: Path) -> None:
    # A long history for the export to read: 60 trips of 30 minutes.
    store = Store(db_path)
    log = TripLog(store)
    for number in range(60):
        start = 1_000_000.0 + number * 4000
        trip_id = log.start_trip("demo", start)
        log.add_samples(trip_id, [
            (start + s, {"speed_kmh": 50.0, "distance_m": 13.9 * s,
                         "latitude": 48 + s * 1e-5, "longitude": 11.0})
            for s in range(1800)
        ])
        log.close_trip(trip_id, start + 1800, "parked")
    recording = log.start_trip("demo", 9_000_000.0)

    # GIVEN exports running in other processes, as on a recording head unit
    exporting = threading.Event()
    exports: list[int] = []

    def export_repeatedly() -> None:
        exporting.set()
        for fmt in ("json", "csv", "gpx"):
            result = subprocess.run(
                HEADUNIT + ["trips", "export", "--all", "--format", fmt, "--db",
                            str(db_path), "-o", str(tmp_path / f"all.{fmt}")],
                capture_output=True, timeout=300,
            )
            exports.append(result.returncode)

    exporter = threading.Thread(target=export_repeatedly)
    exporter.start()
    exporting.wait()
    # WHEN the recorder writes 600 samples, each its own transaction
    written = 0
    while exporter.is_alive() or written < 600:
        if written < 600:
            log.add_sample(recording, 9_000_000.0 + written, {"speed_kmh": 30.0})
            written += 1
        else:
            exporter.join()
    stored = len(log.samples(recording))
    store.close()

    # THEN every sample is stored and every export finished
    assert exports == [0, 0, 0]
    assert stored == 600
