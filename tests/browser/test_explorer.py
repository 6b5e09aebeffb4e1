"""What a person sees in the explorer, checked in a real Chromium against the real server."""

from __future__ import annotations

import csv
import json
import time

import pytest
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from ecosystem.analysis.explain import explained_relation
from ecosystem.graph import default_data_dir, load_graph, simple_view
from ecosystem.web.details import DETAILS_PAGE, relations_by_type
from tests.browser.helpers import (
    best_path,
    choose,
    dimmed_nodes,
    download,
    export,
    highlighted_nodes,
    node_count,
    open_app,
    tab,
    text_of,
    wait,
)

pytestmark = pytest.mark.browser


def test_search_selects_and_details_show_evidence(browser, server_url):
    open_app(browser, server_url)
    choose(browser, "eco-search", "pizarras la bana", "Pizarras la Baña (company)")
    wait(browser, lambda: "Pizarras la Baña" in text_of(browser, "eco-details"), what="details")
    details = text_of(browser, "eco-details")
    assert "several companies from León have benefited from the cluster’s activity" in details
    # The document's title, not its file name.
    assert "Source: The RESILEX project lights the energy sector from Castilla y León" in details
    assert "000_26e7d72b3bc7a265.txt" not in details
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
        lambda: "partners to consider" in text_of(browser, "eco-synergy-result"),
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


def test_png_export_is_a_picture_of_the_network(browser, server_url, downloads):
    open_app(browser, server_url)
    (downloads / "ecosystem.png").unlink(missing_ok=True)
    export(browser, "eco-export-png")
    picture = Image.open(download(downloads, "ecosystem.png")).convert("RGB")
    assert picture.width > 300 and picture.height > 300
    colours = picture.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 20, "the image is blank"


def test_csv_export_holds_the_visible_relations(browser, server_url, downloads):
    open_app(browser, server_url, "?types=company,cluster")
    wait(browser, lambda: node_count(browser) < 20, what="the filter")
    (downloads / "ecosystem-relations.csv").unlink(missing_ok=True)
    export(browser, "eco-export-csv")
    exported = list(csv.DictReader(download(downloads, "ecosystem-relations.csv").open()))
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
        browser,
        server_url,
        "?sel=icamcyl&from=pizarras-la-bana&to=dg-grow&metric=betweenness&tab=paths",
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


def _by_id(browser, component_id: dict):
    """The element of a pattern-matching component, whose DOM id is its id as JSON."""
    text = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    found = browser.find_elements(By.CSS_SELECTOR, f"[id='{text}']")
    return found[0] if found else None


def test_show_more_lists_the_next_relations_of_a_type_with_their_sources(browser, server_url):
    view = simple_view(load_graph(default_data_dir()))
    records = relations_by_type(view, "ismc")["collaborates_with"]
    expected = [explained_relation(view, r, walking_from="ismc")["sentence"] for r in records]
    assert len(expected) > DETAILS_PAGE  # else there is nothing more to show
    open_app(browser, server_url, "?sel=ismc")
    listed = {"kind": "collaborates_with", "type": "eco-relation-list"}
    more = {"kind": "collaborates_with", "type": "eco-more-relations"}
    wait(browser, lambda: _by_id(browser, more) is not None, what="the show more button")

    def sentences() -> list[str]:
        blocks = _by_id(browser, listed).find_elements(By.CSS_SELECTOR, ".relation-sentence")
        return [block.text for block in blocks]

    assert sentences() == expected[:DETAILS_PAGE]
    button = _by_id(browser, more)
    assert button.text == f"Show {len(expected) - DETAILS_PAGE} more"
    button.click()
    wait(browser, lambda: len(sentences()) == len(expected), what="the next relations")
    assert sentences() == expected
    assert not _by_id(browser, more).is_displayed()  # nothing more to show
    added = _by_id(browser, listed).find_elements(By.CSS_SELECTOR, ".relation")[DETAILS_PAGE:]
    for block in added:
        assert "“" in block.text  # the evidence
        links = block.find_elements(By.CSS_SELECTOR, "a.source-link")
        assert links and all("/source/" in a.get_attribute("href") for a in links)
        assert all("?line=" in a.get_attribute("href") for a in links)
        assert not any(a.text.endswith(".txt") for a in links)  # named by title
    assert "sel=ismc" in browser.current_url
