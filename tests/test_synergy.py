"""Synergy candidates: known scores on tiny graphs, explanations, limits."""

from __future__ import annotations

import math

import pytest

from ecosystem.analysis.paths import path_index
from ecosystem.analysis.synergy import (
    SynergyQueryError,
    candidate_scores,
    synergy_candidates,
    synergy_pairs,
)
from tests.helpers import make_view

NODES = {
    "cl": ("Cluster", "cluster"),
    "co1": ("Company One", "company"),
    "co2": ("Company Two", "company"),
    "co3": ("Company Three", "company"),
    "pr": ("Project", "project"),
    "rg": ("Region", "region"),
    "far": ("Far Away", "company"),
    "co4": ("Company Four", "company"),
}
EDGES = [
    ("co1", "cl", "member_of"),
    ("co2", "cl", "member_of"),
    ("co1", "pr", "partner_in"),
    ("co2", "pr", "partner_in"),
    ("co3", "rg", "located_in"),
    ("co1", "rg", "located_in"),
    ("cl", "pr", "coordinates"),
    ("far", "co3", "collaborates_with"),
    ("co4", "pr", "partner_in"),
]


@pytest.fixture
def view():
    return make_view(NODES, EDGES)


def test_typed_adamic_adar_score(view):
    scores = candidate_scores(view, "co1")
    # co2 shares the cluster (3 links, weight 1.0) and the project (4 links, weight 1.5)
    assert scores["co2"].score == pytest.approx(1.0 / math.log(3) + 1.5 / math.log(4))
    # co3 shares the region (2 links, weight 0.75)
    assert scores["co3"].score == pytest.approx(0.75 / math.log(2))


def test_linked_entities_and_self_are_never_candidates(view):
    assert set(candidate_scores(view, "co1")) == {"co2", "co3", "co4"}


def test_complementary_types_count_more(view):
    # co4 reaches the cluster and Company One through the same project (4 links);
    # company-cluster is a complementary pair, company-company is not.
    scores = candidate_scores(view, "co4")
    assert scores["co1"].score == pytest.approx(1.5 / math.log(4))
    assert scores["cl"].score == pytest.approx(1.5 * 1.5 / math.log(4))


def test_three_hops_only_when_asked(view):
    assert "far" not in candidate_scores(view, "co1")
    far = candidate_scores(view, "co1", max_hops=3)["far"]
    assert 0 < far.score < candidate_scores(view, "co1")["co3"].score
    assert far.via == ["co3"]


def test_type_filter(view):
    result = synergy_candidates(view, "co4", types=["cluster"])
    assert [c["id"] for c in result["candidates"]] == ["cl"]


def test_candidates_are_explained(view):
    (best, *_) = synergy_candidates(view, "co1")["candidates"]
    assert best["id"] == "co2"
    assert sorted(best["shared"]) == ["cluster", "project"]
    assert best["shared"]["project"][0]["with_entity"] == ["partner_in"]
    assert best["reason"] == "shares cluster: Cluster; project: Project"
    assert best["path"]["nodes"][0] == "co1"
    assert best["path"]["nodes"][-1] == "co2"
    assert best["path"]["steps"][0]["relations"][0]["evidence"]


def test_ranking_is_best_first(view):
    scores = [c["score"] for c in synergy_candidates(view, "co1")["candidates"]]
    assert scores == sorted(scores, reverse=True)


def test_top_out_of_range(view):
    with pytest.raises(SynergyQueryError):
        synergy_candidates(view, "co1", top=0)


def test_network_wide_pairs_by_type(view):
    pairs = synergy_pairs(view, "company", "company", top=5)
    assert next((p["first"]["id"], p["second"]["id"]) for p in pairs) == ("co1", "co2")
    assert all(p["first"]["id"] < p["second"]["id"] for p in pairs)


def test_widens_to_three_hops_only_when_two_are_not_enough(view):
    assert synergy_candidates(view, "co1", top=3)["max_hops"] == 2
    wide = synergy_candidates(view, "co1", top=10)
    assert wide["max_hops"] == 3
    (far,) = [c for c in wide["candidates"] if c["id"] == "far"]
    assert far["reason"] == "no shared neighbour yet; three hops away, through Company Three"


def test_max_hops_must_be_two_or_three(view):
    with pytest.raises(SynergyQueryError):
        candidate_scores(view, "co1", max_hops=4)


@pytest.mark.parametrize(
    "entity", ["ismc", "pizarras-la-bana", "dg-grow", "junta-de-castilla-y-leon"]
)
def test_prepared_paths_explain_the_same_candidates_as_cheaply(shipped_view, entity):
    prepared = path_index(shipped_view)
    plain = synergy_candidates(shipped_view, entity)
    fast = synergy_candidates(shipped_view, entity, prepared=prepared)
    assert [c["id"] for c in fast["candidates"]] == [c["id"] for c in plain["candidates"]]
    for quick, slow in zip(fast["candidates"], plain["candidates"], strict=True):
        assert quick["path"]["cost"] == slow["path"]["cost"]
        assert quick["path"]["nodes"][0] == entity
        assert quick["path"]["nodes"][-1] == quick["id"]
