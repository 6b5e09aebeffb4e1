"""Centrality: published values on classic networks, closed forms on tiny graphs, and no
exception on empty, disconnected or isolated-entity graphs."""

from __future__ import annotations

import json
import math

import networkx as nx
import pytest

from ecosystem.analysis.centrality import (
    METRICS,
    UnknownMetric,
    all_centralities,
    centrality,
    ranking,
)
from ecosystem.errors import EcosystemError


@pytest.fixture
def florentine():
    return nx.florentine_families_graph()


@pytest.fixture
def florentine_with_pucci():
    # Padgett's data include the Pucci, who married into none of the other families.
    graph = nx.florentine_families_graph()
    graph.add_node("Pucci")
    return graph


def named(graph, names, types=None):
    """The graph with ``name`` (and ``type``) node attributes from dicts keyed by node."""
    nx.set_node_attributes(graph, names, "name")
    if types:
        nx.set_node_attributes(graph, types, "type")
    return graph


# Padgett's Florentine families (Wasserman and Faust; networkx's own documentation).


def test_medici_have_six_marriage_ties(florentine):
    assert centrality(florentine, "degree", normalized=False)["Medici"] == 6


def test_medici_raw_betweenness(florentine):
    assert centrality(florentine, "betweenness", normalized=False)["Medici"] == pytest.approx(47.5)


def test_medici_normalised_betweenness(florentine):
    assert centrality(florentine, "betweenness")["Medici"] == pytest.approx(0.522, abs=1e-3)


def test_medici_closeness(florentine):
    assert centrality(florentine, "closeness")["Medici"] == pytest.approx(0.560, abs=1e-3)


def test_isolated_family_leaves_medici_raw_betweenness(florentine_with_pucci):
    scores = centrality(florentine_with_pucci, "betweenness", normalized=False)
    assert scores["Medici"] == pytest.approx(47.5)


@pytest.mark.parametrize("metric", METRICS)
def test_isolated_family_scores_zero(florentine_with_pucci, metric):
    assert centrality(florentine_with_pucci, metric)["Pucci"] == 0.0


# Zachary's karate club: node 0 is member 1 (the instructor), node 33 member 34 (the president).


@pytest.mark.parametrize(("node", "expected"), [(0, 231.0714), (33, 160.5516)])
def test_karate_raw_betweenness(node, expected):
    scores = centrality(nx.karate_club_graph(), "betweenness", normalized=False)
    assert scores[node] == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(("node", "expected"), [(0, 0.3555), (33, 0.3734)])
def test_karate_eigenvector_on_a_connected_graph(node, expected):
    assert centrality(nx.karate_club_graph(), "eigenvector")[node] == pytest.approx(
        expected, abs=1e-3
    )


# Tiny graphs with closed forms.


def test_star_centre_lies_on_every_path_between_leaves():
    # Every one of the C(5, 2) = 10 pairs of leaves goes through the centre.
    assert centrality(nx.star_graph(5), "betweenness", normalized=False)[0] == 10.0


def test_star_centre_normalised_betweenness_is_one():
    assert centrality(nx.star_graph(5), "betweenness")[0] == pytest.approx(1.0)


def test_star_centre_normalised_degree_is_one():
    assert centrality(nx.star_graph(5), "degree")[0] == pytest.approx(1.0)


def test_path_betweenness_counts_pairs_on_either_side():
    # On a path 0-1-2-3-4, node i separates i entities from 4 - i.
    scores = centrality(nx.path_graph(5), "betweenness", normalized=False)
    assert scores == {0: 0.0, 1: 3.0, 2: 4.0, 3: 3.0, 4: 0.0}


def test_path_ends_closeness():
    # From an end of 0-1-2 the distances are 1 and 2: closeness (3 - 1) / 3.
    assert centrality(nx.path_graph(3), "closeness")[0] == pytest.approx(2 / 3)


def test_path_end_raw_harmonic():
    assert centrality(nx.path_graph(3), "harmonic", normalized=False)[0] == pytest.approx(1.5)


def test_path_end_normalised_harmonic():
    assert centrality(nx.path_graph(3), "harmonic")[0] == pytest.approx(0.75)


def test_weighted_degree_counts_merged_relations():
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=3)
    graph.add_edge("a", "c", weight=1)
    assert centrality(graph, "weighted_degree", normalized=False)["a"] == 4.0


def test_burt_constraint_of_a_star_leaf_is_one():
    assert centrality(nx.star_graph(4), "constraint")[1] == pytest.approx(1.0)


def test_burt_constraint_of_a_star_centre_is_one_over_leaves():
    # n contacts with no ties among them, each 1/n of the centre's time: n * (1/n)^2.
    assert centrality(nx.star_graph(4), "constraint")[0] == pytest.approx(1 / 4)


def test_effective_size_of_a_star_centre_is_its_leaves():
    assert centrality(nx.star_graph(4), "effective_size")[0] == pytest.approx(4.0)


def test_effective_size_of_a_triangle_corner():
    # Two contacts, each tied to the other: 2 - 2 * 1 / 2 = 1 non-redundant contact.
    assert centrality(nx.complete_graph(3), "effective_size")[0] == pytest.approx(1.0)


# Disconnected graphs.


@pytest.fixture
def two_triangles():
    return nx.disjoint_union(nx.complete_graph(3), nx.complete_graph(3))


def test_eigenvector_of_two_triangles_is_symmetric(two_triangles):
    values = list(centrality(two_triangles, "eigenvector").values())
    assert values == pytest.approx([values[0]] * 6)


def test_pagerank_of_two_triangles_is_uniform(two_triangles):
    assert list(centrality(two_triangles, "pagerank").values()) == pytest.approx([1 / 6] * 6)


def test_eigenvector_scales_each_component_by_its_share():
    # A triangle and a separate link, 5 entities: unit vectors (1/sqrt 3, ...) and
    # (1/sqrt 2, 1/sqrt 2), times 3/5 and 2/5.
    graph = nx.disjoint_union(nx.complete_graph(3), nx.path_graph(2))
    expected = [3 / 5 / math.sqrt(3)] * 3 + [2 / 5 / math.sqrt(2)] * 2
    assert list(centrality(graph, "eigenvector").values()) == pytest.approx(expected)


def test_pagerank_sums_to_one_over_linked_entities(florentine_with_pucci):
    assert sum(centrality(florentine_with_pucci, "pagerank").values()) == pytest.approx(1.0)


def test_closeness_is_scaled_by_reachable_share():
    # Within its own link each end has closeness 1; it reaches 1 of the 3 others.
    graph = nx.disjoint_union(nx.path_graph(2), nx.path_graph(2))
    assert centrality(graph, "closeness")[0] == pytest.approx(1 / 3)


# Degenerate graphs and bad input.


@pytest.mark.parametrize("metric", METRICS)
def test_empty_graph_scores_nothing(metric):
    assert centrality(nx.Graph(), metric) == {}


@pytest.mark.parametrize("metric", METRICS)
def test_single_entity_scores_zero(metric):
    graph = nx.Graph()
    graph.add_node("alone")
    assert centrality(graph, metric) == {"alone": 0.0}


def test_unknown_metric_is_an_ecosystem_error():
    with pytest.raises(EcosystemError):
        centrality(nx.path_graph(3), "fame")


def test_unknown_metric_names_the_known_metrics():
    with pytest.raises(UnknownMetric) as caught:
        centrality(nx.path_graph(3), "fame")
    assert all(metric in str(caught.value) for metric in METRICS)


def test_unknown_metric_suggests_the_closest():
    with pytest.raises(UnknownMetric, match="did you mean betweenness"):
        centrality(nx.path_graph(3), "betweeness")


def test_directed_graph_is_refused():
    with pytest.raises(TypeError, match="simple_view"):
        centrality(nx.DiGraph([("a", "b")]), "degree")


def test_all_centralities_are_json_without_nan(florentine_with_pucci):
    json.dumps(all_centralities(florentine_with_pucci), allow_nan=False)


def test_all_centralities_has_every_metric(florentine):
    assert list(all_centralities(florentine)) == list(METRICS)


def test_every_metric_is_described_with_its_isolated_rule():
    assert all("isolated entity" in description for description in METRICS.values())


# Ranking.


@pytest.fixture
def star_of_companies():
    """A cluster at the centre of three companies and one project, all leaves tied."""
    graph = nx.star_graph(4)
    return named(
        graph,
        {0: "Cluster", 1: "Gamma", 2: "Alpha", 3: "Beta", 4: "Alpha"},
        {0: "cluster", 1: "company", 2: "company", 3: "company", 4: "project"},
    )


def test_ranking_puts_highest_value_first(star_of_companies):
    assert ranking(star_of_companies, "degree")[0]["name"] == "Cluster"


def test_ranking_breaks_ties_by_name_then_id(star_of_companies):
    rows = ranking(star_of_companies, "degree")[1:]
    assert [(row["name"], row["id"]) for row in rows] == [
        ("Alpha", 2),
        ("Alpha", 4),
        ("Beta", 3),
        ("Gamma", 1),
    ]


def test_ranking_breaks_float_noise_ties_by_name():
    # Symmetric corners of a triangle; their eigenvector values may differ in the last bit.
    graph = named(nx.complete_graph(3), {0: "C", 1: "A", 2: "B"})
    assert [row["name"] for row in ranking(graph, "eigenvector")] == ["A", "B", "C"]


def test_ranking_numbers_rows_from_one(star_of_companies):
    assert [row["rank"] for row in ranking(star_of_companies, "degree")] == [1, 2, 3, 4, 5]


def test_ranking_row_fields(star_of_companies):
    assert ranking(star_of_companies, "degree", normalized=False)[0] == {
        "rank": 1,
        "id": 0,
        "name": "Cluster",
        "type": "cluster",
        "value": 4.0,
    }


def test_ranking_filters_by_one_type(star_of_companies):
    rows = ranking(star_of_companies, "degree", entity_type="company")
    assert [row["id"] for row in rows] == [2, 3, 1]


def test_ranking_filters_by_several_types(star_of_companies):
    rows = ranking(star_of_companies, "degree", entity_type=["cluster", "project"])
    assert [row["id"] for row in rows] == [0, 4]


def test_ranking_filter_keeps_whole_graph_values(star_of_companies):
    # On the companies alone nobody would be linked; on the whole graph each has 1 of 4 links.
    rows = ranking(star_of_companies, "degree", entity_type="company")
    assert [row["value"] for row in rows] == pytest.approx([0.25] * 3)


def test_ranking_top_keeps_the_first(star_of_companies):
    assert [row["id"] for row in ranking(star_of_companies, "degree", top=2)] == [0, 2]


def test_ranking_of_raw_betweenness(florentine):
    assert ranking(florentine, "betweenness", normalized=False)[0]["value"] == pytest.approx(47.5)


def test_ranking_refuses_negative_top(star_of_companies):
    with pytest.raises(ValueError, match="top"):
        ranking(star_of_companies, "degree", top=-1)


def test_ranking_of_empty_graph_is_empty():
    assert ranking(nx.Graph(), "pagerank") == []
