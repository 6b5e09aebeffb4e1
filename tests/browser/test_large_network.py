"""The explorer on a large network: the 10,000-entity slice of the real H2020 participation data,
served by ``ecosystem serve`` and driven in Chromium.

The slice is made from the CORDIS data in ``../shared/data/cordis-h2020/`` by
``benchmarks/h2020.py``; without that data the tests fail rather than skip, so CI cannot pass
without running them.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import networkx as nx
import pytest
from selenium.webdriver.common.by import By

from benchmarks import h2020
from ecosystem.analysis.paths import collaboration_paths
from ecosystem.elements import edge_id
from ecosystem.explorer import MAX_ELEMENTS
from ecosystem.graph import load_graph, simple_view
from tests.browser.helpers import (
    CY,
    choose,
    element_counts,
    highlighted_nodes,
    running_server,
    tab,
    text_of,
    wait,
)

pytestmark = pytest.mark.browser

SLICE = 10_000


@pytest.fixture(scope="module")
def slice_dir(tmp_path_factory) -> Path:
    if not (h2020.DEFAULT_SOURCE / h2020.PARTICIPATIONS).is_file():
        pytest.fail(f"the H2020 data is missing from {h2020.DEFAULT_SOURCE}")
    entities, relations = h2020.convert(h2020.DEFAULT_SOURCE)
    rows = h2020.slice_rows(entities, relations, SLICE)
    return h2020.write_dataset(*rows, tmp_path_factory.mktemp("h2020") / "slice")


@pytest.fixture(scope="module")
def slice_url(slice_dir):
    with running_server("--data", str(slice_dir), seconds=240) as url:
        yield url


@pytest.fixture(scope="module")
def hidden_entity(slice_dir) -> dict:
    """A named organisation with one link: never among the most central shown at first."""
    view = simple_view(load_graph(slice_dir))
    names = [view.nodes[node]["name"] for node in view]
    for node in sorted(view):
        data = view.nodes[node]
        if (
            node.startswith("org-")
            and view.degree(node) == 1
            and not data["name"].startswith("Organisation PIC")
            and names.count(data["name"]) == 1
            and data["name"].isascii()
        ):
            return {"id": node, "name": data["name"], "type": data["type"]}
    raise AssertionError("no suitable organisation in the slice")


def open_large(browser, url: str, query: str = "") -> None:
    browser.get(url + query)
    wait(browser, lambda: "Showing" in text_of(browser, "eco-counts"), 60, "the network")
    wait(browser, lambda: element_counts(browser)[0] > 0, 60, "the nodes to be drawn")


def test_the_browser_gets_at_most_the_element_budget_and_is_told_what_is_hidden(
    browser, slice_url, artifacts
):
    open_large(browser, slice_url)
    nodes, edges = element_counts(browser)
    assert nodes > 0 and nodes + edges <= MAX_ELEMENTS
    counts = text_of(browser, "eco-counts")
    assert f"Showing {nodes:,} of {SLICE:,} entities ({SLICE - nodes:,} hidden)" in counts
    assert "Large network" in counts
    browser.save_screenshot(str(artifacts / "large-network.png"))


def test_search_finds_an_entity_that_is_not_on_screen_and_shows_it(
    browser, slice_url, hidden_entity, artifacts
):
    open_large(browser, slice_url)
    drawn = set(browser.execute_script(CY + "return cy.nodes().map(n => n.id());"))
    assert hidden_entity["id"] not in drawn
    typed = hidden_entity["name"][:24].lower()
    choose(browser, "eco-search", typed, f"{hidden_entity['name']} ({hidden_entity['type']})")
    wait(
        browser,
        lambda: hidden_entity["name"] in text_of(browser, "eco-details"),
        30,
        "the details of the chosen entity",
    )
    wait(browser, lambda: hidden_entity["id"] in highlighted_nodes(browser), 30, "its node")
    nodes, edges = element_counts(browser)
    assert nodes + edges <= MAX_ELEMENTS
    assert "CORDIS H2020 participation" in text_of(browser, "eco-details")  # evidence
    browser.save_screenshot(str(artifacts / "large-network-search.png"))


def test_the_centrality_panel_says_the_ranking_is_sampled(browser, slice_url, artifacts):
    open_large(browser, slice_url, "?metric=betweenness")
    tab(browser, "Centrality")
    wait(
        browser,
        lambda: "approximate, sampled from 1,000 sources" in text_of(browser, "eco-metric-about"),
        30,
        "the note on sampling",
    )
    wait(
        browser,
        lambda: len(browser.find_elements(By.CSS_SELECTOR, "#eco-centrality-table .ag-row")) > 1,
        30,
        "the ranked rows",
    )
    # Every column, Value included, is inside the panel, and the values are not all zero.
    panel = browser.find_element(By.CSS_SELECTOR, ".sidebar.right").rect
    for header in ("Type", "Value"):
        (cell,) = [
            h
            for h in browser.find_elements(By.CSS_SELECTOR, "#eco-centrality-table .ag-header-cell")
            if h.text == header
        ]
        assert cell.rect["x"] + cell.rect["width"] <= panel["x"] + panel["width"] + 1
    values = [
        float(c.text)
        for c in browser.find_elements(By.CSS_SELECTOR, "#eco-centrality-table [col-id='value']")
        if c.text and c.text != "Value"
    ]
    assert values and all(v > 0 for v in values)
    browser.save_screenshot(str(artifacts / "large-network-centrality.png"))


def test_every_link_of_a_highlighted_path_is_drawn(browser, slice_url, slice_dir):
    view = simple_view(load_graph(slice_dir))
    hub = max(view, key=lambda node: (view.degree(node), node))
    # An organisation three or more hops from the best-linked one: a path through the overview.
    far = next(
        node
        for node, hops in sorted(nx.single_source_shortest_path_length(view, hub).items())
        if hops >= 3 and node.startswith("org-")
    )
    nodes = collaboration_paths(view, hub, far, k=1)["paths"][0]["nodes"]
    open_large(browser, slice_url, f"?from={hub}&to={far}&tab=paths")
    wait(browser, lambda: set(nodes) <= highlighted_nodes(browser), 60, "the path's entities")
    drawn = set(browser.execute_script(CY + "return cy.edges().map(e => e.id());"))
    assert {edge_id(a, b) for a, b in itertools.pairwise(nodes)} <= drawn


def test_a_hubs_highlight_marks_its_drawn_neighbours_and_keeps_the_stylesheet_small(
    browser, slice_url, slice_dir
):
    view = simple_view(load_graph(slice_dir))
    hub = max(view, key=lambda node: (view.degree(node), node))
    open_large(browser, slice_url, f"?sel={hub}")
    wait(browser, lambda: hub in highlighted_nodes(browser), 60, "the hub highlighted")
    drawn = browser.execute_script(
        CY + "return cy.getElementById(arguments[0]).neighborhood('node').map(n => n.id());", hub
    )
    assert len(drawn) > 100
    wait(browser, lambda: highlighted_nodes(browser) == {hub, *drawn}, 30, "its neighbours")
    border = browser.execute_script(
        CY + "return cy.getElementById(arguments[0]).style('border-width');", hub
    )
    assert border == "6px"  # the selection, marked most
    # Cytoscape.js matches every selector against every element drawn: a stylesheet naming the
    # hub's neighbours one by one made each restyle of the view take most of a second.
    selectors = browser.execute_script(CY + "return cy.style().json().map(r => r.selector);")
    assert not [selector for selector in selectors if "[id" in selector]
    assert sum(map(len, selectors)) < 2_000
