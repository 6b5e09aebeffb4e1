"""The first view: the page holds the network an address without a query opens, so the browser
draws it without waiting for a callback; every control holds that view's value, so opening the
address changes nothing the server would have to draw again."""

from __future__ import annotations

from typing import Any

import pytest
from dash import no_update

from ecosystem.web import spec, stories
from ecosystem.web.ids import ID
from ecosystem.web.layout import page
from ecosystem.web.network import (
    first_view,
    handle_layout,
    handle_stylesheet,
    offered_layouts,
    view_elements,
)
from ecosystem.web.spec import ViewState
from ecosystem.web.url import view_update


def _components(root: Any) -> dict[str, Any]:
    """Every component of the page with an id, by id."""
    found: dict[str, Any] = {}

    def walk(component: Any) -> None:
        if not hasattr(component, "to_plotly_json"):
            return
        if isinstance(getattr(component, "id", None), str):
            found[component.id] = component
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            walk(child)

    walk(root)
    return found


NETWORKS = ("town", "dated_town")  # without dates (the time controls disabled) and with


@pytest.mark.parametrize("name", NETWORKS)
def test_the_page_holds_the_network_an_address_without_a_query_opens(name, request):
    town = request.getfixturevalue(name)
    parts = _components(page(town, stories.Folder(None, None)))
    held = parts[ID.FIRST_VIEW].data
    elements, counts, marked = view_elements(town, ViewState())
    assert held == {"elements": elements, "counts": counts, "highlight": marked} == first_view(town)
    assert len([e for e in elements if "source" not in e["data"]]) == town.view.number_of_nodes()
    assert counts.startswith("Showing all")
    graph = parts[ID.GRAPH]
    # Drawn with the stylesheet and layout the first callbacks answer, so neither is sent again
    # (a stylesheet sent again restyles every element; a layout runs again).
    assert graph.stylesheet == handle_stylesheet(town, ViewState())
    assert graph.layout == handle_layout(ViewState(), 0, offered_layouts(town))


@pytest.mark.parametrize("name", NETWORKS)
def test_an_address_without_a_query_changes_no_control(name, request):
    town = request.getfixturevalue(name)
    parts = _components(page(town, stories.Folder(None, None)))
    values = {
        field.name: getattr(parts[field.component], field.prop, None) for field in spec.FIELDS
    }
    answer = view_update(town, (), {}, url="", fields=values, typed={}, highlight=[])
    changed = {name: value for name, value in answer["fields"].items() if value is not no_update}
    assert changed == {}
    assert answer["url"] is no_update
    assert all(value is no_update for value in answer["options"].values())
