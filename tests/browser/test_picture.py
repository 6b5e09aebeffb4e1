"""What a person sees in the network itself: no knot of overlapping entities, a legend that says
what colour and size mean, presenter steps that move and tell, and pictures for slides."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.browser.helpers import (
    CY,
    best_path,
    download,
    export,
    highlighted_nodes,
    open_app,
    text_of,
    wait,
)

pytestmark = pytest.mark.browser

# Node and label boxes on screen, as Cytoscape draws them, and which pairs overlap.
OVERLAPS = (
    CY
    + """
const z = cy.zoom(), ns = cy.nodes(), named = [], boxes = [];
ns.forEach(n => {
  const label = n.style('label');
  const shows = !!label && n.visible();
  if (shows) named.push(parseFloat(n.style('font-size')) * z);
  boxes.push([n.boundingBox({includeLabels: shows, includeOverlays: false}),
              n.boundingBox({includeLabels: false, includeOverlays: false}), n.id()]);
});
const hit = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
const nodes = [], labels = [];
for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
  if (hit(boxes[i][1], boxes[j][1])) nodes.push([boxes[i][2], boxes[j][2]]);
  if (hit(boxes[i][0], boxes[j][0])) labels.push([boxes[i][2], boxes[j][2]]);
}
return JSON.stringify({nodes, labels, named: named.length, smallest: Math.min(...named)});
"""
)


def marked(browser, node: str) -> str:
    return browser.execute_script(
        CY + f"return cy.getElementById({json.dumps(node)}).style('border-width');"
    )


def on_screen_centre(browser, node: str) -> tuple[float, float]:
    """Where the entity is drawn, as a share of the network's width and height."""
    return tuple(
        browser.execute_script(
            CY + f"const p = cy.getElementById({json.dumps(node)}).renderedPosition();"
            "return [p.x / cy.width(), p.y / cy.height()];"
        )
    )


def test_the_default_view_has_no_overlapping_entities_or_names(browser, server_url, artifacts):
    open_app(browser, server_url)
    wait(browser, lambda: json.loads(browser.execute_script(OVERLAPS))["named"] > 0, what="names")
    found = json.loads(browser.execute_script(OVERLAPS))
    assert found["nodes"] == []
    assert found["labels"] == []
    assert found["named"] >= 20  # the most central are named
    browser.save_screenshot(str(artifacts / "default-view.png"))


def test_the_legend_follows_the_colour_mode(browser, server_url):
    open_app(browser, server_url)
    assert "foundation" in text_of(browser, "eco-legend")
    assert "Size: degree" in text_of(browser, "eco-legend")
    open_app(browser, server_url, "?colour=community&metric=betweenness")
    wait(browser, lambda: "foundation" not in text_of(browser, "eco-legend"), what="communities")
    legend = text_of(browser, "eco-legend")
    assert "Iberian Sustainable Mining Cluster" in legend or "ISMC" in legend
    assert "Size: betweenness" in legend


def test_a_presenter_step_marks_the_entity_brings_it_into_view_and_tells_the_hop(
    browser, server_url, artifacts
):
    browser.set_window_size(1920, 1080)
    try:
        path = best_path("pizarras-la-bana", "dg-grow")
        open_app(browser, server_url, "?from=pizarras-la-bana&to=dg-grow&mode=present")
        wait(browser, lambda: highlighted_nodes(browser) == set(path), what="the path")
        ActionChains(browser).send_keys("n").perform()
        wait(browser, lambda: "Step 1 of 3" in text_of(browser, "eco-caption"), what="step 1")
        assert marked(browser, path[0]) == "6px"
        ActionChains(browser).send_keys("n").perform()
        wait(browser, lambda: "Step 2 of 3" in text_of(browser, "eco-caption"), what="step 2")
        caption = text_of(browser, "eco-caption")
        assert "Pizarras la Baña benefits from Iberian Sustainable Mining Cluster" in caption
        assert "“" in caption  # the evidence
        assert marked(browser, path[1]) == "6px" and marked(browser, path[0]) != "6px"

        def centred() -> bool:
            x, y = on_screen_centre(browser, path[1])
            return 0.2 < x < 0.8 and 0.15 < y < 0.85

        wait(browser, centred, what="the step brought into view")
        # Names on a projector: the highlighted ones large enough to read from the back.
        sizes = browser.execute_script(
            CY + "return cy.nodes().filter(n => Number(n.style('opacity')) === 1)"
            ".map(n => parseFloat(n.style('font-size')) * cy.zoom());"
        )
        assert min(sizes) >= 20
        assert text_of(browser, "eco-legend-overlay")  # the legend on screen
        assert not browser.find_element(By.ID, "eco-counts").is_displayed()
        browser.save_screenshot(str(artifacts / "presenter-step.png"))
    finally:
        browser.set_window_size(1600, 1000)


def test_the_svg_picture_has_the_title_the_legend_and_every_entity(browser, server_url, downloads):
    open_app(browser, server_url, "?from=pizarras-la-bana&to=dg-grow")
    (downloads / "ecosystem.svg").unlink(missing_ok=True)
    export(browser, "eco-export-svg")
    svg = ElementTree.parse(download(downloads, "ecosystem.svg")).getroot()
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0].startswith("How Pizarras la Baña connects to")
    assert "Legend" in texts and "foundation" in texts
    shapes = [e for e in svg.iter() if e.tag.endswith(("polygon", "ellipse", "rect"))]
    assert len(shapes) > 128  # every entity, the legend's swatches and the background


def test_the_png_picture_carries_a_title_band_and_a_legend(browser, server_url, downloads):
    open_app(browser, server_url)
    (downloads / "ecosystem.png").unlink(missing_ok=True)
    export(browser, "eco-export-png")
    picture = Image.open(download(downloads, "ecosystem.png")).convert("RGB")
    width, _height = picture.size
    band = picture.crop((0, 0, width // 2, 100))
    assert len(band.getcolors(maxcolors=100_000) or []) > 2  # the title's text
    legend = picture.crop((width - 500, 140, width, 600))
    assert len(legend.getcolors(maxcolors=100_000) or []) > 10  # swatches and names
