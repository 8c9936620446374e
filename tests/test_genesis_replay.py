"""Replaying a real car's recording through the whole pipeline."""

from __future__ import annotations

import bisect
from pathlib import Path

import can
import cantools
import pytest

from headunit import cli
from headunit.app import HeadUnit, InputConfig
from tests.conftest import GENESIS_PROFILE
from vehicle import vss

CHOSEN_INSTANTS_S = (5.0, 19.5, 25.0, 33.3, 40.0, 47.0, 51.0)


def independent_speeds(genesis_dir: Path) -> list[tuple[float, float]]:
    """(timestamp, EMS11.VS) decoded with python-can's own reader and cantools."""
    database = cantools.database.load_file(genesis_dir / "hyundai_kia_generic.dbc")
    ems11 = database.get_message_by_name("EMS11")
    speeds = []
    with can.io.CanutilsLogReader(genesis_dir / "mphloggenesis.log") as reader:
        for frame in reader:
            if frame.arbitration_id == ems11.frame_id:
                decoded = ems11.decode(bytes(frame.data), decode_choices=False)
                speeds.append((frame.timestamp, decoded["VS"]))
    return speeds


def value_at(series: list[tuple[float, float]], t: float) -> float:
    times = [point[0] for point in series]
    return series[bisect.bisect_right(times, t) - 1][1]


def replay(genesis_dir: Path, db_path: Path) -> tuple[HeadUnit, list[tuple[float, float]]]:
    headunit = HeadUnit(
        GENESIS_PROFILE,
        db_path,
        inputs=InputConfig(
            kind="replay",
            replay_path=genesis_dir / "mphloggenesis.log",
            replay_speed=None,
        ),
        dbc_search_path=(genesis_dir,),
    )
    seen: list[tuple[float, float]] = []
    headunit.state.add_observer(
        lambda updates: seen.extend(
            (update.timestamp, update.value) for update in updates
            if update.path == vss.SPEED
        )
    )
    headunit.start()
    assert headunit.input_done.wait(30)
    return headunit, seen


def test_speed_matches_independent_decode(genesis_dir: Path, db_path: Path) -> None:
    headunit, seen = replay(genesis_dir, db_path)
    headunit.stop()
    expected = independent_speeds(genesis_dir)
    start = expected[0][0]

    assert len(seen) == len(expected)
    for offset in CHOSEN_INSTANTS_S:
        assert value_at(seen, start + offset) == value_at(expected, start + offset), offset
    assert max(speed for _, speed in seen) == 64


def test_trip_distance_matches_full_rate_integral(genesis_dir: Path, db_path: Path) -> None:
    headunit, _ = replay(genesis_dir, db_path)
    trips = headunit.trip_log.recent()
    samples = headunit.trip_log.samples(trips[0].id)
    headunit.stop()
    expected = independent_speeds(genesis_dir)
    integral_m = sum(
        (v0 + v1) / 2 / 3.6 * (t1 - t0)
        for (t0, v0), (t1, v1) in zip(expected, expected[1:])
    )

    assert len(trips) == 1
    trip = trips[0]
    assert trip.status == "closed"
    assert trip.end_reason == "end of input"
    assert trip.distance_m == pytest.approx(integral_m, rel=0.02)
    assert trip.distance_m / 1000 == pytest.approx(0.30, abs=0.02)
    # 1 Hz samples over the ~32 s the car moved, plus the closing one.
    assert 30 <= len(samples) <= 36
    gaps = [b["t"] - a["t"] for a, b in zip(samples, samples[1:-1])]
    assert all(gap == pytest.approx(1.0, abs=0.05) for gap in gaps)
    assert trip.max_speed_kmh <= 64


def test_replay_command_prints_counts_and_trip(
    genesis_dir: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(
        [
            "replay",
            str(genesis_dir / "mphloggenesis.log"),
            "--profile", "hyundai-genesis-coupe",
            "--dbc-path", str(genesis_dir),
            "--db", str(db_path),
        ]
    )
    output = capsys.readouterr().out

    assert status == 0
    assert "frames read: 7583" in output
    assert "frames decoded: 1395" in output
    assert "frames skipped, ID not used by the profile: 6188" in output
    assert "0x5a2" in output
    assert "frames that failed to decode: 0" in output
    assert "Vehicle.Speed=" in output
    assert "trips recorded: 1" in output
    assert "0.30 km" in output
