"""How the network moves when what it shows changes, and when a person moves it, checked in
Chromium: one redraw with the camera already refitted, layouts the browser computes run again,
and Reset puts back an entity dragged away."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder

from tests.browser.helpers import CY, node_count, open_app, wait

pytestmark = pytest.mark.browser

# Counts the layout runs from now on, and says whether every entity is inside the view.
WATCH = CY + "window.__layouts = 0; cy.on('layoutstop', () => { window.__layouts += 1; });"
LAYOUTS = "return window.__layouts;"
IN_VIEW = (
    CY
    + """const shown = cy.nodes().boundingBox(), view = cy.extent();
return shown.x1 >= view.x1 - 1 && shown.x2 <= view.x2 + 1 && shown.y1 >= view.y1 - 1
  && shown.y2 <= view.y2 + 1;"""
)


def _go(browser, query: str) -> None:
    """The address changed as Back and Forward change it (the page is not loaded again)."""
    browser.execute_script(
        "history.pushState({}, '', arguments[0]);"
        "window.dispatchEvent(new PopStateEvent('popstate', {state: {}}));",
        query,
    )


def _place(browser, node: str) -> tuple[float, float]:
    return tuple(
        browser.execute_script(
            CY + "const p = cy.$id(arguments[0]).position(); return [p.x, p.y];", node
        )
    )


def test_a_neighbourhood_is_fitted_without_laying_the_network_out_again(browser, server_url):
    open_app(browser, server_url)
    whole = node_count(browser)
    browser.execute_script(WATCH)
    _go(browser, "?sel=ismc&hops=2")
    wait(browser, lambda: 0 < node_count(browser) < whole, what="the neighbourhood")
    wait(browser, lambda: browser.execute_script(IN_VIEW) is True, what="the refit")
    before = node_count(browser)
    _go(browser, "?sel=ismc&hops=1")
    wait(browser, lambda: node_count(browser) < before, what="the smaller neighbourhood")
    wait(browser, lambda: browser.execute_script(IN_VIEW) is True, what="the refit")
    # Precomputed positions: the entities come with their places, nothing is laid out again.
    assert browser.execute_script(LAYOUTS) == 0


def test_a_layout_the_browser_computes_runs_again_when_entities_come(browser, server_url):
    open_app(browser, server_url, "?layout=grid&sel=ismc&hops=1")
    wait(browser, lambda: browser.execute_script(IN_VIEW) is True, what="the grid")
    browser.execute_script(WATCH)
    shown = node_count(browser)
    _go(browser, "?layout=grid&sel=ismc&hops=2")
    wait(browser, lambda: node_count(browser) > shown, what="the larger neighbourhood")
    wait(browser, lambda: browser.execute_script(LAYOUTS) >= 1, what="the grid laid out again")
    # On a grid no two entities share a place.
    places = browser.execute_script(
        CY
        + "return cy.nodes().map(n => [n.position('x'), n.position('y')].map(Math.round).join());"
    )
    assert len(set(places)) == len(places)


def test_reset_puts_back_an_entity_dragged_away(browser, server_url):
    open_app(browser, server_url)
    node = browser.execute_script(CY + "return cy.nodes().max(n => n.degree()).ele.id();")
    home = _place(browser, node)
    x, y = browser.execute_script(
        CY
        + """const r = cy.$id(arguments[0]).renderedPosition();
const b = cy.container().getBoundingClientRect(); return [r.x + b.left, r.y + b.top];""",
        node,
    )
    drag = ActionBuilder(browser)
    drag.pointer_action.move_to_location(int(x), int(y)).pointer_down()
    for step in range(1, 11):
        drag.pointer_action.move_to_location(int(x) + 12 * step, int(y) + 6 * step)
    drag.pointer_action.pointer_up()
    drag.perform()
    wait(browser, lambda: _place(browser, node) != home, what="the entity to move")
    browser.find_element("id", "eco-reset").click()
    wait(browser, lambda: _place(browser, node) == pytest.approx(home), what="the entity back")


# Zoomed in, how the entities are named: how many named ones are dimmed by a highlight or lie
# further than half a view from what is in sight (none should), how many times a name given
# for being in sight covers another name shown (none should), how many are named so, and of
# how many.
NAMED_AS_IN_SIGHT = (
    CY
    + """const view = cy.extent(), mx = view.w / 2, my = view.h / 2;
const reach = n => { const p = n.position(); return p.x >= view.x1 - mx && p.x <= view.x2 + mx
  && p.y >= view.y1 - my && p.y <= view.y2 + my; };
const zoomed = cy.nodes('.zoomed').not('.labelled');  // the whole view's names are marked too
const astray = cy.nodes('.zoomed').filter(n => n.hasClass('dim') || !reach(n)
  && !n.hasClass('labelled')).length;
const shown = cy.nodes().filter(n => !n.hasClass('dim') && (n.hasClass('zoomed')
  || n.hasClass('labelled') && !n.hasClass('crowded') || n.is('.named, .focus, .numbered')));
const labelBox = n => n.boundingBox({includeNodes: false, includeEdges: false,
  includeLabels: true});
let covering = 0;
zoomed.forEach(a => { const A = labelBox(a); shown.forEach(b => {
  if (a.same(b)) { return; }
  const B = labelBox(b);
  if (A.x1 < B.x2 && B.x1 < A.x2 && A.y1 < B.y2 && B.y1 < A.y2) { covering += 1; } }); });
return [astray, covering, zoomed.length, cy.nodes().length];"""
)


def _named_as_in_sight(browser) -> bool:
    astray, covering, named, _ = browser.execute_script(NAMED_AS_IN_SIGHT)
    return astray == 0 and covering == 0 and named > 0


def test_zoomed_in_the_entities_in_sight_are_named_once_and_then_left_alone(browser, server_url):
    open_app(browser, server_url)
    node = browser.execute_script(CY + "return cy.nodes().max(n => n.degree()).ele.id();")
    # Close on the most linked entity: some entities are far out of sight, the rest named.
    browser.execute_script(
        CY + "cy.zoom({level: 4, position: cy.$id(arguments[0]).position()});", node
    )
    wait(browser, lambda: _named_as_in_sight(browser), what="the entities in sight named")
    *_, named, every = browser.execute_script(NAMED_AS_IN_SIGHT)
    assert named < every, "entities far out of sight are named too"
    # Nothing restyles the network again while it stays as it is.
    browser.execute_script(
        CY + "window.__restyled = 0; cy.on('class style', () => { window.__restyled += 1; });"
    )
    time.sleep(0.6)
    assert browser.execute_script("return window.__restyled;") == 0
    # Panned to the entity farthest from it, what comes into sight is named.
    before = browser.execute_script(CY + "return cy.nodes('.zoomed').map(n => n.id());")
    browser.execute_script(
        CY
        + """const at = cy.$id(arguments[0]).position();
const far = cy.nodes().max(n => Math.hypot(n.position('x') - at.x, n.position('y') - at.y));
cy.center(far.ele);""",
        node,
    )
    wait(browser, lambda: _named_as_in_sight(browser), what="the entities now in sight named")
    after = browser.execute_script(CY + "return cy.nodes('.zoomed').map(n => n.id());")
    assert set(after) != set(before)
    browser.execute_script(CY + "cy.zoom(0.5);")
    wait(
        browser,
        lambda: browser.execute_script(CY + "return cy.nodes('.zoomed').length === 0;"),
        what="the names of the least central gone",
    )


def test_zoomed_in_a_highlight_names_only_what_it_marks(browser, server_url):
    open_app(browser, server_url, "?sel=ismc")
    wait(browser, lambda: browser.execute_script(CY + "return cy.nodes('.dim').length > 0;"))
    browser.execute_script(CY + "cy.zoom({level: 2, position: cy.$id('ismc').position()});")
    wait(browser, lambda: browser.execute_script(NAMED_AS_IN_SIGHT)[:2] == [0, 0], what="names")
    assert browser.execute_script(CY + "return cy.nodes('.dim.zoomed').length;") == 0
    assert browser.execute_script(CY + "return cy.nodes('.zoomed').length;") > 0
    # The highlight gone, the entities it dimmed are named in sight.
    _go(browser, "?")
    wait(browser, lambda: browser.execute_script(CY + "return cy.nodes('.dim').length;") == 0)
    wait(browser, lambda: _named_as_in_sight(browser), what="the entities in sight named")


def test_zoomed_in_on_a_hub_in_presenter_mode_no_name_covers_another(browser, server_url):
    # ISMC and its many neighbours highlighted in large type: not all their names fit.
    open_app(browser, server_url, "?mode=present&sel=ismc")
    wait(browser, lambda: browser.execute_script(CY + "return cy.nodes('.marked').length > 40;"))
    browser.execute_script(CY + "cy.zoom({level: 1.4, position: cy.$id('ismc').position()});")
    wait(browser, lambda: browser.execute_script(NAMED_AS_IN_SIGHT)[:2] == [0, 0], what="names")
    left = browser.execute_script(
        CY + "return cy.nodes('.marked').not('.labelled, .named, .focus, .numbered, .zoomed')"
        ".length;"
    )
    assert left > 0, "every neighbour was named: the test no longer crowds the view"


# In the whole view: how many times one of its names drawn covers another, and how many of the
# most central entities are left unnamed for want of room.
WHOLE_VIEW_NAMES = (
    CY
    + """const labelBox = n => n.boundingBox({includeNodes: false, includeEdges: false,
  includeLabels: true});
const zoom = cy.zoom();
const drawn = cy.nodes('.labelled').filter(n => !n.is('.crowded, .dim')
  && n.pstyle('font-size').pfValue * zoom >= n.pstyle('min-zoomed-font-size').pfValue);
let covering = 0;
drawn.forEach(a => drawn.forEach(b => {
  if (a.id() < b.id()) { const A = labelBox(a), B = labelBox(b);
    if (A.x1 < B.x2 && B.x1 < A.x2 && A.y1 < B.y2 && B.y1 < A.y2) { covering += 1; } } }));
return [covering, cy.nodes('.labelled.crowded').length];"""
)


def test_in_presenter_mode_the_whole_views_names_do_not_cover_one_another(browser, server_url):
    # Presenter mode's large type: not all of the 30 most central names fit in the whole view.
    open_app(browser, server_url, "?mode=present")
    wait(browser, lambda: browser.execute_script(WHOLE_VIEW_NAMES)[0] == 0, what="the names")
    assert browser.execute_script(WHOLE_VIEW_NAMES)[1] > 0, "every name fitted: not crowded"
    # Zoomed in, the names of what is in sight fit around them.
    browser.execute_script(CY + "cy.zoom({level: 3, position: cy.$id('ismc').position()});")
    wait(browser, lambda: browser.execute_script(NAMED_AS_IN_SIGHT)[:2] == [0, 0], what="names")
    assert browser.execute_script(WHOLE_VIEW_NAMES)[0] == 0


def test_a_new_stylesheet_alone_makes_room_for_the_names_again(browser, server_url):
    # Presenter mode's stylesheet can arrive after the elements and their classes: its larger
    # type alone must have the whole view's names fitted again, with no other change to come.
    open_app(browser, server_url)
    wait(browser, lambda: browser.execute_script(WHOLE_VIEW_NAMES)[0] == 0, what="the names")
    crowded = browser.execute_script(WHOLE_VIEW_NAMES)[1]
    browser.execute_script(
        CY + "cy.style().selector('node.labelled').style({'font-size': 30}).update();"
    )
    wait(browser, lambda: browser.execute_script(WHOLE_VIEW_NAMES)[0] == 0, what="the names")
    assert browser.execute_script(WHOLE_VIEW_NAMES)[1] > crowded, "the larger type crowded none"


def test_a_path_arrives_numbered_in_one_update_of_the_elements(browser, server_url):
    open_app(browser, server_url, "?sel=ismc")
    wait(browser, lambda: browser.execute_script(IN_VIEW) is True, what="the network")
    # Each new stylesheet restyles every element drawn: a path must not bring one.
    browser.execute_script(
        CY
        + """window.__sheets = 0; const style = cy.style();
const fromJson = style.fromJson.bind(style);
style.fromJson = (...args) => { window.__sheets += 1; return fromJson(...args); };"""
    )
    _go(browser, "?from=pizarras-la-bana&to=dg-grow")
    labels = (
        CY + "return cy.nodes('.numbered').sort((a, b) => a.style('label') < b.style('label') "
        "? -1 : 1).map(n => [n.id(), n.style('label')]);"
    )
    wait(browser, lambda: len(browser.execute_script(labels)) == 3, what="the numbered path")
    drawn = browser.execute_script(labels)
    assert [label.split(" · ")[0] for _, label in drawn] == ["1", "2", "3"]
    assert drawn[0][0] == "pizarras-la-bana" and drawn[-1][0] == "dg-grow"
    assert browser.execute_script("return window.__sheets;") == 0
