"""What an analyst sees of sources and search: a typo still finds the entity, sources are named
by their titles, the source page opens at the excerpt, an imported relation's link shows its
row, and a name of 10,000 characters does not freeze the page."""

from __future__ import annotations

import time

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from tests.browser.helpers import choose, open_app, running_server, text_of, wait
from tests.helpers import TINY_ENTITIES, TINY_RELATIONS, write_dataset

pytestmark = pytest.mark.browser

ZOOM_TITLE = "Zoom on our partner : ICAMCyL"
HUGE_NAME = "Q" * 10_000


def source_links(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, "#eco-details a.source-link")


def source_link_texts(browser) -> list[tuple[str, str]] | None:
    """Each source link's text and address; None while the panel is being drawn again (a link
    read then is gone before it is read to the end)."""
    try:
        return [(link.text, link.get_attribute("href")) for link in source_links(browser)] or None
    except StaleElementReferenceException:
        return None


def test_a_typo_finds_icamcyl(browser, server_url):
    open_app(browser, server_url)
    choose(browser, "eco-search", "icamcil", "ICAMCyL (foundation)")
    wait(browser, lambda: "ICAMCyL" in text_of(browser, "eco-details"), what="the details")
    assert "icamcyl" in browser.current_url


def test_sources_are_named_by_title_and_open_at_the_excerpt(browser, server_url, artifacts):
    open_app(browser, server_url, "?sel=icamcyl")
    links = wait(browser, lambda: source_link_texts(browser), what="the source links")
    texts = [text for text, _ in links]
    assert ZOOM_TITLE in texts
    assert not [text for text in texts if text.endswith(".txt")]
    browser.save_screenshot(str(artifacts / "details-source-titles.png"))

    href = next(address for text, address in links if text == ZOOM_TITLE)
    assert href.endswith("#excerpt")
    browser.get(href)
    wait(browser, lambda: browser.find_elements(By.TAG_NAME, "h1"), what="the source page")
    assert browser.find_element(By.TAG_NAME, "h1").text == ZOOM_TITLE
    assert browser.title == ZOOM_TITLE
    box = browser.execute_script(
        "const r = document.getElementById('excerpt').getBoundingClientRect();"
        "return [r.top, r.bottom, window.innerHeight, window.scrollY];"
    )
    top, bottom, height, scrolled = box
    assert scrolled > 0 and 0 <= top < height and bottom > 0  # scrolled to, and on screen
    browser.save_screenshot(str(artifacts / "source-page.png"))
    browser.execute_script("window.scrollTo(0, 0)")
    meta = browser.find_element(By.CSS_SELECTOR, ".source-meta").text
    assert "Published by: Black Cycle" in meta
    browser.save_screenshot(str(artifacts / "source-page-top.png"))


@pytest.fixture(scope="module")
def odd_url(tmp_path_factory):
    """A network with a relation imported from a CORDIS file and an entity with a huge name."""
    imported = {
        **TINY_RELATIONS[0],
        "evidence": "Imported from organization.csv line 7: Acme Mining is a member of MC",
        "doc": "organization.csv",
    }
    huge = {"id": "huge", "name": HUGE_NAME, "type": "company"}
    relation = {
        "source": "huge",
        "target": "cluster",
        "type": "member_of",
        "evidence": "Imported from organization.csv line 8: huge is a member of MC",
        "doc": "organization.csv",
    }
    folder = write_dataset(
        tmp_path_factory.mktemp("odd") / "data",
        entities=[*TINY_ENTITIES, huge],
        relations=[imported, TINY_RELATIONS[1], relation],
    )
    with running_server("--data", str(folder)) as url:
        yield url


def test_an_imported_relation_shows_its_row(browser, odd_url):
    open_app(browser, odd_url, "?sel=acme")
    wait(browser, lambda: source_links(browser), what="the source links")
    (link,) = source_links(browser)
    assert link.text == "organization.csv (imported row)"
    browser.get(link.get_attribute("href"))
    heading = wait(browser, lambda: browser.find_elements(By.TAG_NAME, "h1"), what="the page")[0]
    assert heading.text == "Imported relation: organization.csv line 7"
    row = browser.find_element(By.CSS_SELECTOR, "table.imported-row").text
    assert "Acme Mining (acme)" in row and "member_of" in row
    assert "Not found" not in browser.page_source


def test_a_huge_name_does_not_freeze_the_dropdown(browser, odd_url):
    open_app(browser, odd_url)
    started = time.monotonic()
    browser.find_element(By.ID, "eco-search").click()
    field = wait(
        browser,
        lambda: [
            f
            for f in browser.find_elements(By.CSS_SELECTOR, "input.dash-dropdown-search")
            if f.is_displayed()
        ],
        what="the search field",
    )[0]
    field.send_keys("qqqq")
    options = wait(
        browser,
        lambda: [
            o
            for o in browser.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
            if o.text.startswith("QQQQ")
        ],
        what="the huge name's option",
    )
    assert len(options[0].text) < 100 and options[0].text.endswith("… (company)")
    # the page still answers at once
    assert browser.execute_script("return 1 + 1") == 2
    assert time.monotonic() - started < 20
    options[0].click()
    wait(browser, lambda: HUGE_NAME in text_of(browser, "eco-details"), what="the full name")
