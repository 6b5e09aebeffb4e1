"""Collaboration paths: hub rule, options, explanations and clear errors."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from ecosystem.analysis.lookup import EntityNotFound
from ecosystem.analysis.paths import (
    NoPath,
    PathQueryError,
    cheapest_path_finder,
    collaboration_paths,
    fewest_hop_paths,
    hub_penalty,
    path_index,
)
from tests.helpers import make_view

# a -- hub -- c is two hops through a hub with 12 links; a -- b -- x -- c is three concrete hops.
NODES = {
    "a": ("Alpha", "company"),
    "b": ("Beta", "project"),
    "x": ("Xeno", "research"),
    "c": ("Gamma", "company"),
    "hub": ("European Commission", "eu_institution"),
    "lone": ("Lonely", "company"),
    **{f"leaf{i}": (f"Leaf {i}", "region") for i in range(10)},
}
EDGES = [
    ("a", "hub", "participates_in"),
    ("hub", "c", "funds"),
    ("a", "b", "partner_in"),
    ("x", "b", "partner_in"),
    ("x", "c", "collaborates_with"),
    *[("hub", f"leaf{i}", "funds") for i in range(10)],
]


@pytest.fixture
def view():
    return make_view(NODES, EDGES)


def test_hub_penalty_is_log2_of_links(view):
    assert hub_penalty(view, "hub") == pytest.approx(3.5849625)  # log2(12)


def test_default_prefers_concrete_path_over_hub(view):
    best = collaboration_paths(view, "a", "c", k=1)["paths"][0]
    assert best["nodes"] == ["a", "b", "x", "c"]
    assert best["cost"] == pytest.approx(3 + 1 + 1)  # three hops, two inner nodes of 2 links


def test_plain_mode_takes_fewest_hops(view):
    best = collaboration_paths(view, "a", "c", k=1, avoid_hubs=False)["paths"][0]
    assert best["nodes"] == ["a", "hub", "c"]
    assert best["cost"] == 2


def test_alternatives_are_loop_free_and_ordered_by_cost(view):
    paths = collaboration_paths(view, "a", "c", k=5)["paths"]
    assert [p["nodes"] for p in paths] == [["a", "b", "x", "c"], ["a", "hub", "c"]]
    for path in paths:
        assert len(set(path["nodes"])) == len(path["nodes"])


def test_fewest_hops_lists_every_shortest_path(view):
    assert collaboration_paths(view, "a", "c")["fewest_hops"] == [["a", "hub", "c"]]


def test_each_hop_is_told_with_direction_and_evidence(view):
    steps = collaboration_paths(view, "a", "c", k=1)["paths"][0]["steps"]
    first, second, third = steps
    assert first["relations"][0]["sentence"] == "Alpha is a partner in Beta"
    assert first["relations"][0]["direction"] == "forward"
    assert second["relations"][0]["sentence"] == "Xeno is a partner in Beta"
    assert second["relations"][0]["direction"] == "backward"
    assert third["relations"][0]["direction"] == "both"
    assert first["relations"][0]["evidence"] == "a partner_in b says the source."
    assert first["relations"][0]["docs"] == ["doc.txt"]


def test_avoid_removes_an_entity(view):
    paths = collaboration_paths(view, "a", "c", k=5, avoid=["Beta"])["paths"]
    assert [p["nodes"] for p in paths] == [["a", "hub", "c"]]


def test_via_types_limits_intermediates(view):
    paths = collaboration_paths(view, "a", "c", k=5, via_types=["eu_institution"])["paths"]
    assert [p["nodes"] for p in paths] == [["a", "hub", "c"]]


def test_relation_types_limit_hops(view):
    result = collaboration_paths(
        view, "a", "c", k=5, relation_types=["partner_in", "collaborates_with"]
    )
    assert [p["nodes"] for p in result["paths"]] == [["a", "b", "x", "c"]]


def test_names_and_aliases_are_accepted(view):
    result = collaboration_paths(view, "alpha", "GAMMA", k=1)
    assert (result["source"]["id"], result["target"]["id"]) == ("a", "c")


def test_no_path_is_a_clear_error(view):
    with pytest.raises(NoPath, match="no path links Alpha and Lonely"):
        collaboration_paths(view, "a", "lone")


def test_no_path_under_options_says_which(view):
    with pytest.raises(NoPath, match="over funds relations only: loosen the options"):
        collaboration_paths(view, "a", "c", relation_types=["funds"])


def test_same_entity_twice(view):
    with pytest.raises(PathQueryError, match="is both ends"):
        collaboration_paths(view, "a", "Alpha")


def test_avoiding_an_end(view):
    with pytest.raises(PathQueryError, match="cannot be avoided"):
        collaboration_paths(view, "a", "c", avoid=["c"])


def test_unknown_entity(view):
    with pytest.raises(EntityNotFound):
        collaboration_paths(view, "a", "nobody at all")


@pytest.mark.parametrize("k", [0, 21])
def test_k_out_of_range(view, k):
    with pytest.raises(PathQueryError, match="k must be between"):
        collaboration_paths(view, "a", "c", k=k)


@pytest.mark.parametrize("seed", range(12))
def test_fewest_hop_paths_are_networkx_own_in_sorted_order(seed):
    graph = nx.gnm_random_graph(60, 90 + 10 * seed, seed=seed)
    rng = random.Random(seed)
    for _ in range(15):
        start, end = rng.sample(sorted(graph), 2)
        try:
            expected = sorted(nx.all_shortest_paths(graph, start, end))
        except nx.NetworkXNoPath:
            with pytest.raises(nx.NetworkXNoPath):
                fewest_hop_paths(graph, start, end, limit=20)
            continue
        assert fewest_hop_paths(graph, start, end, limit=20) == expected[:20]
        assert fewest_hop_paths(graph, start, end, limit=2) == expected[:2]


def test_fewest_hop_paths_between_neighbours_and_in_a_grid():
    grid = nx.convert_node_labels_to_integers(nx.grid_2d_graph(4, 4), ordering="sorted")
    assert fewest_hop_paths(grid, 0, 1, limit=5) == [[0, 1]]
    assert fewest_hop_paths(grid, 0, 15, limit=100) == sorted(nx.all_shortest_paths(grid, 0, 15))


def typed(graph: nx.Graph):
    """``graph`` as an explorer view: string ids, names and types, one relation per link."""
    nodes = {
        str(n): (f"Entity {n}", "company" if i % 3 else "project") for i, n in enumerate(graph)
    }
    return make_view(nodes, [(str(a), str(b), "partner_in") for a, b in graph.edges()])


PREPARED_GRAPHS = {
    "karate club": nx.karate_club_graph,
    "les miserables": nx.les_miserables_graph,
    "sparse random": lambda: nx.gnm_random_graph(150, 260, seed=4),
    "hubs": lambda: nx.barabasi_albert_graph(300, 2, seed=9),
    "two components": lambda: nx.disjoint_union(nx.cycle_graph(12), nx.path_graph(5)),
}


@pytest.mark.parametrize("name", list(PREPARED_GRAPHS))
@pytest.mark.parametrize("avoid_hubs", [True, False])
def test_the_prepared_search_finds_paths_as_cheap_as_the_whole_network_search(name, avoid_hubs):
    view = typed(PREPARED_GRAPHS[name]())
    prepared = path_index(view)
    rng = random.Random(len(view))
    for _ in range(12):
        start, end = rng.sample(sorted(view), 2)
        try:
            plain = collaboration_paths(view, start, end, k=5, avoid_hubs=avoid_hubs)
        except NoPath:
            with pytest.raises(NoPath):
                collaboration_paths(view, start, end, k=5, prepared=prepared)
            continue
        fast = collaboration_paths(view, start, end, k=5, avoid_hubs=avoid_hubs, prepared=prepared)
        assert [p["cost"] for p in fast["paths"]] == [p["cost"] for p in plain["paths"]]
        assert all(len(set(p["nodes"])) == len(p["nodes"]) for p in fast["paths"])  # loop-free
        assert fast["fewest_hops"] == plain["fewest_hops"]


def test_cheapest_paths_from_one_entity_cost_what_dijkstra_says():
    view = typed(nx.barabasi_albert_graph(200, 2, seed=5))
    finder = cheapest_path_finder(path_index(view), "0")
    found = {target: finder(target) for target in sorted(view)[1:40]}
    assert all(found.values())

    def cost(a, b, _data):
        return 1 + (hub_penalty(view, a) + hub_penalty(view, b)) / 2

    for target, nodes in found.items():
        assert nodes[0] == "0" and nodes[-1] == target
        length = sum(cost(a, b, None) for a, b in itertools.pairwise(nodes))
        assert length == pytest.approx(nx.dijkstra_path_length(view, "0", target, weight=cost))


def test_a_path_finder_answers_every_question_from_one_search(monkeypatch):
    from scipy.sparse import csgraph

    view = typed(nx.barabasi_albert_graph(200, 2, seed=5))
    prepared = path_index(view)
    searches = []
    dijkstra = csgraph.dijkstra
    monkeypatch.setattr(
        csgraph, "dijkstra", lambda *a, **k: searches.append(1) or dijkstra(*a, **k)
    )
    finder = cheapest_path_finder(prepared, "0")
    assert not searches  # made on the first question, not before
    targets = sorted(view)[1:40]
    found = {target: finder(target) for target in targets}
    assert len(searches) == 1
    assert all(found[t][0] == "0" and found[t][-1] == t for t in targets)
    assert finder("not there") is None and len(searches) == 1


def test_cheapest_paths_leave_out_what_they_cannot_reach():
    view = typed(nx.disjoint_union(nx.path_graph(3), nx.path_graph(2)))
    finder = cheapest_path_finder(path_index(view), "0")
    assert finder("2") == ["0", "1", "2"] and finder("3") is None
