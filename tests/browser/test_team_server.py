"""A team server in a real Chromium: sign-in (refused without, served with) and the app under a
path prefix, as behind a reverse proxy."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from ecosystem import auth
from tests.browser.helpers import node_count, open_app, tab, text_of, wait
from tests.helpers import serving

pytestmark = pytest.mark.browser

PASSWORD = "a team password"


def team_server(*extra: str, seconds: float = 90):
    """``ecosystem serve`` with ``extra`` options; yields its base address once /healthz answers."""
    return serving(*extra, seconds=seconds)


def status_of(browser, base: str, path: str) -> int:
    """The status the browser gets for ``path``, with whatever cookie it holds. Asked from the
    health check's page: the sign-in page's policy allows it no requests of its own."""
    browser.get(f"{base}/healthz")
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'})"
        ".then(r => done(r.status), () => done(-1));",
        path,
    )


def console_problems(browser, *, failed_loads: bool = True) -> list[str]:
    """What the console says was blocked by a Content-Security-Policy (or failed to load)."""
    kinds = ("Content Security Policy", *(("Failed to load",) if failed_loads else ()))
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if any(kind in entry["message"] for kind in kinds)
    ]


def fill_sign_in(browser, name: str, password: str) -> None:
    browser.find_element(By.ID, "user").clear()
    browser.find_element(By.ID, "user").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def test_sign_in_refuses_without_and_serves_with(browser, tmp_path):
    users = tmp_path / "users"
    auth.add_user(users, "alice", PASSWORD)
    browser.delete_all_cookies()
    browser.get_log("browser")  # start from an empty console
    with team_server("--users", str(users), "--cache", str(tmp_path / "cache")) as (base, process):
        # Refused without: the explorer's address leads to the sign-in page, and its data is
        # not served.
        browser.get(f"{base}/?sel=icamcyl")
        wait(browser, lambda: browser.find_elements(By.ID, "password"), what="the sign-in page")
        assert browser.current_url.startswith(f"{base}/signin?next=")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in to the ecosystem explorer"
        assert not browser.find_elements(By.ID, "eco-graph")
        # The page's own style sheet applies under its Content-Security-Policy.
        button = browser.find_element(By.CSS_SELECTOR, "button[type=submit]")
        assert button.value_of_css_property("background-color") == "rgba(31, 78, 140, 1)"
        assert status_of(browser, base, "/_dash-layout") == 401
        assert status_of(browser, base, "/source/004_fd79ff072601a70f.txt") == 401
        assert status_of(browser, base, "/assets/app.css") == 401

        browser.get(f"{base}/?sel=icamcyl")
        wait(browser, lambda: browser.find_elements(By.ID, "password"), what="the sign-in page")

        fill_sign_in(browser, "alice", "not the password")
        wait(browser, lambda: "Wrong name or password." in browser.page_source, what="refusal")
        assert not browser.find_elements(By.ID, "eco-graph")
        assert not browser.get_cookies()

        # Served with: back at the address asked for, the selection restored.
        fill_sign_in(browser, "alice", PASSWORD)
        wait(browser, lambda: "Showing" in text_of(browser, "eco-counts"), what="the network")
        wait(browser, lambda: node_count(browser) > 0, what="the nodes to be drawn")
        assert browser.current_url.startswith(f"{base}/?sel=icamcyl")
        tab(browser, "Details")
        wait(
            browser,
            lambda: text_of(browser, "eco-details").startswith("ICAMCyL"),
            what="the selection asked for before signing in",
        )
        (cookie,) = browser.get_cookies()
        assert cookie["name"] == auth.COOKIE_NAME and cookie["httpOnly"]
        assert PASSWORD not in cookie["value"]
        # (Loads refused before signing in, the favicon's among them, are the point here.)
        assert console_problems(browser, failed_loads=False) == []
        assert status_of(browser, base, "/_dash-layout") == 200

        # Signing out ends it.
        browser.get(f"{base}/signout")
        wait(browser, lambda: browser.find_elements(By.ID, "password"), what="the sign-in page")
        assert status_of(browser, base, "/_dash-layout") == 401
    log = process.stdout.read()
    assert PASSWORD not in log and "not the password" not in log
    browser.delete_all_cookies()


def test_the_explorer_works_under_a_path_prefix(browser, tmp_path):
    browser.get_log("browser")
    prefix = "/ecosystem/"
    with team_server("--url-prefix", prefix, "--cache", str(tmp_path / "cache")) as (base, _):
        open_app(browser, f"{base}{prefix}", "?sel=pizarras-la-bana")
        # The app's own style sheet is served under the prefix and applies.
        sheets = browser.execute_script(
            "return [...document.styleSheets].map(s => s.href).filter(Boolean);"
        )
        assert any(s.startswith(f"{base}{prefix}assets/app.css") for s in sheets), sheets
        heading = browser.find_element(By.CSS_SELECTOR, ".panel h2")
        assert heading.value_of_css_property("text-transform") == "uppercase"  # from app.css
        tab(browser, "Details")
        wait(
            browser,
            lambda: browser.find_elements(By.CSS_SELECTOR, "#eco-details .source-link"),
            what="source links",
        )
        href = browser.find_element(By.CSS_SELECTOR, "#eco-details .source-link").get_attribute(
            "href"
        )
        assert href.startswith(f"{base}{prefix}source/")
        browser.get(href)
        assert "Pizarras la Baña" in browser.find_element(By.ID, "excerpt").text
        sheet = browser.execute_script("return document.styleSheets[0].href;")
        assert sheet == f"{base}{prefix}assets/source.css"
        assert browser.execute_script("return document.styleSheets[0].cssRules.length;") > 0
        assert console_problems(browser) == []
        # Nothing answers outside the prefix but the health check.
        assert status_of(browser, base, "/assets/app.css") == 404
        assert status_of(browser, base, f"{prefix}assets/app.css") == 200
