"""The systemd unit passes ``systemd-analyze verify`` and keeps its hardening."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
UNIT = REPO_ROOT / "packaging" / "systemd" / "headunit.service"
SYSTEM_UNITS = Path("/lib/systemd/system")

pytestmark = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None or not SYSTEM_UNITS.is_dir(),
    reason="systemd-analyze not installed (apt-get install systemd)",
)


def verify(unit_text: str, root: Path) -> subprocess.CompletedProcess[str]:
    """Run ``systemd-analyze verify`` on ``unit_text`` in a root of its own.

    The root has the system's own units and the ExecStart program, so the
    check needs neither the package installed nor systemd running as PID 1.
    """
    executable = root / "opt" / "venvs" / "headunit" / "bin" / "headunit"
    executable.parent.mkdir(parents=True, exist_ok=True)
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    units = root / "usr" / "lib" / "systemd" / "system"
    if not units.exists():
        shutil.copytree(SYSTEM_UNITS, units, symlinks=True)
    target = root / "etc" / "systemd" / "system" / "headunit.service"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(unit_text)
    return subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}",
         "/etc/systemd/system/headunit.service"],
        capture_output=True, text=True, timeout=60,
    )


def test_unit_verifies_clean(tmp_path: Path) -> None:
    result = verify(UNIT.read_text(), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_broken_unit_is_reported(tmp_path: Path) -> None:
    broken = UNIT.read_text().replace("Type=notify", "Type=notfy")
    result = verify(broken, tmp_path)
    assert "notfy" in result.stderr


def test_missing_program_is_reported(tmp_path: Path) -> None:
    moved = UNIT.read_text().replace("/opt/venvs/headunit/bin/headunit", "/opt/none/headunit")
    result = verify(moved, tmp_path)
    assert result.returncode != 0
    assert "/opt/none/headunit" in result.stderr


def read_service() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(UNIT)
    return parser["Service"]


def test_notify_watchdog_and_restart() -> None:
    service = read_service()
    assert service["Type"] == "notify"
    assert int(service["WatchdogSec"]) > 0
    assert service["Restart"] == "on-failure"
    assert service["SyslogIdentifier"] == "headunit"


def test_hardening_settings() -> None:
    service = read_service()
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ProtectHome"] == "yes"
    assert service["PrivateTmp"] == "yes"
    assert service["ReadWritePaths"] == "/var/lib/headunit"
    assert service["DevicePolicy"] == "closed"
    assert service["User"] == "headunit"
