"""The product in a real browser: `textcoach run` on embedded services, headless Chromium.

Everything is a real process, as in tests/acceptance/test_run_and_text.py: `python -m worker run`
under a throwaway data directory (embedded PostgreSQL and Redis, the offline coach, the local SMS
channel), the athlete's texts posted to its webhook, and Debian's Chromium driven by Selenium
through its own chromedriver (Selenium Manager never downloads anything).

The local channel prints every text it sends on the product's stdout, one header line each::

    [sms +15550000100 -> +15551239001 id=<uuid>] the body, possibly on several lines

so "the operator's reply arrived once" is: its text appears once in that output.

Screenshots of every step land in ``$TEXTCOACH_ARTIFACTS/screenshots`` (default: ``artifacts/``
at the repository root), which CI keeps; a failing test also leaves ``-failed.png`` and
``-failed.html`` of every browser it had open, and the product's output under ``logs/``.

Without Chromium and ChromeDriver the browser tests are skipped, with the reason printed at the
end of the run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pytest

from tests.processes import clean_env, free_port
from worker.settings import LOCAL_AUTH_TOKEN, Settings
from worker.web.signature import sign, twilio_form

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
SKIP_MESSAGE = (
    "browser tests skipped: no Chromium/ChromeDriver found (apt-get install chromium "
    "chromium-driver, or set TEXTCOACH_CHROMIUM and TEXTCOACH_CHROMEDRIVER)"
)
DESKTOP = (1280, 900)
PHONE = (390, 844)
PHONE_USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
#: How long a UI change (a page load, a redirect after a POST) may take.
UI_WAIT_S = 15.0
#: The local channel's header line for each text it sends.
SMS_HEADER = re.compile(
    r"^\[sms (?P<from_>\S+) -> (?P<to>\S+) id=(?P<id>[0-9a-fA-F-]{36})\] ", re.MULTILINE
)

# Selenium Manager must never fetch a browser or a driver (the paths below are explicit).
os.environ.setdefault("SE_OFFLINE", "true")


# --- finding the browser -----------------------------------------------------------------------


def find_browser() -> tuple[str, str] | None:
    """Chromium and its chromedriver: TEXTCOACH_CHROMIUM / TEXTCOACH_CHROMEDRIVER, else PATH."""

    def resolve(override: str, names: tuple[str, ...]) -> str | None:
        given = os.environ.get(override)
        if given:
            return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
        for name in names:
            found = shutil.which(name)
            if found:
                return found
        return None

    chromium = resolve("TEXTCOACH_CHROMIUM", ("chromium", "chromium-browser", "google-chrome"))
    driver = resolve("TEXTCOACH_CHROMEDRIVER", ("chromedriver",))
    if chromium is None or driver is None:
        return None
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None
    return chromium, driver


BROWSER = find_browser()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BROWSER is not None:
        return
    skip = pytest.mark.skip(reason=SKIP_MESSAGE)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say why, even without -rs: a skipped browser test is easy to miss in a count."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any(SKIP_MESSAGE in str(getattr(report, "longrepr", "")) for report in skipped):
        terminalreporter.write_sep("-", "browser tests")
        terminalreporter.write_line(SKIP_MESSAGE)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so fixtures can tell that a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    return any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


# --- artifacts ---------------------------------------------------------------------------------


def artifacts_dir() -> Path:
    return Path(os.environ.get("TEXTCOACH_ARTIFACTS") or ROOT / "artifacts")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


# --- the product -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sms:
    to: str
    from_: str
    message_id: str
    body: str


@dataclass
class Product:
    """A running `textcoach run`, its CLI, its webhook, and what its local channel sent."""

    env: dict[str, str]
    base: str
    stdout: Path
    stderr: Path
    process: subprocess.Popen[bytes]

    def cli(
        self, *args: str, stdin: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """``python -m worker ARGS`` against this product (its data directory and port)."""
        return subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "worker", *args],
            env=self.env, input=stdin, capture_output=True, text=True, timeout=timeout,
            check=False,
        )

    def text(self, phone: str, body: str, *, timeout: float = 30) -> str:
        """Text the coach as PHONE with `textcoach text`; its stdout ("coach: ..." lines)."""
        result = self.cli("text", phone, body, "--timeout", str(timeout), timeout=timeout + 30)
        assert result.returncode == 0, (
            f"`textcoach text {phone} {body!r}` exited {result.returncode}: "
            f"{result.stdout}{result.stderr}"
        )
        return result.stdout

    def post_text(self, phone: str, body: str) -> str:
        """Post one signed inbound text to the webhook, as Twilio would, and wait for nothing
        (for a text that must not be answered). Returns its MessageSid."""
        settings = Settings(
            web_port=int(self.env["TEXTCOACH_WEB_PORT"]), public_base_url=None,
            twilio_account_sid=None, twilio_auth_token=None, twilio_from_number=None,
        )
        sid = f"SM{uuid.uuid4().hex}"
        url = f"{self.base}/twilio/sms"
        form = twilio_form(settings, sid=sid, phone=phone, body=body)
        response = httpx2.post(
            url, data=form, headers={"X-Twilio-Signature": sign(LOCAL_AUTH_TOKEN, url, form)},
            timeout=10,
        )
        assert response.status_code == 200, (response.status_code, response.text)
        return sid

    def channel_output(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace")

    def sent(self, to: str | None = None) -> list[Sms]:
        """Every text the local channel sent so far (to one number, if given), in order."""
        output = self.channel_output()
        headers = list(SMS_HEADER.finditer(output))
        texts = []
        for header, following in zip(headers, [*headers[1:], None], strict=True):
            end = following.start() if following is not None else len(output)
            body = output[header.end():end].rstrip("\n")
            texts.append(Sms(header["to"], header["from_"], header["id"], body))
        return [sms for sms in texts if to is None or sms.to == to]

    def wait_for_sent(self, to: str, count: int, *, timeout: float = 20) -> list[Sms]:
        """Wait until at least ``count`` texts were sent to ``to``; returns them all."""
        def enough() -> list[Sms] | None:
            sent = self.sent(to)
            return sent if len(sent) >= count else None

        return poll(
            enough,
            timeout=timeout,
            message=f"fewer than {count} texts sent to {to} within {timeout:g}s: "
                    f"{[sms.body for sms in self.sent(to)]}",
        )


def poll(check: Callable[[], T | None], *, timeout: float, message: str,
         interval: float = 0.1) -> T:
    """``check()`` until it returns something truthy (for non-UI waits: files, processes)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(message)
        time.sleep(interval)


@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Product]:
    """`textcoach run` in the background, shared by the browser tests (each uses its own
    athletes); the product's output is copied to the artifacts at the end."""
    if BROWSER is None:
        pytest.skip(SKIP_MESSAGE)
    tmp_path = tmp_path_factory.mktemp("browser-product")
    port = free_port()
    env = clean_env(TEXTCOACH_DATA_DIR=str(tmp_path / "data"), TEXTCOACH_WEB_PORT=str(port),
                    TEXTCOACH_LLM_PROVIDER="offline", PYTHONUNBUFFERED="1")
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "worker", "run"], env=env, stdout=out, stderr=err, cwd=ROOT
        )
    running = Product(env, f"http://127.0.0.1:{port}", stdout, stderr, process)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"textcoach run exited {process.returncode}:\n"
                            f"{stdout.read_text()}\n{stderr.read_text()}")
            try:
                if httpx2.get(f"{running.base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"textcoach run was not healthy within 90 s:\n{stderr.read_text()}")
            time.sleep(0.2)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        logs = artifacts_dir() / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stdout, logs / "browser-product-stdout.log")
        shutil.copyfile(stderr, logs / "browser-product-stderr.log")


# --- the browser -------------------------------------------------------------------------------


class UiError(AssertionError):
    pass


@dataclass
class Browser:
    """One headless Chromium, with the test's numbered screenshots and explicit waits."""

    driver: Any
    name: str
    shots: Callable[[Browser, str], Path]

    def shot(self, step: str) -> Path:
        return self.shots(self, step)

    def get(self, url: str) -> None:
        self.driver.get(url)

    @property
    def path(self) -> str:
        from urllib.parse import urlsplit

        return str(urlsplit(self.driver.current_url).path)

    def until(self, condition: Callable[[Any], T | None], what: str, *,
              timeout: float = UI_WAIT_S) -> T:
        """Wait for ``condition(driver)`` to be truthy; on timeout fail with what was awaited,
        the page's URL, a screenshot and the start of its HTML."""
        from selenium.common.exceptions import (
            NoSuchElementException,
            StaleElementReferenceException,
            TimeoutException,
        )
        from selenium.webdriver.support.ui import WebDriverWait

        wait = WebDriverWait(
            self.driver, timeout, poll_frequency=0.1,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )
        try:
            found = wait.until(condition)
        except TimeoutException:
            raise self.failure(f"timed out after {timeout:g}s waiting for {what}") from None
        assert found is not None  # WebDriverWait returns only a truthy value
        return found

    def failure(self, message: str) -> UiError:
        screenshot = self.shot("timeout")
        html = self.driver.page_source
        body = html[html.find("<body"):] if "<body" in html else html
        return UiError(
            f"{message}\n  url: {self.driver.current_url}\n  title: {self.driver.title!r}\n"
            f"  screenshot: {screenshot}\n  html: {body[:2500]}"
        )

    def find(self, css: str, *, timeout: float = UI_WAIT_S, visible: bool = True) -> Any:
        """The first element matching ``css`` once it is there (and displayed)."""
        from selenium.webdriver.common.by import By

        def found(driver: Any) -> Any:
            element = driver.find_element(By.CSS_SELECTOR, css)
            return element if not visible or element.is_displayed() else None

        return self.until(found, f"{css!r}" + (" (visible)" if visible else ""),
                          timeout=timeout)

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def click_through(self, css: str, *, timeout: float = UI_WAIT_S) -> None:
        """Click the button ``css`` and wait until the browser has left this page (a form
        POST and its redirect, or a GET form's results)."""
        from selenium.webdriver.support import expected_conditions

        old = self.find("html", visible=False)
        self.find(css).click()
        self.until(expected_conditions.staleness_of(old),
                   f"a new page after clicking {css!r}", timeout=timeout)
        self.find("body", visible=False)

    def wait_for_path(self, path: str | re.Pattern[str], *, timeout: float = UI_WAIT_S) -> str:
        def arrived(_driver: Any) -> str | None:
            here = self.path.rstrip("/") or "/"
            if isinstance(path, re.Pattern):
                return here if path.fullmatch(here) else None
            return here if here == (path.rstrip("/") or "/") else None

        shown = path.pattern if isinstance(path, re.Pattern) else path
        return self.until(arrived, f"the URL path {shown!r}", timeout=timeout)

    def wait_for_text(self, css: str, text: str, *, timeout: float = UI_WAIT_S) -> Any:
        """The element matching ``css`` once its text contains ``text``."""
        from selenium.webdriver.common.by import By

        def has_text(driver: Any) -> Any:
            element = driver.find_element(By.CSS_SELECTOR, css)
            return element if text in element.text else None

        return self.until(has_text, f"{css!r} to contain {text!r}", timeout=timeout)


def _chrome_options(binary: str, profile: Path, viewport: str) -> Any:
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = binary
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--disable-extensions", "--disable-default-apps",
        "--no-default-browser-check", "--no-proxy-server", "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    if viewport == "phone":
        width, height = PHONE
        options.add_argument(f"--window-size={width},{height}")
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0,
                              "touch": True, "mobile": True},
            "userAgent": PHONE_USER_AGENT,
        })
    else:
        width, height = DESKTOP
        options.add_argument(f"--window-size={width},{height}")
    return options


@pytest.fixture
def browser(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Browser]]:
    """``browser("desktop")`` or ``browser("phone")``: a fresh headless Chromium (own profile,
    so own cookies). Screenshots are ``<test>-<nn>-<step>.png``, numbered across the test."""
    if BROWSER is None:
        pytest.skip(SKIP_MESSAGE)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = BROWSER
    test = _slug(request.node.name)
    screenshots = artifacts_dir() / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    for stale in screenshots.glob(f"{test}-*"):
        stale.unlink()
    counter = iter(range(1, 1000))

    def shots(which: Browser, step: str) -> Path:
        path = screenshots / f"{test}-{next(counter):02d}-{_slug(step)}.png"
        which.driver.save_screenshot(str(path))
        return path

    opened: list[Browser] = []

    def open_browser(viewport: str = "desktop") -> Browser:
        assert viewport in {"desktop", "phone"}
        profile = tmp_path / f"chromium-{len(opened)}"
        service = Service(executable_path=chromedriver,
                          log_output=str(tmp_path / f"chromedriver-{len(opened)}.log"))
        driver = webdriver.Chrome(service=service,
                                  options=_chrome_options(chromium, profile, viewport))
        driver.set_page_load_timeout(30)
        if viewport == "desktop":
            # --window-size counts the window, not the page: make the page itself 1280x900.
            width, height = DESKTOP
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        which = Browser(driver, viewport, shots)
        opened.append(which)
        return which

    try:
        yield open_browser
    finally:
        failed = _failed(request)
        for index, which in enumerate(opened):
            try:
                if failed:
                    which.driver.save_screenshot(
                        str(screenshots / f"{test}-failed-{index}-{which.name}.png"))
                    (screenshots / f"{test}-failed-{index}-{which.name}.html").write_text(
                        which.driver.page_source, encoding="utf-8")
            finally:
                which.driver.quit()
