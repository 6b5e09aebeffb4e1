"""Time and stories in Chromium: the as-of control changes the network drawn and the address; a
story is authored in the app, saved, opened again after a reload and played step by step."""

from __future__ import annotations

import itertools
import json
import shutil
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from ecosystem.stories import read_story
from tests.browser.helpers import (
    CY,
    choose,
    element_counts,
    open_app,
    running_server,
    tab,
    text_content,
    wait,
)

pytestmark = pytest.mark.browser


def test_the_date_control_changes_the_network_drawn_and_the_address(browser, server_url):
    open_app(browser, server_url)
    everything = element_counts(browser)
    handle = browser.find_element(By.CSS_SELECTOR, "#eco-as-of [role=slider]")
    handle.send_keys(Keys.HOME)  # before anything dated began
    wait(browser, lambda: "asof=2022-12" in browser.current_url, what="the date in the address")
    wait(browser, lambda: "As of December 2022" in text_content(browser, "eco-as-of-text"))
    wait(browser, lambda: element_counts(browser)[1] < everything[1], what="fewer links drawn")
    nodes, _links = element_counts(browser)
    assert nodes < everything[0]  # the 2023 events were not there yet
    browser.back()
    wait(browser, lambda: element_counts(browser) == everything, what="the whole network again")


def test_a_column_of_the_timeline_shows_the_network_as_of_its_period(browser, server_url):
    open_app(browser, server_url)
    everything = element_counts(browser)
    columns = browser.find_elements(By.CSS_SELECTOR, "#eco-timeline .timeline-period")
    first = columns[0]
    assert first.get_attribute("title").startswith("2022-12: ")
    assert "relation" in first.get_attribute("aria-label")
    first.click()
    wait(browser, lambda: "asof=2022-12" in browser.current_url, what="the date in the address")
    wait(browser, lambda: "As of December 2022" in text_content(browser, "eco-as-of-text"))
    wait(browser, lambda: element_counts(browser)[1] < everything[1], what="fewer links drawn")
    marked = browser.find_elements(By.CSS_SELECTOR, "#eco-timeline .timeline-period.as-of")
    assert [column.get_attribute("title")[:7] for column in marked] == ["2022-12"]
    later = browser.find_elements(By.CSS_SELECTOR, "#eco-timeline .timeline-period.later")
    assert len(later) == len(columns) - 1


@pytest.fixture(scope="module")
def story_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stories")
    with running_server("--stories", str(folder)) as url:
        yield url, folder


def step_items(browser) -> int:
    return len(browser.find_elements(By.CSS_SELECTOR, "#eco-story-steps .story-step"))


def test_a_story_is_written_saved_reopened_and_played(browser, story_server, artifacts):
    url, folder = story_server
    open_app(browser, url, "?sel=ismc")
    browser.execute_script("window.sessionStorage.clear();")
    open_app(browser, url, "?sel=ismc")
    tab(browser, "Story")
    title = browser.find_element(By.ID, "eco-story-title")
    title.send_keys("A forum talk" + Keys.ENTER)
    browser.find_element(By.ID, "eco-story-add").click()
    wait(browser, lambda: step_items(browser) == 1, what="the first step")
    choose(browser, "eco-search", "icamcyl", "ICAMCyL (foundation)")
    wait(browser, lambda: "sel=icamcyl" in browser.current_url, what="ICAMCyL selected")
    browser.find_element(By.ID, "eco-story-add").click()
    wait(browser, lambda: step_items(browser) == 2, what="the second step")
    captions = browser.find_elements(By.CSS_SELECTOR, "#eco-story-steps .step-caption")
    captions[0].send_keys("The cluster <b>and</b> its members.")
    name = browser.find_element(By.ID, "eco-story-name")
    name.send_keys("forum-talk" + Keys.ENTER)
    browser.find_element(By.ID, "eco-story-save").click()
    wait(browser, lambda: "Saved forum-talk.json" in text_content(browser, "eco-story-message"))
    saved = read_story(folder / "forum-talk.json")
    assert saved.title == "A forum talk"
    assert [dict(step.view).get("sel") for step in saved.steps] == ["ismc", "icamcyl"]
    assert saved.steps[0].caption == "The cluster <b>and</b> its members."
    assert saved.steps[0].camera is not None  # the zoom and pan of the moment it was added

    browser.execute_script("window.sessionStorage.clear();")
    open_app(browser, url, "?tab=story")
    choose(browser, "eco-story-chooser", "forum", "A forum talk (2 steps)")
    wait(browser, lambda: step_items(browser) == 2, what="the story opened again")
    browser.find_element(By.CSS_SELECTOR, ".story-play").click()
    wait(browser, lambda: "Step 1 of 2" in text_content(browser, "eco-story-caption"))
    assert "The cluster <b>and</b> its members." in text_content(browser, "eco-story-caption")
    assert browser.find_elements(By.CSS_SELECTOR, ".app.presenter")
    assert "story=forum-talk" in browser.current_url and "step=1" in browser.current_url
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    wait(browser, lambda: "Step 2 of 2" in text_content(browser, "eco-story-caption"))
    wait(browser, lambda: "sel=icamcyl" in browser.current_url, what="step 2's view")
    ActionChains(browser).send_keys(Keys.SPACE).perform()  # the last step stays
    ActionChains(browser).send_keys(Keys.ARROW_LEFT).perform()
    wait(browser, lambda: "Step 1 of 2" in text_content(browser, "eco-story-caption"))
    browser.save_screenshot(str(artifacts / "story-played.png"))
    camera = json.loads(
        browser.execute_script(
            "return document.querySelector('#eco-story-camera [data-camera]')"
            ".getAttribute('data-camera');"
        )
    )
    assert camera["step"] == 1 and camera["zoom"] > 0
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait(browser, lambda: "story=" not in browser.current_url, what="the story ended")


BADGE_LOG = """
window.__badges = [];
const badge = document.getElementById('eco-as-of-text');
new MutationObserver(() => window.__badges.push([performance.now(), badge.textContent]))
    .observe(badge, {childList: true, characterData: true, subtree: true});
"""


def test_play_moves_on_only_once_the_date_shown_is_drawn(browser, server_url):
    open_app(browser, server_url)
    handle = browser.find_element(By.CSS_SELECTOR, "#eco-as-of [role=slider]")
    handle.send_keys(Keys.HOME)
    wait(browser, lambda: "As of December 2022" in text_content(browser, "eco-as-of-text"))
    browser.execute_script(BADGE_LOG)
    # A drawing still loading: Play must wait for it, however long it takes.
    browser.execute_script(
        "const busy = document.createElement('div'); busy.id = 'busy-for-test';"
        "busy.setAttribute('data-dash-is-loading', 'true'); document.body.appendChild(busy);"
    )
    browser.find_element(By.ID, "eco-play").click()
    wait(browser, lambda: "Pause" in text_content(browser, "eco-play"), what="Play running")
    time.sleep(4)  # more than two periods of the clock
    assert "As of December 2022" in text_content(browser, "eco-as-of-text")
    browser.execute_script("document.getElementById('busy-for-test').remove();")
    wait(browser, lambda: "As of January 2023" in text_content(browser, "eco-as-of-text"))
    wait(browser, lambda: "As of February 2023" in text_content(browser, "eco-as-of-text"))
    changes = browser.execute_script("return window.__badges;")
    shown = [at for at, text in changes if text.startswith("As of")]
    gaps = [later - earlier for earlier, later in itertools.pairwise(shown)]
    assert gaps and min(gaps) >= 1500  # each date stays on screen once drawn
    browser.find_element(By.ID, "eco-play").click()  # pause


SAMPLE_STORY = Path(__file__).resolve().parents[2] / "stories" / "ismc-european-links.json"

# Where each drawn entity lies against the caption over the network: the share of entities
# whose centre is under the caption's top edge, and whether the one named is above it.
UNDER_CAPTION = (
    CY
    + """
const caption = document.querySelector('#eco-story-caption .caption-title')
    .closest('.caption').getBoundingClientRect();
const area = document.getElementById('eco-graph').getBoundingClientRect();
const edge = caption.top - area.top;
const drawn = cy.nodes().filter(n => n.visible());
const under = drawn.filter(n => n.renderedPosition().y > edge).length;
const named = cy.getElementById(arguments[0]).renderedPosition().y;
return [under / Math.max(drawn.length, 1), named < edge && named > 0];
"""
)


def test_a_step_without_a_camera_shows_its_network_above_the_caption(browser, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    shutil.copy(SAMPLE_STORY, folder / SAMPLE_STORY.name)
    browser.set_window_size(1920, 1080)
    try:
        with running_server("--stories", str(folder)) as url:
            open_app(browser, url, "?story=ismc-european-links&step=1&mode=present")
            wait(browser, lambda: "Step 1 of 6" in text_content(browser, "eco-story-caption"))
            ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
            wait(browser, lambda: "sel=icamcyl" in browser.current_url, what="step 2's view")

            def clear_of_the_caption() -> bool:
                share, named_above = browser.execute_script(UNDER_CAPTION, "icamcyl")
                return share == 0 and named_above

            wait(browser, clear_of_the_caption, what="the step's network above its caption")
    finally:
        browser.set_window_size(1600, 1000)
