"""Shared fixtures: public recordings, profiles and a fresh database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt reads these when it starts; set before any test imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Public recordings of real cars, kept beside the checkout and never copied
#: into it. HEADUNIT_SHARED_DATA points elsewhere.
SHARED_DATA = Path(
    os.environ.get("HEADUNIT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data")
)
GENESIS_DIR = SHARED_DATA / "can" / "hyundai-genesis"
GENESIS_LOG = GENESIS_DIR / "mphloggenesis.log"
GENESIS_DBC = GENESIS_DIR / "hyundai_kia_generic.dbc"
PROFILES = REPO_ROOT / "assets" / "profiles"
GENESIS_PROFILE = PROFILES / "hyundai-genesis-coupe.toml"
DEMO_PROFILE = PROFILES / "demo-ev.toml"


@pytest.fixture
def genesis_dir() -> Path:
    """Folder of the Hyundai Genesis recording and its opendbc DBC."""
    if not GENESIS_LOG.is_file() or not GENESIS_DBC.is_file():
        pytest.skip(
            f"recording not found in {GENESIS_DIR}: put the shared data folder "
            "beside the checkout or set HEADUNIT_SHARED_DATA"
        )
    return GENESIS_DIR


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "headunit.db"
