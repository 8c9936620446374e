"""Charging sessions: their own log entries, AC or DC, energy, place and cost."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import can
import pytest

from headunit.tripconfig import Tariff, TripSettings, load_trip_settings, TripConfigError
from tests.conftest import DEMO_PROFILE
from tests.tripfeed import make_rig
from vehicle import vss
from vehicle.candecode import CanDecoder
from vehicle.profile import load_profile


def test_dc_charge_is_a_session_with_cost(db_path: Path) -> None:
    settings = TripSettings(
        parked_timeout_s=60,
        tariffs=(
            Tariff("any", 0.30, "EUR"),
            Tariff("motorway DC", 0.59, "EUR", latitude=48.0, longitude=11.0,
                   radius_m=300, charge_type="DC"),
        ),
    )
    rig = make_rig(db_path, settings)
    rig.drive([(5, 0), (20, 50), (70, 0)], latitude=48.0005, longitude=11.0)
    # 50 kW into the pack (negative power) for 6 minutes is 5 kWh.
    rig.drive([(360, 0)], power_w=-50_000.0, charging=True, charging_type="DC")
    rig.drive([(5, 0)], power_w=500.0, charging=False, charging_type="NONE")

    sessions = rig.log.charging_sessions()
    trips = rig.log.recent()
    rig.close()

    assert len(trips) == 1
    assert len(sessions) == 1
    session = sessions[0]
    assert session.status == "closed"
    assert session.charge_type == "DC"
    assert session.energy_source == "power"
    assert session.energy_added_kwh == pytest.approx(5.0, rel=0.01)
    assert session.end_soc_percent > session.start_soc_percent
    assert session.duration_s == pytest.approx(360, abs=0.5)
    assert session.latitude == pytest.approx(48.0005)
    assert session.tariff == "motorway DC"
    assert session.cost == pytest.approx(5.0 * 0.59, abs=0.02)
    assert session.currency == "EUR"


def test_charge_cut_by_power_loss_is_kept(db_path: Path) -> None:
    rig = make_rig(db_path)
    rig.drive([(100, 0)], power_w=-7_000.0, charging=True, charging_type="AC")
    t = rig.t
    # Power lost: nothing closes the session.
    rig.store.close()

    again = make_rig(db_path)
    again.t = t + 3600
    again.drive([(5, 0)], power_w=300.0, charging=False, charging_type="NONE")
    sessions = again.log.charging_sessions()
    again.close()

    assert len(sessions) == 1
    assert sessions[0].status == "closed"
    assert sessions[0].end_reason == "recovered"
    # The running figures are stored every 30 s.
    assert sessions[0].energy_added_kwh == pytest.approx(7.0 * 90 / 3600, rel=0.05)


def test_charging_state_decoded_from_demo_dbc() -> None:
    decoder = CanDecoder(load_profile(DEMO_PROFILE))
    message = decoder.dbcs["powertrain"].database.get_message_by_name("VCU_Range")
    data = message.encode({"RangeEstimate": 200, "ChargingState": 2, "TripConsumption": 0})
    frame = can.Message(arbitration_id=message.frame_id, data=data, timestamp=1.0,
                        is_extended_id=False)

    values = {update.path: update.value for update in decoder.decode(frame, "powertrain")}

    assert values[vss.IS_CHARGING] is True
    assert values[vss.CHARGING_TYPE] == "DC"


def test_tariff_by_hour_of_day(tmp_path: Path) -> None:
    path = tmp_path / "trips.toml"
    path.write_text(
        '[[tariffs]]\nname = "day"\nprice_per_kwh = 0.40\ncurrency = "EUR"\n'
        '[[tariffs]]\nname = "night"\nprice_per_kwh = 0.12\ncurrency = "EUR"\n'
        'hours = "22:00-06:00"\n'
    )
    settings = load_trip_settings(path)

    night = settings.tariff_for(datetime(2026, 3, 1, 23, 30), None, None, "AC")
    morning = settings.tariff_for(datetime(2026, 3, 1, 5, 59), None, None, "AC")
    day = settings.tariff_for(datetime(2026, 3, 1, 12, 0), None, None, "AC")

    assert night is not None and night.name == "night"
    assert morning is not None and morning.name == "night"
    assert day is not None and day.name == "day"


def test_bad_tariff_names_key(tmp_path: Path) -> None:
    path = tmp_path / "trips.toml"
    path.write_text('[[tariffs]]\nname = "x"\nprice_per_kwh = 0.1\nhours = "late"\n')

    with pytest.raises(TripConfigError, match=r"tariffs\[0\]\.hours"):
        load_trip_settings(path)


def test_charge_continues_after_app_restart(db_path: Path) -> None:
    rig = make_rig(db_path)
    rig.drive([(100, 0)], power_w=-7_000.0, charging=True, charging_type="AC")
    t = rig.t
    rig.store.close()

    # The app is back 20 s later and the car still charges.
    again = make_rig(db_path)
    again.t = t + 20
    again.drive([(100, 0)], power_w=-7_000.0, charging=True, charging_type="AC")
    again.drive([(5, 0)], power_w=300.0, charging=False, charging_type="NONE")
    sessions = again.log.charging_sessions()
    again.close()

    assert len(sessions) == 1
    assert sessions[0].end_reason == "charging stopped"
    # 90 s stored before the cut, 100 s after it; the rest is unknown.
    assert sessions[0].energy_added_kwh == pytest.approx(7.0 * 190 / 3600, rel=0.05)
    assert sessions[0].duration_s == pytest.approx(220, abs=1)
