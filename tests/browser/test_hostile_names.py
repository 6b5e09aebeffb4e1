"""Names, descriptions and evidence holding markup show as text everywhere; no script runs."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import running_server
from tests.browser.test_explorer import (
    _download,
    _export,
    choose,
    open_app,
    tab,
    text_of,
    wait,
)
from tests.conftest import write_dataset

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__xss = 'script'</script>"
IMG = "<img src=x onerror=\"window.__xss='img'\">"
LINK = "<a href=\"javascript:window.__xss='link'\">click</a>"
BOLD = "<b>Bold</b> Co"

ENTITIES = [
    {
        "id": "evil-script",
        "name": SCRIPT,
        "type": "company",
        "aliases": "Scripty|" + LINK,
        "description": IMG,
    },
    {"id": "evil-img", "name": IMG, "type": "project", "description": SCRIPT},
    {"id": "evil-link", "name": LINK, "type": "cluster"},
    {"id": "bold", "name": BOLD, "type": "company"},
]
RELATIONS = [
    {
        "source": "evil-script",
        "target": "evil-img",
        "type": "partner_in",
        "role": IMG,
        "evidence": f"{SCRIPT} is a partner in {IMG}",
        "doc": "doc.txt",
    },
    {
        "source": "evil-img",
        "target": "evil-link",
        "type": "part_of",
        "evidence": f"{IMG} is part of {LINK}",
        "doc": "doc.txt",
    },
    {
        "source": "bold",
        "target": "evil-link",
        "type": "member_of",
        "evidence": f"{BOLD} is a member of {LINK}",
        "doc": "doc.txt",
    },
]
DOCUMENT = "\n".join(r["evidence"] for r in RELATIONS) + "\n"


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

    _export(browser, "eco-export-svg")
    svg = ElementTree.fromstring(_download(downloads, "ecosystem.svg").read_bytes())
    tags = {element.tag.rsplit("}", 1)[-1] for element in svg.iter()}
    assert not tags & {"script", "img", "foreignObject", "a"}
    assert not [
        name for element in svg.iter() for name in element.attrib if name.lower().startswith("on")
    ]
    labels = " ".join(element.text or "" for element in svg.iter() if element.tag.endswith("text"))
    assert "<script>window.__xss" in labels  # the name, drawn as characters

    browser.get(hostile_url + "source/doc.txt")
    assert SCRIPT in browser.find_element(By.TAG_NAME, "body").text
    assert no_script_ran(browser)


def test_hostile_link_opens_safely(browser, hostile_url):
    browser.get(hostile_url + "?sel=evil-img&from=evil-link&to=<script>&metric=<b>")
    wait(browser, lambda: "Showing" in text_of(browser, "eco-counts"), what="the network")
    assert no_script_ran(browser)
    assert "metric=<b>" not in browser.current_url
