"""``ecosystem stats``'s counts, worked out by hand on small networks."""

from __future__ import annotations

import networkx as nx
import pytest

from ecosystem.analysis.summary import network_summary
from ecosystem.graph import simple_view


def _network() -> nx.MultiDiGraph:
    """Two components and an isolated entity: a–b twice (two types), b–c, d–e, and f alone."""
    graph = nx.MultiDiGraph()
    for node, kind in zip(
        "abcdef", ["company", "project", "company", "research", "project", "country"], strict=True
    ):
        graph.add_node(node, name=node.upper(), type=kind)
    for line, (source, target, kind) in enumerate(
        [
            ("a", "b", "partner_in"),
            ("b", "a", "coordinates"),
            ("c", "b", "partner_in"),
            ("d", "e", "partner_in"),
        ],
        start=2,
    ):
        graph.add_edge(source, target, key=f"r{line}", type=kind, line=line)
    return graph


def test_counts_relations_links_and_types():
    summary = network_summary(simple_view(_network()))
    assert summary["entities"] == 6
    assert summary["relations"] == 4
    assert summary["links"] == 3
    assert summary["relation_types"] == {"partner_in": 3, "coordinates": 1}
    assert summary["entity_types"] == {"company": 2, "project": 2, "country": 1, "research": 1}


def test_components_isolated_and_density():
    summary = network_summary(simple_view(_network()))
    assert summary["components"] == 3
    assert summary["largest_component"] == 3
    assert summary["isolated"] == 1
    assert summary["density"] == pytest.approx(3 / 15, abs=1e-6)


def test_best_connected_by_degree_then_name():
    summary = network_summary(simple_view(_network()), top=3)
    assert [row["id"] for row in summary["best_connected"]] == ["b", "a", "c"]
    assert [row["degree"] for row in summary["best_connected"]] == [2, 1, 1]
    assert summary["best_connected"][0] == {"id": "b", "name": "B", "type": "project", "degree": 2}


def test_empty_and_single_entity():
    empty = network_summary(nx.Graph())
    assert (empty["entities"], empty["links"], empty["components"], empty["density"]) == (
        0,
        0,
        0,
        0.0,
    )
    assert empty["best_connected"] == []
    one = nx.Graph()
    one.add_node("a", name="A", type="company")
    assert network_summary(one)["largest_component"] == 1


def test_relations_are_counted_from_the_records_not_the_weights():
    view = simple_view(_network())
    for *_, data in view.edges(data=True):
        data["weight"] = 7.5  # a weight of another meaning, as an imported network may carry
    summary = network_summary(view)
    assert summary["relations"] == 4
    assert sum(summary["relation_types"].values()) == 4
