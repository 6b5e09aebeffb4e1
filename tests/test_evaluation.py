"""The temporal link-prediction evaluation behind docs/link-prediction.md, on small histories."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from ecosystem.analysis import ranker as R
from ecosystem.analysis.evaluation import (
    Protocol,
    Split,
    best_heuristic,
    evaluate,
    hits_at,
    new_pairs_any,
    ratios,
    row_metrics,
)
from tests.histories import synthetic

SPLIT = Split.years(2017, 2018, 2019, date(2020, 12, 31))
QUICK = Protocol(
    seeds=40,
    valid_seeds=20,
    negatives=300,
    hard_negatives=300,
    train_seeds=60,
    grid=(R.RankerSettings(max_iter=8, max_leaf_nodes=8), R.RankerSettings(max_iter=8)),
)


def test_hits_counts_positives_above_the_kth_negative():
    negatives = np.arange(100, dtype=float)  # the 50th best is 50
    assert hits_at(np.array([50.0, 50.5, 99.0, 10.0]), negatives, k=50) == 0.5
    assert hits_at(np.array([1.0]), np.array([0.0]), k=50) == 1.0  # fewer negatives than k


def test_row_metrics_precision_and_reciprocal_rank():
    scores = np.array([0.9, 0.8, 0.7, 0.1])
    relevant = np.array([False, False, True, True])
    precision, reciprocal, order = row_metrics(scores, relevant, np.random.default_rng(0), k=2)
    assert (precision, reciprocal) == (0.0, 1 / 3)
    assert order.tolist() == [0, 1, 2, 3]


def test_ties_are_broken_at_random_not_in_the_candidates_favour():
    scores = np.zeros(1000)
    relevant = np.zeros(1000, dtype=bool)
    relevant[0] = True
    ranks = [
        1 / row_metrics(scores, relevant, np.random.default_rng(seed), k=10)[1]
        for seed in range(30)
    ]
    assert 100 < np.mean(ranks) < 900


def test_newcomer_pairs_are_counted_apart():
    history = synthetic()
    start, end = SPLIT.test, SPLIT.end
    known = R.new_pairs(history, start, end)
    every = new_pairs_any(history, start, end)
    assert known <= every


@pytest.fixture(scope="module")
def result():
    return evaluate(synthetic(actors=150, years=range(2014, 2021), seed=5), SPLIT, QUICK)


def test_every_method_and_metric_is_reported(result):
    assert set(result["methods"]) == {"random", "ranker", *R.HEURISTICS}
    for figures in result["methods"].values():
        for name in ("hits", "hits_hard", "precision", "mrr", "network_precision"):
            assert 0.0 <= figures[name] <= 1.0
    assert result["seeds"] == 40
    assert 0 <= result["reach"]["within_2"] <= result["reach"]["within_3"] <= 1
    assert len(result["tuning"]) == 2
    assert result["test_pairs"] > 0


def test_structure_beats_chance_on_a_history_that_closes_triangles(result):
    methods = result["methods"]
    assert methods["adamic_adar"]["mrr"] > methods["random"]["mrr"]
    assert methods["ranker"]["mrr"] > methods["random"]["mrr"]


def test_the_test_years_take_no_part_in_any_choice():
    history = synthetic(actors=150, years=range(2014, 2021), seed=5)
    later = history.day > SPLIT.test
    rng = np.random.default_rng(4)
    scrambled = R.History(
        history.actors,
        history.actor_type,
        history.actor_country,
        history.venues,
        history.venue_kind,
        np.where(later, rng.permutation(history.actor), history.actor),
        history.venue,
        history.day,
        history.coordinator,
        history.amount,
    )
    one = evaluate(history, SPLIT, QUICK)
    two = evaluate(scrambled, SPLIT, QUICK)
    assert one["tuning"] == two["tuning"]
    assert one["chosen"] == two["chosen"]
    assert one["heuristic_valid_mrr"] == two["heuristic_valid_mrr"]
    assert one["importance"] == two["importance"]
    assert one["methods"] != two["methods"]  # the test figures do see the test years


def test_ratios_against_the_best_heuristic():
    figures = {
        "random": {"mrr": 0.9},
        "adamic_adar": {"mrr": 0.2},
        "katz": {"mrr": 0.25},
        "ranker": {"mrr": 0.5},
    }
    assert best_heuristic(figures, "mrr") == ("katz", 0.25)
    assert ratios(figures, ["mrr"])["mrr"]["ratio"] == pytest.approx(2.0)
