"""``headunit doctor``: check an installed head unit without its UI.

Each check opens the real thing (the CAN bus, the DBC, the ELM327 adapter,
gpsd, the database, the platform, the token file, the fonts, the brand's
logo) and returns
one row: OK, WARN, SKIP (not configured) or FAIL, with a detail line that
states what was found. Integrators run it over SSH on the head unit, so
nothing here imports Qt.
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import shutil
import socket
import sqlite3
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterable

import can

from headunit import fontcheck
from headunit.branding import contrast_problems
from headunit.oemcli import DOCTOR_TIMEOUT_S, describe_branding
from headunit.config import AppConfig, CanSettings, ConfigError, check_profile
from vehicle.candecode import CanDecoder
from vehicle.dbc import DbcError
from vehicle.profile import ProfileError, VehicleProfile
from vehicle.simulator import Simulator

logger = logging.getLogger(__name__)

OK, WARN, SKIP, FAIL = "OK", "WARN", "SKIP", "FAIL"
#: Account the Debian package runs the service as.
SERVICE_USER = "headunit"
#: Largest clock difference to the platform still counted as sane, in s.
MAX_CLOCK_SKEW_S = 300.0
#: Wait for a CAN frame, an adapter reply or a gpsd fix, in s; the CLI's default.
DEFAULT_TIMEOUT_S = DOCTOR_TIMEOUT_S


@dataclass(frozen=True)
class Result:
    """The outcome of one check."""

    check: str
    status: str
    detail: str


@dataclass
class Context:
    """State shared by the checks: the configuration and the parts loaded so far."""

    config: AppConfig
    timeout_s: float = DEFAULT_TIMEOUT_S
    i18n_dirs: tuple[Path, ...] | None = None
    service_user: str = SERVICE_USER
    profile: VehicleProfile | None = None
    decoder: CanDecoder | None = None


def run_checks(context: Context) -> list[Result]:
    """Run every check in order; a check that raises is a FAIL, not a crash."""
    results = []
    for name, check in CHECKS:
        try:
            status, detail = check(context)
        except Exception as error:  # noqa: BLE001 - one broken check must not hide the others
            logger.exception("doctor check %s raised", name)
            status, detail = FAIL, f"check raised {type(error).__name__}: {error}"
        results.append(Result(name, status, detail))
    return results


def format_table(results: Iterable[Result]) -> str:
    rows = [("CHECK", "STATUS", "DETAIL"), *((r.check, r.status, r.detail) for r in results)]
    width_check = max(len(row[0]) for row in rows)
    width_status = max(len(row[1]) for row in rows)
    return "\n".join(
        f"{check:<{width_check}}  {status:<{width_status}}  {detail}".rstrip()
        for check, status, detail in rows
    )


def failed(results: Iterable[Result]) -> bool:
    return any(result.status == FAIL for result in results)


def config_error_results(error: ConfigError) -> list[Result]:
    """Return the table for a configuration that does not load at all."""
    return [Result("configuration", FAIL, str(error))]


# The checks, each returning (status, detail).


def check_configuration(context: Context) -> tuple[str, str]:
    config = context.config
    source = str(config.source) if config.source else "built-in demo (no file found)"
    try:
        context.profile = check_profile(config)
    except ConfigError as error:
        return FAIL, str(error)
    return OK, f"{source}; profile {context.profile.name} ({config.profile_path})"


def check_dbc(context: Context) -> tuple[str, str]:
    if context.profile is None:
        return FAIL, "no profile loaded; see the configuration row"
    try:
        context.decoder = CanDecoder(context.profile, context.config.dbc_path)
    except (DbcError, ProfileError) as error:
        return FAIL, str(error)
    parts = [
        f"{name}: {loaded.path.name} ({len(loaded.database.messages)} messages)"
        for name, loaded in context.decoder.dbcs.items()
    ]
    return OK, f"{'; '.join(parts)}; all {len(context.profile.signals)} mapped signals found"


def check_can(context: Context) -> tuple[str, str]:
    if context.decoder is None or context.profile is None:
        return FAIL, "no DBC loaded; see the dbc row"
    if not context.config.simulate:
        return _listen_on_buses(context, context.config.can)
    # Bench and demo set-up: the simulated car drives the profile's own
    # buses, as it does in the running app.
    simulator = Simulator(context.decoder)
    simulator.start()
    try:
        status, detail = _listen_on_buses(context, CanSettings())
    finally:
        simulator.stop()
    return status, detail + " (sent by the simulated car)"


def _listen_on_buses(context: Context, override: CanSettings) -> tuple[str, str]:
    assert context.profile is not None and context.decoder is not None
    details = []
    status = OK
    for name, bus_config in context.profile.buses.items():
        interface = override.interface or bus_config.interface
        channel = override.channel or bus_config.channel
        label = f"{name} ({interface} {channel})"
        try:
            bus = can.Bus(
                interface=interface, channel=channel,
                bitrate=bus_config.bitrate, **bus_config.options,
            )
        except Exception as error:  # noqa: BLE001 - python-can raises many kinds here
            return FAIL, f"{label}: cannot open: {error}"
        try:
            frames, decodable = _count_frames(
                bus, context.timeout_s, context.decoder.frame_ids(name)
            )
        finally:
            bus.shutdown()
        if frames == 0:
            return FAIL, f"{label}: opened, but no frame within {context.timeout_s:g} s"
        if decodable == 0:
            status = WARN
            details.append(f"{label}: {frames} frames, none with an ID the profile maps")
        else:
            details.append(f"{label}: {frames} frames, {decodable} decodable")
    return status, "; ".join(details)


def _count_frames(bus: can.BusABC, timeout_s: float, frame_ids: set[int]) -> tuple[int, int]:
    """Receive for up to ``timeout_s``, stopping early once a mapped frame arrived."""
    deadline = time.monotonic() + timeout_s
    frames = decodable = 0
    while (remaining := deadline - time.monotonic()) > 0:
        message = bus.recv(timeout=remaining)
        if message is None:
            break
        if message.is_error_frame:
            continue
        frames += 1
        if message.arbitration_id in frame_ids:
            decodable += 1
        if decodable >= 10:
            break
    return frames, decodable


def check_obd(context: Context) -> tuple[str, str]:
    settings = context.config.obd
    if settings is None:
        return SKIP, "not configured"
    import serial  # pyserial; imported here so the other checks never need it

    try:
        port = serial.serial_for_url(
            settings.port, baudrate=settings.baudrate, timeout=context.timeout_s
        )
    except (serial.SerialException, ValueError, OSError) as error:
        return FAIL, f"{settings.port}: cannot open: {error}"
    try:
        _elm_command(port, b"ATZ", context.timeout_s)
        _elm_command(port, b"ATE0", context.timeout_s)
        identity = _elm_command(port, b"ATI", context.timeout_s)
    except TimeoutError as error:
        return FAIL, f"{settings.port}: {error}"
    finally:
        port.close()
    identity = identity.replace("ATI", "").strip() or "(empty reply)"
    return OK, f"{settings.port}: adapter answers {identity!r}"


def _elm_command(port: object, command: bytes, timeout_s: float) -> str:
    """Send one AT command and read up to the ELM327's ``>`` prompt."""
    port.reset_input_buffer()  # type: ignore[attr-defined]
    port.write(command + b"\r")  # type: ignore[attr-defined]
    reply = bytearray()
    deadline = time.monotonic() + timeout_s
    while not reply.endswith(b">"):
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"no prompt after {command.decode()} within {timeout_s:g} s "
                f"(received {bytes(reply)!r})"
            )
        reply += port.read(1)  # type: ignore[attr-defined]
    return reply[:-1].decode("ascii", "replace").replace("\r", " ").strip()


def check_gps(context: Context) -> tuple[str, str]:
    settings = context.config.gps
    if settings is None:
        return SKIP, "not configured"
    address = f"{settings.host}:{settings.port}"
    deadline = time.monotonic() + context.timeout_s
    try:
        connection = socket.create_connection(
            (settings.host, settings.port), timeout=context.timeout_s
        )
    except OSError as error:
        return FAIL, f"gpsd at {address}: cannot connect: {error}"
    best_mode = 0
    with connection, connection.makefile("rb") as stream:
        connection.sendall(b'?WATCH={"enable":true,"json":true};\n')
        while (remaining := deadline - time.monotonic()) > 0:
            connection.settimeout(remaining)
            try:
                line = stream.readline()
            except (TimeoutError, socket.timeout):
                break
            if not line:
                break
            try:
                report = json.loads(line)
            except ValueError:
                continue
            if report.get("class") != "TPV":
                continue
            best_mode = max(best_mode, int(report.get("mode", 0)))
            if best_mode >= 2:
                kind = "3D" if best_mode == 3 else "2D"
                return OK, f"gpsd at {address}: {kind} fix"
    if best_mode:
        return FAIL, f"gpsd at {address}: answers, but no fix within {context.timeout_s:g} s"
    return FAIL, f"gpsd at {address}: no position report within {context.timeout_s:g} s"


def check_database(context: Context) -> tuple[str, str]:
    config = context.config
    path = config.db_path
    existing = _nearest_existing(config.data_dir)
    free = shutil.disk_usage(existing).free
    used = sum(
        candidate.stat().st_size
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
        if candidate.exists()
    )
    room = (
        f"{_mib(used)} of {config.storage_budget_mb} MiB budget used, "
        f"{_mib(free)} free on {existing}"
    )
    needed = max(config.storage_budget_bytes - used, 0)

    if not path.exists():
        if free < needed:
            return FAIL, f"{path} not created yet; {room}: less free than the budget"
        return SKIP, f"{path} not created yet (created at first start); {room}"
    try:
        # Read-only, so the doctor never creates, migrates or repairs it.
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            report = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return FAIL, f"{path}: {error}"

    if report != ["ok"]:
        return FAIL, f"{path}: integrity check failed: {report[0]}"
    if free < needed:
        return FAIL, f"{path}: integrity ok; {room}: less free than the rest of the budget"
    return OK, f"{path}: integrity ok; {room}"


def check_platform(context: Context) -> tuple[str, str]:
    settings = context.config.platform
    if settings is None:
        return SKIP, "not configured"
    ssl_context = ssl.create_default_context(
        cafile=str(settings.ca_bundle) if settings.ca_bundle else None
    )
    request = urllib.request.Request(settings.url + "/", method="GET")
    try:
        with urllib.request.urlopen(
            request, timeout=context.timeout_s, context=ssl_context
        ) as response:
            status, date = response.status, response.headers.get("Date")
    except urllib.error.HTTPError as error:
        status, date = error.code, error.headers.get("Date")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return FAIL, f"{settings.url}: no answer: {reason}"
    if status >= 500:
        return FAIL, f"{settings.url}: HTTP {status}"
    if date is None:
        return WARN, f"{settings.url}: HTTP {status}, no Date header to compare the clock with"
    skew = time.time() - parsedate_to_datetime(date).timestamp()
    if abs(skew) > MAX_CLOCK_SKEW_S:
        return FAIL, (
            f"{settings.url}: HTTP {status}; local clock is {skew:+.0f} s off the "
            f"platform's (more than {MAX_CLOCK_SKEW_S:.0f} s)"
        )
    return OK, f"{settings.url}: HTTP {status}; clock within {abs(skew):.0f} s of the platform's"


def check_clock(context: Context) -> tuple[str, str]:
    # The installed files were written after the clock was last right, so a
    # time before them means a lost real-time clock.
    installed = Path(__file__).stat().st_mtime
    now = time.time()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(now))
    if now < installed:
        return FAIL, f"local time {stamp} is before the app was installed"
    return OK, f"local time {stamp}"


def check_token(context: Context) -> tuple[str, str]:
    path = context.config.token_path
    if not path.exists():
        return SKIP, f"{path} not present (not paired yet)"
    stat = path.stat()
    problems = []
    mode = stat.st_mode & 0o777
    if mode & 0o077:
        problems.append(f"mode {mode:04o}, expected 0600")
    expected_uid = _service_uid(context.service_user)
    if stat.st_uid != expected_uid:
        problems.append(
            f"owner {_user_name(stat.st_uid)}, expected {_user_name(expected_uid)}"
        )
    if problems:
        return FAIL, f"{path}: " + "; ".join(problems)
    return OK, f"{path}: mode {mode:04o}, owner {_user_name(stat.st_uid)}"


def check_fonts(context: Context) -> tuple[str, str]:
    directories = context.i18n_dirs
    if directories is None:
        directories = fontcheck.installed_i18n_dirs()
    texts = fontcheck.load_translations(directories)
    if not texts:
        return FAIL, f"no translations (.ts or .qm) found in {_join(directories)}"
    if shutil.which("fc-list") is None:
        return FAIL, "fc-list not found; install fontconfig"
    coverage = fontcheck.installed_coverage()
    report = fontcheck.first_missing(texts, coverage)
    languages = ", ".join(sorted({text.language for text in texts}))
    if report is not None:
        return FAIL, report
    return OK, (
        f"every character of {len(texts)} strings ({languages}) is in an installed font"
    )


def check_branding(context: Context) -> tuple[str, str]:
    """Check the brand's logo file and whether its accent reads in both themes."""
    config = context.config
    if config.branding_error is not None:
        return FAIL, (
            f"{config.branding_error}; the UI shows the product's own brand and "
            "this error until it is fixed"
        )
    branding = config.branding
    if branding.is_default:
        return SKIP, "no [branding] set; the UI shows the product's own brand"
    problems = contrast_problems(branding)
    if problems:
        return WARN, "; ".join(problems)
    return OK, describe_branding(branding)


CHECKS: tuple[tuple[str, Callable[[Context], tuple[str, str]]], ...] = (
    ("configuration", check_configuration),
    ("dbc", check_dbc),
    ("can bus", check_can),
    ("obd adapter", check_obd),
    ("gpsd", check_gps),
    ("database", check_database),
    ("platform", check_platform),
    ("clock", check_clock),
    ("token file", check_token),
    ("fonts", check_fonts),
    ("branding", check_branding),
)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MiB"


def _service_uid(user: str) -> int:
    """Return the service user's uid, or this process's when no such user exists."""
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return os.getuid()


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _join(paths: Iterable[Path]) -> str:
    return ", ".join(str(path) for path in paths) or "(no folder)"
