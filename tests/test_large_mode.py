"""Large-network mode: the browser never gets more than the element budget."""

from __future__ import annotations

import networkx as nx
import pytest

from ecosystem import elements
from ecosystem.explorer import ViewState, build_model, visible


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


def test_large_layout_places_every_entity_the_same_way_twice(monkeypatch):
    monkeypatch.setattr(elements, "FORCE_LIMIT", 50)
    monkeypatch.setattr(elements, "CORE_SIZE", 20)
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=3), str)
    graph.add_edge("island-a", "island-b")  # a component the core does not reach
    first = elements.positions(graph)
    assert set(first) == set(graph)
    assert first == elements.positions(graph)
    assert first["island-a"] != first["island-b"]
