"""The OBD-II source against the ELM327 emulator over TCP on loopback."""

from __future__ import annotations

import logging
import time

import obd
import pytest

from elm_emulator import Emulator, writeln
from vehicle import vss
from vehicle.obd_source import (
    DtcClearRejected,
    ObdConfig,
    ObdSource,
    ObdState,
)
from vehicle.elm_adapter import FilteringELM327


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    peer = Emulator(tmp_path_factory.mktemp("elm")).start()
    yield peer
    peer.stop()


OPEN_SOURCES: list[ObdSource] = []


@pytest.fixture
def emu(emulator):
    """The shared emulator with its default answers and no stored DTCs.

    The emulator serves one client at a time, so every source a test made
    is stopped afterwards, also when the test failed.
    """
    emulator.run("emulator.answer = {}")
    emulator.set_voltage(14.2)
    emulator.run("emulator.delay = 0")
    emulator.run(
        "import elm.obd_message as m\\nm.DTC_STORED[:] = []\\nm.DTC_PENDING[:] = []"
    )
    yield emulator
    while OPEN_SOURCES:
        OPEN_SOURCES.pop().stop()


class Collector:
    def __init__(self):
        self.updates = []

    def __call__(self, batch):
        self.updates.extend(batch)

    def last(self, path):
        values = [u.value for u in self.updates if u.path == path]
        return values[-1] if values else None


def make_source(emu, sink=None, is_parked=None, **overrides):
    options = dict(
        protocol="6",
        timeout_s=1.0,
        dtc_interval_s=3600.0,
        retry_min_s=0.2,
        retry_max_s=0.5,
        sleep_check_s=0.2,
    )
    options.update(overrides)
    source = ObdSource(
        ObdConfig(emu.url, **options), sink or Collector(), is_parked=is_parked
    )
    OPEN_SOURCES.append(source)
    return source


def wait_for(condition, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_poll_values_in_vss_units(emu):
    sink = Collector()
    source = make_source(emu, sink)
    assert source.connect()
    for _ in range(3):
        source.poll_once()
    source.stop()
    speed = sink.last(vss.SPEED)
    rpm = sink.last(vss.ENGINE_SPEED)
    coolant = sink.last(vss.COOLANT_TEMPERATURE)
    assert isinstance(speed, float) and 0 <= speed <= 255
    assert isinstance(rpm, float) and 0 <= rpm < 16384
    assert -40 <= coolant <= 215
    assert source.multi_pid_ok
    assert 0x0D in source.supported_pids


def test_poll_plan_reads_fast_items_more_often(emu):
    sink = Collector()
    source = make_source(emu, sink)
    assert source.connect()
    for _ in range(10):
        source.poll_once()
    source.stop()
    counts = {
        path: sum(u.path == path for u in sink.updates)
        for path in (vss.SPEED, vss.COOLANT_TEMPERATURE)
    }
    assert counts[vss.SPEED] >= 10
    assert counts[vss.COOLANT_TEMPERATURE] == 1


def test_multi_pid_falls_back_to_single(emu):
    # An adapter that answers NO DATA to any request with several PIDs.
    emu.run(
        "emulator.multi_pid_answer = lambda cmd, header: "
        "'<writeln>NO DATA</writeln>' if cmd[:2] == '01' and len(cmd) > 4 else None"
    )
    try:
        sink = Collector()
        source = make_source(emu, sink)
        assert source.connect()
        for _ in range(4):
            source.poll_once()
        source.stop()
    finally:
        emu.run("del emulator.multi_pid_answer")
    assert not source.multi_pid_ok
    assert sink.last(vss.SPEED) is not None


def test_searching_prefix_through_adapter(emu):
    source = make_source(emu)
    assert source.connect()
    emu.answer("RPM", writeln("SEARCHING...") + writeln("7E8 04 41 0C 0F A0"))
    assert source.query(obd.commands.RPM).value.magnitude == 1000.0
    emu.answer("RPM", writeln("SEARCHING...") + writeln("41 0C 0F A0"))
    assert source.query(obd.commands.RPM).value.magnitude == 1000.0
    source.stop()
    assert source.faults.total() == 0


def test_duplicate_frame_through_adapter(emu):
    source = make_source(emu)
    assert source.connect()
    emu.answer("SPEED", writeln("7E8 03 41 0D 58") + writeln("7E8 03 41 0D 58"))
    assert source.query(obd.commands.SPEED).value.magnitude == 88.0
    emu.answer("SPEED", writeln("41 0D 58") + writeln("41 0D 58"))
    assert source.query(obd.commands.SPEED).value.magnitude == 88.0
    source.stop()


def test_lower_case_reply(emu):
    source = make_source(emu)
    assert source.connect()
    emu.answer("SPEED", writeln("7e8 03 41 0d 58"))
    assert source.query(obd.commands.SPEED).value.magnitude == 88.0
    source.stop()


def test_car_refusing_mode01_is_reported(emu, caplog):
    refusal = writeln("SEARCHING...") + writeln("7EA 03 7F 01 7F")
    # The emulator's default scenario answers 0100 under ELM_PIDS_A.
    emu.answer("ELM_PIDS_A", refusal)
    emu.answer("PIDS_A", refusal)
    sink = Collector()
    source = make_source(emu, sink, retry_min_s=30.0, retry_max_s=60.0)
    assert not source.connect()
    assert source.state is ObdState.REFUSED
    assert "negative response 0x7F" in source.status_text
    assert "service not supported in active session" in source.status_text
    assert source.supported_pids == set()
    # Forcing a query on such a car yields no number built from 7F.
    emu.answer("SPEED", writeln("7EA 03 7F 01 7F"))
    assert source.query(obd.commands.SPEED).value is None
    # The refusal backs off: the next probe is far ahead, not in a loop.
    sent = source.requests_sent
    source._step()
    assert source.requests_sent == sent
    source.stop()
    assert sink.updates == []


@pytest.mark.parametrize(
    "reply",
    [
        writeln("SEARCHING...") + writeln("UNABLE TO CONNECT"),
        writeln("BUS INIT: ...ERROR"),
    ],
)
def test_car_not_answering_at_connect(emu, reply):
    emu.answer("ELM_PIDS_A", reply)
    emu.answer("PIDS_A", reply)
    sink = Collector()
    source = make_source(emu, sink, retry_min_s=30.0, retry_max_s=60.0)
    assert not source.connect()
    assert source.state is ObdState.CAR_NOT_ANSWERING
    assert source.status_text.startswith("adapter connected, car not answering")
    assert sink.updates == []
    # The next attempt waits for the backoff instead of retrying at once.
    assert source._backoff() >= 30.0


@pytest.mark.parametrize(
    "reply, kind",
    [
        ("STOPPED", "STOPPED"),
        ("NO DATA", "NO_DATA"),
        ("CAN ERROR", "CAN_ERROR"),
        ("BUFFER FULL", "BUFFER_FULL"),
        ("?", "UNKNOWN_COMMAND"),
        ("ERR93", "ADAPTER_ERROR"),
    ],
)
def test_status_reply_no_value_counted_once(emu, reply, kind, caplog):
    source = make_source(emu)
    assert source.connect()
    emu.answer("SPEED", writeln(reply))
    caplog.set_level("WARNING", logger="vehicle.obd_source")
    for _ in range(2):
        assert source.query(obd.commands.SPEED).value is None
    emu.forget("SPEED")
    assert source.query(obd.commands.SPEED).value is not None
    source.stop()
    assert source.faults.counts()[("status", kind, "SPEED")] == 2
    assert sum("replied" in r.message for r in caplog.records) == 1


def test_fatal_adapter_error_resets_adapter(emu):
    source = make_source(emu)
    assert source.connect()
    emu.answer("SPEED", writeln("ERR94"))
    assert source.query(obd.commands.SPEED).value is None
    assert source.state is ObdState.NOT_CONNECTED
    assert "ERR94" in source.status_text
    emu.forget("SPEED")
    assert source.connect()
    assert source.query(obd.commands.SPEED).value is not None
    source.stop()


def test_three_adapter_errors_reset_adapter(emu):
    source = make_source(emu)
    assert source.connect()
    emu.answer("SPEED", writeln("ERR93"))
    for _ in range(2):
        source.query(obd.commands.SPEED)
        assert source.state is ObdState.POLLING
    source.query(obd.commands.SPEED)
    assert source.state is ObdState.NOT_CONNECTED
    source.stop()


def test_slow_clone_times_out_then_recovers(emu):
    emu.answer("ELM_VERSION", writeln("ELM327 v1.5"))
    source = make_source(emu, timeout_s=0.5)
    assert source.connect()
    emu.run("emulator.delay = 0.8")
    started = time.monotonic()
    assert source.query(obd.commands.SPEED).value is None
    assert time.monotonic() - started < 1.5
    emu.run("emulator.delay = 0")
    # The late reply to the timed-out request is drained, never read as
    # the answer to the next one.
    assert source.query(obd.commands.COOLANT_TEMP).value is not None
    assert source.query(obd.commands.SPEED).value is not None
    source.stop()
    assert source.faults.counts()[("timeout", "SPEED")] == 1


def test_vin_read_and_masked_in_log(emu, caplog):
    caplog.set_level("INFO", logger="vehicle.obd_source")
    emu.answer(
        "VIN",
        writeln("7E8 10 14 49 02 01 4C 54 45")
        + writeln("7E8 21 53 54 30 30 30 30 30")
        + writeln("7E8 22 30 30 30 30 30 34 32"),
    )
    sink = Collector()
    source = make_source(emu, sink)
    assert source.connect()
    source.stop()
    assert source.vin == "LTEST000000000042"
    assert sink.last(vss.VIN) == "LTEST000000000042"
    assert "LTEST000000000042" not in caplog.text
    assert "LTEST********0042" in caplog.text


def test_dtcs_mapped_to_vss(emu):
    emu.run(
        "import elm.obd_message as m\\nm.DTC_STORED[:] = ['0143', '0196']\\n"
        "m.DTC_PENDING[:] = ['0300']"
    )
    sink = Collector()
    source = make_source(emu, sink)
    assert source.connect()
    source.read_dtcs()
    source.stop()
    assert sink.last(vss.DTC_LIST) == ["P0143", "P0196"]
    assert sink.last(vss.OBD_PENDING_DTC_LIST) == ["P0300"]
    assert sink.last(vss.OBD_MIL_ON) is True
    assert sink.last(vss.OBD_DTC_COUNT) == 2


def test_freeze_frame_dtc_and_values(emu):
    emu.answer("STATUS", "<header>7E8</header><size>04</size><data>41 02 01 43</data>")
    emu.answer("DTC_SPEED", writeln("7E8 03 42 0D 58"))
    sink = Collector()
    source = make_source(emu, sink)
    assert source.connect()
    frame = source.read_freeze_frame(("DTC_SPEED", "DTC_RPM"))
    source.stop()
    assert frame["DTC_SPEED"].magnitude == 88.0
    # The emulator refuses DTC_RPM with 7F 02 12; that is no value.
    assert "DTC_RPM" not in frame
    assert source.faults.counts()[("negative", 0x02, 0x12)] == 1


class TestClearDtcs:
    def test_rejected_unless_allowed(self, emu):
        source = make_source(emu, allow_clear_dtcs=False, is_parked=lambda: True)
        with pytest.raises(DtcClearRejected, match="allow_clear_dtcs"):
            source.clear_dtcs(confirmed=True)

    def test_rejected_without_confirmation(self, emu):
        source = make_source(emu, allow_clear_dtcs=True, is_parked=lambda: True)
        with pytest.raises(DtcClearRejected, match="confirmation"):
            source.clear_dtcs(confirmed=False)

    def test_rejected_while_moving(self, emu):
        source = make_source(emu, allow_clear_dtcs=True, is_parked=lambda: False)
        with pytest.raises(DtcClearRejected, match="parked"):
            source.clear_dtcs(confirmed=True)

    def test_rejections_send_nothing(self, emu):
        source = make_source(emu, allow_clear_dtcs=False, is_parked=lambda: True)
        assert source.connect()
        sent = source.requests_sent
        with pytest.raises(DtcClearRejected):
            source.clear_dtcs(confirmed=True)
        assert source.requests_sent == sent
        source.stop()

    def test_clears_when_parked_confirmed_allowed(self, emu):
        emu.run("import elm.obd_message as m\\nm.DTC_STORED[:] = ['0143']")
        sink = Collector()
        source = ObdSource(
            ObdConfig(emu.url, protocol="6", timeout_s=1.0, allow_clear_dtcs=True),
            sink,
            is_parked=lambda: True,
        )
        OPEN_SOURCES.append(source)
        assert source.connect()
        source.read_dtcs()
        assert sink.last(vss.DTC_LIST) == ["P0143"]
        source.clear_dtcs(confirmed=True)
        source.stop()
        assert sink.last(vss.DTC_LIST) == []
        assert sink.last(vss.OBD_MIL_ON) is False


def test_emulator_mode03_count_byte(tmp_path):
    """ELM327-emulator leaves out the DTC count byte; when this fails, it sends it."""
    peer = Emulator(tmp_path, real_car_dtc_replies=False).start()
    try:
        peer.run("import elm.obd_message as m\\nm.DTC_STORED[:] = ['0143', '0196']")
        adapter = FilteringELM327(peer.url, 38400, "6", 1.0, check_voltage=False)
        lines = adapter.send_raw(b"03")
        adapter.close()
    finally:
        peer.stop()
    data = " ".join(lines)
    assert "43 01 43 01 96" in data, data


@pytest.mark.slow
class TestSleepAndWake:
    def test_ignition_off_sends_nothing(self, emu):
        ignition = {"on": False}
        source = ObdSource(
            ObdConfig(emu.url, protocol="6", timeout_s=1.0, sleep_check_s=0.1),
            Collector(),
            ignition=lambda: ignition["on"],
        )
        OPEN_SOURCES.append(source)
        source.start()
        try:
            assert wait_for(lambda: source.state is ObdState.ASLEEP)
            time.sleep(0.5)
            assert source.requests_sent == 0
            ignition["on"] = True
            assert wait_for(lambda: source.state is ObdState.POLLING)
            assert wait_for(lambda: source.values_read > 0)
        finally:
            source.stop()

    def test_low_voltage_stops_polling_and_wakes(self, emu):
        sink = Collector()
        source = make_source(emu, sink, sleep_check_s=0.2)
        source.start()
        try:
            assert wait_for(lambda: source.values_read > 0)
            emu.set_voltage(12.3)
            assert wait_for(lambda: source.state is ObdState.ASLEEP)
            time.sleep(0.3)
            sent = source.requests_sent
            time.sleep(1.0)
            assert source.requests_sent == sent
            emu.set_voltage(14.1)
            assert wait_for(lambda: source.state is ObdState.POLLING)
            assert wait_for(lambda: source.requests_sent > sent + 5)
        finally:
            source.stop()

    def test_no_answer_stops_polling_with_backoff(self, emu):
        silent = (
            "ELM_PIDS_A",
            "PIDS_A",
            "SPEED",
            "RPM",
            "ENGINE_LOAD",
            "THROTTLE_POS",
            "MAF",
            "CONTROL_MODULE_VOLTAGE",
            "COOLANT_TEMP",
            "INTAKE_TEMP",
            "FUEL_LEVEL",
            "RUN_TIME",
        )
        source = make_source(emu, sleep_check_s=0.2, retry_min_s=0.5, retry_max_s=1.0)
        source.start()
        try:
            assert wait_for(lambda: source.values_read > 0)
            for pid in silent:
                emu.answer(pid, writeln("NO DATA"))
            assert wait_for(lambda: source.state is ObdState.CAR_NOT_ANSWERING)
            assert "no answer" in source.status_text
            # Probes come after a pause that grows to retry_max_s, never
            # in a tight loop.
            sent = source.requests_sent
            time.sleep(2.0)
            assert source.requests_sent - sent <= 4 * 3
            read = source.values_read
            for pid in silent:
                emu.forget(pid)
            assert wait_for(lambda: source.state is ObdState.POLLING)
            assert wait_for(lambda: source.values_read > read)
        finally:
            source.stop()


@pytest.mark.slow
def test_adapter_unplugged_and_back(tmp_path):
    peer = Emulator(tmp_path / "first").start()
    sink = Collector()
    source = ObdSource(
        ObdConfig(
            peer.url, protocol="6", timeout_s=1.0, retry_min_s=0.2, retry_max_s=0.5
        ),
        sink,
    )
    source.start()
    second = None
    try:
        assert wait_for(lambda: source.values_read > 0)
        peer.stop()
        assert wait_for(lambda: source.state is ObdState.NOT_CONNECTED)
        read = source.values_read
        second = Emulator(tmp_path / "second", port=peer.port).start()
        assert wait_for(lambda: source.state is ObdState.POLLING, 15)
        assert wait_for(lambda: source.values_read > read)
        assert source.reconnects == 2
    finally:
        source.stop()
        if second is not None:
            second.stop()


def test_pty_adapter_polls_and_is_lost(tmp_path):
    peer = Emulator(tmp_path, pty=True).start()
    sink = Collector()
    source = ObdSource(ObdConfig(peer.url, protocol="6", timeout_s=1.0), sink)
    try:
        assert peer.url.startswith("/dev/")
        assert source.connect()
        source.poll_once()
        assert sink.last(vss.SPEED) is not None
        # Closing the pty is what unplugging a USB adapter looks like.
        peer.stop()
        assert source.query(obd.commands.SPEED).value is None
        assert source.state is ObdState.NOT_CONNECTED
    finally:
        source.stop()
        peer.stop()


def test_unplugged_adapter_retries_log_once(tmp_path, caplog):
    port = tmp_path / "obd-adapter"  # no such device: the adapter is unplugged
    source = ObdSource(ObdConfig(str(port), protocol="6", timeout_s=0.2), Collector())
    caplog.set_level(logging.DEBUG)
    for _ in range(4):
        source.connect()
        assert source.state is ObdState.NOT_CONNECTED
    source.stop()
    python_obd_errors = [
        record for record in caplog.records
        if record.name.startswith("obd") and record.levelno >= logging.ERROR
    ]
    ours = [record for record in caplog.records if record.name == "vehicle.obd_source"]
    # The first failed attempt is reported once by python-OBD and once by
    # the source; the retries add nothing.
    assert len(python_obd_errors) == 1
    assert sum("cannot open" in r.getMessage() for r in ours) == 1
