"""A real headless Chromium for the web-inbox tests: click, type, wait, read, download.

:class:`Browser` drives Debian's ``chromium`` through Selenium and Debian's
``chromium-driver`` (``/usr/bin/chromedriver``, given to Selenium as its
driver, so Selenium Manager never runs and nothing is downloaded). The
``browser`` fixture (``conftest.py``) shares one Chromium per test session
and gives each test a fresh page and an empty download folder.

Use it like a person would::

    def test_delete(browser, sandbox):
        browser.open(sandbox.url + "/")
        browser.click("#row-... button.delete")
        browser.accept_confirm()
        browser.wait_gone("#row-...")

Without chromium or chromedriver (or Selenium) the browser tests skip,
except under CI (``CI`` set), where they fail: CI installs both.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
CHROMEDRIVER = shutil.which("chromedriver")
WAIT_SECONDS = 10.0


def require_browser() -> None:
    """Skip (fail under CI) unless chromium, chromedriver and Selenium are all here."""
    missing = [n for n, p in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not p]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        message = f"browser tests need {', '.join(missing)} (apt-get install chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class Browser:
    """One headless Chromium window (1280x900 unless ``size`` says otherwise) and its
    download folder."""

    def __init__(self, profile: Path, downloads: Path, size: tuple[int, int] = (1280, 900)) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--window-size={size[0]},{size[1]}",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(flag)
        self.downloads = downloads
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(downloads),
                "download.prompt_for_download": False,
                "safebrowsing.enabled": False,
            },
        )
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )

    # --- navigation and reading -------------------------------------------------

    def open(self, url: str) -> None:
        """Load ``url`` and wait until its document (and deferred scripts) are done."""
        self.driver.get(url)

    @property
    def url(self) -> str:
        """The current page's URL."""
        return str(self.driver.current_url)

    def find(self, css: str) -> Any:
        """The first element matching ``css``, waiting for it to appear."""
        from selenium.webdriver.common.by import By

        return self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, css)[:1], css)[0]

    def all(self, css: str) -> list[Any]:
        """Every element matching ``css`` now (no waiting)."""
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def text(self, css: str) -> str:
        """The visible text of the first element matching ``css``."""
        return str(self.find(css).text)

    def source(self) -> str:
        """The current DOM, serialised."""
        return str(self.driver.execute_script("return document.documentElement.outerHTML"))

    def js(self, script: str, *args: Any) -> Any:
        """Run ``script`` in the page (the test's own script, not the page's)."""
        return self.driver.execute_script(script, *args)

    # --- acting -----------------------------------------------------------------

    def click(self, css: str) -> None:
        """Click the first element matching ``css`` (a real click, once it is clickable)."""
        element = self.find(css)
        self.wait(lambda: element.is_displayed() and element.is_enabled(), f"{css} clickable")
        element.click()

    def type(self, css: str, text: str) -> None:
        """Type ``text`` into the element matching ``css`` (``"\\n"`` presses Enter)."""
        self.find(css).send_keys(text)

    def keys(self, *keys: str) -> None:
        """Press keys on whatever has focus (``Keys.TAB``, ``Keys.ARROW_RIGHT``, ...)."""
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def focused(self) -> Any:
        """The element that has keyboard focus."""
        return self.driver.switch_to.active_element

    def accept_confirm(self) -> str:
        """Answer OK to the page's ``confirm()`` dialog; return its question."""
        alert = self.wait(lambda: self._alert(), "a confirm dialog")
        text = str(alert.text)
        alert.accept()
        return text

    def _alert(self) -> Any:
        from selenium.common.exceptions import NoAlertPresentException

        try:
            return self.driver.switch_to.alert
        except NoAlertPresentException:
            return None

    # --- waiting ----------------------------------------------------------------

    def wait(self, condition: Callable[[], T], what: str, timeout: float = WAIT_SECONDS) -> T:
        """Poll ``condition`` until it is truthy; fail saying ``what`` never happened."""
        from selenium.common.exceptions import StaleElementReferenceException

        deadline = time.monotonic() + timeout
        while True:
            try:
                value = condition()
            except StaleElementReferenceException:
                value = None  # type: ignore[assignment]
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} s for {what}; page: {self.url}")
            time.sleep(0.05)

    def wait_text(self, css: str, text: str) -> None:
        """Wait until the element matching ``css`` contains ``text``."""
        self.wait(lambda: text in self.text(css), f"{text!r} in {css}")

    def wait_gone(self, css: str) -> None:
        """Wait until nothing matches ``css``."""
        self.wait(lambda: not self.all(css), f"{css} to disappear")

    def downloaded(self, name: str, timeout: float = WAIT_SECONDS) -> bytes:
        """The bytes of a finished download called ``name``."""
        path = self.downloads / name
        partial = self.downloads / f"{name}.crdownload"
        self.wait(lambda: path.exists() and not partial.exists(), f"download {name}", timeout)
        return path.read_bytes()

    # --- lifetime ---------------------------------------------------------------

    def reset(self) -> None:
        """A blank page and an empty download folder, for the next test."""
        self.driver.get("about:blank")
        for item in self.downloads.iterdir():
            item.unlink()

    def close(self) -> None:
        """Quit Chromium and its driver."""
        self.driver.quit()
