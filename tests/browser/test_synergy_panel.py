"""The Synergy panel as a manager sees it: actors only, reasons in words, the method named, a
pick that highlights the entities its reasons name and the connecting path, and a country filter
that the address keeps."""

from __future__ import annotations

from collections import Counter

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from ecosystem.analysis.ranker import ACTOR_TYPES
from ecosystem.analysis.synergy import synergy_candidates
from ecosystem.web.filters import country_options
from tests.browser.helpers import choose, highlighted_nodes, open_app, tab, text_of, wait

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


def test_a_country_keeps_only_its_partners_and_the_address_says_so(
    browser, server_url, shipped_view, artifacts
):
    items = _open(browser, server_url, "ismc")
    assert len(items) == 10
    expected = synergy_candidates(shipped_view, "ismc", countries=["ES"], top=10)["candidates"]
    assert 0 < len(expected) < 10
    counts = Counter(c for _, c in shipped_view.nodes(data="country") if c)
    (label,) = [o["label"] for o in country_options(dict(counts)) if o["value"] == "ES"]

    def names() -> list[str] | None:
        try:
            return [
                item.text
                for item in browser.find_elements(
                    By.CSS_SELECTOR, "#eco-synergy-result .synergy-name"
                )
            ]
        except StaleElementReferenceException:  # the list is being redrawn: look again
            return None

    choose(browser, "eco-synergy-countries", "ES", label)
    wanted = [candidate["name"] for candidate in expected]
    wait(browser, lambda: names() == wanted, what="only the Spanish partners")
    scores = browser.find_elements(By.CSS_SELECTOR, "#eco-synergy-result .synergy-score")
    assert [score.text.split(" · ")[0] for score in scores] == ["ES"] * len(wanted)
    assert "scountry=ES" in browser.current_url
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)  # close the dropdown
    browser.save_screenshot(str(artifacts / "synergy-country.png"))
    # A copied link opens the same filtered list.
    _open(browser, server_url, "ismc&tab=synergy&scountry=ES")
    wait(browser, lambda: names() == wanted, what="the filtered list from the address")
