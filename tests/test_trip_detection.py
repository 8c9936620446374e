"""Trip detection: power state, gear, red lights, restarts, silent input."""

from __future__ import annotations

from pathlib import Path

import pytest

from headunit.tripconfig import TripSettings
from tests.tripfeed import make_rig
from vehicle import vss

SETTINGS = TripSettings(parked_timeout_s=60, stopped_timeout_s=400)


def closed_trips(rig):
    return sorted(rig.log.recent(), key=lambda trip: trip.started_at)


def test_power_off_ends_trip_at_once(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (30, 36), (10, 0)], power_state="ON", gear=vss.GEAR_DRIVE)
    rig.drive([(2, 0)], power_state="OFF", gear=vss.GEAR_PARK)

    trips = closed_trips(rig)
    rig.close()

    assert len(trips) == 1
    assert trips[0].end_reason == "power off"
    # Ended when the power went off, 45 s after the start of the feed.
    assert trips[0].duration_s == pytest.approx(45 - trips[0].started_at + rig.t - 47,
                                                abs=0.2)


def test_long_red_light_in_drive_stays_one_trip(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    # Five minutes at a level crossing in D: longer than the parked timeout,
    # shorter than the stopped timeout.
    rig.drive([(5, 0), (20, 36), (300, 0), (20, 36)], power_state="ON",
              gear=vss.GEAR_DRIVE)
    rig.drive([(70, 0)], gear=vss.GEAR_PARK)

    trips = closed_trips(rig)
    rig.close()

    assert len(trips) == 1
    assert trips[0].end_reason == "parked"
    assert trips[0].distance_m == pytest.approx(400, abs=3)


def test_parked_with_motor_on_ends_trip(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (20, 50)], power_state="ON", gear=vss.GEAR_DRIVE)
    # In P with the power on: the parked timeout applies.
    rig.drive([(100, 0)], gear=vss.GEAR_PARK)
    rig.drive([(20, 30), (1, 0)], gear=vss.GEAR_DRIVE)
    rig.recorder.finish("end of input")

    trips = closed_trips(rig)
    rig.close()

    assert [trip.end_reason for trip in trips] == ["parked", "end of input"]


def test_short_trip_and_stop_and_go_recorded(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    # A few metres out of a driveway, then parked.
    rig.drive([(2, 0), (4, 6), (70, 0)])
    # Queue traffic: stops of 20 to 40 s between short rolls.
    rig.drive([(10, 12), (30, 0), (8, 15), (40, 0), (6, 10), (20, 0), (5, 20)])
    rig.recorder.finish("end of input")

    trips = closed_trips(rig)
    rig.close()

    assert len(trips) == 2
    assert trips[0].distance_m == pytest.approx(6 / 3.6 * 4, abs=1)
    assert trips[1].distance_m > 80


def test_restart_mid_drive_continues_trip(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (30, 36)])
    t, odometer = rig.t, rig.odometer_km
    # The app dies: nothing closes the trip, the store is simply dropped.
    rig.store.close()

    again = make_rig(db_path, SETTINGS)
    # The car drove on for 8 s at 36 km/h while the app restarted.
    again.t = t + 8
    again.odometer_km = odometer + 0.08
    again.drive([(30, 36), (70, 0)])

    trips = closed_trips(again)
    gaps = again.log.gaps(trips[0].id)
    again.close()

    assert len(trips) == 1
    assert trips[0].end_reason == "parked"
    # 60 s driven with the app running, 8 s without, at 10 m/s.
    assert trips[0].distance_m == pytest.approx(680, abs=15)
    assert [gap["kind"] for gap in gaps] == ["app_not_running"]
    assert gaps[0]["end_t"] - gaps[0]["start_t"] == pytest.approx(8.5, abs=1)
    # The odometer moved 80 m during the restart and 10 m since the last sample.
    assert gaps[0]["distance_km"] == pytest.approx(0.09, abs=0.01)


def test_restart_after_long_pause_closes_trip(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (30, 36)])
    t = rig.t
    rig.store.close()

    again = make_rig(db_path, SETTINGS)
    again.t = t + 3600
    again.drive([(10, 0), (20, 20), (70, 0)])

    trips = closed_trips(again)
    again.close()

    assert [trip.end_reason for trip in trips] == ["recovered", "parked"]
    # Recovered from its samples: the second after the last sample is lost.
    assert trips[0].distance_m == pytest.approx(295, abs=6)


def test_silent_bus_is_a_gap_not_a_join(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (20, 36)])
    rig.pause(12)
    rig.drive([(20, 36), (70, 0)])

    trips = closed_trips(rig)
    gaps = rig.log.gaps(trips[0].id)
    rig.close()

    assert len(trips) == 1
    assert [gap["kind"] for gap in gaps] == ["bus_silent"]
    assert gaps[0]["end_t"] - gaps[0]["start_t"] == pytest.approx(12.1, abs=0.2)
    # The 12 s without speed are not integrated: the distance is unknown.
    assert trips[0].distance_m == pytest.approx(400, abs=5)


def test_input_silent_ends_trip_on_tick(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (20, 36), (5, 0)])
    # The bus sleeps after the car is switched off: only the clock runs on.
    rig.recorder.tick(rig.t + 30)
    still_open = rig.recorder.recording
    rig.recorder.tick(rig.t + 61)

    trips = closed_trips(rig)
    rig.close()

    assert still_open
    assert trips[0].end_reason == "input silent"
    assert trips[0].gap_count == 0


def test_odometer_jump_between_trips_is_a_gap(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(5, 0), (20, 36), (70, 0)])
    # Driven 12 km without the head unit, for instance with it unplugged.
    rig.odometer_km += 12
    rig.pause(3600)
    rig.drive([(5, 0), (20, 36), (70, 0)])

    trips = closed_trips(rig)
    gaps = rig.log.gaps(trips[1].id)
    rig.close()

    assert len(trips) == 2
    assert [gap["kind"] for gap in gaps] == ["odometer_jump"]
    assert gaps[0]["distance_km"] == pytest.approx(12, abs=0.1)
    assert gaps[0]["start_t"] == pytest.approx(trips[0].ended_at)


def test_parked_car_records_no_trip(db_path: Path) -> None:
    rig = make_rig(db_path, SETTINGS)
    rig.drive([(120, 0.3)], power_state="ON", gear=vss.GEAR_PARK)
    rig.recorder.finish("end of input")

    trips = rig.log.recent()
    rig.close()

    assert trips == []
