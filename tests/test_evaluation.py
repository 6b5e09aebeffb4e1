"""The link-prediction evaluation behind docs/link-prediction.md."""

from __future__ import annotations

import networkx as nx
import pytest

from ecosystem.analysis.evaluation import evaluate_link_prediction


@pytest.fixture(scope="module")
def karate():
    return evaluate_link_prediction(nx.karate_club_graph(), seeds=[1, 2, 3], auc_samples=2000)


def test_hides_the_requested_share(karate):
    assert karate["links"] == 78
    assert karate["hidden_per_seed"] == round(0.15 * 78)


def test_the_same_seeds_give_the_same_figures(karate):
    again = evaluate_link_prediction(nx.karate_club_graph(), seeds=[1, 2, 3], auc_samples=2000)
    assert again["medians"] == karate["medians"]


def test_figures_are_shares(karate):
    for values in karate["medians"].values():
        for value in values.values():
            assert 0.0 <= value <= 1.0


def test_structure_beats_chance_on_a_clustered_network(karate):
    # Known property of the karate club: shared neighbours predict ties well above chance.
    assert karate["medians"]["common_neighbours"]["auc"] > 0.6
    assert karate["medians"]["synergy"]["auc"] > 0.6


def test_a_network_of_two_cliques_is_easy():
    two = nx.union(nx.complete_graph(8), nx.complete_graph(range(8, 16)))
    two.add_edge(0, 8)
    result = evaluate_link_prediction(two, seeds=[7], auc_samples=2000)
    best_possible = result["hidden_per_seed"] / result["k"]  # 9 hidden links, top 10
    assert result["medians"]["common_neighbours"]["precision_at_k"] == best_possible
    assert result["medians"]["common_neighbours"]["auc"] == 1.0
