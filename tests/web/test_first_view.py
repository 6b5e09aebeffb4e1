"""The first view: the page holds the network an address without a query opens, so the browser
draws it without waiting for a callback; every control holds that view's value, so opening the
address changes nothing the server would have to draw again."""

from __future__ import annotations

from typing import Any

import pytest
from dash import no_update

from ecosystem.app import create_app
from ecosystem.graph import load_graph
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
from tests.helpers import TOWN_EDGES, TOWN_NODES, make_graph


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


def _page_props(client) -> dict[str, dict]:
    """The props of every component of the page as the browser is sent it, by id."""
    found: dict[str, dict] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                walk(list(props.values()))

    walk(client.get("/_dash-layout").get_json())
    return found


def _targets(output: str) -> list[tuple[str, str]]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    return [(part.rsplit(".", 1)[0], part.rsplit(".", 1)[1].split("@")[0]) for part in parts]


FIELD_PROPS = {f"{field.component}.{field.prop}" for field in spec.FIELDS}


def _prop(entry: dict) -> str:
    return f"{entry['id']}.{entry['property']}" if isinstance(entry["id"], str) else ""


@pytest.mark.parametrize("graph", ["shipped", "town"])
def test_the_panels_that_do_not_run_as_the_page_opens_hold_what_they_would_answer(graph):
    typed = load_graph() if graph == "shipped" else make_graph(TOWN_NODES, TOWN_EDGES)
    client = create_app(typed, use_cache=False).server.test_client()
    props = _page_props(client)
    filled = [
        dependency
        for dependency in client.get("/_dash-dependencies").get_json()
        if dependency.get("prevent_initial_call")
        and not dependency.get("clientside_function")
        and any(_prop(entry) in FIELD_PROPS for entry in dependency["inputs"])
        # view-state fields, and buttons not pressed yet
        and all(
            _prop(entry) in FIELD_PROPS or entry["property"] == "n_clicks"
            for entry in dependency["inputs"]
        )
    ]
    outputs = {target for dependency in filled for target in _targets(dependency["output"])}
    assert {
        (ID.LEGEND, "children"),
        (ID.LEGEND_OVERLAY, "children"),
        (ID.DETAILS, "children"),
        (ID.TIMELINE, "children"),
        (ID.AS_OF_TEXT, "children"),
        (ID.ROOT, "className"),
        (ID.CAPTION, "children"),
        (ID.CAMERA, "children"),
        (ID.STORY_CAPTION, "children"),
        (ID.STORY_CAMERA, "children"),
        (ID.PLAY, "children"),
        (ID.PLAY_CLOCK, "disabled"),
    } <= outputs
    for dependency in filled:

        def value(entry: dict) -> dict:
            held = props[entry["id"]].get(entry["property"])
            return {"id": entry["id"], "property": entry["property"], "value": held}

        targets = _targets(dependency["output"])
        body = {
            "output": dependency["output"],
            "outputs": [{"id": c, "property": p} for c, p in targets]
            if dependency["output"].startswith("..")
            else {"id": targets[0][0], "property": targets[0][1]},
            "inputs": [value(entry) for entry in dependency["inputs"]],
            "state": [value(entry) for entry in dependency.get("state", [])],
            "changedPropIds": [],
        }
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code in (200, 204), dependency["output"]
        answered = response.get_json()["response"] if response.status_code == 200 else {}
        for component, prop in targets:
            if prop in answered.get(component, {}):
                held = props[component].get(prop)
                assert answered[component][prop] == (held if held is not None else ""), (
                    component,
                    prop,
                )


def test_a_view_drawn_before_is_not_drawn_again_and_another_is(monkeypatch):
    from ecosystem.explorer import VIEWS_KEPT, build_model
    from ecosystem.web import network

    model = build_model(make_graph(TOWN_NODES, TOWN_EDGES), use_cache=False)
    drawings: list[ViewState] = []
    draw = network._drawn

    def counted(model, state):
        drawings.append(state)
        return draw(model, state)

    monkeypatch.setattr(network, "_drawn", counted)
    selected = ViewState(selected="acme")
    first = view_elements(model, selected)
    assert view_elements(model, ViewState(selected="acme")) is first  # an equal view: held
    assert drawings == [selected]
    other = view_elements(model, ViewState(selected="acme", metric="pagerank"))
    assert other is not first and len(drawings) == 2
    # Only the last few are held: the first, pushed out by as many others, is drawn anew.
    for hops in range(VIEWS_KEPT):
        view_elements(model, ViewState(selected="acme", hops=hops % 3, min_degree=hops + 1))
    assert view_elements(model, selected) == first and len(drawings) == VIEWS_KEPT + 3
