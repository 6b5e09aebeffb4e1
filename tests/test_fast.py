"""igraph and NetworkX give the same centralities on small graphs; sampling is what it says."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from ecosystem.analysis import fast
from ecosystem.analysis.centrality import (
    METRICS,
    Method,
    all_centralities,
    centrality,
    method,
    methods,
)

EXACT = 1e-9


def florentine_with_pucci() -> nx.Graph:
    graph = nx.florentine_families_graph()
    graph.add_node("Pucci")  # married into none of the other families
    return graph


def pieces() -> nx.Graph:
    """A triangle with a tail, a star, a lone pair and an isolated entity: four components."""
    graph = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")])
    graph.add_edges_from(("hub", f"leaf{i}") for i in range(5))
    graph.add_edge("x", "y")
    graph.add_node("alone")
    return graph


GRAPHS = {
    "florentine": nx.florentine_families_graph,
    "florentine + Pucci": florentine_with_pucci,
    "karate club": nx.karate_club_graph,
    "random, seed 7": lambda: nx.gnp_random_graph(80, 0.06, seed=7),
    "random, seed 8, sparse": lambda: nx.gnp_random_graph(120, 0.015, seed=8),
    "four components": pieces,
    "les miserables": nx.les_miserables_graph,
}


@pytest.fixture(params=list(GRAPHS), ids=list(GRAPHS))
def graph(request) -> nx.Graph:
    built = GRAPHS[request.param]()
    return nx.Graph(built.edges()) if built.is_multigraph() else nx.Graph(built)


def same(first: dict, second: dict, tolerance: float) -> None:
    assert list(first) == list(second)
    for node, value in first.items():
        assert value == pytest.approx(second[node], abs=tolerance), node


@pytest.mark.parametrize("metric", sorted(fast.SUPPORTED - {"pagerank"}))
def test_igraph_gives_networkx_numbers(graph, metric):
    reference = centrality(graph, metric, backend="networkx")
    compiled = centrality(graph, metric, backend="igraph")
    same(compiled, reference, EXACT)


def test_pagerank_within_networkx_own_tolerance(graph):
    # networkx stops iterating once an iteration moves the scores by less than n * 1e-6 in all,
    # which leaves an error of a few times that; igraph solves the linear system.
    reference = centrality(graph, "pagerank", backend="networkx")
    compiled = centrality(graph, "pagerank", backend="igraph")
    assert sum(abs(compiled[node] - reference[node]) for node in graph) < 10 * len(graph) * 1e-6


def test_pagerank_is_networkx_iterated_to_convergence(graph):
    linked = graph.subgraph(node for node in graph if graph.degree(node))
    expected = dict.fromkeys(graph, 0.0)
    if len(linked):
        expected.update(nx.pagerank(linked, weight=None, tol=1e-15, max_iter=100_000))
    same(centrality(graph, "pagerank", backend="igraph"), expected, EXACT)


@pytest.mark.parametrize("metric", ["betweenness", "harmonic"])
def test_raw_values_match_too(graph, metric):
    reference = centrality(graph, metric, normalized=False, backend="networkx")
    same(centrality(graph, metric, normalized=False, backend="igraph"), reference, EXACT)


def test_closeness_follows_wasserman_faust_on_disconnected_graphs():
    graph = pieces()
    expected = nx.closeness_centrality(graph, wf_improved=True)
    expected["alone"] = 0.0
    same(centrality(graph, "closeness", backend="igraph"), expected, EXACT)


def test_sparse_eigenvector_solver_matches_the_dense_one(graph):
    compiled = fast.compile_graph(graph)
    dense = fast.eigenvector(compiled)
    sparse = fast.eigenvector(compiled, dense_limit=2)
    for node, (first, second) in enumerate(zip(dense, sparse, strict=True)):
        assert first == pytest.approx(second, abs=EXACT), compiled.nodes[node]


def test_constraint_with_many_triangles_matches_networkx():
    graph = nx.complete_graph(6)
    graph.add_edges_from([(5, 6), (6, 7), (7, 5), (0, 8)])
    same(
        centrality(graph, "constraint", backend="igraph"),
        centrality(graph, "constraint", backend="networkx"),
        EXACT,
    )


def test_empty_and_tiny_graphs_do_not_raise():
    for built in (nx.Graph(), nx.empty_graph(1), nx.empty_graph(3), nx.path_graph(2)):
        for metric in fast.SUPPORTED:
            reference = centrality(built, metric, backend="networkx")
            same(centrality(built, metric, backend="igraph"), reference, EXACT)


# Sampling.


def test_sources_are_seeded_and_cover_small_components_whole():
    compiled = fast.compile_graph(pieces())
    first = fast.sample_sources(compiled, 3, seed=1)
    assert first.tolist() == fast.sample_sources(compiled, 3, seed=1).tolist()
    chosen = {compiled.nodes[i] for i in first}
    # Components of 4 and 6 entities are sampled (3 each); the pair and the loner are whole.
    assert {"x", "y", "alone"} <= chosen
    assert len(chosen & {"a", "b", "c", "d"}) == 3
    assert len(chosen & {"hub", *(f"leaf{i}" for i in range(5))}) == 3


def test_a_sample_as_large_as_every_component_is_exact(graph):
    compiled = fast.compile_graph(graph)
    everything = len(graph)
    for metric in ("betweenness", "closeness", "harmonic"):
        exact = fast.centrality(compiled, metric)
        sampled = fast.centrality(compiled, metric, sources=everything)
        same(sampled, exact, EXACT)


def test_sampled_betweenness_scales_the_sources_dependencies_up():
    graph = nx.karate_club_graph()
    compiled = fast.compile_graph(graph)
    chosen = [compiled.nodes[i] for i in fast.sample_sources(compiled, 10, seed=3)]
    # Half the dependencies from the sources (each pair once), as networkx sums them ...
    partial = nx.betweenness_centrality_subset(graph, chosen, list(graph), normalized=False)
    n = len(graph)
    # ... scaled to every source: (n - 1) / k, or (n - 1) / (k - 1) for a source itself.
    expected = {
        node: value * (n - 1) / (len(chosen) - (node in chosen)) for node, value in partial.items()
    }
    sampled = fast.centrality(compiled, "betweenness", normalized=False, sources=10, seed=3)
    same(sampled, expected, EXACT)


def test_sampled_closeness_and_harmonic_average_over_the_sources():
    graph = nx.karate_club_graph()
    compiled = fast.compile_graph(graph)
    chosen = [compiled.nodes[i] for i in fast.sample_sources(compiled, 8, seed=5)]
    distances = {source: nx.single_source_shortest_path_length(graph, source) for source in chosen}
    n = len(graph)
    closeness = fast.closeness(compiled, sources=8, seed=5, exact_top=0)
    harmonic = fast.harmonic(compiled, normalized=False, sources=8, seed=5, exact_top=0)
    for index, node in enumerate(compiled.nodes):
        others = [distances[source][node] for source in chosen if source != node]
        mean = sum(others) / len(others)
        assert closeness[index] == pytest.approx(1 / mean, abs=EXACT)
        assert harmonic[index] == pytest.approx(
            sum(1 / d for d in others) * (n - 1) / len(others), abs=EXACT
        )


def test_the_leading_estimates_are_recomputed_exactly():
    graph = nx.les_miserables_graph()
    compiled = fast.compile_graph(graph)
    exact = fast.closeness(compiled)
    refined = fast.closeness(compiled, sources=10, exact_top=len(graph))
    assert refined.tolist() == pytest.approx(exact.tolist(), abs=EXACT)


def test_sampled_betweenness_ranks_a_hub_first():
    graph = nx.barabasi_albert_graph(600, 2, seed=11)
    exact = fast.centrality(graph, "betweenness")
    sampled = fast.centrality(graph, "betweenness", sources=150)
    assert max(sampled, key=sampled.__getitem__) == max(exact, key=exact.__getitem__)
    assert sum(sampled.values()) == pytest.approx(sum(exact.values()), rel=0.1)


# Routing: which library, and whether the result is approximate.


def test_small_graphs_stay_in_networkx():
    assert method(nx.karate_club_graph(), "betweenness") == Method("networkx")


def test_large_graphs_go_to_igraph_and_are_sampled(monkeypatch):
    monkeypatch.setattr(fast, "FAST_ABOVE", 20)
    monkeypatch.setattr(fast, "APPROXIMATE_ABOVE", 30)
    monkeypatch.setattr(fast, "BETWEENNESS_SOURCES", 12)
    monkeypatch.setattr(fast, "DISTANCE_SOURCES", 10)
    graph = nx.karate_club_graph()
    assert method(graph, "betweenness") == Method("igraph", 12)
    assert method(graph, "closeness").describe() == (
        f"approximate, sampled from 10 sources; the {fast.EXACT_TOP} highest recomputed exactly"
    )
    assert method(graph, "eigenvector") == Method("scipy")
    assert method(graph, "degree") == Method("networkx")
    # A weight is read by NetworkX only.
    assert method(graph, "betweenness", weight="weight") == Method("networkx")
    sampled = all_centralities(graph)["betweenness"]
    assert sampled == fast.centrality(graph, "betweenness", sources=12)


def test_sampling_needs_a_component_larger_than_the_sample(monkeypatch):
    monkeypatch.setattr(fast, "APPROXIMATE_ABOVE", 5)
    graph = nx.disjoint_union_all([nx.path_graph(4) for _ in range(5)])
    assert method(graph, "betweenness", backend="igraph") == Method("igraph")


def test_methods_name_every_metric():
    assert list(methods(nx.path_graph(4))) == list(METRICS)


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown backend"):
        centrality(nx.path_graph(3), "degree", backend="graph-tool")  # type: ignore[arg-type]


def test_directed_graphs_are_refused_by_the_compiled_path_too():
    with pytest.raises(TypeError, match="simple_view"):
        centrality(nx.DiGraph([(1, 2)]), "betweenness", backend="igraph")


def test_progress_is_reported_for_every_metric():
    calls = []
    all_centralities(nx.path_graph(4), progress=lambda *call: calls.append(call))
    assert calls[0] == (0, len(METRICS), "degree")
    assert calls[-1] == (len(METRICS), len(METRICS), "")
    assert [name for _, _, name in calls[:-1]] == list(METRICS)


def test_isolated_entities_score_zero_on_the_compiled_path():
    graph = florentine_with_pucci()
    for metric in fast.SUPPORTED:
        value = centrality(graph, metric, backend="igraph")["Pucci"]
        assert value == 0.0 and not math.isnan(value), metric
