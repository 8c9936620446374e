"""Every screen, parked and moving, by day and night, at each resolution.

The sweep renders each combination offscreen through the real QML UI.
It checks each against the driving rules: touch targets and text sizes in dp,
text contrast measured on the rendered pixels, glyphs present for every
character, nothing outside the window or overlapping, list lengths and
forbidden items while moving. The table it prints is the gallery's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from headunit.display import pixels_per_dp
from headunit.restrictions import (
    MAX_MOVING_LIST_ITEMS,
    MIN_BODY_TEXT_DP,
    MIN_TEXT_CONTRAST,
    MIN_TOUCH_TARGET_DP,
    SCREENS,
)
from tests.conftest import REPO_ROOT
from ui import gallery

# Qt Multimedia names the decoder it falls back to when the clip plays.
pytestmark = pytest.mark.qt_log_ignore("No HW decoder found")

COMBINATIONS = (
    len(gallery.VIEWS)
    * len(gallery.STATES)
    * len(gallery.THEMES)
    * len(gallery.SIZES)
    * len(gallery.LANGUAGES)
)


@pytest.fixture(scope="module")
def findings(qapp, tmp_path_factory) -> list[gallery.Finding]:
    out_dir = tmp_path_factory.mktemp("gallery")
    results = gallery.sweep(out_dir)
    gallery.write_index(out_dir, results)
    print()
    print(f"{'screen':42} {'target px/dp':>14} {'text px/dp':>12} {'contrast':>8} rows")
    for finding in results:
        scale = finding.pixels_per_dp
        print(
            f"{finding.name:42} "
            f"{finding.min_touch_px:6.0f}/{finding.min_touch_px / scale:5.0f}dp "
            f"{finding.min_text_px:4d}/{finding.min_text_px / scale:5.1f}dp "
            f"{finding.min_contrast:8.1f} {finding.list_rows:4d}"
        )
    return results


def test_sweep_covers_every_combination(findings):
    assert len(findings) == COMBINATIONS
    assert len({finding.name for finding in findings}) == COMBINATIONS
    for finding in findings:
        assert finding.text_count > 0, finding.name
        assert finding.target_count >= len(SCREENS), finding.name


def test_sweep_touch_targets_at_least_76dp(findings):
    for finding in findings:
        limit_px = MIN_TOUCH_TARGET_DP * pixels_per_dp(*finding.size)
        assert finding.min_touch_px >= limit_px - 0.5, (
            finding.name, finding.min_touch_item
        )


def test_sweep_text_at_least_24dp(findings):
    for finding in findings:
        limit_px = MIN_BODY_TEXT_DP * pixels_per_dp(*finding.size)
        assert finding.min_text_px >= limit_px - 0.5, (finding.name, finding.min_text_item)


def test_sweep_text_contrast_measured(findings):
    for finding in findings:
        assert finding.min_contrast >= MIN_TEXT_CONTRAST, (
            finding.name, finding.min_contrast_item
        )


def test_sweep_lists_short_while_moving(findings):
    for finding in findings:
        if finding.state == "moving":
            assert finding.list_rows <= MAX_MOVING_LIST_ITEMS, finding.name
    parked_trips = [f for f in findings if f.screen == "trips" and f.state == "parked"]
    assert all(f.list_rows > MAX_MOVING_LIST_ITEMS for f in parked_trips)


def test_sweep_finds_no_problem(findings):
    problems = [f"{f.name}: {p}" for f in findings for p in f.problems]
    assert problems == []


def test_contrast_check_fails_on_low_contrast(qapp):
    image = QImage(200, 60, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    for x in range(20, 120):
        for y in range(20, 40):
            image.setPixel(x, y, 0xC8C8C8)
    from PySide6.QtCore import QRectF

    low = gallery.measured_contrast(image, QRectF(0, 0, 200, 60))
    assert low is not None and low < MIN_TEXT_CONTRAST
    for x in range(20, 120):
        image.setPixel(x, 30, 0x111111)
    high = gallery.measured_contrast(image, QRectF(0, 0, 200, 60))
    assert high is not None and high > MIN_TEXT_CONTRAST


def test_gallery_command_writes_index(tmp_path):
    out_dir = tmp_path / "gallery"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "headunit.cli", "gallery", str(out_dir),
         "--size", "1024x600"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pngs = sorted(out_dir.glob("*.png"))
    # Once in the product's own look and once with the sample brand.
    assert len(pngs) == 2 * (
        len(gallery.VIEWS) * len(gallery.STATES) * len(gallery.THEMES) * len(gallery.LANGUAGES)
    )
    assert len(list(out_dir.glob("*-brand.png"))) == len(pngs) // 2
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    for png in pngs:
        assert png.name in index
    image = QImage(str(pngs[0]))
    assert (image.width(), image.height()) == (1024, 600)
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.startswith(f"{len(pngs)} screens rendered, 0 with")


def test_start_without_display_writes_png(tmp_path):
    # A desktop's environment copied onto a machine with no display.
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", QT_IM_MODULE="ibus", DISPLAY="",
               HEADUNIT_DATA_DIR=str(tmp_path))
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    shot = tmp_path / "drive.png"
    result = subprocess.run(
        [sys.executable, "-m", "headunit.cli", "run", "--screenshot", str(shot),
         "--size", "1920x720", "--settle", "1", "--time-scale", "10"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Cannot connect" not in result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 720)


def test_start_without_platform_falls_back_offscreen(tmp_path):
    env = dict(os.environ, DISPLAY="", HEADUNIT_DATA_DIR=str(tmp_path))
    for name in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "QT_QUICK_BACKEND"):
        env.pop(name, None)
    shot = tmp_path / "drive.png"
    result = subprocess.run(
        [sys.executable, "-m", "headunit.cli", "run", "--screenshot", str(shot),
         "--settle", "0.5"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "rendering offscreen" in result.stderr
    assert shot.is_file()


def test_glyph_check_finds_missing_character(qapp, db_path):
    from headunit.app import HeadUnit
    from ui import app as ui_app

    unit = HeadUnit.demo(db_path)
    ui = ui_app.load_ui(unit, size=(1280, 720))
    try:
        assert ui is not None
        label = next(
            item for item in gallery.all_items(ui.window.contentItem())
            if item.objectName() == "speedUnitLabel"
        )
        label.setProperty("text", "附近车友会活动")
        assert gallery.missing_glyph(label) is None
        # A private-use code point that no installed font covers.
        label.setProperty("text", "车友\U0010fffd")
        assert gallery.missing_glyph(label) == "\U0010fffd"
    finally:
        if ui is not None:
            ui.close()
        unit.stop()


def test_qml_texts_go_through_qstr():
    # A string literal bound to a visible text bypasses translation. The
    # language names are the one exception: each is shown in its own
    # language, so a driver can find theirs in any UI language. The star
    # of a rating is a symbol, the same in every language.
    import re

    allowed = {'"中文"', '"English"', '"–"', '""', '"★"'}
    pattern = re.compile(
        r"\b(text|label|title|unit|valueText|message)\s*:\s*(\"[^\"]*\")"
    )
    found = []
    for path in sorted((REPO_ROOT / "ui" / "qml").glob("*.qml")):
        if path.name == "Theme.qml":
            continue  # colours, not text
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                if match.group(2) not in allowed:
                    found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_ui_font_draws_every_translation(qapp):
    from ui import fonts

    ts_file = fonts.I18N_DIR / "headunit_zh_CN.ts"
    assert len(fonts.translated_strings(ts_file)) > 50
    assert fonts.first_missing_glyph(ts_file) is None


def test_font_check_names_missing_glyph(qapp, tmp_path):
    # A private-use code point stands for a script no installed font covers.
    from ui import fonts

    ts_file = tmp_path / "test.ts"
    ts_file.write_text(
        "<TS version='2.1' language='zh_CN'><context><name>C</name>"
        "<message><source>Clubs</source><translation>附近车友会</translation></message>"
        "<message><source>Odd</source><translation>车友\U0010fffd会</translation>"
        "</message></context></TS>",
        encoding="utf-8",
    )
    assert fonts.first_missing_glyph(ts_file) == ("\U0010fffd", "车友\U0010fffd会")
