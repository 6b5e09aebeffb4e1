"""Names, descriptions and evidence holding markup show as text everywhere; no script runs."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from selenium.webdriver.common.by import By

from tests.browser.helpers import (
    choose,
    download,
    export,
    open_app,
    running_server,
    tab,
    text_of,
    wait,
)
from tests.helpers import BOLD, DOCUMENT, IMG, LINK, SCRIPT, write_dataset
from tests.helpers import HOSTILE_ENTITIES as ENTITIES
from tests.helpers import HOSTILE_RELATIONS as RELATIONS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    folder = write_dataset(
        tmp_path_factory.mktemp("hostile") / "data", ENTITIES, RELATIONS, document=DOCUMENT
    )
    with running_server("--data", str(folder)) as url:
        yield url


def no_script_ran(browser) -> bool:
    return browser.execute_script("return window.__xss === undefined")


def test_markup_in_every_panel_is_text(browser, hostile_url, downloads):
    open_app(browser, hostile_url)
    choose(browser, "eco-search", "scripty", f"{SCRIPT} (company)")
    wait(browser, lambda: SCRIPT in text_of(browser, "eco-details"), what="the details")
    details = text_of(browser, "eco-details")
    assert IMG in details  # the description, as text
    assert f"“{SCRIPT} is a partner in {IMG}”" in details  # the evidence, as text
    assert not browser.find_elements(By.CSS_SELECTOR, "#eco-details img, #eco-details b")

    tab(browser, "Paths")
    choose(browser, "eco-path-from", "bold", f"{BOLD} (company)")
    choose(browser, "eco-path-to", "scripty", f"{SCRIPT} (company)")
    wait(browser, lambda: "Path 1:" in text_of(browser, "eco-path-result"), what="the path")
    assert LINK in text_of(browser, "eco-path-result")

    tab(browser, "Synergy")
    wait(browser, lambda: text_of(browser, "eco-synergy-result"), what="synergy")

    tab(browser, "Centrality")
    wait(browser, lambda: BOLD in text_of(browser, "eco-centrality-table"), what="the table")
    ticks = wait(
        browser,
        lambda: [
            t.text
            for t in browser.find_elements(By.CSS_SELECTOR, "#eco-centrality-chart .ytick text")
        ],
        what="the chart's labels",
    )
    assert any(tick.endswith(BOLD) for tick in ticks)  # markup shows as characters, not bold
    assert not browser.find_elements(By.CSS_SELECTOR, "#eco-centrality-chart .ytick text b")
    assert not browser.find_elements(By.CSS_SELECTOR, "#eco-centrality-chart a[href]")

    (downloads / "ecosystem.svg").unlink(missing_ok=True)

    export(browser, "eco-export-svg")
    svg = ElementTree.fromstring(download(downloads, "ecosystem.svg").read_bytes())
    tags = {element.tag.rsplit("}", 1)[-1] for element in svg.iter()}
    assert not tags & {"script", "img", "foreignObject", "a"}
    assert not [
        name for element in svg.iter() for name in element.attrib if name.lower().startswith("on")
    ]
    labels = " ".join(element.text or "" for element in svg.iter() if element.tag.endswith("text"))
    assert "<script>window.__x" in labels  # the name, drawn as characters (cut short)

    browser.get(hostile_url + "source/doc.txt")
    assert SCRIPT in browser.find_element(By.TAG_NAME, "body").text
    assert no_script_ran(browser)


def test_hostile_link_opens_safely(browser, hostile_url):
    browser.get(hostile_url + "?sel=evil-img&from=evil-link&to=<script>&metric=<b>")
    wait(browser, lambda: "Showing" in text_of(browser, "eco-counts"), what="the network")
    assert no_script_ran(browser)
    assert "metric=<b>" not in browser.current_url
