"""The first view is drawn from the page itself: opening the explorer's address draws the
network without waiting for the server to send it, and an address that names a view is drawn
as the server answers it, never the whole network first."""

from __future__ import annotations

import time

import pytest

from tests.browser.helpers import CY, open_app, wait

pytestmark = pytest.mark.browser

# Installed before the page's scripts: for each request for the network's elements, how many
# entities were drawn when it was asked, and whether the server's answer sent elements.
WATCH = """
window.ecoWatch = {asked: [], sent: [], waiting: 0};
const fetched = window.fetch;
function drawn() {
  const box = document.getElementById('eco-graph');
  const all = box ? [box, ...box.querySelectorAll('div')] : [];
  const holder = all.find(el => el._cyreg && el._cyreg.cy);
  return holder ? holder._cyreg.cy.nodes().length : 0;
}
window.fetch = function (resource, options) {
  const asked = fetched.apply(this, arguments);
  const body = options && typeof options.body === 'string' ? options.body : '';
  if (String(resource).includes('_dash-update-component') && body.includes('eco-graph.elements')) {
    window.ecoWatch.asked.push(drawn());
    window.ecoWatch.waiting += 1;
    asked.then(r => r.clone().text())
      .then(text => window.ecoWatch.sent.push(text.includes('"eco-graph"')))
      .finally(() => { window.ecoWatch.waiting -= 1; });
  }
  return asked;
};
"""

IDLE = """
return window.ecoWatch.waiting === 0 && window.ecoWatch.asked.length > 0
    && !document.querySelector('[data-dash-is-loading="true"]');
"""


@pytest.fixture
def watched(browser):
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
    yield browser
    browser.execute_cdp_cmd(
        "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
    )


def test_the_address_without_a_query_is_drawn_without_the_server_sending_it(watched, server_url):
    open_app(watched, server_url)
    assert "Showing all 128 entities" in watched.execute_script(
        "return document.getElementById('eco-counts').textContent;"
    )
    assert watched.execute_script(CY + "return cy.nodes().length;") == 128
    wait(watched, lambda: watched.execute_script(IDLE), what="the callbacks to answer")
    # Asked once, as every callback is when the page opens; answered without the network.
    assert watched.execute_script("return window.ecoWatch.sent;") == [False]


def test_an_address_that_names_a_view_is_drawn_as_the_server_answers_it(watched, server_url):
    open_app(watched, server_url, "?sel=ismc")
    wait(
        watched,
        lambda: watched.execute_script(CY + "return cy.nodes('.marked').length;") > 0,
        what="ISMC's neighbours to be marked",
    )
    wait(watched, lambda: watched.execute_script(IDLE), what="the callbacks to answer")
    # Nothing was drawn before the server's answer: not the whole network first.
    watch = watched.execute_script("return window.ecoWatch;")
    assert watch["asked"] == [0]
    assert watch["sent"] == [True]


def test_a_zoom_as_soon_as_the_network_shows_is_kept(browser, server_url):
    # The network is on screen before the page's script watches its box for a change of size;
    # starting to watch must not refit a view a person has already zoomed into.
    open_app(browser, server_url)
    browser.execute_script(CY + "cy.zoom({level: 3, position: cy.nodes()[0].position()});")
    time.sleep(1.5)  # longer than the script takes to start watching
    assert browser.execute_script(CY + "return cy.zoom();") == pytest.approx(3)
