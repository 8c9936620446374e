"""The Debian package: built with lintian clean, installed, checked and purged.

Slow (about five minutes to build, one to install and purge), so marked
``package``: the normal run leaves it out and ``.ci/run`` runs it on its
own with ``pytest -m package``. It installs on this machine, so it needs
root and a Debian 12 system without the package.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(os.geteuid() != 0, reason="installs a Debian package: run as root"),
]


@pytest.fixture(scope="module")
def deb() -> Path:
    """Build the package into dist/; build-deb fails on a lintian error or warning."""
    result = subprocess.run(
        [str(REPO_ROOT / "packaging" / "build-deb")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "lintian found no errors or warnings" in result.stdout
    built = sorted((REPO_ROOT / "dist").glob("headunit_*_amd64.deb"))
    assert built, "build-deb wrote no package into dist/"
    return built[-1]


def test_package_contents(deb: Path) -> None:
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert "./opt/venvs/headunit/bin/headunit" in listing
    assert "./etc/headunit/headunit.toml" in listing
    assert "./lib/systemd/system/headunit.service" in listing
    assert "/PySide6/" in listing
    assert "__pycache__" not in listing
    depends = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    assert "fonts-wqy-microhei" in depends
    assert "libegl1" in depends


def test_install_check_purge(deb: Path) -> None:
    result = subprocess.run(
        [str(REPO_ROOT / "packaging" / "test-install"), str(deb)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-4000:]
    assert "test-install: all checks passed" in result.stdout
