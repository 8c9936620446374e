"""The sweep's brand pass, its index and verdict, and shell layouts it found wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import qWarning
from PySide6.QtGui import QGuiApplication

import assets
from headunit import status as status_states
from headunit.branding import Branding, load_branding
from headunit.display import pixels_per_dp
from headunit.restrictions import MIN_BODY_TEXT_DP, MIN_TOUCH_TARGET_DP
from headunit.state import Snapshot
from ui import app as ui_app
from ui import gallery

SMALL_SIZES = ((1024, 600), (1920, 720))


@pytest.fixture(scope="module")
def brand_findings(qapp) -> list[gallery.Finding]:
    branding = load_branding(assets.SAMPLE_BRANDING)
    return gallery.sweep(None, SMALL_SIZES, languages=("en",), branding=branding)


def test_brand_sweep_finds_no_problem(brand_findings):
    assert len(brand_findings) == len(gallery.VIEWS) * 2 * 2 * len(SMALL_SIZES)
    for finding in brand_findings:
        assert finding.brand == "Sample Motors"
        assert finding.name.endswith("-brand")
        assert finding.problems == [], finding.name


def test_brand_sweep_flags_faint_accent(qapp):
    # Amber reads on the night background but not on the day one.
    amber = Branding(name="Amber", accent_colour="#ffb300")
    findings = gallery.sweep(
        None, ((1024, 600),), screens=("drive",), languages=("en",), branding=amber
    )
    day = [finding for finding in findings if finding.theme == "day"]
    night = [finding for finding in findings if finding.theme == "night"]
    assert day
    assert night
    for finding in day:
        assert any("in the day theme" in problem for problem in finding.problems)
    for finding in night:
        assert finding.problems == [], finding.name


def test_limits_state_px_per_resolution():
    limits = {row["size"]: row for row in gallery.limits_by_size(set(gallery.SIZES))}
    assert set(limits) == {"1280x720", "1920x720", "1024x600"}
    for size, row in limits.items():
        width, height = (int(part) for part in size.split("x"))
        assert row["touch_px"] >= MIN_TOUCH_TARGET_DP * pixels_per_dp(width, height)
        assert row["text_px"] >= MIN_BODY_TEXT_DP * pixels_per_dp(width, height)
    assert limits["1024x600"]["touch_px"] == 81
    assert limits["1920x720"]["touch_px"] == 80
    assert limits["1024x600"]["text_px"] == 26


def test_index_states_limits_and_verdict(brand_findings, tmp_path):
    broken = gallery.Finding("drive", "parked", "day", (1024, 600), problems=["made up"])
    page = gallery.write_index(tmp_path, [*brand_findings, broken]).read_text()
    assert "touch target, 76 dp" in page
    assert "text, 24 dp" in page
    assert "<td>1024x600</td><td>7.0 in</td>" in page
    assert "<td>81 px</td><td>26 px</td>" in page
    assert f"1 of {len(brand_findings) + 1} screens break a rule" in page
    assert "made up" in page


@pytest.mark.qt_log_ignore("made-up warning")
def test_qt_messages_collects_warnings():
    with gallery.QtMessages() as messages:
        qWarning("made-up warning")
    assert messages.take() == ["Qt warning: made-up warning"]
    assert messages.take() == []


def test_gallery_command_fails_on_problem(tmp_path):
    config = tmp_path / "amber.toml"
    config.write_text('[branding]\naccent_colour = "#FFB300"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    result = subprocess.run(
        [sys.executable, "-m", "headunit.cli", "--log-level", "WARNING", "gallery",
         str(tmp_path / "out"), "--size", "1024x600", "--branding", str(config)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1024x600: 76 dp touch target = 81 px, 24 dp text = 26 px" in result.stdout
    assert "-brand: branding.accent_colour #ffb300" in result.stdout
    assert "break a rule" in (tmp_path / "out" / "index.html").read_text()


def test_gallery_command_rejects_bad_brand(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[branding]\naccent_colour = "amber"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "headunit.cli", "gallery", str(tmp_path / "out"),
         "--branding", str(config)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert f"{config}: branding.accent_colour: invalid value 'amber'" in result.stderr


def item_x(ui: ui_app.LoadedUi, name: str) -> float:
    for item in gallery.all_items(ui.window.contentItem()):
        if item.objectName() == name:
            return item.mapToScene(item.boundingRect().topLeft()).x()
    raise AssertionError(f"no item named {name!r}")


@pytest.mark.parametrize("size", SMALL_SIZES)
def test_settings_choices_stay_when_moving(qapp, tmp_path, size):
    scene = gallery.Scene(tmp_path / "settings.db")
    ui = ui_app.load_ui(scene.headunit, size=size, language="en", screen="settings")
    try:
        assert ui is not None
        ui.pump.stop()
        scene.set_state("parked")
        ui.pump.tick()
        parked_x = item_x(ui, "languageZh")
        scene.set_state("moving")
        ui.pump.tick()
        assert ui.shell.moving
        assert item_x(ui, "languageZh") == parked_x
    finally:
        if ui is not None:
            ui.close()
        scene.close()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("size", SMALL_SIZES)
def test_status_bar_longest_texts_fit(qapp, size, language):
    # The status texts of the most words, next to the sample brand's logo.
    ui = ui_app.load_ui(
        None, size=size, language=language,
        branding=load_branding(assets.SAMPLE_BRANDING),
    )
    try:
        assert ui is not None
        ui.pump.stop()
        parked = Snapshot(readings={}, stale=set(), now=0.0, moving=False, version=1)
        ui.shell.setThemeMode("day")
        ui.shell.apply(
            parked,
            status_states.Status(
                bus=status_states.BUS_LOST,
                gps=status_states.GPS_NO_FIX,
                sync=status_states.SYNC_WAITING,
            ),
        )
        QGuiApplication.processEvents()
        finding = gallery.Finding("drive", "parked", "day", size, language)
        gallery.inspect(ui, ui.grab(), finding, moving=False)
        assert finding.problems == []
        assert ui.shell.busText
    finally:
        if ui is not None:
            ui.close()
