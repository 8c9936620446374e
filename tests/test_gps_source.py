"""The GPS source against a real gpsd fed with recorded and built NMEA."""

from __future__ import annotations

import logging
import re
import threading
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headunit.state import VehicleState
from tests.gpsd_peer import (
    GpsdProcess,
    JsonServer,
    nmea_recording,
    nmea_sentences,
    wait_for,
    with_checksum,
)
from tests.test_gpsd_reports import REPORTS_WITH_FIELDS_LEFT_OUT
from vehicle import vss
from vehicle.gps_source import GpsSource, GpsStatus, parse_gpsd_address
from vehicle.signals import SignalUpdate

KNOTS_TO_KMH = 1.852
#: gpsd 3.22 takes a receiver date far before its own release for a GPS
#: week-number rollover and adds 1024 weeks to it.
GPS_WEEK_ROLLOVER = timedelta(weeks=1024)


class Recorder:
    """A sink that keeps every batch and feeds a ``VehicleState``."""

    def __init__(self) -> None:
        self.state = VehicleState()
        self.batches: list[list[SignalUpdate]] = []
        self._lock = threading.Lock()

    def __call__(self, updates: list[SignalUpdate]) -> None:
        with self._lock:
            self.batches.append(list(updates))
        self.state.update(updates)

    def values(self, path: str) -> list:
        with self._lock:
            return [u.value for batch in self.batches for u in batch if u.path == path]


@pytest.fixture
def gpsd():
    process = GpsdProcess().start()
    yield process
    process.stop()


@pytest.fixture
def source_for():
    """Build started GPS sources and stop them after the test."""
    sources: list[GpsSource] = []

    def build(port: int, **options) -> tuple[GpsSource, Recorder]:
        sink = Recorder()
        options.setdefault("timeout_s", 5.0)
        source = GpsSource("127.0.0.1", port, sink, **options)
        sources.append(source)
        source.start()
        return source, sink

    yield build
    for source in sources:
        source.stop()


def watching(source: GpsSource) -> bool:
    """Whether gpsd confirmed the source's watch, so it sends every report."""
    return source.watching


def play(gpsd: GpsdProcess, source: GpsSource, sentences: list[str]) -> None:
    """Send sentences once the source watches, and wait until gpsd falls quiet."""
    assert wait_for(lambda: watching(source)), "gpsd never answered the WATCH command"
    gpsd.send(sentences)
    seen = -1
    while seen != source.decoder.reports:
        seen = source.decoder.reports
        wait_for(lambda: False, 0.4)


def nmea_degrees(value: str, hemisphere: str) -> float:
    """Convert NMEA ddmm.mmmm (or dddmm.mmmm) and N/S/E/W to signed degrees."""
    point = value.index(".")
    degrees = int(value[: point - 2]) + float(value[point - 2 :]) / 60
    return -degrees if hemisphere in "SW" else degrees


def recorded_positions(sentences: list[str]) -> list[tuple[float, float]]:
    """Return the positions of RMC, GLL and GGA sentences that report a fix."""
    positions = []
    for sentence in sentences:
        fields = sentence.split("*")[0].split(",")
        kind = fields[0][3:]
        if kind == "RMC" and fields[2] == "A":
            lat, lon = fields[3:5], fields[5:7]
        elif kind == "GLL" and len(fields) > 6 and fields[6] == "A":
            lat, lon = fields[1:3], fields[3:5]
        elif kind == "GGA" and fields[6] not in ("", "0"):
            lat, lon = fields[2:4], fields[4:6]
        else:
            continue
        positions.append((nmea_degrees(*lat), nmea_degrees(*lon)))
    return positions


def rmc_fixes(sentences: list[str]) -> list[dict]:
    """Return the valid fixes of a recording's RMC sentences."""
    fixes = []
    for sentence in sentences:
        fields = sentence.split("*")[0].split(",")
        if not re.fullmatch(r"\$..RMC", fields[0]) or fields[2] != "A":
            continue
        fixes.append(
            {
                "time": fields[1],
                "lat": nmea_degrees(fields[3], fields[4]),
                "lon": nmea_degrees(fields[5], fields[6]),
                "speed_kmh": float(fields[7]) * KNOTS_TO_KMH if fields[7] else None,
                "track": float(fields[8]) if fields[8] else None,
                "date": datetime.strptime(fields[9], "%d%m%y").date(),
            }
        )
    return fixes


@pytest.mark.parametrize("name", ["skytraq.log", "holux-gm-210.log"])
def test_recording_without_fix_gives_no_position(gpsd, source_for, name) -> None:
    # skytraq.log is a cold start that never gets a fix; holux-gm-210.log has
    # no fix either and ends in the middle of a sentence.
    sentences = nmea_sentences(nmea_recording(name))
    source, sink = source_for(gpsd.port)

    play(gpsd, source, sentences)

    assert source.decoder.tpv_reports > 5
    assert set(sink.values(vss.GNSS_FIX_TYPE)) == {vss.FIX_NONE}
    assert sink.values(vss.LATITUDE) == []
    assert sink.values(vss.LONGITUDE) == []
    assert source.status is GpsStatus.NO_FIX
    assert source.faults == {}


@pytest.mark.parametrize(
    "name, fix_type, satellites",
    [
        # A car in Lithuania: no fix indoors, then stationary, then moving.
        ("bt451.log", vss.FIX_3D, 9),
        # An inertial unit in a test vehicle with a DGPS fix, about 17 km/h.
        ("rst39.log", vss.FIX_3D, None),
        # Sydney: a fix while moving, then slowing; has a sentence without
        # a checksum. Its last GSA sentences list 5 GPS satellites in use.
        ("sl869.log", vss.FIX_3D, 5),
    ],
)
def test_recording_with_fix_matches_sentences(
    gpsd, source_for, name, fix_type, satellites
) -> None:
    sentences = nmea_sentences(nmea_recording(name))
    expected = rmc_fixes(sentences)
    source, sink = source_for(gpsd.port)

    play(gpsd, source, sentences)

    latitudes, longitudes = sink.values(vss.LATITUDE), sink.values(vss.LONGITUDE)
    positions = list(zip(latitudes, longitudes, strict=True))
    assert len(positions) >= len(expected) // 2
    # Every position gpsd reports is one the receiver sent with a valid fix.
    recorded = recorded_positions(sentences)
    for latitude, longitude in positions:
        assert any(
            latitude == pytest.approx(lat, abs=1e-6)
            and longitude == pytest.approx(lon, abs=1e-6)
            for lat, lon in recorded
        ), (latitude, longitude)
    # Some report at the time of each RMC sentence carries its speed and
    # course. gpsd also fills both in from successive positions, for the
    # reports of GGA sentences between RMC sentences.
    reported: dict[str, list[tuple[float, float | None]]] = {}
    for batch in sink.batches:
        got = {update.path: update.value for update in batch}
        if vss.LOCATION_TIMESTAMP in got and vss.GNSS_SPEED in got:
            key = datetime.fromisoformat(got[vss.LOCATION_TIMESTAMP]).strftime(
                "%H%M%S.%f"
            )
            reported.setdefault(key[:9], []).append(
                (got[vss.GNSS_SPEED], got.get(vss.HEADING))
            )
    checked = 0
    for fix in expected:
        motions = reported.get(fix["time"][:9])
        if motions is None:
            continue
        checked += 1
        assert any(
            speed == pytest.approx(fix["speed_kmh"], abs=0.01)
            and (
                fix["track"] is None or heading == pytest.approx(fix["track"], abs=0.01)
            )
            for speed, heading in motions
        ), (fix, motions)
    assert checked >= len(expected) // 2
    times = sink.values(vss.LOCATION_TIMESTAMP)
    assert times
    recorded_times = set(
        re.findall(
            r"^\$..(?:RMC|GGA|ZDA),(\d{6})", "\n".join(sentences), flags=re.MULTILINE
        )
    )
    recorded_dates = {fix["date"] for fix in expected}
    # gpsd carries the date of the last RMC over to GGA sentences and moves
    # it a day on when the time of day goes back, as where two recordings
    # were joined.
    allowed_dates = {
        recorded + rollover + timedelta(days=days)
        for recorded in recorded_dates
        for rollover in (timedelta(0), GPS_WEEK_ROLLOVER)
        for days in (0, 1)
    }
    for text in times:
        fix_time = datetime.fromisoformat(text)
        assert fix_time.strftime("%H%M%S") in recorded_times
        assert fix_time.date() in allowed_dates, text
    assert fix_type in sink.values(vss.GNSS_FIX_TYPE)
    assert source.status is GpsStatus.FIX_3D
    assert source.satellites_used == satellites
    assert source.faults == {}


def test_recording_no_fix_before_first_valid_fix(gpsd, source_for) -> None:
    sentences = nmea_sentences(nmea_recording("bt451.log"))
    source, sink = source_for(gpsd.port)

    play(gpsd, source, sentences)

    fix_types = sink.values(vss.GNSS_FIX_TYPE)
    assert fix_types[0] == vss.FIX_NONE
    first_fix = next(
        index for index, fix in enumerate(fix_types) if fix != vss.FIX_NONE
    )
    batches_before_fix = sink.batches[:first_fix]
    assert all(
        update.path == vss.GNSS_FIX_TYPE
        for batch in batches_before_fix
        for update in batch
    )
    altitudes = sink.values(vss.ALTITUDE)
    msl_altitudes = sink.values(vss.ALTITUDE_MSL)
    assert altitudes and msl_altitudes
    # GGA gives the altitude above mean sea level and the geoid separation,
    # 26.9 m at this place; VSS wants the height above the ellipsoid.
    for altitude, msl in zip(altitudes, msl_altitudes, strict=True):
        assert altitude - msl == pytest.approx(26.9, abs=0.01)


# A receiver with talker GN before and after its first fix, with empty
# fields, and one that fills zeros instead.
NO_FIX_EMPTY = [
    "$GNRMC,011503.00,V,,,,,,,020625,,,N*66",
    "$GNVTG,,,,,,,,,N*2E",
    "$GNGGA,011503.00,,,,,0,00,99.99,,,,,,*7E",
    "$GNGLL,,,,,011503.00,V,N*52",
]
NO_FIX_ZEROS = [
    "$GPGGA,011503.00,0000.00000,N,00000.00000,E,0,00,99.99,0.0,M,0.0,M,,*5B",
    "$GPRMC,011503.00,V,0000.00000,N,00000.00000,E,0.000,0.00,020625,,,N*73",
]
FIRST_FIX = [
    "$GNRMC,011504.00,A,3113.82496,N,12128.42206,E,48.596,87.30,020625,,,A*73",
    "$GNGGA,011504.00,3113.82496,N,12128.42206,E,1,09,1.02,12.3,M,8.9,M,,*43",
]
# gpsd reports a cycle once the next one starts, and at times the last one
# on a timer: two more fix cycles close the first, and whatever gpsd makes
# of the last one, it is a fix.
NEXT_CYCLES = [
    with_checksum(f"GNRMC,{time},A,3113.82496,N,12128.42206,E,48.596,87.30,020625,,,A")
    if kind == "RMC"
    else with_checksum(
        f"GNGGA,{time},3113.82496,N,12128.42206,E,1,09,1.02,12.3,M,8.9,M,,"
    )
    for time in ("011505.00", "011506.00")
    for kind in ("RMC", "GGA")
]


@pytest.mark.parametrize("no_fix", [NO_FIX_EMPTY, NO_FIX_ZEROS], ids=["empty", "zeros"])
def test_nmea_without_fix_then_first_fix(gpsd, source_for, caplog, no_fix) -> None:
    caplog.set_level(logging.INFO, logger="vehicle.gps_source")
    source, sink = source_for(gpsd.port)

    play(gpsd, source, no_fix)
    assert source.status is GpsStatus.NO_FIX
    assert source.decoder.tpv_reports >= 1
    assert sink.values(vss.LATITUDE) == []

    # A fix sentence elsewhere with a wrong checksum changes nothing.
    play(gpsd, source, [FIRST_FIX[0].replace("3113.82496", "0000.00000")])
    assert sink.values(vss.LATITUDE) == []

    play(gpsd, source, FIRST_FIX + NEXT_CYCLES)
    first_fix = next(
        {update.path: update.value for update in batch}
        for batch in sink.batches
        if any(update.path == vss.LATITUDE for update in batch)
    )
    assert first_fix[vss.GNSS_FIX_TYPE] == vss.FIX_3D
    assert first_fix[vss.LATITUDE] == pytest.approx(31.230416, abs=1e-6)
    assert first_fix[vss.LONGITUDE] == pytest.approx(121.473701, abs=1e-6)
    assert first_fix[vss.GNSS_SPEED] == pytest.approx(90.0, abs=0.01)
    assert first_fix[vss.HEADING] == pytest.approx(87.3)
    assert first_fix[vss.ALTITUDE_MSL] == pytest.approx(12.3)
    assert first_fix[vss.ALTITUDE] == pytest.approx(21.2)
    # When the no-fix cycle ended with GLL, gpsd takes GLL for the end of
    # every cycle and reports the first fix together with the next cycle.
    assert first_fix[vss.LOCATION_TIMESTAMP] in (
        "2025-06-02T01:15:04.000Z",
        "2025-06-02T01:15:05.000Z",
    )
    assert sink.state.value(vss.LATITUDE) == pytest.approx(31.230416, abs=1e-6)
    positions = zip(sink.values(vss.LATITUDE), sink.values(vss.LONGITUDE), strict=True)
    assert (0.0, 0.0) not in positions
    # One log line per change of the fix, none per sentence.
    status_lines = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("GPS:")
    ]
    # gpsd sends no SKY report for GGA alone, so the satellites stay unknown.
    assert status_lines == ["GPS: no fix", "GPS: 3D fix"]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_json_reports_with_fields_left_out(source_for) -> None:
    # GIVEN a server that sends gpsd's reports as a receiver loses its fix
    server = JsonServer()
    try:
        source, sink = source_for(server.port)
        assert wait_for(lambda: watching(source))
        server.send(REPORTS_WITH_FIELDS_LEFT_OUT[:2])
        assert wait_for(lambda: source.decoder.reports >= 5)

        # THEN the 2D fix gives a position without altitude
        assert source.status is GpsStatus.FIX_2D
        assert sink.state.value(vss.LATITUDE) == pytest.approx(31.230416)
        assert sink.state.value(vss.GNSS_SPEED) == pytest.approx(90.0)
        assert sink.state.value(vss.HEADING) == pytest.approx(87.3)
        assert sink.values(vss.ALTITUDE) == []
        assert source.satellites_used is None

        # WHEN the fix is lost, THEN the position stays, stale
        server.send(REPORTS_WITH_FIELDS_LEFT_OUT[2:4])
        assert wait_for(lambda: source.decoder.reports >= 7)
        snapshot = sink.state.snapshot()
        assert source.status is GpsStatus.NO_FIX
        assert vss.LATITUDE in snapshot.stale
        assert snapshot.readings[vss.LATITUDE].value == pytest.approx(31.230416)

        # WHEN the fix returns, THEN the new position is current
        server.send(REPORTS_WITH_FIELDS_LEFT_OUT[4:])
        assert wait_for(lambda: source.decoder.reports >= 8)
        assert source.status is GpsStatus.FIX_3D
        assert sink.state.value(vss.LATITUDE) == pytest.approx(31.230501)
        assert sink.state.value(vss.LONGITUDE) == pytest.approx(121.474102)
        assert source.faults == {}
        assert source.connects == 1
        assert source.disconnects == 0
    finally:
        server.close()


talkers = st.sampled_from(["GP", "GN", "GL", "GA", "BD"])
times = st.builds(
    lambda h, m, s: f"{h:02d}{m:02d}{s:02d}.00",
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
)


@st.composite
def no_fix_sentence(draw) -> str:
    """One NMEA sentence of a receiver without a fix, with empty or zero fields."""
    talker, time_of_day = draw(talkers), draw(times)
    zeros = draw(st.booleans())
    lat, lon = ("0000.00000", "00000.00000") if zeros else ("", "")
    lat_hemisphere, lon_hemisphere = ("N", "E") if zeros else ("", "")
    number = "0.0" if zeros else ""
    body = draw(
        st.sampled_from(
            [
                f"{talker}RMC,{time_of_day},V,{lat},{lat_hemisphere},{lon},{lon_hemisphere},"
                f"{number},{number},020625,,,N",
                f"{talker}GGA,{time_of_day},{lat},{lat_hemisphere},{lon},{lon_hemisphere},"
                f"0,00,99.99,{number},M,{number},M,,",
                f"{talker}GLL,{lat},{lat_hemisphere},{lon},{lon_hemisphere},{time_of_day},V,N",
                f"{talker}VTG,,,,,,,,,N",
                f"{talker}GSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99",
            ]
        )
    )
    return with_checksum(body)


@pytest.fixture(scope="module")
def shared_gpsd():
    process = GpsdProcess().start()
    sink = Recorder()
    source = GpsSource("127.0.0.1", process.port, sink)
    source.start()
    yield process, source, sink
    source.stop()
    process.stop()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(sentences=st.lists(no_fix_sentence(), min_size=5, max_size=40))
def test_any_nmea_without_fix_gives_no_position(shared_gpsd, sentences) -> None:
    gpsd, source, sink = shared_gpsd

    play(gpsd, source, sentences)

    assert sink.values(vss.LATITUDE) == []
    assert set(sink.values(vss.GNSS_FIX_TYPE)) <= {vss.FIX_NONE}
    assert source.status is GpsStatus.NO_FIX


def test_parse_gpsd_address() -> None:
    assert parse_gpsd_address("127.0.0.1:2947") == ("127.0.0.1", 2947)
    assert parse_gpsd_address("localhost") == ("localhost", 2947)
    assert parse_gpsd_address("[::1]:29470") == ("::1", 29470)
    for text in ("127.0.0.1:0", "127.0.0.1:x", ":2947", "127.0.0.1:70000"):
        with pytest.raises(ValueError, match="invalid gpsd address"):
            parse_gpsd_address(text)


def test_gpsd_not_running_retries_with_backoff(source_for, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="vehicle.gps_source")
    gpsd = GpsdProcess()
    source, sink = source_for(gpsd.port, retry_initial_s=0.05, retry_max_s=0.4)

    assert wait_for(lambda: source.disconnects >= 5)
    assert source.status is GpsStatus.NO_GPSD
    delays = [
        record.args[-1]
        for record in caplog.records
        if "connecting again" in record.getMessage()
    ]
    assert delays[:4] == [0.05, 0.1, 0.2, 0.4]
    warnings = [
        record for record in caplog.records if record.levelno == logging.WARNING
    ]
    assert len(warnings) == 0  # never connected: nothing was lost
    assert sink.batches == []

    # WHEN gpsd starts, THEN the source connects by itself
    try:
        gpsd.start()
        play(gpsd, source, NO_FIX_ZEROS + FIRST_FIX + NEXT_CYCLES)
        assert wait_for(lambda: source.status is GpsStatus.FIX_3D)
    finally:
        gpsd.stop()


def test_gpsd_dying_mid_stream_shows_no_gps(gpsd, source_for, caplog) -> None:
    caplog.set_level(logging.INFO, logger="vehicle.gps_source")
    source, sink = source_for(gpsd.port, retry_initial_s=0.05)
    play(gpsd, source, NO_FIX_ZEROS + FIRST_FIX + NEXT_CYCLES)
    assert wait_for(lambda: source.status is GpsStatus.FIX_3D)
    assert sink.state.value(vss.LATITUDE) is not None

    gpsd.kill()

    assert wait_for(lambda: source.status is GpsStatus.NO_GPSD)
    snapshot = sink.state.snapshot()
    assert snapshot.value(vss.LATITUDE) is None
    assert snapshot.readings[vss.LATITUDE].value == pytest.approx(31.230416, abs=1e-6)
    assert snapshot.value(vss.GNSS_FIX_TYPE) == vss.FIX_NONE
    lost = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(lost) == 1
    assert "gpsd closed the connection" in lost[0]

    # WHEN gpsd comes back on the same port, THEN the source reconnects
    revived = GpsdProcess(gpsd.port).start()
    try:
        assert wait_for(lambda: source.connects == 2)
        play(revived, source, NO_FIX_ZEROS)
        assert source.status is GpsStatus.NO_FIX
    finally:
        revived.stop()


def fix_cycle(second: int) -> list[str]:
    """Return the RMC and GGA sentences of one fix at 01:15 and ``second`` s."""
    time_of_day = f"0115{second % 60:02d}.00"
    return [
        with_checksum(
            f"GNRMC,{time_of_day},A,3113.82496,N,12128.42206,E,48.596,87.30,020625,,,A"
        ),
        with_checksum(
            f"GNGGA,{time_of_day},3113.82496,N,12128.42206,E,1,09,1.02,12.3,M,8.9,M,,"
        ),
    ]


def test_gpsd_frozen_times_out(gpsd, source_for, caplog) -> None:
    # GIVEN a receiver that sends a fix every 50 ms, so gpsd is never idle
    caplog.set_level(logging.INFO, logger="vehicle.gps_source")
    source, sink = source_for(gpsd.port, timeout_s=0.5, retry_initial_s=0.05)
    assert wait_for(lambda: watching(source))
    stop = threading.Event()

    def receive() -> None:
        second = 0
        while not stop.is_set():
            gpsd.send(fix_cycle(second), pace_s=0)
            second += 1
            stop.wait(0.05)

    receiver = threading.Thread(target=receive, daemon=True)
    receiver.start()
    try:
        assert wait_for(lambda: source.status is GpsStatus.FIX_3D)

        # WHEN gpsd freezes, THEN the timeout fires and the position is stale
        gpsd.freeze()
        try:
            assert wait_for(lambda: source.status is GpsStatus.NO_GPSD)
            assert sink.state.value(vss.LATITUDE) is None
            lost = [
                r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
            ]
            assert len(lost) == 1
            assert "no report from gpsd for 0.5 s" in lost[0]
        finally:
            gpsd.thaw()

        # WHEN gpsd runs again, THEN the fix comes back
        assert wait_for(lambda: source.status is GpsStatus.FIX_3D)
        assert sink.state.value(vss.LATITUDE) == pytest.approx(31.230416, abs=1e-6)
    finally:
        stop.set()
        receiver.join(5)


def test_gpsd_without_receiver_stays_no_gpsd(gpsd, source_for, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="vehicle.gps_source")
    source, _ = source_for(gpsd.port, timeout_s=0.3, retry_initial_s=0.05)

    assert wait_for(lambda: source.disconnects >= 2)

    assert source.connects >= 2
    assert source.status is GpsStatus.NO_GPSD
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    connected = [r for r in caplog.records if "connected to gpsd" in r.getMessage()]
    assert [r.levelno for r in connected[:2]] == [logging.INFO, logging.DEBUG]


def test_silent_server_times_out(source_for) -> None:
    server = JsonServer(silent=True)
    try:
        source, _ = source_for(server.port, timeout_s=0.3, retry_initial_s=0.05)
        assert wait_for(lambda: server.connections >= 2)
        assert source.status is GpsStatus.NO_GPSD
        assert source.connects == 0
    finally:
        server.close()


def test_stop_ends_reader_promptly(gpsd, source_for) -> None:
    source, _ = source_for(gpsd.port, timeout_s=60.0)
    assert wait_for(lambda: watching(source))
    thread = source._thread
    assert thread is not None

    source.stop(timeout_s=5.0)

    assert not thread.is_alive()
    assert source.status is GpsStatus.NO_GPSD


def mangle(sentence: str, rng) -> str:
    """Return an NMEA sentence cut, with bytes replaced, or with a field emptied."""
    choice = rng.randrange(4)
    if choice == 0:
        return sentence[: rng.randrange(1, len(sentence) + 1)]
    if choice == 1:
        chars = list(sentence)
        for _ in range(rng.randint(1, 3)):
            chars[rng.randrange(len(chars))] = chr(rng.randrange(32, 127))
        return "".join(chars)
    body = sentence[1:].split("*")[0].split(",")
    index = rng.randrange(1, len(body)) if len(body) > 1 else 0
    body[index] = rng.choice(["", "0", "-1", "999999", "A", "V", "abc", "9" * 30])
    # Half keep a valid checksum, so the damage reaches gpsd's parser.
    return with_checksum(",".join(body)) if choice == 2 else "$" + ",".join(body)


def test_nmea_fuzz_through_gpsd(gpsd, source_for, caplog) -> None:
    import random

    caplog.set_level(logging.WARNING)
    rng = random.Random(20091209)
    originals = [
        sentence
        for name in ("bt451.log", "sl869.log", "rst39.log", "skytraq.log")
        for sentence in nmea_sentences(nmea_recording(name))
    ]
    lines = [mangle(rng.choice(originals), rng) for _ in range(3000)]
    source, sink = source_for(gpsd.port)

    assert wait_for(lambda: watching(source))
    gpsd.send(lines, pace_s=0.0005)
    play(gpsd, source, NO_FIX_ZEROS + FIRST_FIX + NEXT_CYCLES)

    # The source survived everything gpsd made of it and still reads.
    assert source.connects == 1
    assert source.disconnects == 0
    assert source.status in (GpsStatus.NO_FIX, GpsStatus.FIX_2D, GpsStatus.FIX_3D)
    for latitude, longitude in zip(
        sink.values(vss.LATITUDE), sink.values(vss.LONGITUDE), strict=True
    ):
        assert -90 <= latitude <= 90
        assert -180 <= longitude <= 180
        assert (latitude, longitude) != (0.0, 0.0)
    # One warning per kind of fault; other sources in this module may log
    # their own timeouts meanwhile.
    kinds = source.faults
    warnings = [r for r in caplog.records if r.name == "vehicle.gpsd_reports"]
    assert len(warnings) == len(kinds), ([r.getMessage() for r in warnings], kinds)
