"""What a person sees in the explorer, checked in a real Chromium against the real server."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from PIL import Image
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from ecosystem.analysis.paths import collaboration_paths
from ecosystem.graph import default_data_dir

pytestmark = pytest.mark.browser

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
    wait(browser, lambda: "Showing" in text_of(browser, "eco-counts"), what="the network")
    wait(browser, lambda: node_count(browser) > 0, what="the nodes to be drawn")


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
    browser.find_element(By.ID, dropdown_id).click()
    field = wait(
        browser,
        lambda: [
            f
            for f in browser.find_elements(By.CSS_SELECTOR, "input.dash-dropdown-search")
            if f.is_displayed()
        ],
        what=f"the search field of #{dropdown_id}",
    )[0]
    field.send_keys(typed)

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


def test_search_selects_and_details_show_evidence(browser, server_url):
    open_app(browser, server_url)
    choose(browser, "eco-search", "pizarras la bana", "Pizarras la Baña (company)")
    wait(browser, lambda: "Pizarras la Baña" in text_of(browser, "eco-details"), what="details")
    details = text_of(browser, "eco-details")
    assert "several companies from León have benefited from the cluster’s activity" in details
    assert "000_26e7d72b3bc7a265.txt" in details
    assert "sel=pizarras-la-bana" in browser.current_url
    assert "pizarras-la-bana" in highlighted_nodes(browser)


def test_path_between_two_named_entities_is_highlighted_and_told(browser, server_url, artifacts):
    open_app(browser, server_url)
    tab(browser, "Paths")
    choose(browser, "eco-path-from", "Pizarras", "Pizarras la Baña (company)")
    choose(
        browser,
        "eco-path-to",
        "DG GROW",
        "Directorate-General for Internal Market, Industry, "
        "Entrepreneurship and SMEs (eu directorate)",
    )
    expected = best_path("pizarras-la-bana", "dg-grow")
    wait(browser, lambda: highlighted_nodes(browser) == set(expected), what="the highlighted path")
    assert dimmed_nodes(browser) == node_count(browser) - len(expected)
    told = text_of(browser, "eco-path-result")
    assert "Path 1: 2 hops" in told
    assert "Pizarras la Baña benefits from Iberian Sustainable Mining Cluster" in told
    assert "strong links with the European Commission" in told
    browser.save_screenshot(str(artifacts / "main.png"))


def test_synergy_panel_lists_explained_candidates(browser, server_url):
    open_app(browser, server_url, "?sel=ismc")
    tab(browser, "Synergy")
    wait(
        browser,
        lambda: "candidates within" in text_of(browser, "eco-synergy-result"),
        what="synergy candidates",
    )
    items = browser.find_elements(By.CSS_SELECTOR, "#eco-synergy-result .candidate")
    assert len(items) >= 3
    for item in items:
        assert item.find_element(By.CSS_SELECTOR, ".reason").text
    items[0].find_element(By.CSS_SELECTOR, ".synergy-name").click()
    wait(browser, lambda: len(highlighted_nodes(browser)) >= 3, what="the candidate highlighted")


def test_presenter_mode_hides_panels_and_escape_leaves(browser, server_url, artifacts):
    open_app(browser, server_url, "?from=pizarras-la-bana&to=dg-grow")
    browser.find_element(By.ID, "eco-presenter-on").click()
    wait(
        browser,
        lambda: all(
            not s.is_displayed() for s in browser.find_elements(By.CSS_SELECTOR, ".sidebar")
        ),
        what="the panels to hide",
    )
    assert "mode=present" in browser.current_url
    time.sleep(0.5)
    browser.save_screenshot(str(artifacts / "presenter.png"))
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait(
        browser,
        lambda: all(s.is_displayed() for s in browser.find_elements(By.CSS_SELECTOR, ".sidebar")),
        what="the panels to come back",
    )
    assert "mode=present" not in browser.current_url


def test_presenter_keys_step_through_the_path(browser, server_url):
    open_app(browser, server_url, "?from=pizarras-la-bana&to=dg-grow&mode=present")
    expected = best_path("pizarras-la-bana", "dg-grow")
    wait(browser, lambda: highlighted_nodes(browser) == set(expected), what="the path")
    ActionChains(browser).send_keys("n").perform()
    wait(browser, lambda: f"at={expected[0]}" in browser.current_url, what="the first entity")
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    wait(browser, lambda: f"at={expected[1]}" in browser.current_url, what="the next entity")


def _download(downloads: Path, name: str, seconds: float = 20) -> Path:
    target = downloads / name
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if target.exists() and target.stat().st_size > 0:
            return target
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded")


def _export(browser, button_id: str) -> None:
    browser.find_element(By.CSS_SELECTOR, ".export-menu summary").click()
    browser.find_element(By.ID, button_id).click()


def test_png_export_is_a_picture_of_the_network(browser, server_url, downloads):
    open_app(browser, server_url)
    _export(browser, "eco-export-png")
    picture = Image.open(_download(downloads, "ecosystem.png")).convert("RGB")
    assert picture.width > 300 and picture.height > 300
    colours = picture.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 20, "the image is blank"


def test_csv_export_holds_the_visible_relations(browser, server_url, downloads):
    open_app(browser, server_url, "?types=company,cluster")
    wait(browser, lambda: node_count(browser) < 20, what="the filter")
    _export(browser, "eco-export-csv")
    exported = list(csv.DictReader(_download(downloads, "ecosystem-relations.csv").open()))
    data = default_data_dir()
    with (data / "entities.csv").open(encoding="utf-8") as entities_file:
        types = {row["id"]: row["type"] for row in csv.DictReader(entities_file)}
    with (data / "relations.csv").open(encoding="utf-8") as relations_file:
        expected = [
            row
            for row in csv.DictReader(relations_file)
            if types[row["source"]] in ("company", "cluster")
            and types[row["target"]] in ("company", "cluster")
        ]
    assert len(exported) == len(expected) > 0
    assert {(r["source"], r["target"], r["type"]) for r in exported} == {
        (r["source"], r["target"], r["type"]) for r in expected
    }


def test_copied_url_restores_selection_and_path(browser, server_url):
    open_app(
        browser, server_url, "?sel=icamcyl&from=pizarras-la-bana&to=dg-grow&metric=betweenness&tab=paths"
    )
    expected = best_path("pizarras-la-bana", "dg-grow")
    wait(browser, lambda: highlighted_nodes(browser) == set(expected), what="the restored path")
    assert "Path 1:" in text_of(browser, "eco-path-result")
    tab(browser, "Details")
    wait(
        browser,
        lambda: text_of(browser, "eco-details").startswith("ICAMCyL"),
        what="the restored selection",
    )
    tab(browser, "Centrality")
    wait(
        browser,
        lambda: "Share of shortest paths" in text_of(browser, "eco-metric-about"),
        what="the restored metric",
    )


def test_source_document_opens_with_the_excerpt_marked(browser, server_url):
    open_app(browser, server_url, "?sel=pizarras-la-bana")
    wait(
        browser,
        lambda: browser.find_elements(By.CSS_SELECTOR, "#eco-details .source-link"),
        what="source links",
    )
    href = browser.find_element(By.CSS_SELECTOR, "#eco-details .source-link").get_attribute("href")
    browser.get(href)
    marked = browser.find_element(By.ID, "excerpt").text
    assert "Pizarras la Baña" in marked
