"""The address bar, Back and Forward always agree with the screen, and a copied link of any view
opens that view."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.helpers import (
    choose,
    highlighted_nodes,
    node_count,
    open_app,
    tab,
    text_of,
    wait,
)

pytestmark = pytest.mark.browser

PATHS = [
    ["pizarras-la-bana", "ismc", "dg-grow"],
    ["pizarras-la-bana", "ismc", "european-commission", "dg-grow"],
]


def heading(browser) -> str:
    return browser.execute_script(
        "const h = document.querySelector('#eco-details .entity-name');return h ? h.innerText : '';"
    )


def test_back_and_forward_after_a_selection(browser, server_url):
    open_app(browser, server_url)
    choose(browser, "eco-search", "icamcyl", "ICAMCyL (foundation)")
    wait(browser, lambda: heading(browser) == "ICAMCyL", what="ICAMCyL's details")
    choose(browser, "eco-search", "santiago", "Santiago Cuesta López (person)")
    wait(browser, lambda: heading(browser) == "Santiago Cuesta López", what="Santiago's details")
    assert "sel=santiago-cuesta-lopez" in browser.current_url
    browser.back()
    wait(browser, lambda: heading(browser) == "ICAMCyL", what="ICAMCyL again after Back")
    assert "sel=icamcyl" in browser.current_url
    assert "icamcyl" in highlighted_nodes(browser)
    browser.back()
    wait(browser, lambda: heading(browser) == "", what="no selection after a second Back")
    assert highlighted_nodes(browser) == set() or len(highlighted_nodes(browser)) == node_count(
        browser
    )
    browser.forward()
    wait(browser, lambda: heading(browser) == "ICAMCyL", what="ICAMCyL after Forward")


def test_back_after_choosing_another_path(browser, server_url):
    open_app(browser, server_url, "?from=pizarras-la-bana&to=dg-grow&tab=paths")
    wait(browser, lambda: highlighted_nodes(browser) == set(PATHS[0]), what="path 1")
    browser.find_element(By.CSS_SELECTOR, "#eco-path-choice input[value='2']").click()
    wait(browser, lambda: highlighted_nodes(browser) == set(PATHS[1]), what="path 2")
    assert "alt=2" in browser.current_url
    browser.back()
    wait(browser, lambda: highlighted_nodes(browser) == set(PATHS[0]), what="path 1 after Back")
    assert "alt=" not in browser.current_url
    browser.forward()
    wait(browser, lambda: highlighted_nodes(browser) == set(PATHS[1]), what="path 2 after Forward")


def test_back_after_a_filter_change(browser, server_url):
    open_app(browser, server_url)
    everyone = node_count(browser)
    choose(browser, "eco-filter-types", "compan", "company (8)")
    wait(browser, lambda: 0 < node_count(browser) < everyone, what="only companies")
    assert "types=company" in browser.current_url
    browser.back()
    wait(browser, lambda: node_count(browser) == everyone, what="everyone after Back")
    assert "types=" not in browser.current_url
    assert "company" not in text_of(browser, "eco-filter-types")


def test_a_copied_link_opens_the_chosen_alternative_with_its_settings(browser, server_url):
    open_app(browser, server_url, "?from=pizarras-la-bana&to=dg-grow&k=2&alt=2&hubs=no&tab=paths")
    wait(browser, lambda: highlighted_nodes(browser) == set(PATHS[1]), what="path 2")
    assert browser.find_element(By.ID, "eco-path-k").get_attribute("value") == "2"
    hubs = browser.find_element(By.CSS_SELECTOR, "#eco-path-hubs input")
    assert not hubs.is_selected()
    choices = browser.find_elements(By.CSS_SELECTOR, "#eco-path-choice input")
    assert [c.get_attribute("value") for c in choices] == ["1", "2"]
    assert choices[1].is_selected()


def test_a_copied_link_opens_a_clicked_link_and_a_synergy_pick(browser, server_url):
    open_app(browser, server_url, "?link=icamcyl~ismc")
    wait(
        browser,
        lambda: (
            "ICAMCyL funds Iberian Sustainable Mining Cluster" in text_of(browser, "eco-details")
        ),
        what="the relations behind the link",
    )
    open_app(browser, server_url, "?sel=ismc&pick=leon&tab=synergy")
    wait(browser, lambda: {"ismc", "leon"} <= highlighted_nodes(browser), what="the pick")
    assert "Iberian Sustainable Mining Cluster" in text_of(browser, "eco-synergy-result")


def test_a_copied_link_opens_presenter_mode_with_its_colour_metric_and_step(browser, server_url):
    open_app(
        browser,
        server_url,
        "?from=pizarras-la-bana&to=dg-grow&at=ismc&mode=present&colour=community&metric=pagerank",
    )
    wait(
        browser,
        lambda: browser.find_element(By.ID, "eco-root").get_attribute("class") == "app presenter",
        what="presenter mode",
    )
    wait(browser, lambda: highlighted_nodes(browser) == set(PATHS[0]), what="the path")
    border = browser.execute_script(
        "const box = document.getElementById('eco-graph');"
        "const holder = [box, ...box.querySelectorAll('div')].find(el => el._cyreg);"
        "return holder._cyreg.cy.getElementById('ismc').style('border-width');"
    )
    assert border == "6px"  # the stepped-to entity
    browser.find_element(By.ID, "eco-leave-presenter").click()
    tab(browser, "Centrality")
    wait(browser, lambda: "random walk" in text_of(browser, "eco-metric-about"), what="the metric")
