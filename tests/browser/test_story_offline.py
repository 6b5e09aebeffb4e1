"""The exported story, opened from disk with no network: a person steps through it with the
keyboard and the buttons and sees each step's title, caption and picture; nothing is fetched."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from benchmarks import chromium
from ecosystem.cli import EXIT_OK, main
from ecosystem.stories import Step, Story, named_entities, read_story, write_story
from tests.browser.helpers import wait
from tests.helpers import HOSTILE_ENTITIES, HOSTILE_RELATIONS, IMG, SCRIPT, write_dataset

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parent.parent.parent / "stories" / "ismc-european-links.json"
# Every request the page might make is sent nowhere: no name resolves, no proxy is reached.
OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9")
CURRENT = """
const step = document.querySelector('.step.current');
if (!step) { return null; }
return {
  number: step.dataset.step,
  title: step.querySelector('.step-title').textContent,
  caption: step.querySelector('.caption').textContent,
  entities: [...step.querySelectorAll('svg g[data-entity]')].map(g => g.dataset.entity),
  opacity: getComputedStyle(step).opacity,
  others: [...document.querySelectorAll('.step')].filter(
    s => s !== step && getComputedStyle(s).visibility !== 'hidden').length,
  counter: document.getElementById('counter').textContent,
  hash: location.hash,
};
"""


@pytest.fixture(scope="module")
def offline_browser():
    for path in (chromium.CHROMIUM, chromium.CHROMEDRIVER):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: install Debian's chromium and chromium-driver")
    options = chromium.options(*OFFLINE)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromium.CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http*", "ws*", "ftp*", "data:*"]})
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
    )
    # Injected by DevTools before any script of the page (so outside its policy): records every
    # request the policy refuses.
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__refused = []; document.addEventListener("
            "'securitypolicyviolation', e => window.__refused.push(e.blockedURI));"
        },
    )
    yield driver
    driver.quit()


def export(story: Path, out: Path, *data: str) -> Path:
    output = io.StringIO()
    code = main(["story", "export", str(story), "--out", str(out), *data], out=output)
    assert code == EXIT_OK, output.getvalue()
    return out


def requests_made(browser) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def shown(browser, number: int) -> dict:
    """The step on screen, once the fade into step ``number`` has ended."""

    def settled():
        now = browser.execute_script(CURRENT)
        ready = now and now["number"] == str(number) and now["opacity"] == "1"
        return now if ready and now["others"] == 0 else None

    return wait(browser, settled, seconds=10, what=f"step {number}")


def press(browser, key: str) -> None:
    ActionChains(browser).send_keys(key).perform()


def expected_entities(step: Step) -> set[str]:
    named = {entity for _, entity in named_entities(step)}
    return named


def test_the_sample_story_plays_from_disk_with_no_network(offline_browser, tmp_path, artifacts):
    browser = offline_browser
    story = read_story(SAMPLE)
    page = export(SAMPLE, tmp_path / "talk.html")
    browser.get_log("performance")  # start counting from here
    browser.get(page.as_uri())
    count = len(story.steps)
    keys = [Keys.ARROW_RIGHT, Keys.SPACE, Keys.PAGE_DOWN]
    for number, step in enumerate(story.steps, start=1):
        now = shown(browser, number)
        assert now["title"] == step.title
        assert now["caption"] == step.caption
        assert now["counter"] == f"Step {number} of {count}"
        assert now["hash"] == f"#step={number}"
        assert expected_entities(step) <= set(now["entities"]), step.title
        assert len(now["entities"]) >= 3  # a picture of the view, not an empty frame
        browser.save_screenshot(str(artifacts / f"story-offline-{number}.png"))
        if number < count:
            press(browser, keys[(number - 1) % len(keys)])
    assert browser.find_element(By.ID, "next").get_attribute("disabled") == "true"
    press(browser, Keys.ARROW_RIGHT)  # past the end: stays
    assert shown(browser, count)["title"] == story.steps[-1].title
    press(browser, Keys.ARROW_LEFT)
    shown(browser, count - 1)
    press(browser, Keys.PAGE_UP)
    shown(browser, count - 2)
    press(browser, Keys.HOME)
    shown(browser, 1)
    assert browser.find_element(By.ID, "previous").get_attribute("disabled") == "true"
    press(browser, Keys.END)
    shown(browser, count)
    browser.find_element(By.ID, "previous").click()
    shown(browser, count - 1)
    browser.find_element(By.ID, "next").click()
    shown(browser, count)

    made = requests_made(browser)
    assert made and all(url.startswith("file://") for url in made), made
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.execute_script("return window.__refused") == []
    # The page's policy itself refuses a request made from inside it.
    refused = browser.execute_async_script(
        "const done = arguments[0];"
        "fetch('https://example.org/beacon').then(() => done('fetched'), e => done(e.name));"
    )
    assert refused == "TypeError"
    assert browser.execute_script("return window.__refused") == ["https://example.org/beacon"]
    assert not [e for e in browser.get_log("browser") if "Content Security Policy" in e["message"]
                and "example.org" not in e["message"]]  # fmt: skip


def test_the_address_opens_a_given_step(offline_browser, tmp_path):
    browser = offline_browser
    page = export(SAMPLE, tmp_path / "talk.html")
    story = read_story(SAMPLE)
    browser.get(page.as_uri() + "#step=3")
    assert shown(browser, 3)["title"] == story.steps[2].title
    browser.get(page.as_uri() + "#step=99")  # past the end: the last step
    assert shown(browser, len(story.steps))["title"] == story.steps[-1].title
    browser.execute_script("location.hash = '#step=2'")  # a link inside the talk
    assert shown(browser, 2)["title"] == story.steps[1].title


def test_markup_in_a_story_and_its_data_is_shown_as_text(offline_browser, tmp_path):
    browser = offline_browser
    data = write_dataset(tmp_path / "data", HOSTILE_ENTITIES, HOSTILE_RELATIONS)
    story = Story(
        SCRIPT,
        (
            Step(IMG, f"{SCRIPT}\n{IMG}", {"sel": "evil-script", "hops": "1"}),
            Step("Bold", "<b>not bold</b>", {"from": "bold", "to": "evil-img"}),
        ),
    )
    file = write_story(tmp_path / "stories", "hostile", story)
    page = export(file, tmp_path / "hostile.html", "--data", str(data))
    browser.get(page.as_uri())
    first = shown(browser, 1)
    assert (first["title"], first["caption"]) == (IMG, f"{SCRIPT}\n{IMG}")
    assert browser.find_element(By.ID, "story-title").text == SCRIPT
    press(browser, Keys.ARROW_RIGHT)
    assert shown(browser, 2)["caption"] == "<b>not bold</b>"
    assert not browser.find_elements(By.CSS_SELECTOR, "main img, main b, main a, main script")
    assert browser.execute_script("return window.__xss === undefined")


def test_a_key_on_a_focused_button_moves_one_step(offline_browser, tmp_path):
    browser = offline_browser
    page = export(SAMPLE, tmp_path / "talk.html")
    assert "://" not in page.read_text(encoding="utf-8")
    browser.get(page.as_uri() + "#step=2")
    shown(browser, 2)
    browser.find_element(By.ID, "next").click()  # the button keeps the focus
    shown(browser, 3)
    press(browser, Keys.SPACE)  # presses the button: one step, not two
    shown(browser, 4)
    press(browser, Keys.ENTER)
    shown(browser, 5)
    press(browser, Keys.ARROW_LEFT)  # arrows still step, focus or not
    shown(browser, 4)
