"""Shared real-browser fixtures: Debian's headless Chromium driven by Selenium, and
``briefing serve`` started in a subprocess on a free port.

Without Chromium, its driver or Selenium the tests that use these are skipped, except on CI
(``CI=true``), where a missing browser is a failure (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
         "--disable-component-update --no-first-run --disable-sync --window-size=1366,768").split()
SHOTS = Path(os.environ["BRIEFING_SHOTS"]) if os.environ.get("BRIEFING_SHOTS") else None
"""Where to save a second copy of every screenshot (for a person to look at), if set."""


def need_browser() -> None:
    """Skip without Chromium, chromedriver or Selenium; fail instead on CI."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs {', '.join(missing)} (see .ci/run)")
        pytest.skip(f"not installed: {', '.join(missing)}")


def chrome(profile: Path, downloads: Path | None = None):
    """A headless Chromium with a fresh profile in ``profile``; downloads go to ``downloads``."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    if downloads is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def screenshot(driver, folder: Path, name: str) -> Path:
    """Save the whole page (not only the 1366×768 window) as ``folder/name``, and a copy into
    ``$BRIEFING_SHOTS`` when set."""
    import base64

    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": max(size["width"], 1366), "height": min(max(size["height"], 768), 8000), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    path = folder / name
    path.write_bytes(base64.b64decode(shot["data"]))
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / name)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``briefing serve`` for a workspace, in a subprocess, until :meth:`stop`."""

    def __init__(self, config: Path, port: int | None = None, extra: tuple[str, ...] = (),
                 env: dict[str, str] | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = config.parent.parent / f"serve-{self.port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefing", "serve", "--config", str(config), "--port", str(self.port), *extra],
            stdout=open(self.log, "wb"), stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/static/app.css", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"briefing serve did not start:\n{self.log.read_text(errors='replace')}")
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
