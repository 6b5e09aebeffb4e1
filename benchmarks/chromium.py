"""Headless Chromium from Debian's packages, as the browser tests and benchmarks start it."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Headless at a fixed window size and scale; no background traffic (this machine's network is
# closed, and Chromium's own connections would be refused many at a time).
ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1600,1000",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--force-device-scale-factor=1",
)


def options(*extra: str):
    """Selenium's options for that Chromium, with ``extra`` arguments."""
    from selenium import webdriver

    chosen = webdriver.ChromeOptions()
    chosen.binary_location = CHROMIUM
    for argument in (*ARGUMENTS, *extra):
        chosen.add_argument(argument)
    return chosen


def driver(*extra: str, timeout: float = 120):
    """That Chromium under Debian's ChromeDriver (Selenium does not go looking for another one
    on the network), with ``extra`` arguments; a command to it may take up to ``timeout``
    seconds (an asynchronous script's wait included) before the connection gives up."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    started = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options(*extra))
    started.command_executor.client_config.timeout = timeout
    return started
