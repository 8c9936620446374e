"""Reads the trips screens use: days with trips and charges, charts, track."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.tripfeed import make_rig


def test_trips_by_day_with_charging(db_path: Path) -> None:
    rig = make_rig(db_path)
    rig.t = datetime(2026, 3, 2, 8, 0).timestamp()
    rig.drive([(5, 0), (30, 36), (70, 0)])
    rig.drive([(60, 0)], power_w=-11_000.0, charging=True, charging_type="AC")
    rig.drive([(5, 0)], power_w=300.0, charging=False, charging_type="NONE")
    rig.t = datetime(2026, 3, 3, 18, 0).timestamp()
    rig.drive([(5, 0), (20, 50), (70, 0)])
    rig.drive([(5, 0), (20, 30), (70, 0)])

    days = rig.log.trips_by_day(datetime(2026, 3, 1).date(), datetime(2026, 3, 5).date())
    rig.close()

    assert [day for day, _, _ in days] == [
        datetime(2026, 3, 3).date(), datetime(2026, 3, 2).date()
    ]
    assert len(days[0][1]) == 2
    assert days[0][2] == []
    assert len(days[1][1]) == 1
    assert len(days[1][2]) == 1
    assert days[1][2][0].charge_type == "AC"


def test_chart_series_over_time_and_distance(db_path: Path) -> None:
    rig = make_rig(db_path)
    rig.drive([(5, 0), (60, 36), (70, 0)], latitude=48.0, longitude=11.0)

    trip = rig.log.recent()[0]
    chart = rig.log.chart(trip.id)
    track = rig.log.track(trip.id)
    rig.close()

    lengths = {len(series) for series in chart.values()}
    assert lengths == {trip.sample_count}
    assert chart["t_s"][0] == pytest.approx(0.0)
    assert chart["distance_km"][-1] == pytest.approx(0.6, abs=0.01)
    assert max(chart["speed_kmh"]) == 36
    assert chart["energy_kwh"][-1] == pytest.approx(trip.energy_used_kwh)
    assert chart["power_kw"][10] == pytest.approx(10.0)
    assert len(track) == trip.sample_count
    assert track[0][1:] == (48.0, 11.0)


def test_find_trip_by_id_prefix(db_path: Path) -> None:
    rig = make_rig(db_path)
    rig.drive([(5, 0), (10, 36), (70, 0)])
    trip = rig.log.recent()[0]

    found = rig.log.find(trip.id[:8])
    with pytest.raises(KeyError, match="no trip"):
        rig.log.find("zzzz")
    rig.close()

    assert found.id == trip.id
    assert timedelta(seconds=found.duration_s) > timedelta(seconds=9)
