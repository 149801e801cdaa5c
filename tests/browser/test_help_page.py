"""The emulator's help pages in a real browser: list -> operation page -> form -> Invoke -> XML.

Screenshots go to ``test-artifacts/`` (gitignored). With ``PIXELZ_UPDATE_DOCS_SCREENSHOT=1``
the operation page's screenshot is also copied to ``docs/img/emulator-help.png``, the one
``docs/testing.md`` shows.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from pixelz._operations import GET_IMAGES_LIST, OPERATIONS
from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL, serve
from pixelz.emulator._help import TEST_FORM_UNAVAILABLE

from .conftest import ROOT

pytestmark = pytest.mark.browser

DOCS_SCREENSHOT = ROOT / "docs" / "img" / "emulator-help.png"
TICKETS = re.compile(r"<ImageTicket>([0-9a-f-]{36})</ImageTicket>")
FORM = {
    "contactEmail": DEMO_CONTACT_EMAIL,
    "contactAPIkey": DEMO_CONTACT_API_KEY,
    "imageStatus": "80",
    "imagesPerPage": "3",
    "sortBy": "date",
    "isDescending": "true",
}


def _wait(driver: Any, condition: Any, timeout: float = 15) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_explore_and_invoke_get_images_list(browser: Any, artifacts: Path) -> None:
    from selenium.webdriver.common.by import By

    with serve(
        images=120, contact_email=DEMO_CONTACT_EMAIL, contact_api_key=DEMO_CONTACT_API_KEY
    ) as emu:
        # The operation list, as `pixelz emulator` users first see it.
        browser.get(emu.base_url)
        assert browser.title.strip() == "Soap Web Service"
        names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ul li a")]
        assert names == list(OPERATIONS)  # every operation, in the service's order

        # Follow the link to the operation page.
        browser.find_element(By.LINK_TEXT, "GetImagesList").click()
        _wait(browser, lambda d: d.current_url.endswith("soap.asmx?op=GetImagesList"))
        assert browser.find_element(By.TAG_NAME, "h2").text == "GetImagesList"
        titles = [h.text for h in browser.find_elements(By.TAG_NAME, "h3")]
        assert titles == ["Test", "SOAP 1.1", "SOAP 1.2", "HTTP GET", "HTTP POST"]

        # Fill the test form and keep a screenshot for the docs.
        for name, value in FORM.items():
            browser.find_element(By.NAME, name).send_keys(value)
        page_shot = artifacts / "help-page.png"
        assert browser.save_screenshot(str(page_shot))
        if os.environ.get("PIXELZ_UPDATE_DOCS_SCREENSHOT") == "1":
            DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page_shot, DOCS_SCREENSHOT)

        # Invoke: like ASMX, the form posts to the HTTP POST endpoint in a new window.
        page = browser.current_window_handle
        browser.find_element(By.CSS_SELECTOR, "input[type=submit][value=Invoke]").click()
        _wait(browser, lambda d: len(d.window_handles) == 2)
        browser.switch_to.window(next(h for h in browser.window_handles if h != page))
        _wait(browser, lambda d: "ImagesListResponse" in d.find_element(By.TAG_NAME, "body").text)
        assert browser.current_url == f"{emu.base_url}/GetImagesList"
        assert browser.execute_script("return document.contentType") == "text/xml"
        shown = browser.find_element(By.TAG_NAME, "body").text  # Chromium's XML tree view
        browser.save_screenshot(str(artifacts / "help-page-result.png"))
        browser.close()
        browser.switch_to.window(page)

        # The XML the browser shows is the HTTP POST protocol's answer.
        direct = httpx.post(
            f"{emu.base_url}/GetImagesList",
            data={p: FORM.get(p, "") for p in GET_IMAGES_LIST.parameters},
        )
        assert direct.status_code == 200
        expected = TICKETS.findall(direct.text)
        assert len(expected) == 3
        assert TICKETS.findall(shown) == expected


def test_no_test_form_without_http_post(browser: Any) -> None:
    from selenium.webdriver.common.by import By

    with serve(images=5, enabled_protocols="soap11,soap12,http_get") as emu:
        browser.get(f"{emu.base_url}?op=GetImageStatus")
        assert browser.find_element(By.TAG_NAME, "h2").text == "GetImageStatus"
        assert browser.find_elements(By.TAG_NAME, "form") == []
        assert TEST_FORM_UNAVAILABLE in browser.find_element(By.TAG_NAME, "body").text
        titles = [h.text for h in browser.find_elements(By.TAG_NAME, "h3")]
        assert titles == ["Test", "SOAP 1.1", "SOAP 1.2", "HTTP GET"]
