"""The OEM's brand from the configuration's [branding] table, to the pixels."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickItem

import assets
from headunit import cli, doctor, oemcli, theme
from headunit.app import HeadUnit
from headunit.branding import Branding, BrandingError, contrast_problems, load_branding
from headunit.config import load_config
from ui import app as ui_app

SIZE = (1280, 720)
ACCENT = "#c8102e"
PRIMARY = "#00a0b0"
LOGO_FILL = "#2e7d32"
LOGO_SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' width='90' height='30'>"
    f"<rect width='90' height='30' fill='{LOGO_FILL}'/></svg>"
)


def write_config(folder: Path, branding: str) -> Path:
    (folder / "logo.svg").write_text(LOGO_SVG, encoding="utf-8")
    path = folder / "headunit.toml"
    path.write_text(
        f'[vehicle]\nprofile = "{assets.DEMO_PROFILE}"\nsimulate = true\n'
        f"[storage]\ndata_dir = \"data\"\n[branding]\n{branding}\n",
        encoding="utf-8",
    )
    return path


AURORA = (
    f'name = "Aurora Motors"\nprimary_colour = "{PRIMARY.upper()}"\n'
    f'accent_colour = "{ACCENT.upper()}"\nlogo = "logo.svg"'
)


def test_load_branding_reads_table(tmp_path):
    path = write_config(tmp_path, AURORA)
    branding = load_branding(path)
    assert branding.name == "Aurora Motors"
    assert branding.primary_colour == PRIMARY
    assert branding.accent_colour == ACCENT
    assert branding.logo == (tmp_path / "logo.svg").resolve()


def test_load_branding_without_table(tmp_path):
    path = tmp_path / "headunit.toml"
    path.write_text(f'[vehicle]\nprofile = "{assets.DEMO_PROFILE}"\n', encoding="utf-8")
    assert load_branding(path) == Branding()
    assert Branding().is_default


@pytest.mark.parametrize(
    ("table", "key", "fragment"),
    [
        ('accent_colour = "red"', "branding.accent_colour", "invalid value 'red'"),
        ("primary_colour = 255", "branding.primary_colour", 'expected a colour as "#RRGGBB"'),
        ('accent = "#ffffff"', "branding.accent", "unknown key '#ffffff'"),
        ('logo = "missing.svg"', "branding.logo", "file not found 'missing.svg'"),
        ('logo = "logo.jpg"', "branding.logo", "expected a .png or .svg file"),
        ('logo = "fake.png"', "branding.logo", "is not a PNG image"),
        ('logo = "broken.svg"', "branding.logo", "is not an SVG image"),
        ("name = 3", "branding.name", "expected a string"),
    ],
)
def test_branding_errors_name_file_and_key(tmp_path, table, key, fragment):
    (tmp_path / "logo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "fake.png").write_text("not an image", encoding="utf-8")
    (tmp_path / "broken.svg").write_text("<html></html>", encoding="utf-8")
    path = write_config(tmp_path, table)
    with pytest.raises(BrandingError) as raised:
        load_branding(path)
    assert str(raised.value).startswith(f"{path}: {key}: ")
    assert fragment in str(raised.value)


def test_config_bad_brand_keeps_vehicle(tmp_path):
    path = write_config(tmp_path, 'accent_colour = "#12345"')
    config = load_config(path)
    assert config.branding == Branding()
    assert config.branding_error is not None
    assert str(config.branding_error).startswith(f"{path}: branding.accent_colour: ")
    assert config.profile_path == assets.DEMO_PROFILE
    assert config.simulate


def test_config_check_rejects_bad_brand(tmp_path, capsys):
    path = write_config(tmp_path, 'logo = "missing.svg"')
    assert cli.main(["config", "check", str(path)]) == cli.EXIT_CONFIG_ERROR
    error = capsys.readouterr().err
    assert f"{path}: branding.logo: file not found 'missing.svg'" in error


def test_config_check_prints_brand(tmp_path, capsys):
    path = write_config(tmp_path, AURORA)
    assert cli.main(["config", "check", str(path)]) == 0
    output = capsys.readouterr().out
    assert f"branding: Aurora Motors, primary colour {PRIMARY}" in output
    assert f"accent colour {ACCENT}" in output


@pytest.mark.parametrize(
    ("table", "status", "fragment"),
    [
        ("", doctor.SKIP, "no [branding] set"),
        (AURORA, doctor.OK, "Aurora Motors"),
        ('accent_colour = "#FFB300"', doctor.WARN, "below 3:1 in the day theme"),
        ('accent_colour = "#0B5CAD"', doctor.WARN, "in the night theme"),
        ('logo = "missing.svg"', doctor.FAIL, "branding.logo: file not found"),
    ],
)
def test_doctor_branding_row(tmp_path, table, status, fragment):
    config = load_config(write_config(tmp_path, table))
    result, detail = doctor.check_branding(doctor.Context(config))
    assert result == status
    assert fragment in detail


def test_contrast_problems_match_theme():
    # A rejected accent leaves that theme's own accent in place, and only there.
    amber = Branding(accent_colour="#ffb300")
    assert len(contrast_problems(amber)) == 1
    assert theme.with_brand(theme.DAY, amber.accent_colour) == theme.DAY
    assert theme.with_brand(theme.NIGHT, amber.accent_colour).accent == "#ffb300"
    assert contrast_problems(Branding(accent_colour=ACCENT)) == []


def test_headunit_lists_brand_error(tmp_path):
    config = load_config(write_config(tmp_path, 'primary_colour = "blue"'))
    unit = HeadUnit.from_config(config, db_path=tmp_path / "brand.db")
    try:
        assert any("branding.primary_colour" in error for error in unit.config_errors)
        assert unit.decoder is not None
    finally:
        unit.stop()


def test_configured_branding_before_build(tmp_path):
    path = write_config(tmp_path, AURORA)
    assert oemcli.configured_branding(path).accent_colour == ACCENT
    bad = write_config(tmp_path, 'accent_colour = "red"')
    assert oemcli.configured_branding(bad) == Branding()
    assert oemcli.configured_branding(tmp_path / "absent.toml") == Branding()


def find(window, name: str) -> QQuickItem:
    stack = [window.contentItem()]
    while stack:
        item = stack.pop()
        if item.objectName() == name:
            return item
        stack.extend(item.childItems())
    raise AssertionError(f"no item named {name!r}")


def colour_share(image: QImage, item: QQuickItem, colour: str) -> float:
    """Return the share of ``item``'s pixels in ``image`` that are ``colour``."""
    rect = item.mapRectToScene(item.boundingRect()).toRect()
    assert rect.width() > 0
    assert rect.height() > 0
    matches = total = 0
    for x in range(rect.left(), rect.right() + 1, 2):
        for y in range(rect.top(), rect.bottom() + 1, 2):
            total += 1
            matches += image.pixelColor(x, y).name() == colour
    return matches / total


@pytest.fixture
def branded(qapp, tmp_path) -> Iterator[ui_app.LoadedUi]:
    branding = oemcli.configured_branding(write_config(tmp_path, AURORA))
    ui = ui_app.load_ui(None, size=SIZE, language="en", branding=branding)
    assert ui is not None
    ui.pump.stop()
    yield ui
    ui.close()


@pytest.mark.parametrize("mode", ["day", "night"])
def test_brand_in_rendered_frame(branded, mode):
    branded.shell.setThemeMode(mode)
    branded.pump.tick()
    image = branded.grab()
    logo = find(branded.window, "brandLogo")
    assert logo.isVisible()
    assert logo.property("progress") == 1.0
    # The SVG keeps its 3:1 aspect ratio inside the item, so most of it is logo.
    assert colour_share(image, logo, LOGO_FILL) > 0.5
    assert colour_share(image, find(branded.window, "brandStripe"), PRIMARY) > 0.9
    # The selected tab is filled with the accent; its label covers the rest.
    assert colour_share(image, find(branded.window, "navDrive"), ACCENT) > 0.5
    assert colour_share(image, find(branded.window, "navTrips"), ACCENT) == 0


def test_run_shows_configured_brand(tmp_path):
    config = write_config(tmp_path, AURORA)
    screenshot = tmp_path / "run.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    env.pop("HEADUNIT_CONFIG", None)
    result = subprocess.run(
        [sys.executable, "-m", "headunit.cli", "run", "--config", str(config),
         "--db", str(tmp_path / "run.db"), "--language", "en",
         "--screenshot", str(screenshot), "--settle", "1"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(screenshot))
    assert not image.isNull()
    rail_pixels = status_pixels = 0
    for x in range(0, 240, 2):
        for y in range(60, SIZE[1], 2):
            rail_pixels += image.pixelColor(x, y).name() == ACCENT
    for x in range(0, SIZE[0], 2):
        for y in range(0, 40, 2):
            status_pixels += image.pixelColor(x, y).name() == LOGO_FILL
    assert rail_pixels > 500, "no tab in the brand's accent on the navigation rail"
    assert status_pixels > 100, "no brand logo in the status bar"
