"""What `headunit run` loads before its first frame, and what that frame shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Runs the command in this process up to its first frame, then reports what
# was imported by then.
FIRST_FRAME_PROBE = r"""
import json, sys
from headunit import cli
code = cli.main(["run", "--db", sys.argv[1], "--quit-after-first-frame"])
import PySide6.QtCore
print(json.dumps({
    "code": code,
    "modules": sorted(sys.modules),
    "qt_namespace_built": "Qt" in vars(PySide6.QtCore),
}))
"""

#: Stacks that `headunit run` loads only after the first frame is on screen.
DEFERRED_MODULES = (
    "can",
    "cantools",
    "obd",
    "serial",
    "sqlite_utils",
    "requests",
    "headunit.app",
    "headunit.config",
    "sync.store",
    "vehicle.cansource",
)


REPO_ROOT = Path(__file__).resolve().parents[1]
SERVICE_UNIT = REPO_ROOT / "packaging" / "systemd" / "headunit.service"


def run_probe(tmp_path: Path, **extra_env: str) -> tuple[dict, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    env.pop("HEADUNIT_CONFIG", None)
    env.update(extra_env)
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE, str(tmp_path / "probe.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1]), result.stderr


def test_first_frame_shows_shell(tmp_path):
    report, log = run_probe(tmp_path)
    assert report["code"] == 0, log
    assert "first frame after" in log
    assert "with the status bar and navigation" in log


def test_first_frame_defers_vehicle_stack(tmp_path):
    report, _ = run_probe(tmp_path)
    loaded = [name for name in DEFERRED_MODULES if name in report["modules"]]
    assert loaded == [], f"imported before the first frame: {loaded}"


def test_first_frame_leaves_qt_namespace(tmp_path):
    # PySide builds every enum of the Qt namespace on the first use of
    # PySide6.QtCore.Qt (15 ms with PySide6 6.11 on a 2-core x86 machine),
    # so the modules loaded before the first frame leave it alone.
    report, _ = run_probe(tmp_path)
    assert not report["qt_namespace_built"], "PySide6.QtCore.Qt used before the first frame"


def test_qml_cache_written_offscreen(tmp_path):
    cache = tmp_path / "qmlcache"
    report, log = run_probe(tmp_path, QML_DISK_CACHE_PATH=str(cache))
    assert report["code"] == 0, log
    # One compiled unit per QML file the first frame needed, at least Main.qml.
    assert list(cache.glob("*.qmlc"))


def test_unit_keeps_qml_cache():
    lines = SERVICE_UNIT.read_text(encoding="utf-8").splitlines()
    assert "CacheDirectory=headunit" in lines
    assert "Environment=QML_DISK_CACHE_PATH=/var/cache/headunit/qmlcache" in lines
