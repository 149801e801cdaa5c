"""A headless Chromium for the browser tests, and the folder their artifacts go to.

Debian's ``chromium`` and ``chromium-driver`` are used as installed (``.ci/run`` installs them):
Selenium is given the driver's path and ``SE_OFFLINE=true``, so Selenium Manager never
downloads a browser or a driver. Without them these tests skip, except when env CI=true,
where they fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .._ci import unavailable

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1100,1150",
)


def _unavailable(reason: str) -> None:
    unavailable(f"browser tests need {reason}")


def _find(name: str) -> str | None:
    path = shutil.which(name) or f"/usr/bin/{name}"
    return path if os.access(path, os.X_OK) else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A fresh headless Chromium (own profile directory), quit after the module."""
    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download anything
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium (pip install -e '.[browser]')")
    chromium, chromedriver = _find("chromium"), _find("chromedriver")
    if chromium is None or chromedriver is None:
        _unavailable("Debian's chromium and chromium-driver (apt-get install chromium-driver)")
    assert chromium is not None and chromedriver is not None
    profile = tempfile.mkdtemp(prefix="pixelz-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (*CHROMIUM_ARGS, f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` at the repository root (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
