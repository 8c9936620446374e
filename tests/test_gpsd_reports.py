"""Decoding gpsd's JSON: reports with fields left out, bad values, fuzz."""

from __future__ import annotations

import json
import logging
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headunit.recorder import TripRecorder
from headunit.state import VehicleState
from sync.store import Store
from sync.triplog import TripLog
from tests.conftest import DEMO_PROFILE
from vehicle import vss
from vehicle.gpsd_reports import GpsdDecoder
from vehicle.profile import load_profile
from vehicle.signals import SignalUpdate

T = 1_750_000_000.0

# gpsd reports after ?WATCH, as a receiver goes from a 2D fix through a
# lost fix to a 3D fix. The coordinates are a public square in Shanghai.
REPORTS_WITH_FIELDS_LEFT_OUT = [
    '{"class":"TPV","device":"/dev/ttyACM0","mode":2,"time":"2025-06-02T01:15:04.000Z",'
    '"lat":31.230416,"lon":121.473701,"track":87.3,"speed":25.0,"epx":9.1,"epy":11.4}',
    '{"class":"SKY","device":"/dev/ttyACM0","time":"2025-06-02T01:15:04.000Z"}',
    '{"class":"TPV","device":"/dev/ttyACM0","mode":1,"time":"2025-06-02T01:15:05.000Z"}',
    '{"class":"TPV","device":"/dev/ttyACM0","mode":0}',
    '{"class":"TPV","device":"/dev/ttyACM0","mode":3,"time":"2025-06-02T01:15:07.000Z",'
    '"lat":31.230501,"lon":121.474102,"track":88.0,"speed":25.0,"climb":0.1}',
]


def values(updates) -> dict:
    return {update.path: update.value for update in updates}


def test_decoder_2d_fix_without_altitude() -> None:
    decoder = GpsdDecoder()

    got = values(decoder.decode(REPORTS_WITH_FIELDS_LEFT_OUT[0], T))

    assert got[vss.GNSS_FIX_TYPE] == vss.FIX_2D
    assert got[vss.LATITUDE] == pytest.approx(31.230416)
    assert got[vss.LONGITUDE] == pytest.approx(121.473701)
    assert got[vss.GNSS_SPEED] == pytest.approx(90.0)
    assert got[vss.HEADING] == pytest.approx(87.3)
    assert got[vss.LOCATION_TIMESTAMP] == "2025-06-02T01:15:04.000Z"
    assert vss.ALTITUDE not in got
    assert vss.ALTITUDE_MSL not in got
    assert decoder.faults.total() == 0


def test_decoder_sky_without_satellites_is_unknown() -> None:
    decoder = GpsdDecoder()

    assert decoder.decode(REPORTS_WITH_FIELDS_LEFT_OUT[1], T) == []
    assert decoder.satellites_used is None
    assert decoder.faults.total() == 0


def test_decoder_sky_counts_used_satellites() -> None:
    decoder = GpsdDecoder()
    sky = {
        "class": "SKY",
        "satellites": [
            {"PRN": 1, "used": True},
            {"PRN": 2, "used": False},
            {"PRN": 3, "used": True},
        ],
    }

    decoder.decode(json.dumps(sky), T)
    assert decoder.satellites_used == 2
    decoder.decode(json.dumps({"class": "SKY", "nSat": 12, "uSat": 9}), T)
    assert decoder.satellites_used == 9


def test_state_marks_position_stale_without_fix() -> None:
    # GIVEN a state fed by the decoder, report by report
    decoder = GpsdDecoder()
    state = VehicleState()
    times = [T, T + 0.2, T + 1, T + 2, T + 3]
    lines = dict(zip(times, REPORTS_WITH_FIELDS_LEFT_OUT, strict=True))

    state.update(decoder.decode(lines[T], T))
    state.update(decoder.decode(lines[T + 0.2], T + 0.2))
    assert state.value(vss.LATITUDE) == pytest.approx(31.230416)

    # WHEN the fix is lost, THEN the last position stays, marked stale
    for t in (T + 1, T + 2):
        state.update(decoder.decode(lines[t], t))
        snapshot = state.snapshot()
        assert snapshot.value(vss.LATITUDE) is None
        assert vss.LATITUDE in snapshot.stale
        assert vss.LONGITUDE in snapshot.stale
        assert snapshot.readings[vss.LATITUDE].value == pytest.approx(31.230416)
        assert snapshot.now - snapshot.readings[vss.LATITUDE].timestamp >= t - T
        assert snapshot.value(vss.GNSS_FIX_TYPE) == vss.FIX_NONE

    # WHEN the fix comes back, THEN the stale mark is cleared
    state.update(decoder.decode(lines[T + 3], T + 3))
    snapshot = state.snapshot()
    assert snapshot.value(vss.LATITUDE) == pytest.approx(31.230501)
    assert snapshot.value(vss.LONGITUDE) == pytest.approx(121.474102)
    assert snapshot.value(vss.GNSS_FIX_TYPE) == vss.FIX_3D
    assert snapshot.value(vss.ALTITUDE) is None
    assert decoder.faults.total() == 0


def test_state_2d_fix_makes_old_altitude_stale() -> None:
    decoder = GpsdDecoder()
    state = VehicleState()
    fix_3d = {
        "class": "TPV",
        "mode": 3,
        "lat": 55.78,
        "lon": 23.57,
        "altHAE": 154.4,
        "altMSL": 127.5,
    }
    fix_2d = {"class": "TPV", "mode": 2, "lat": 55.79, "lon": 23.58}

    state.update(decoder.decode(json.dumps(fix_3d), T))
    assert state.value(vss.ALTITUDE) == pytest.approx(154.4)
    assert state.value(vss.ALTITUDE_MSL) == pytest.approx(127.5)
    state.update(decoder.decode(json.dumps(fix_2d), T + 1))

    assert state.value(vss.ALTITUDE) is None
    assert state.value(vss.ALTITUDE_MSL) is None
    assert state.value(vss.LATITUDE) == pytest.approx(55.79)


@pytest.mark.parametrize(
    "report, fault",
    [
        ({"class": "TPV", "mode": 2, "lat": 0.0, "lon": 0.0}, "zero position"),
        ({"class": "TPV", "mode": 3, "lon": 23.5}, "no position"),
        ({"class": "TPV", "mode": 2, "lat": "55.1", "lon": 23.5}, "lat"),
        ({"class": "TPV", "mode": 2, "lat": 91.0, "lon": 23.5}, "lat"),
        ({"class": "TPV", "mode": 2, "lat": 55.1, "lon": True}, "lon"),
    ],
)
def test_decoder_no_position_without_valid_fix(report: dict, fault: str) -> None:
    decoder = GpsdDecoder()

    got = values(decoder.decode(json.dumps(report), T))

    assert got == {vss.GNSS_FIX_TYPE: vss.FIX_NONE}
    assert ("gpsd", "TPV", fault) in decoder.faults.counts()


def test_decoder_skips_invalid_field_keeps_rest() -> None:
    decoder = GpsdDecoder()
    report = {
        "class": "TPV",
        "mode": 3,
        "lat": 55.1,
        "lon": 23.5,
        "track": 400,
        "speed": -1.0,
        "altHAE": "high",
        "time": "yesterday",
    }

    got = values(decoder.decode(json.dumps(report), T))

    assert got == {
        vss.GNSS_FIX_TYPE: vss.FIX_3D,
        vss.LATITUDE: 55.1,
        vss.LONGITUDE: 23.5,
    }
    assert set(decoder.faults.counts()) == {
        ("gpsd", "TPV", "track"),
        ("gpsd", "TPV", "speed"),
        ("gpsd", "TPV", "altHAE"),
        ("gpsd", "TPV", "time"),
    }


def test_decoder_reads_gpsd_check_files(nmea_dir) -> None:
    """gpsd's expected output for each recording decodes without a fault."""
    for check_file in sorted(nmea_dir.glob("*.log.chk")):
        decoder = GpsdDecoder()
        fixes = 0
        # The check files hold gpsd's NMEA output too; only JSON goes to clients.
        for line in check_file.read_text().splitlines():
            if not line.startswith("{"):
                continue
            got = values(decoder.decode(line, T))
            report = json.loads(line)
            if report.get("class") == "TPV" and report["mode"] >= 2:
                fixes += 1
                assert got[vss.LATITUDE] == report["lat"], check_file.name
                assert got[vss.LONGITUDE] == report["lon"], check_file.name
            else:
                assert vss.LATITUDE not in got, check_file.name
        assert decoder.faults.total() == 0, (check_file.name, decoder.faults.counts())
        assert decoder.tpv_reports > 0, check_file.name


# Any subset of a TPV's fields, each with a plausible value or any JSON value.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=5,
)
tpv_fields = {
    "mode": st.sampled_from([0, 1, 2, 3]) | json_values,
    "lat": st.floats(-90, 90) | json_values,
    "lon": st.floats(-180, 180) | json_values,
    "track": st.floats(0, 360) | json_values,
    "speed": st.floats(0, 80) | json_values,
    "altHAE": st.floats(-100, 5000) | json_values,
    "altMSL": st.floats(-100, 5000) | json_values,
    "alt": st.floats(-100, 5000) | json_values,
    "climb": json_values,
    "epv": json_values,
    "time": st.just("2025-06-02T01:15:04.000Z") | json_values,
}
tpv_reports = st.fixed_dictionaries(
    {"class": st.just("TPV")},
    optional={name: strategy for name, strategy in tpv_fields.items()},
)


@settings(max_examples=400, deadline=None)
@given(report=tpv_reports)
def test_decoder_any_tpv_fields(report: dict) -> None:
    decoder = GpsdDecoder()

    updates = decoder.decode(json.dumps(report), T)
    got = values(updates)

    assert all(update.path in vss.CATALOGUE for update in updates)
    assert all(update.value is not None for update in updates)
    floats = [value for value in got.values() if isinstance(value, float)]
    assert all(math.isfinite(value) for value in floats)
    if report.get("mode") not in (0, 1, 2, 3) or type(report.get("mode")) is not int:
        assert updates == []
        return
    assert updates[0].path == vss.GNSS_FIX_TYPE
    if vss.LATITUDE in got:
        assert report["mode"] in (2, 3)
        assert got[vss.LATITUDE] == report["lat"]
        assert got[vss.LONGITUDE] == report["lon"]
        assert (got[vss.LATITUDE], got[vss.LONGITUDE]) != (0.0, 0.0)
    else:
        assert set(got) == {vss.GNSS_FIX_TYPE}
        assert got[vss.GNSS_FIX_TYPE] == vss.FIX_NONE
    if vss.ALTITUDE in got:
        assert report["mode"] == 3
        assert got[vss.ALTITUDE] == report["altHAE"]


@settings(max_examples=200, deadline=None)
@given(
    report=st.dictionaries(
        st.sampled_from(["class", "uSat", "satellites", "nSat"]), json_values
    ).map(lambda report: {**report, "class": "SKY"})
)
def test_decoder_any_sky_fields(report: dict) -> None:
    decoder = GpsdDecoder()

    assert decoder.decode(json.dumps(report), T) == []
    used = decoder.satellites_used
    assert used is None or (isinstance(used, int) and used >= 0)


def mutate(line: str, rng: random.Random) -> str:
    """Return ``line`` cut, with bytes replaced, or with a field's value swapped."""
    choice = rng.randrange(4)
    if choice == 0:
        return line[: rng.randrange(len(line) + 1)]
    if choice == 1:
        chars = list(line)
        for _ in range(rng.randint(1, 4)):
            chars[rng.randrange(len(chars))] = chr(rng.randrange(32, 0x3000))
        return "".join(chars)
    report = json.loads(line)
    if not isinstance(report, dict) or not report:
        return line
    key = rng.choice(sorted(report))
    report[key] = rng.choice(
        [None, "", "x", -1, 1e308, float("nan"), [], {}, True, 10**400, -999.0]
    )
    return json.dumps(report) if choice == 2 else json.dumps([report])


def test_decoder_fuzz_logs_once_per_fault_kind(nmea_dir, caplog) -> None:
    rng = random.Random(20250602)
    source_lines = REPORTS_WITH_FIELDS_LEFT_OUT + [
        line
        for path in sorted(nmea_dir.glob("*.log.chk"))
        for line in path.read_text().splitlines()
        if line.startswith("{")
    ]
    decoder = GpsdDecoder()
    caplog.set_level(logging.WARNING, logger="vehicle.gpsd_reports")

    for _ in range(5000):
        line = mutate(rng.choice(source_lines), rng)
        got = values(decoder.decode(line, T))
        assert all(path in vss.CATALOGUE for path in got)
        if vss.LATITUDE in got:
            assert -90 <= got[vss.LATITUDE] <= 90
            assert got[vss.GNSS_FIX_TYPE] in (vss.FIX_2D, vss.FIX_3D)

    kinds = decoder.faults.counts()
    warnings = [
        record for record in caplog.records if record.levelno == logging.WARNING
    ]
    assert len(kinds) >= 5
    assert sum(kinds.values()) > len(kinds)
    assert len(warnings) == len(kinds)


@pytest.fixture
def nmea_dir():
    from tests.gpsd_peer import NMEA_DIR, nmea_recording

    nmea_recording("bt451.log.chk")
    return NMEA_DIR


def test_recorder_track_through_lost_fix(db_path) -> None:
    """The trip keeps a sample a second while the fix is lost, without position."""
    store = Store(db_path)
    state = VehicleState()
    log = TripLog(store)
    recorder = TripRecorder(state, log, load_profile(DEMO_PROFILE), parked_timeout_s=60)
    state.add_observer(recorder.on_updates)
    decoder = GpsdDecoder()
    # One report a second from T + 0.5 on, as in REPORTS_WITH_FIELDS_LEFT_OUT,
    # with the SKY report in the same second as the first fix.
    report_times = [T + 0.5, T + 0.6, T + 1.5, T + 2.5, T + 3.5]
    reports = dict(zip(report_times, REPORTS_WITH_FIELDS_LEFT_OUT, strict=True))

    for step in range(60):
        t = round(T + step * 0.1, 1)
        state.update([SignalUpdate(vss.SPEED, 90.0, t)])
        for report_time in report_times:
            if report_time == t:
                state.update(decoder.decode(reports[report_time], t))
    recorder.finish("end of input")

    samples = {
        round(sample["t"] - T): sample for sample in log.samples(log.recent()[0].id)
    }
    store.close()

    assert sorted(samples) == [0, 1, 2, 3, 4, 5, 6]
    assert samples[0]["latitude"] is None
    assert samples[1]["latitude"] == pytest.approx(31.230416)
    assert samples[2]["latitude"] is None
    assert samples[3]["latitude"] is None
    assert samples[4]["latitude"] == pytest.approx(31.230501)
    assert samples[4]["longitude"] == pytest.approx(121.474102)
    assert all(sample["speed_kmh"] == 90.0 for sample in samples.values())
