"""Collaboration paths: hub rule, options, explanations and clear errors."""

from __future__ import annotations

import pytest

from ecosystem.analysis.lookup import EntityNotFound
from ecosystem.analysis.paths import NoPath, PathQueryError, collaboration_paths, hub_penalty
from tests.conftest import make_view

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
