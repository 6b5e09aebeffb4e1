"""Large-network mode: the browser never gets more than the element budget."""

from __future__ import annotations

import dataclasses

import networkx as nx
import pytest
from dash import html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate
from hypothesis import given
from hypothesis import strategies as st

from ecosystem import positions
from ecosystem.elements import edge_id
from ecosystem.explorer import build_model, links_among, visible
from ecosystem.settings import LayoutSettings, Settings
from ecosystem.web import details as panels
from ecosystem.web import network
from ecosystem.web.ids import ID
from ecosystem.web.spec import BadInput, ViewState
from tests.helpers import make_view


@pytest.fixture(scope="module")
def model(shipped_graph):
    return build_model(shipped_graph)


def test_the_shipped_network_is_sent_whole(model):
    shown = visible(model, ViewState())
    assert not shown.capped
    assert len(shown.nodes) == model.view.number_of_nodes()
    assert shown.shown_links == model.view.number_of_edges()


def test_a_large_network_is_capped_to_the_budget(model):
    shown = visible(model, ViewState(metric="degree"), max_elements=120)
    assert shown.capped
    assert len(shown.nodes) + shown.shown_links <= 120
    best = model.order["degree"][: len(shown.nodes) // 2]
    assert set(best) <= set(shown.nodes)  # the most central are there
    assert shown.hidden_nodes == model.view.number_of_nodes() - len(shown.nodes)


def test_capped_view_keeps_the_selection_and_its_neighbours(model):
    shown = visible(model, ViewState(selected="pizarras-la-bana"), max_elements=120)
    assert {"pizarras-la-bana", *model.view["pizarras-la-bana"]} <= set(shown.nodes)


def test_capped_view_keeps_highlighted_entities(model):
    keep = ["20minutos", "university-of-hong-kong"]
    shown = visible(model, ViewState(), keep=keep, max_elements=60)
    assert set(keep) <= set(shown.nodes)


def test_links_only_join_shown_entities(model):
    shown = visible(model, ViewState(), max_elements=120)
    nodes = set(shown.nodes)
    assert all(a in nodes and b in nodes for a, b in shown.links)


def test_large_layout_places_every_entity_the_same_way_twice():
    settings = LayoutSettings(force_limit=50, core_size=20)
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=3), str)
    graph.add_edge("island-a", "island-b")  # a component the core does not reach
    first = positions.positions(graph, settings=settings)
    assert set(first) == set(graph)
    assert first == positions.positions(graph, settings=settings)
    assert first["island-a"] != first["island-b"]


@pytest.fixture(scope="module")
def hub_model():
    """A hub linked to 130 companies by one relation each, and to 3 projects that have two
    partners each besides."""
    leaves = {f"co{i:03d}": (f"Company {i:03d}", "company") for i in range(130)}
    projects = {f"pr{i}": (f"Project {i}", "project") for i in range(3)}
    partners = {f"pe{i}": (f"Partner {i}", "research") for i in range(6)}
    view = make_view(
        {"hub": ("Hub", "cluster"), **leaves, **projects, **partners},
        [(leaf, "hub", "member_of") for leaf in leaves]
        + [("hub", project, "coordinates") for project in projects]
        + [(f"pe{i}", f"pr{i // 2}", "partner_in") for i in range(6)],
    )
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(view.nodes(data=True))
    for *_, data in view.edges(data=True):
        for record in data["relations"]:
            fields = {k: v for k, v in record.items() if k not in ("source", "target", "key")}
            graph.add_edge(record["source"], record["target"], key=record["key"], **fields)
    return build_model(graph, use_cache=False)


def _components(tree) -> list[Component]:
    """Every Dash component in a panel, parents before their children."""
    found: list[Component] = []
    stack = list(reversed(tree if isinstance(tree, list) else [tree]))
    while stack:
        node = stack.pop()
        if isinstance(node, Component):
            found.append(node)
            children = getattr(node, "children", None)
            stack.extend(reversed(children if isinstance(children, list) else [children]))
    return found


def _group(panel: list, kind: str) -> html.Details:
    (group,) = [
        c
        for c in _components(panel)
        if isinstance(c, html.Details) and c.children[0].children.startswith(kind)
    ]
    return group


def _listed(tree) -> list[str]:
    """The sentences of the relations listed, in order."""
    return [
        c.children[0].children
        for c in _components(tree)
        if getattr(c, "className", "") == "relation"
    ]


def _button(group: html.Details) -> html.Button | None:
    return next((c for c in _components(group) if isinstance(c, html.Button)), None)


def test_a_hubs_details_list_the_first_relations_of_each_type_and_count_the_rest(hub_model):
    panel = panels.entity_details(hub_model, "hub")
    members = _group(panel, "member of")
    assert members.children[0].children == "member of (130)"
    # The first 10 by name
    assert _listed(members) == [f"Company {i:03d} is a member of Hub" for i in range(10)]
    assert _button(members).children == "Show 10 more of 120 not listed"
    projects = _group(panel, "coordinates")
    assert projects.children[0].children == "coordinates (3)"
    assert _listed(projects) == [f"Hub coordinates Project {i}" for i in range(3)]
    assert _button(projects) is None  # a short group is listed whole


def test_a_hubs_details_hold_a_few_components_per_listed_relation(hub_model):
    # The browser sets up each Dash component of a new panel one at a time, at a cost that
    # grows with the page: 5 per relation and 50 per type took 427 ms for an H2020 entity.
    panel = panels.entity_details(hub_model, "hub")
    relations = [c for c in _components(panel) if getattr(c, "className", "") == "relation"]
    assert len(relations) == 10 + 3
    for relation in relations:
        inner = _components(relation)[1:]
        assert [type(c) for c in inner] == [html.Strong, html.A]  # the sentence, the source
        assert relation.children[1].endswith("says the source.”\nSource: ")  # the evidence
    assert len(_components(panel)) <= 3 * len(relations) + 30


def test_show_more_lists_the_next_relations_with_their_evidence_and_sources(hub_model):
    button = {"type": ID.MORE_RELATIONS, "kind": "member_of"}
    items, label, hidden, disabled = panels.handle_more(
        hub_model, ViewState(selected="hub"), button, 1
    )
    assert _listed(items) == [f"Company {i:03d} is a member of Hub" for i in range(20)]
    last = items[-1]
    assert "“co019 member_of hub says the source.”" in last.children[1]
    (link,) = [c for c in _components(last) if isinstance(c, html.A)]
    assert link.href == f"source/doc.txt?line={2 + 19}#excerpt"
    assert (label, hidden, disabled) == ("Show 10 more of 110 not listed", False, False)
    assert panels.handle_more(hub_model, ViewState(selected="hub"), button, 8)[1:] == (
        "Show 10 more of 40 not listed",
        False,
        False,
    )


def test_show_more_hides_its_button_once_all_are_listed(hub_model, monkeypatch):
    monkeypatch.setattr(panels, "MAX_LISTED", 1000)
    button = {"type": ID.MORE_RELATIONS, "kind": "member_of"}
    state = ViewState(selected="hub")
    assert panels.handle_more(hub_model, state, button, 11)[1:] == ("Show 10 more", False, False)
    items, label, hidden, disabled = panels.handle_more(hub_model, state, button, 12)
    assert len(_listed(items)) == 130 and (label, hidden, disabled) == ("", True, False)


def test_show_more_stops_at_a_bound_and_says_how_many_are_not_listed(hub_model):
    # Every press redraws the type's list so far: a list of thousands would take seconds.
    button = {"type": ID.MORE_RELATIONS, "kind": "member_of"}
    items, label, hidden, disabled = panels.handle_more(
        hub_model, ViewState(selected="hub"), button, 10**9
    )
    assert len(_listed(items)) == 100
    assert (label, hidden, disabled) == (
        "30 more not listed here: search finds any of them",
        False,
        True,
    )


def test_show_more_checks_the_relation_type_it_is_sent(hub_model):
    state = ViewState(selected="hub")
    for source in ({"type": ID.MORE_RELATIONS, "kind": "<b>"}, {"type": ID.MORE_RELATIONS}, "x"):
        with pytest.raises(BadInput):
            panels.handle_more(hub_model, state, source, 1)
    with pytest.raises(BadInput):
        panels.handle_more(hub_model, state, {"type": ID.MORE_RELATIONS, "kind": "funds"}, "1")
    # A press that arrives once another entity is selected changes nothing.
    with pytest.raises(PreventUpdate):
        panels.handle_more(hub_model, state, {"type": ID.MORE_RELATIONS, "kind": "funds"}, 1)
    with pytest.raises(PreventUpdate):
        panels.handle_more(hub_model, ViewState(), {"type": ID.MORE_RELATIONS, "kind": "funds"}, 1)


def test_a_hubs_highlight_styles_only_the_neighbours_a_view_can_show(hub_model):
    small = dataclasses.replace(hub_model, settings=Settings(max_elements=40))
    nodes = network.highlight(small, ViewState(selected="hub"), None, None).nodes
    assert nodes[0] == "hub" and len(nodes) == 41
    # The most central neighbours by the metric (degree): the projects, then companies by id.
    assert {"pr0", "pr1", "pr2"} <= set(nodes)
    assert sorted(set(nodes) - {"hub", "pr0", "pr1", "pr2"}) == [f"co{i:03d}" for i in range(37)]
    shown = visible(hub_model, ViewState(selected="hub"), max_elements=40 * 3)
    assert set(shown.nodes) - {"hub"} <= set(nodes)


def _marked(elements: list[dict]) -> set[str]:
    return {e["data"]["id"] for e in elements if "marked" in e["classes"].split()}


def test_a_selection_leaves_the_stylesheet_as_it_is(hub_model):
    # Cytoscape.js matches every selector against every element drawn, and a new stylesheet
    # restyles and redraws them all: a highlight that named a hub's neighbours in the stylesheet
    # cost most of a second on a large network.
    whole = network.handle_stylesheet(hub_model, ViewState())
    for node in ("hub", "co007"):
        assert network.handle_stylesheet(hub_model, ViewState(selected=node)) == whole
    assert not [rule for rule in whole if "[id" in rule["selector"]]
    # Nor does any other highlight: a path, a pick, the entity stepped to.
    assert not set(network.HIGHLIGHT_FIELDS) & set(network.STYLE_FIELDS)


def test_a_hubs_highlight_is_carried_by_its_elements(hub_model):
    state = ViewState(selected="hub")
    marked = network.highlight(hub_model, state, None, None)
    elements, _ = network.handle_elements(hub_model, state, highlight=marked)
    neighbours = set(hub_model.view["hub"])
    links = {edge_id("hub", neighbour) for neighbour in neighbours}
    assert _marked(elements) == {"hub", *neighbours, *links}


def test_elements_a_new_selection_leaves_alone_are_sent_the_same(hub_model):
    # Only what a selection changes is patched into the drawing: an element the same in both
    # answers (same keys, values and order) is left as it is.
    def answer(node: str) -> dict[str, dict]:
        state = ViewState(selected=node)
        marked = network.highlight(hub_model, state, None, None)
        elements, _ = network.handle_elements(hub_model, state, highlight=marked)
        return {e["data"]["id"]: e for e in elements}

    first, second = answer("pr0"), answer("pr1")
    touched = {"pr0", "pr1", "hub", "pe0", "pe1", "pe2", "pe3"}
    touched |= {i for i in first if "~" in i and set(i.split("~")) & {"pr0", "pr1"}}
    same = [i for i in first if i not in touched]
    assert len(same) > 100
    for element_id in same:
        assert list(first[element_id].items()) == list(second[element_id].items()), element_id
    assert first["pr0"]["classes"] != second["pr0"]["classes"]


@given(
    edges=st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.sampled_from(["a", "b", "c"])),
        max_size=120,
    ),
    chosen=st.sets(st.integers(0, 30), max_size=31),
    kinds=st.one_of(st.none(), st.sets(st.sampled_from(["a", "b", "c"]), min_size=1)),
)
def test_the_links_among_the_entities_shown_are_those_of_their_subgraph(edges, chosen, kinds):
    view = nx.Graph()
    view.add_nodes_from(f"n{k:02d}" for k in range(31))
    for first, second, kind in edges:
        ends = (f"n{first:02d}", f"n{second:02d}")
        if view.has_edge(*ends):
            view.edges[ends]["types"].add(kind)
        else:
            view.add_edge(*ends, types={kind})
    nodes = {f"n{k:02d}" for k in chosen}
    expected = sorted(
        (min(a, b), max(a, b))
        for a, b, data in view.subgraph(nodes).edges(data=True)
        if kinds is None or kinds & data["types"]
    )
    assert links_among(view, nodes, kinds) == expected
    assert links_among(view, sorted(nodes), kinds) == expected
