"""The Synergy panel as a manager sees it: actors only, reasons in words, the method named, and a
pick that highlights the entities its reasons name and the connecting path."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from ecosystem.analysis.ranker import ACTOR_TYPES
from ecosystem.analysis.synergy import synergy_candidates
from tests.browser.helpers import highlighted_nodes, open_app, tab, text_of, wait

pytestmark = pytest.mark.browser


def _open(browser, server_url, entity: str):
    open_app(browser, server_url, f"?sel={entity}")
    tab(browser, "Synergy")
    wait(
        browser,
        lambda: "partners to consider" in text_of(browser, "eco-synergy-result"),
        what="partner suggestions",
    )
    return browser.find_elements(By.CSS_SELECTOR, "#eco-synergy-result .candidate")


@pytest.mark.parametrize("entity", ["ismc", "pizarras-la-bana"])
def test_suggestions_are_actors_with_reasons_in_words(browser, server_url, entity):
    items = _open(browser, server_url, entity)
    assert len(items) >= 5
    panel = text_of(browser, "eco-synergy-result")
    assert "Ranked by Adamic-Adar" in panel
    assert "No learned ranker" in panel
    reasons = []
    for item in items[:5]:
        badge = item.find_element(By.CSS_SELECTOR, ".badge").text
        assert badge.replace(" ", "_") in ACTOR_TYPES
        lines = [li.text for li in item.find_elements(By.CSS_SELECTOR, ".reason")]
        assert lines and all(lines)
        assert "top " in item.find_element(By.CSS_SELECTOR, ".synergy-score").text
        reasons.append(tuple(lines))
    assert len(set(reasons)) == 5
    assert "Already working together" in panel


def test_a_pick_highlights_the_reason_entities_and_the_path(browser, server_url, shipped_view):
    items = _open(browser, server_url, "ismc")
    expected = synergy_candidates(shipped_view, "ismc", top=10)["candidates"][0]
    first = items[0]
    assert first.find_element(By.CSS_SELECTOR, ".synergy-name").text == expected["name"]
    first.find_element(By.CSS_SELECTOR, ".synergy-name").click()
    wanted = set(expected["highlight"]["nodes"])
    assert {"ismc", expected["id"]} <= wanted and len(wanted) >= 3
    wait(browser, lambda: wanted <= highlighted_nodes(browser), what="the reasons highlighted")
    assert set(expected["path"]["nodes"]) <= highlighted_nodes(browser)
    assert f"pick={expected['id']}" in browser.current_url
