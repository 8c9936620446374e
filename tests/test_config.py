"""The application configuration file: search order, values and errors."""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

import pytest

from headunit import config as config_module
from headunit import journal, oemcli
from headunit.cli import main
from headunit.config import ConfigError, load_config, resolve_config
from vehicle.profile import load_profile

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = REPO_ROOT / "packaging" / "headunit.example.toml"
PROFILES = REPO_ROOT / "assets" / "profiles"

MINIMAL = """
[vehicle]
profile = "demo-ev"
"""


def write(tmp_path: Path, text: str, name: str = "headunit.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_system_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the machine's own /etc/headunit and $HEADUNIT_CONFIG out of the tests."""
    monkeypatch.delenv(config_module.CONFIG_ENV, raising=False)
    monkeypatch.setattr(config_module, "SYSTEM_CONFIG_FILE", tmp_path / "etc" / "none.toml")


def test_example_loads_every_key() -> None:
    config = load_config(EXAMPLE)
    assert config.source == EXAMPLE
    assert config.profile_path == PROFILES / "demo-ev.toml"
    assert config.simulate is True
    assert config.data_dir == Path("/var/lib/headunit")
    assert config.storage_budget_mb == 512
    assert config.features.dtc_clearing is False
    assert config.features.clips is True
    assert config.branding.name == "Aurora Drive"
    assert config.branding.primary_colour == "#1e88e5"
    assert config.language == "zh_CN"
    assert config.obd is None
    assert config.gps is None
    assert config.platform is None


def test_full_config_values(tmp_path: Path) -> None:
    dbc_dir = tmp_path / "dbc"
    dbc_dir.mkdir()
    shutil.copy(PROFILES / "aurora_e5.dbc", dbc_dir)
    (tmp_path / "ca.pem").write_text("not checked here\n")
    (tmp_path / "logo.svg").write_text("<svg/>\n")
    path = write(tmp_path, f"""
[vehicle]
profile = "{PROFILES / 'demo-ev.toml'}"
dbc_path = ["dbc"]
[can]
interface = "socketcan"
channel = "can1"
[obd]
port = "/dev/ttyUSB0"
baudrate = 115200
protocol = "6"
[gps]
gpsd = "127.0.0.1:2950"
[platform]
url = "https://127.0.0.1:8443/"
ca_bundle = "ca.pem"
[storage]
data_dir = "data"
budget_mb = 64
[features]
dtc_clearing = true
clips = false
[branding]
name = "Lumen"
primary_colour = "#102030"
logo = "logo.svg"
[ui]
language = "en"
""")
    config = load_config(path)
    assert config.dbc_path == (tmp_path / "dbc",)
    assert config.can.interface == "socketcan"
    assert config.can.channel == "can1"
    assert config.obd is not None
    assert config.obd.port == "/dev/ttyUSB0"
    assert config.obd.baudrate == 115200
    assert config.obd.protocol == "6"
    assert config.gps is not None
    assert (config.gps.host, config.gps.port) == ("127.0.0.1", 2950)
    assert config.platform is not None
    assert config.platform.url == "https://127.0.0.1:8443"
    assert config.platform.ca_bundle == tmp_path / "ca.pem"
    assert config.data_dir == tmp_path / "data"
    assert config.db_path == tmp_path / "data" / "headunit.db"
    assert config.storage_budget_bytes == 64 * 1024 * 1024
    assert config.features.dtc_clearing is True
    assert config.features.clips is False
    assert config.branding.logo == tmp_path / "logo.svg"
    assert config.branding.accent_colour is None
    assert config.language == "en"


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("", "[vehicle]", "missing table"),
        ("[vehicle]\n", "vehicle.profile", "missing key; expected a string"),
        ("[vehicle]\nprofile = 5\n", "vehicle.profile", "invalid value 5; expected a string"),
        (MINIMAL + "[storage]\nbudget_mb = \"lots\"\n", "storage.budget_mb",
         "invalid value 'lots'; expected an integer"),
        (MINIMAL + "[storage]\nbudget_mb = 4\n", "storage.budget_mb",
         "expected an integer of at least 16"),
        (MINIMAL + "[features]\nclips = \"yes\"\n", "features.clips",
         "invalid value 'yes'; expected true or false"),
        (MINIMAL + "[ui]\nlanguage = \"fr\"\n", "ui.language",
         "invalid value 'fr'; expected one of zh_CN, en"),
        (MINIMAL + "[gps]\ngpsd = \"127.0.0.1:99999\"\n", "gps.gpsd",
         "expected HOST:PORT with a port from 1 to 65535"),
        (MINIMAL + "[platform]\nurl = \"ftp://127.0.0.1\"\n", "platform.url",
         "expected an http:// or https:// URL"),
        (MINIMAL + "[platform]\nurl = \"http://127.0.0.1\"\nca_bundle = \"no.pem\"\n",
         "platform.ca_bundle", "file not found 'no.pem'"),
        (MINIMAL + "[obd]\nport = \"/dev/ttyUSB0\"\nprotocol = \"Z\"\n", "obd.protocol",
         "expected an ELM327 protocol id"),
        (MINIMAL + "[can]\nchanel = \"can0\"\n", "can.chanel", "unknown key 'can0'"),
        (MINIMAL + "[network]\nwifi = true\n", "network", "unknown table"),
        ("can = \"can0\"\n" + MINIMAL, "can", "invalid value 'can0'; expected a table"),
        ("[vehicle]\nprofile = \"no-such-car\"\n", "vehicle.profile",
         "profile not found 'no-such-car'"),
        ("[vehicle]\nprofile = \"demo-ev\"\ndbc_path = \"missing\"\n", "vehicle.dbc_path",
         "folder not found 'missing'"),
    ],
)
def test_invalid_value_names_key(
    tmp_path: Path, text: str, key: str, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert caught.value.key == key
    assert message.startswith(f"{path}: {key}: ")
    assert fragment in message


def test_missing_dbc_names_search_path(tmp_path: Path) -> None:
    profile = tmp_path / "car.toml"
    profile.write_text(
        (PROFILES / "demo-ev.toml").read_text().replace("aurora_e5.dbc", "absent.dbc")
    )
    (tmp_path / "dbc").mkdir()
    path = write(tmp_path, '[vehicle]\nprofile = "car.toml"\ndbc_path = ["dbc"]\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "vehicle.dbc_path"
    assert "DBC 'absent.dbc' of bus 'powertrain' not found" in str(caught.value)
    assert str(tmp_path / "dbc") in str(caught.value)


def test_invalid_toml_names_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[vehicle\nprofile = 1\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)


def test_missing_file_is_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "absent.toml")


def test_config_error_is_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = write(tmp_path, MINIMAL + "[ui]\nlanguage = \"en\"\n", "explicit.toml")
    from_env = write(tmp_path, MINIMAL + "[storage]\nbudget_mb = 100\n", "env.toml")
    system = write(tmp_path, MINIMAL + "[storage]\nbudget_mb = 200\n", "system.toml")

    assert resolve_config().is_demo
    monkeypatch.setattr(config_module, "SYSTEM_CONFIG_FILE", system)
    assert resolve_config().source == system
    monkeypatch.setenv(config_module.CONFIG_ENV, str(from_env))
    assert resolve_config().source == from_env
    assert resolve_config(explicit).source == explicit


def test_demo_defaults() -> None:
    config = resolve_config()
    assert config.source is None
    assert config.simulate is True
    assert config.profile_path == PROFILES / "demo-ev.toml"
    assert config.language == "zh_CN"


def test_cli_check_app_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(EXAMPLE)]) == 0
    output = capsys.readouterr().out
    assert f"configuration {EXAMPLE}: ok" in output
    assert "bus powertrain:" in output
    assert "language: zh_CN" in output


def test_cli_check_profile_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(PROFILES / "demo-ev.toml")]) == 0
    profile = load_profile(PROFILES / "demo-ev.toml")
    assert f"{len(profile.signals)} signals mapped" in capsys.readouterr().out


def test_cli_check_reports_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MINIMAL + "[storage]\nbudget_mb = true\n")
    assert main(["config", "check", "--config", str(path)]) == 2
    error = capsys.readouterr().err
    assert f"{path}: storage.budget_mb: invalid value True; expected an integer" in error


def run_args(tmp_path: Path, config: Path | None) -> argparse.Namespace:
    return argparse.Namespace(
        config=config, db=tmp_path / "headunit.db", language=None,
        parked_timeout=60.0, time_scale=1.0,
    )


def test_run_uses_config_values(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "[ui]\nlanguage = \"en\"\n[features]\nclips = false\n")
    headunit = oemcli.configured_headunit(run_args(tmp_path, path))
    try:
        assert headunit.config.source == path
        assert headunit.language == "en"
        assert headunit.config.features.clips is False
        assert headunit.inputs.kind == "bus"
        assert headunit.config_errors == []
    finally:
        headunit.store.close()


def test_run_shows_config_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, MINIMAL + "[ui]\nlanguage = 7\n")
    with caplog.at_level(logging.ERROR):
        headunit = oemcli.configured_headunit(run_args(tmp_path, path))
    try:
        assert headunit.decoder is None
        assert len(headunit.config_errors) == 1
        assert "ui.language: invalid value 7" in headunit.config_errors[0]
    finally:
        headunit.store.close()
    ids = [getattr(record, "message_id", None) for record in caplog.records]
    assert journal.MESSAGE_ID_CONFIG_ERROR in ids


def test_run_logs_start_and_stop(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    headunit = oemcli.configured_headunit(run_args(tmp_path, None))
    try:
        with caplog.at_level(logging.INFO, logger="headunit.oemcli"):
            oemcli.log_start(headunit)
            assert oemcli.run_logged(lambda: 0) == 0
    finally:
        headunit.store.close()
    ids = [getattr(record, "message_id", None) for record in caplog.records]
    assert ids.count(journal.MESSAGE_ID_START) == 1
    assert ids.count(journal.MESSAGE_ID_STOP) == 1
