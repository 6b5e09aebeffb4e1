"""What browser tests share: starting ``ecosystem serve``, waiting, and doing and reading what a
person does and sees in the explorer."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ecosystem.analysis.paths import collaboration_paths
from tests.helpers import serving


@contextmanager
def running_server(*extra: str, seconds: float = 60):
    """``ecosystem serve`` on a free port, as a user starts it; yields its address (with the
    trailing slash) once it answers (within ``seconds``)."""
    with serving(*extra, seconds=seconds) as (base, _process):
        yield base + "/"


CY = """
const box = document.getElementById('eco-graph');
const all = [box, ...box.querySelectorAll('div')];
const holder = all.find(el => el._cyreg && el._cyreg.cy);
const cy = holder ? holder._cyreg.cy : null;
"""


def wait(browser, condition, seconds: float = 20, what: str = "the page"):
    try:
        return WebDriverWait(browser, seconds, poll_frequency=0.2).until(lambda _: condition())
    except TimeoutException:
        raise AssertionError(f"timed out waiting for {what}") from None


def open_app(browser, server_url: str, query: str = "") -> None:
    browser.get(server_url + query)
    # The count line is hidden in presenter mode: read what it holds, shown or not.
    wait(browser, lambda: "Showing" in text_content(browser, "eco-counts"), what="the network")
    wait(browser, lambda: node_count(browser) > 0, what="the nodes to be drawn")


def text_content(browser, element_id: str) -> str:
    return browser.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent : '';",
        element_id,
    )


def text_of(browser, element_id: str) -> str:
    found = browser.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def node_count(browser) -> int:
    return browser.execute_script(CY + "return cy ? cy.nodes().length : 0;")


def highlighted_nodes(browser) -> set[str]:
    """Nodes drawn at full opacity while the rest are dimmed."""
    return set(
        browser.execute_script(
            CY + "return cy.nodes().filter(n => Number(n.style('opacity')) === 1).map(n => n.id());"
        )
    )


def dimmed_nodes(browser) -> int:
    return browser.execute_script(
        CY + "return cy.nodes().filter(n => Number(n.style('opacity')) < 1).length;"
    )


def choose(browser, dropdown_id: str, typed: str, option: str) -> None:
    """Open a dropdown, type into its search field and click the option a person would click."""
    wait(browser, lambda: browser.find_elements(By.ID, dropdown_id), what=f"#{dropdown_id}")

    def open_fields() -> list:
        return [
            f
            for f in browser.find_elements(By.CSS_SELECTOR, "input.dash-dropdown-search")
            if f.is_displayed()
        ]

    def type_in() -> None:
        shown = open_fields()  # still open: type into it again rather than close it
        if not shown:
            browser.find_element(By.ID, dropdown_id).click()
            shown = wait(browser, open_fields, what=f"the search field of #{dropdown_id}")
        shown[0].clear()
        shown[0].send_keys(typed)

    type_in()

    def click_option() -> bool:
        # The options are redrawn as the server's answer to the typed text arrives: an option
        # found a moment ago may be gone; look again rather than fail.
        try:
            for found in browser.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"):
                if found.text == option:
                    found.click()
                    return True
        except StaleElementReferenceException:
            pass
        return False

    try:
        wait(browser, click_option, seconds=8, what=f"option {option!r}")
    except AssertionError:
        # The dropdown was drawn again while the text was typed (the answer to the view just
        # chosen arriving): the text went with the old field. Type it once more, as a person
        # would seeing nothing offered.
        type_in()
        wait(browser, click_option, what=f"option {option!r}")


def tab(browser, label: str) -> None:
    for element in browser.find_elements(By.CSS_SELECTOR, "#eco-tabs .tab"):
        if element.text == label:
            element.click()
            return
    raise AssertionError(f"no tab {label!r}")


def best_path(source: str, target: str) -> list[str]:
    from ecosystem.graph import load_graph, simple_view

    view = simple_view(load_graph())
    return collaboration_paths(view, source, target, k=1)["paths"][0]["nodes"]


def download(downloads: Path, name: str, seconds: float = 20) -> Path:
    target = downloads / name
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if target.exists() and target.stat().st_size > 0:
            return target
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded")


def export(browser, button_id: str) -> None:
    browser.find_element(By.CSS_SELECTOR, ".export-menu summary").click()
    browser.find_element(By.ID, button_id).click()


def element_counts(browser) -> tuple[int, int]:
    return tuple(browser.execute_script(CY + "return [cy.nodes().length, cy.edges().length];"))
