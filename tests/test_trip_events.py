"""Events and summaries of a trip: harsh driving, DTCs, low energy, GPS, energy split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from headunit.tripconfig import TripSettings
from tests.tripfeed import make_rig
from vehicle import vss

SETTINGS = TripSettings(parked_timeout_s=60)


def ramp(rig, start_kmh: float, end_kmh: float, seconds: float, **signals) -> None:
    steps = round(seconds / 0.1)
    for index in range(steps):
        speed = start_kmh + (end_kmh - start_kmh) * (index + 1) / steps
        rig.drive([(0.1, speed)], **signals)


def test_harsh_braking_over_threshold_logged_once(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0)])
    ramp(rig, 0, 60, 10)  # 0.17 g
    rig.drive([(20, 60)])
    # 60 to 0 km/h in 3 s is 0.57 g; 30 to 0 in 4 s (0.21 g) is ordinary.
    ramp(rig, 60, 0, 3)
    rig.drive([(10, 0)])
    ramp(rig, 0, 30, 5)
    rig.drive([(10, 30)])
    ramp(rig, 30, 0, 4)
    rig.drive([(70, 0)])

    trip = rig.log.recent()[0]
    events = rig.log.events(trip.id)
    rig.close()

    braking = [event for event in events if event["kind"] == "harsh_braking"]
    assert len(braking) == 1
    # The value is the deceleration when it first crossed the threshold.
    assert 0.4 <= braking[0]["value"] <= 0.6
    assert trip.harsh_braking_count == 1
    assert trip.harsh_acceleration_count == 0


def test_harsh_acceleration_threshold_configurable(db_path: Path) -> None:
    rig = make_rig(db_path, TripSettings(parked_timeout_s=60, harsh_acceleration_g=0.25))
    rig.drive([(5, 0)])
    ramp(rig, 0, 50, 5)  # 0.28 g
    rig.drive([(10, 50), (70, 0)])

    trip = rig.log.recent()[0]
    rig.close()

    assert trip.harsh_acceleration_count == 1


def test_dtc_appearing_and_clearing(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (10, 30)], dtcs=[])
    rig.drive([(10, 30)], dtcs=["P0A80"])
    rig.drive([(10, 30)], dtcs=[("P0A80", "Hybrid battery"), ("U0100", "Lost ECM")])
    rig.drive([(5, 30), (70, 0)], dtcs=["U0100"])

    trip = rig.log.recent()[0]
    events = [(e["kind"], e["detail"]["code"]) for e in rig.log.events(trip.id)
              if e["kind"].startswith("dtc")]
    rig.close()

    assert events == [
        ("dtc_appeared", "P0A80"),
        ("dtc_appeared", "U0100"),
        ("dtc_cleared", "P0A80"),
    ]


def test_low_energy_event_once(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.soc = 10.3
    # 60 kW for 40 s takes about 1 % of 64 kWh.
    rig.drive([(5, 0), (40, 80), (70, 0)], power_w=60_000)

    trip = rig.log.recent()[0]
    low = [e for e in rig.log.events(trip.id) if e["kind"] == "low_energy"]
    rig.close()

    assert len(low) == 1
    assert low[0]["value"] < 10
    assert low[0]["detail"] == {"source": "battery"}


def test_gps_lost_and_regained_is_a_gap(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (20, 36)], latitude=48.1, longitude=11.5)
    # A tunnel: 30 s without any position.
    rig.drive([(30, 36)], latitude=None, longitude=None)
    rig.drive([(20, 36), (70, 0)], latitude=48.2, longitude=11.6)

    trip = rig.log.recent()[0]
    kinds = [e["kind"] for e in rig.log.events(trip.id) if e["kind"].startswith("gps")]
    gaps = rig.log.gaps(trip.id)
    track = rig.log.track(trip.id)
    rig.close()

    assert kinds == ["gps_lost", "gps_regained"]
    assert [gap["kind"] for gap in gaps] == ["gps_lost"]
    assert gaps[0]["end_t"] - gaps[0]["start_t"] == pytest.approx(30, abs=0.5)
    assert trip.start_latitude == 48.1
    assert trip.end_latitude == 48.2
    assert len(track) < trip.sample_count


def test_gps_loss_starts_with_next_trip(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (20, 36), (70, 0)], latitude=48.1, longitude=11.5)
    # Parked for an hour, then a drive with no position at all.
    rig.drive([(3600, 0)], latitude=None, longitude=None)
    rig.drive([(40, 36), (70, 0)], latitude=None, longitude=None)

    first, second = sorted(rig.log.recent(), key=lambda trip: trip.started_at)
    gaps = rig.log.gaps(second.id)
    rig.close()

    assert [gap["kind"] for gap in gaps] == ["gps_lost"]
    # The loss begins when the second trip does, not back in the first one.
    assert gaps[0]["start_t"] >= second.started_at
    assert gaps[0]["start_t"] > first.ended_at


def test_energy_split_and_car_figure(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    # 2 kW of climate all along; 12 kW while driving 120 s, 2.5 kW standing.
    rig.drive([(5, 0)], climate_w=2000.0, power_w=2500.0, car_consumption=15.2)
    rig.drive([(120, 72)], power_w=12_000.0)
    rig.drive([(50, 0)], power_w=2500.0)
    rig.drive([(70, 0)], power_w=2500.0)

    trip = rig.log.recent()[0]
    rig.close()

    assert trip.energy_used_kwh == pytest.approx(
        trip.energy_driving_kwh + trip.energy_climate_kwh + trip.energy_standby_kwh
    )
    # Climate: 2 kW over the 175 s the trip lasted.
    assert trip.energy_climate_kwh == pytest.approx(2.0 * 175 / 3600, rel=0.03)
    # Standby: 0.5 kW above climate for 55 s standing.
    assert trip.energy_standby_kwh == pytest.approx(0.5 * 55 / 3600, rel=0.1)
    assert trip.energy_driving_kwh == pytest.approx(10.0 * 120 / 3600, rel=0.03)
    # 2.4 km driven.
    assert trip.consumption_kwh_per_100km == pytest.approx(
        trip.energy_used_kwh / 2.4 * 100, rel=0.01
    )
    assert trip.car_consumption_kwh_per_100km == pytest.approx(15.2)


def test_logged_signals_stored_per_sample(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (10, 30), (70, 0)], car_consumption=14.0)

    trip = rig.log.recent()[0]
    sample = rig.log.samples(trip.id)[3]
    row = rig.store.query("select logged_paths from trips where id = ?", [trip.id])[0]
    rig.close()

    paths = json.loads(row["logged_paths"])
    values = json.loads(sample["logged"])
    assert vss.CAR_TRIP_CONSUMPTION in paths
    assert values[paths.index(vss.CAR_TRIP_CONSUMPTION)] == 14.0
