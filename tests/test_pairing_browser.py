"""The owner approves a head unit on the verification page, in headless Chromium."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import pytest

from headunit.platform_sync import PlatformSync
from platform_server import accounts
from sync.store import Store
from tests.platform_fixtures import Platform, start_platform

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def quick_platform(tmp_path: Path) -> Iterator[Platform]:
    yield from start_platform(f"sqlite:///{tmp_path / 'platform.db'}", "sqlite",
                              device_poll_interval_s=1, device_code_lifetime_s=30)


@pytest.fixture
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium and chromium-driver are not installed; run ./dev setup")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="headunit-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=480,800",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_owner_approves_in_browser(quick_platform: Platform, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    accounts.create_owner(quick_platform.engine, "owner@example.com", "long password")
    sync = PlatformSync(Store(tmp_path / "headunit.db"), tmp_path / "credentials.json")
    pairing, authorization = sync.start_pairing(quick_platform.url)
    failures: list[BaseException] = []
    cancel = threading.Event()

    def wait_for_approval() -> None:
        try:
            sync.finish_pairing(pairing, authorization, cancel)
        except BaseException as error:  # noqa: BLE001 - reported by the assert below
            failures.append(error)

    waiter = threading.Thread(target=wait_for_approval, daemon=True)
    waiter.start()
    try:
        rejected, shown_code, outcome_kind, outcome_text = _approve_in_browser(
            browser, authorization, tmp_path)
    finally:
        # The poll ends by itself after approval; cancel it if the page failed.
        waiter.join(timeout=20)
        cancel.set()

    assert "Wrong email or password" in rejected
    assert shown_code == authorization.user_code
    assert outcome_kind == "approved"
    assert "connected" in outcome_text
    assert failures == []
    assert not waiter.is_alive()
    assert (tmp_path / "credentials.json").exists()
    assert sync.engine.client is not None


def _approve_in_browser(browser, authorization, tmp_path: Path) -> tuple[str, str, str, str]:  # type: ignore[no-untyped-def]
    """Try a wrong password, then sign in and approve; return what the pages showed."""
    from selenium.webdriver.common.by import By

    browser.get(authorization.verification_uri)
    browser.find_element(By.ID, "email").send_keys("owner@example.com")
    browser.find_element(By.ID, "password").send_keys("wrong password")
    browser.find_element(By.ID, "sign-in-button").click()
    rejected = browser.find_element(By.ID, "message").text

    browser.get(authorization.verification_uri_complete)
    browser.find_element(By.ID, "email").send_keys("owner@example.com")
    browser.find_element(By.ID, "password").send_keys("long password")
    browser.find_element(By.ID, "sign-in-button").click()
    shown_code = browser.find_element(By.ID, "user_code").get_attribute("value")
    browser.find_element(By.ID, "approve").click()
    outcome = browser.find_element(By.ID, "message")
    outcome_text = outcome.text
    outcome_kind = outcome.get_attribute("data-outcome")
    browser.save_screenshot(str(tmp_path / "approved.png"))
    return rejected, shown_code, outcome_kind, outcome_text


def test_owner_types_code_and_denies(quick_platform: Platform, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    accounts.create_owner(quick_platform.engine, "owner@example.com", "long password")
    sync = PlatformSync(Store(tmp_path / "headunit.db"), tmp_path / "credentials.json")
    _, authorization = sync.start_pairing(quick_platform.url)

    browser.get(authorization.verification_uri)
    browser.find_element(By.ID, "email").send_keys("owner@example.com")
    browser.find_element(By.ID, "password").send_keys("long password")
    browser.find_element(By.ID, "sign-in-button").click()
    field = browser.find_element(By.ID, "user_code")
    field.clear()
    field.send_keys(authorization.user_code.replace("-", "").lower())
    browser.find_element(By.ID, "deny").click()
    outcome = browser.find_element(By.ID, "message").get_attribute("data-outcome")

    assert outcome == "denied"
