"""``headunit doctor`` against a healthy set-up and against broken ones.

Every peer is real: a python-can virtual bus fed by the simulated car,
SQLite files on disk, the ELM327 emulator on a loopback TCP port, gpsd fed
NMEA over UDP, an HTTP server on loopback and the machine's fontconfig.
"""

from __future__ import annotations

import getpass
import http.server
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from email.utils import formatdate
from pathlib import Path
from typing import Iterator

import pytest

from headunit import config as config_module
from headunit import doctor
from headunit.cli import main
from headunit.config import load_config
from sync.store import Store
from vehicle.candecode import CanDecoder
from vehicle.profile import load_profile
from vehicle.simulator import Simulator

REPO_ROOT = Path(__file__).resolve().parents[1]
PROFILES = REPO_ROOT / "assets" / "profiles"
UI_I18N = REPO_ROOT / "ui" / "i18n"

TS_TEMPLATE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>DriveScreen</name>
    <message>
        <source>Nearby club events</source>
        <translation>{text}</translation>
    </message>
    <message numerus="yes">
        <source>%n trips</source>
        <translation>
            <numerusform>%n 次行程</numerusform>
        </translation>
    </message>
</context>
</TS>
"""


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SetUp:
    """A head unit's files in a temporary folder: profile, DBC, config, data."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.channel = f"doctor-{uuid.uuid4().hex[:8]}"
        self.data_dir = root / "data"
        self.data_dir.mkdir()
        self.dbc_dir = root / "dbc"
        self.dbc_dir.mkdir()
        shutil.copy(PROFILES / "aurora_e5.dbc", self.dbc_dir)
        self.profile = root / "car.toml"
        self.profile.write_text(
            (PROFILES / "demo-ev.toml").read_text()
            .replace('channel = "aurora-e5-powertrain"', f'channel = "{self.channel}"')
        )
        self.i18n = root / "i18n"
        self.i18n.mkdir()
        self.write_translation("附近车友会活动")
        self.extra = ""

    def write_translation(self, text: str) -> None:
        (self.i18n / "headunit_zh_CN.ts").write_text(
            TS_TEMPLATE.format(text=text), encoding="utf-8"
        )

    def write_config(self) -> Path:
        path = self.root / "headunit.toml"
        path.write_text(
            f'[vehicle]\nprofile = "car.toml"\ndbc_path = ["dbc"]\n'
            f'[storage]\ndata_dir = "data"\nbudget_mb = 16\n{self.extra}'
        )
        return path

    def context(self, timeout_s: float = 1.0) -> doctor.Context:
        return doctor.Context(
            load_config(self.write_config()),
            timeout_s=timeout_s,
            i18n_dirs=(self.i18n,),
            service_user=getpass.getuser(),
        )

    def create_database(self) -> Path:
        store = Store(self.data_dir / "headunit.db")
        store.close()
        return self.data_dir / "headunit.db"

    def write_token(self, mode: int) -> Path:
        path = self.data_dir / "token.json"
        path.write_text('{"access_token": "not a real token"}\n')
        path.chmod(mode)
        return path


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SetUp:
    monkeypatch.delenv(config_module.CONFIG_ENV, raising=False)
    monkeypatch.setattr(config_module, "SYSTEM_CONFIG_FILE", tmp_path / "none.toml")
    return SetUp(tmp_path)


@pytest.fixture
def car(setup: SetUp) -> Iterator[Simulator]:
    """The simulated car sending on the set-up's virtual bus."""
    decoder = CanDecoder(load_profile(setup.profile), (setup.dbc_dir,))
    simulator = Simulator(decoder, time_scale=1.0)
    simulator.start()
    yield simulator
    simulator.stop()


def rows(results: list[doctor.Result]) -> dict[str, doctor.Result]:
    return {result.check: result for result in results}


def test_healthy_setup_passes(setup: SetUp, car: Simulator) -> None:
    setup.create_database()
    setup.write_token(0o600)
    results = rows(doctor.run_checks(setup.context()))
    table = doctor.format_table(results.values())
    assert not doctor.failed(results.values()), table
    assert results["configuration"].status == doctor.OK
    assert results["dbc"].status == doctor.OK
    assert results["can bus"].status == doctor.OK
    assert "decodable" in results["can bus"].detail
    assert results["database"].status == doctor.OK
    assert "integrity ok" in results["database"].detail
    assert results["token file"].status == doctor.OK
    assert results["fonts"].status == doctor.OK
    assert results["obd adapter"].status == doctor.SKIP
    assert results["obd adapter"].detail == "not configured"
    assert results["gpsd"].detail == "not configured"
    assert results["platform"].detail == "not configured"


def test_bus_without_frames_fails(setup: SetUp) -> None:
    results = rows(doctor.run_checks(setup.context(timeout_s=0.5)))
    assert results["can bus"].status == doctor.FAIL
    assert "no frame within 0.5 s" in results["can bus"].detail
    assert setup.channel in results["can bus"].detail


def test_unknown_interface_fails(setup: SetUp) -> None:
    setup.extra = '[can]\ninterface = "no-such-interface"\nchannel = "can0"\n'
    results = rows(doctor.run_checks(setup.context()))
    assert results["can bus"].status == doctor.FAIL
    assert "cannot open" in results["can bus"].detail


def test_simulated_car_feeds_bus(setup: SetUp) -> None:
    setup.extra = ""
    path = setup.write_config()
    path.write_text(path.read_text().replace("[vehicle]\n", "[vehicle]\nsimulate = true\n"))
    context = doctor.Context(load_config(path), timeout_s=2.0, i18n_dirs=(setup.i18n,))
    results = rows(doctor.run_checks(context))
    assert results["can bus"].status == doctor.OK
    assert "simulated car" in results["can bus"].detail


def test_missing_dbc_fails(setup: SetUp, car: Simulator) -> None:
    context = setup.context()
    (setup.dbc_dir / "aurora_e5.dbc").unlink()
    results = rows(doctor.run_checks(context))
    assert results["configuration"].status == doctor.FAIL
    assert "DBC 'aurora_e5.dbc' of bus 'powertrain' not found" in results["configuration"].detail
    assert results["dbc"].status == doctor.FAIL
    assert results["can bus"].status == doctor.FAIL


def test_dbc_without_profile_signal_fails(setup: SetUp) -> None:
    dbc = setup.dbc_dir / "aurora_e5.dbc"
    dbc.write_text(dbc.read_text().replace("VehicleSpeed", "VehicleSpeedRaw"))
    results = rows(doctor.run_checks(setup.context()))
    assert results["dbc"].status == doctor.FAIL
    assert "VehicleSpeed" in results["dbc"].detail


def test_token_bad_permissions_fail(setup: SetUp) -> None:
    token = setup.write_token(0o644)
    results = rows(doctor.run_checks(setup.context(timeout_s=0.2)))
    assert results["token file"].status == doctor.FAIL
    assert results["token file"].detail == f"{token}: mode 0644, expected 0600"


def test_token_wrong_owner_fails(setup: SetUp) -> None:
    setup.write_token(0o600)
    context = setup.context(timeout_s=0.2)
    context.service_user = "nobody"
    results = rows(doctor.run_checks(context))
    assert results["token file"].status == doctor.FAIL
    assert "expected nobody" in results["token file"].detail


def test_token_absent_is_skipped(setup: SetUp) -> None:
    results = rows(doctor.run_checks(setup.context(timeout_s=0.2)))
    assert results["token file"].status == doctor.SKIP
    assert "not paired" in results["token file"].detail


def test_garbage_database_fails(setup: SetUp) -> None:
    (setup.data_dir / "headunit.db").write_bytes(b"this is not SQLite " * 300)
    results = rows(doctor.run_checks(setup.context(timeout_s=0.2)))
    assert results["database"].status == doctor.FAIL
    assert "file is not a database" in results["database"].detail


def test_damaged_database_pages_fail(setup: SetUp) -> None:
    path = setup.data_dir / "headunit.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("CREATE TABLE samples (id INTEGER PRIMARY KEY, note TEXT)")
    connection.execute("CREATE INDEX samples_note ON samples (note)")
    connection.executemany(
        "INSERT INTO samples (note) VALUES (?)", [(f"sample {i:06d}",) for i in range(5000)]
    )
    connection.commit()
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    # Overwrite the middle pages but keep the header and schema on page 1.
    for offset in range(3 * page_size, len(data) - page_size, 7 * page_size):
        data[offset : offset + page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))
    results = rows(doctor.run_checks(setup.context(timeout_s=0.2)))
    assert results["database"].status == doctor.FAIL
    assert str(path) in results["database"].detail


def test_budget_larger_than_disk_fails(setup: SetUp) -> None:
    setup.create_database()
    setup.extra = ""
    path = setup.write_config()
    path.write_text(path.read_text().replace("budget_mb = 16", "budget_mb = 1000000000"))
    context = doctor.Context(load_config(path), timeout_s=0.2, i18n_dirs=(setup.i18n,))
    results = rows(doctor.run_checks(context))
    assert results["database"].status == doctor.FAIL
    assert "less free than the rest of the budget" in results["database"].detail


def test_uncovered_character_named(setup: SetUp) -> None:
    # U+10FFFD is a private-use code point that no font on a Debian or
    # Yocto image is expected to contain.
    setup.write_translation("附近\U0010fffd活动")
    results = rows(doctor.run_checks(setup.context(timeout_s=0.2)))
    assert results["fonts"].status == doctor.FAIL
    assert "U+10FFFD" in results["fonts"].detail
    assert "headunit_zh_CN.ts" in results["fonts"].detail


def test_latin_only_fonts_miss_chinese(
    setup: SetUp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu")
    if not latin.is_dir():
        pytest.skip("fonts-dejavu-core not installed")
    conf = tmp_path / "fonts.conf"
    cache = tmp_path / "fontcache"
    conf.write_text(
        f"<?xml version='1.0'?>\n<fontconfig><dir>{latin}</dir>"
        f"<cachedir>{cache}</cachedir></fontconfig>\n"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    results = rows(doctor.run_checks(setup.context(timeout_s=0.2)))
    assert results["fonts"].status == doctor.FAIL
    assert "'附' (U+9644" in results["fonts"].detail


def test_no_translations_fail(setup: SetUp) -> None:
    (setup.i18n / "headunit_zh_CN.ts").unlink()
    results = rows(doctor.run_checks(setup.context(timeout_s=0.2)))
    assert results["fonts"].status == doctor.FAIL
    assert "no translations" in results["fonts"].detail


@pytest.mark.skipif(not (UI_I18N / "headunit_zh_CN.qm").is_file(), reason="no compiled UI translation")
def test_compiled_translations_read() -> None:
    from headunit import fontcheck

    compiled = {text.text for text in fontcheck.read_qm(UI_I18N / "headunit_zh_CN.qm")}
    source = {text.text for text in fontcheck.read_ts(UI_I18N / "headunit_zh_CN.ts")}
    assert compiled
    assert compiled <= source


@pytest.fixture
def elm_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The ELM327 emulator serving a loopback TCP port inside the test process."""
    elm = pytest.importorskip("elm")
    monkeypatch.chdir(tmp_path)  # the emulator writes elm.log into its folder
    port = free_port()
    with elm.Elm(net_port=port):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port


def test_obd_adapter_answers(setup: SetUp, car: Simulator, elm_port: int) -> None:
    setup.extra = f'[obd]\nport = "socket://127.0.0.1:{elm_port}"\n'
    results = rows(doctor.run_checks(setup.context(timeout_s=3.0)))
    assert results["obd adapter"].status == doctor.OK
    assert "ELM327" in results["obd adapter"].detail


def test_obd_adapter_absent_fails(setup: SetUp) -> None:
    setup.extra = f'[obd]\nport = "socket://127.0.0.1:{free_port()}"\n'
    results = rows(doctor.run_checks(setup.context(timeout_s=0.5)))
    assert results["obd adapter"].status == doctor.FAIL
    assert "cannot open" in results["obd adapter"].detail


NMEA_FIX = [
    "$GPGGA,120000.00,5230.0000,N,01323.0000,E,1,08,0.9,35.0,M,40.0,M,,*",
    "$GPRMC,120000.00,A,5230.0000,N,01323.0000,E,10.0,90.0,041226,,,A*",
]


def nmea(sentence: str) -> bytes:
    body = sentence[1:-1]
    checksum = 0
    for character in body.encode():
        checksum ^= character
    return f"{sentence}{checksum:02X}\r\n".encode()


@pytest.fixture
def gpsd_with_fix(tmp_path: Path) -> Iterator[int]:
    """gpsd reading NMEA that a thread sends it over UDP on loopback."""
    if shutil.which("gpsd") is None:
        pytest.skip("gpsd not installed (apt-get install gpsd)")
    port, udp_port = free_port(), free_port(socket.SOCK_DGRAM)
    process = subprocess.Popen(
        ["gpsd", "-N", "-n", "-b", "-S", str(port), f"udp://127.0.0.1:{udp_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    stop = threading.Event()

    def feed() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            while not stop.is_set():
                for sentence in NMEA_FIX:
                    sender.sendto(nmea(sentence), ("127.0.0.1", udp_port))
                stop.wait(0.2)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        yield port
    finally:
        stop.set()
        process.terminate()
        process.wait(timeout=5)


def test_gpsd_fix_found(setup: SetUp, car: Simulator, gpsd_with_fix: int) -> None:
    setup.extra = f'[gps]\ngpsd = "127.0.0.1:{gpsd_with_fix}"\n'
    results = rows(doctor.run_checks(setup.context(timeout_s=5.0)))
    assert results["gpsd"].status == doctor.OK, results["gpsd"].detail
    assert "fix" in results["gpsd"].detail


def test_gpsd_absent_fails(setup: SetUp) -> None:
    setup.extra = f'[gps]\ngpsd = "127.0.0.1:{free_port()}"\n'
    results = rows(doctor.run_checks(setup.context(timeout_s=0.5)))
    assert results["gpsd"].status == doctor.FAIL
    assert "cannot connect" in results["gpsd"].detail


def platform_server(offset_s: float) -> tuple[http.server.HTTPServer, int]:
    """A loopback HTTP server whose Date header is ``offset_s`` away from now."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def date_time_string(self, timestamp: float | None = None) -> str:
            return formatdate(time.time() + offset_s, usegmt=True)

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            body = b'{"status": "ok"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@pytest.mark.parametrize(
    ("offset_s", "status", "fragment"),
    [(0.0, doctor.OK, "HTTP 200; clock within"), (3600.0, doctor.FAIL, "s off the platform")],
)
def test_platform_and_clock(
    setup: SetUp, car: Simulator, offset_s: float, status: str, fragment: str
) -> None:
    server, port = platform_server(offset_s)
    try:
        setup.extra = f'[platform]\nurl = "http://127.0.0.1:{port}"\n'
        results = rows(doctor.run_checks(setup.context(timeout_s=2.0)))
    finally:
        server.shutdown()
        server.server_close()
    assert results["platform"].status == status
    assert fragment in results["platform"].detail


def test_platform_absent_fails(setup: SetUp) -> None:
    setup.extra = f'[platform]\nurl = "http://127.0.0.1:{free_port()}"\n'
    results = rows(doctor.run_checks(setup.context(timeout_s=0.5)))
    assert results["platform"].status == doctor.FAIL
    assert "no answer" in results["platform"].detail


def test_cli_exit_codes_and_table(
    setup: SetUp, car: Simulator, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(doctor, "SERVICE_USER", getpass.getuser())
    monkeypatch.setattr(
        doctor.fontcheck, "installed_i18n_dirs", lambda: (setup.i18n,)
    )
    path = setup.write_config()
    assert main(["doctor", "--config", str(path), "--timeout", "1"]) == 0
    healthy = capsys.readouterr().out
    assert healthy.splitlines()[0].split() == ["CHECK", "STATUS", "DETAIL"]

    setup.write_token(0o666)
    assert main(["doctor", "--config", str(path), "--timeout", "1"]) == 1
    broken = capsys.readouterr().out
    assert "token file     FAIL" in broken


def test_cli_missing_dbc_keeps_other_rows(
    setup: SetUp, capsys: pytest.CaptureFixture[str]
) -> None:
    path = setup.write_config()
    (setup.dbc_dir / "aurora_e5.dbc").unlink()
    assert main(["doctor", "--config", str(path), "--timeout", "0.2"]) == 1
    output = capsys.readouterr().out
    assert "configuration  FAIL" in output
    assert "DBC 'aurora_e5.dbc' of bus 'powertrain' not found" in output
    assert "database" in output
    assert "token file" in output


def test_cli_config_error_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[vehicle]\nprofile = "demo-ev"\n[ui]\nlanguage = 7\n')
    monkeypatch.setenv(config_module.CONFIG_ENV, str(path))
    assert main(["doctor"]) == 1
    output = capsys.readouterr().out
    assert "configuration  FAIL" in output
    assert "ui.language: invalid value 7" in output


def test_doctor_never_imports_qt_gui() -> None:
    code = (
        "import sys\nfrom headunit import doctor, fontcheck\n"
        "fontcheck.installed_coverage()\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt loaded'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([os.sys.executable, "-c", code], check=True, env=env, timeout=60)
