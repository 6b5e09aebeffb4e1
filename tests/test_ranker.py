"""The collaboration history, pair features, heuristics and the learned ranker: known answers on
tiny histories, and no information from after a cut-off day."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import numpy as np
import pytest
import scipy.sparse as sp

from ecosystem.analysis import ranker as R
from tests.histories import synthetic

D = date(2020, 1, 1).toordinal()
YEAR = 365


def tiny() -> R.History:
    """a-b-c in p1 (2018, a coordinates, b gets 100); c-d in p2 (2019); e-f in p3 (2021).

    Actors: a, b companies in ES; c research in FR; d company in FR; e, f government in DE.
    p1 is in programme part X; p2 in X and Y. a and c are in region R.
    """
    actors = [
        ("a", "company", "ES"),
        ("b", "company", "ES"),
        ("c", "research", "FR"),
        ("d", "company", "FR"),
        ("e", "government", "DE"),
        ("f", "government", "DE"),
    ]
    venues = [("p1", "project"), ("p2", "project"), ("p3", "project")]
    d1, d2, d3 = D - 2 * YEAR, D - YEAR // 2, D + YEAR
    participations = [
        ("a", "p1", d1, True, math.nan),
        ("b", "p1", d1, False, 100.0),
        ("c", "p1", d1, False, math.nan),
        ("c", "p2", d2, False, 50.0),
        ("d", "p2", d2, True, 150.0),
        ("e", "p3", d3, False, math.nan),
        ("f", "p3", d3, False, math.nan),
    ]
    return R.build_history(
        actors,
        venues,
        participations,
        venue_contexts=[
            ("p1", "X", "programme"),
            ("p2", "X", "programme"),
            ("p2", "Y", "programme"),
        ],
        actor_contexts=[("a", "R", "region"), ("c", "R", "region"), ("d", "R", "region")],
    )


@pytest.fixture
def snap():
    return R.snapshot(tiny(), D)


def feature(snap, u, v, name):
    history = snap.history
    i, j = history.actors.index(u), history.actors.index(v)
    return float(R.row_features(snap, [i])[0, j, R.COLUMN[name]])


def test_until_keeps_what_was_known_and_undated():
    history = tiny()
    assert history.until(D).actor.size == 5  # p3 starts after D
    undated = R.build_history(
        [("a", "company", ""), ("b", "company", "")],
        [("p", "project")],
        [("a", "p", R.UNDATED, False, math.nan)],
    )
    assert undated.until(0).actor.size == 1


def test_projection_and_counts(snap):
    a, b, c, d, e = (snap.history.actors.index(x) for x in "abcde")
    assert snap.together[a, b] == 1 and snap.together[c, d] == 1 and snap.together[a, d] == 0
    assert snap.partners.tolist() == [2, 2, 3, 1, 0, 0]
    assert snap.known.tolist() == [True, True, True, True, False, False]
    assert snap.venues[c] == 2 and snap.venues[e] == 0


def test_neighbourhood_features(snap):
    # a and d share one partner, c (3 partners).
    assert feature(snap, "a", "d", "common_partners") == 1
    assert feature(snap, "a", "d", "adamic_adar") == pytest.approx(1 / math.log(3))
    assert feature(snap, "a", "d", "resource_allocation") == pytest.approx(1 / 3)
    # a -> b -> c -> d and a -> c -> ... : paths of three steps from a to d: a-b-c-d only.
    assert feature(snap, "a", "d", "paths_of_three") == 1
    assert feature(snap, "a", "d", "pref_attachment") == pytest.approx(math.log1p(2 * 1))
    assert feature(snap, "a", "e", "common_partners") == 0


def test_time_decay_weighs_older_links_less(snap):
    # a-c is two years old, d-c half a year: each link's root strength is DECAY ** (age / 2).
    age_ac = 2 * YEAR / R.DAY_PER_YEAR
    age_dc = (YEAR // 2) / R.DAY_PER_YEAR
    expected = math.sqrt(R.DECAY**age_ac * R.DECAY**age_dc) / math.log(3)
    assert feature(snap, "a", "d", "adamic_adar_decay") == pytest.approx(expected, rel=1e-5)


def test_attribute_features(snap):
    assert feature(snap, "a", "b", "same_country") == 1
    assert feature(snap, "a", "d", "same_country") == 0
    # a's partners: b (company ES), c (research FR): half of them are French.
    assert feature(snap, "a", "d", "country_share_uv") == pytest.approx(0.5)
    assert feature(snap, "a", "d", "kind_share_uv") == 0  # no French company among them
    assert feature(snap, "d", "b", "kind_share_uv") == 0
    assert feature(snap, "a", "c", "kind_share_uv") == pytest.approx(0.5)  # c, a French lab
    assert feature(snap, "c", "b", "kind_share_uv") == pytest.approx(2 / 3)  # a and b of a, b, d
    # One share per kind some actor has: Spanish and French companies, French research, German
    # public bodies; not every type times every country.
    assert snap.kind_share.shape == (6, 4)
    assert feature(snap, "b", "c", "type_share_uv") == pytest.approx(0.5)
    assert feature(snap, "a", "d", "coordinator_u") == 1
    assert feature(snap, "c", "d", "coordinator_u") == 0
    assert feature(snap, "a", "b", "amount_v") == pytest.approx(math.log1p(100))
    assert feature(snap, "a", "c", "amount_v") == pytest.approx(math.log1p(50))
    assert feature(snap, "a", "d", "recency_u") == pytest.approx(2 * YEAR / R.DAY_PER_YEAR)
    assert feature(snap, "a", "d", "recent_v") == pytest.approx(math.log1p(1))
    assert feature(snap, "a", "d", "recent_u") == 0
    # c: p1 of 3 and p2 of 2: mean consortium 2.5.
    assert feature(snap, "a", "c", "size_v") == pytest.approx(math.log1p(2.5))


def test_relative_and_recent_features(snap):
    # a's best Adamic-Adar is with c, through b (2 partners): 1 / log 2; with d it is 1 / log 3.
    assert feature(snap, "a", "d", "adamic_adar_rel_u") == pytest.approx(math.log(2) / math.log(3))
    assert feature(snap, "a", "d", "common_partners_rel_u") == pytest.approx(1.0)
    # d's best is with a or b, both through c: the pair is d's best.
    assert feature(snap, "a", "d", "adamic_adar_rel_v") == pytest.approx(1.0)
    # Only p2 started in the year before D: c and d met there.
    assert feature(snap, "a", "d", "met_recently_v") == pytest.approx(math.log1p(1))
    assert feature(snap, "a", "d", "met_recently_u") == 0


def test_sampled_negatives_stand_for_the_rest():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    snap = R.snapshot(history, cut)
    pairs = R.new_pairs(history, cut, cut + YEAR)
    data = R.training_set(snap, pairs, seeds=30, hard_negatives=5, random_negatives=10)
    negative = data.labels == 0
    assert (data.weights[~negative] == 1).all()
    # After scaling, the negatives weigh five times the positives.
    assert data.weights[negative].sum() == pytest.approx(5 * data.labels.sum())
    # Random negatives weigh more than the best-by-Adamic-Adar ones they are drawn beside.
    assert data.weights[negative].max() > data.weights[negative].min()


def test_programme_profile_similarity(snap):
    # a: X once; d: X and Y once each: cosine 1 / sqrt(2).
    assert feature(snap, "a", "d", "programme_similarity") == pytest.approx(1 / math.sqrt(2))
    assert feature(snap, "a", "e", "programme_similarity") == 0
    # One column per context a venue has (X, Y), not per place only actors have (R).
    history = snap.history
    assert [history.contexts[c] for c in snap.profile_context.tolist()] == ["X", "Y"]
    d = history.actors.index("d")
    assert snap.profile[d].tolist() == pytest.approx([1 / math.sqrt(2), 1 / math.sqrt(2)])


def test_typed_score_is_the_former_shared_place_score(snap):
    # Region R is held by three actors: weight 0.75 / log 3; company-research counts 1.5 times.
    assert feature(snap, "a", "d", "typed_score") == pytest.approx(0.75 / math.log(3))
    assert feature(snap, "a", "c", "typed_score") == pytest.approx(1.5 * 0.75 / math.log(3))
    assert feature(snap, "a", "b", "typed_score") == 0


def test_pair_features_match_row_features(snap):
    n = len(snap.history.actors)
    first, second = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    pairs = R.pair_features(snap, first.ravel(), second.ravel(), block=5)
    rows = R.row_features(snap, np.arange(n)).reshape(n * n, -1)
    np.testing.assert_allclose(pairs, rows, rtol=1e-5, atol=1e-6)


def test_a_row_blocks_chosen_pairs_are_those_of_its_rows():
    history = synthetic()
    snap = R.snapshot(history, date(2018, 12, 31).toordinal())
    n = len(history.actors)
    rows = np.array([3, 0, n - 1])
    every = R.row_features(snap, rows)
    block = R.row_block(snap, rows)
    rng = np.random.default_rng(4)
    for j in range(rows.size):
        columns = rng.integers(0, n, 25)  # repeats included
        np.testing.assert_array_equal(block.of(j, columns), every[j, columns])
    assert block.of(0, np.zeros(0, dtype=np.int64)).shape == (0, len(R.FEATURES))


def test_every_training_row_is_the_features_of_a_pair_of_a_seed():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    snap = R.snapshot(history, cut)
    positives = R.new_pairs(history, cut, cut + YEAR)
    data = R.training_set(snap, positives, seeds=20, block=7)
    n = len(history.actors)
    every = R.row_features(snap, np.arange(n))
    known = {row.tobytes() for row in every.reshape(n * n, -1)}
    gained = {every[u, v].tobytes() for a, b in positives for u, v in ((a, b), (b, a))}
    assert data.features.shape[0] > 20 and 0 < data.labels.sum() < data.labels.size
    assert all(row.tobytes() in known for row in data.features)
    # Each row labelled a new partner is the features of a pair that starts working together.
    assert all(row.tobytes() in gained for row in data.features[data.labels == 1])


def test_candidates_exclude_self_partners_and_unknown(snap):
    a = snap.history.actors.index("a")
    mask = R.candidate_mask(snap, [a])[0]
    assert [snap.history.actors[i] for i in np.flatnonzero(mask)] == ["d"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("common_neighbours", 1.0),
        ("adamic_adar", 1 / math.log(3)),
        ("resource_allocation", 1 / 3),
        ("katz", R.KATZ_BETA**2 * 1 + R.KATZ_BETA**3 * 1),
        ("preferential_attachment", math.log1p(2)),
        ("typed_score", 0.75 / math.log(3)),
    ],
)
def test_heuristics_known_answers(snap, name, expected):
    a, d = snap.history.actors.index("a"), snap.history.actors.index("d")
    x = R.row_features(snap, [a])[0, d][None, :]
    assert R.HEURISTICS[name](x)[0] == pytest.approx(expected, rel=1e-5)


def test_new_pairs_are_first_collaborations_of_known_actors():
    history = tiny()
    # After D only p3 starts, and e, f were unknown on D: no pair of known actors.
    assert R.new_pairs(history, D, D + 2 * YEAR) == set()
    # From the day before p2: c and d first meet in p2 (d is known only from p2 on: left out).
    before_p2 = D - YEAR // 2 - 1
    assert R.new_pairs(history, before_p2, D) == set()
    more = R.build_history(
        [("a", "company", "ES"), ("b", "company", "ES"), ("c", "company", "ES")],
        [("p1", "project"), ("p2", "project")],
        [
            ("a", "p1", D - YEAR, False, math.nan),
            ("b", "p1", D - YEAR, False, math.nan),
            ("c", "p2", D - YEAR, False, math.nan),
            ("a", "p2", D + 10, False, math.nan),
            ("b", "p2", D + 10, False, math.nan),
        ],
    )
    # a and b worked together before; each meets c (known) in p2 after D.
    assert R.new_pairs(more, D, D + YEAR) == {(0, 2), (1, 2)}


def test_nothing_after_the_cut_off_reaches_features_or_training():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    label_end = date(2019, 12, 31).toordinal()
    # The same history with everything after the label year scrambled: other actors, days.
    later = history.day > label_end
    rng = np.random.default_rng(9)
    scrambled = R.History(
        history.actors,
        history.actor_type,
        history.actor_country,
        history.venues,
        history.venue_kind,
        np.where(later, rng.permutation(history.actor), history.actor),
        history.venue,
        np.where(later, history.day + rng.integers(0, 300, history.day.size), history.day),
        np.where(later, ~history.coordinator, history.coordinator),
        np.where(later, 1e9, history.amount),
    )
    one, two = R.snapshot(history, cut), R.snapshot(scrambled, cut)
    rows = np.arange(len(history.actors))
    np.testing.assert_array_equal(R.row_features(one, rows), R.row_features(two, rows))
    pairs_one = R.new_pairs(history, cut, label_end)
    assert pairs_one == R.new_pairs(scrambled, cut, label_end)
    data_one = R.training_set(one, pairs_one, seeds=50)
    data_two = R.training_set(two, pairs_one, seeds=50)
    np.testing.assert_array_equal(data_one.features, data_two.features)
    # And the features on the cut-off day differ from those a year later: the test can fail.
    assert not np.array_equal(
        R.row_features(one, rows), R.row_features(R.snapshot(history, label_end), rows)
    )


def test_fit_on_history_uses_only_the_known_days():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    known = history.until(cut)
    assert known.last_day <= cut
    assert R.enough_history(known, min_pairs=50)[0]
    model = R.fit_on_history(known, R.RankerSettings(max_iter=10), seeds=60, min_pairs=50)
    assert model.roots.size == 10


def test_tree_model_gives_the_classifier_log_odds():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    data = R.training_set(R.snapshot(history, cut), R.new_pairs(history, cut, cut + YEAR), seeds=60)
    classifier = R.fit_classifier(data, R.RankerSettings(max_iter=20, max_leaf_nodes=8))
    model = R.tree_model(classifier)
    np.testing.assert_allclose(
        model.decision(data.features), classifier.decision_function(data.features), rtol=1e-9
    )
    again = R.TreeModel.from_arrays(model.to_arrays())
    np.testing.assert_array_equal(again.decision(data.features), model.decision(data.features))
    assert model.importance.sum() == pytest.approx(1.0)


def test_tree_model_sends_missing_values_where_the_classifier_does():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    data = R.training_set(R.snapshot(history, cut), R.new_pairs(history, cut, cut + YEAR), seeds=60)
    features = data.features.astype(np.float64)
    rng = np.random.default_rng(3)
    features[rng.random(features.shape) < 0.3] = np.nan  # learnt with values missing
    holed = dataclasses.replace(data, features=features)
    classifier = R.fit_classifier(holed, R.RankerSettings(max_iter=20, max_leaf_nodes=8))
    model = R.tree_model(classifier)
    assert model.missing_left[~model.leaf].any() and not model.missing_left[~model.leaf].all()
    np.testing.assert_allclose(
        model.decision(features), classifier.decision_function(features), rtol=1e-9
    )


def test_one_actors_candidates_get_the_classifier_log_odds_with_its_splits_taken_once():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    snap = R.snapshot(history, cut)
    data = R.training_set(snap, R.new_pairs(history, cut, cut + YEAR), seeds=60)
    classifier = R.fit_classifier(data, R.RankerSettings(max_iter=20, max_leaf_nodes=8))
    model = R.tree_model(classifier)
    # Every candidate of one actor: its own figures are the same in each row.
    u = int(np.flatnonzero(snap.known)[0])
    rows = R.row_features(snap, [u])[0, R.candidate_mask(snap, [u])[0]].astype(np.float64)
    own = [R.COLUMN[name] for name in ("partners_u", "venues_u", "type_u", "recency_u")]
    assert (rows[:, own] == rows[0, own]).all()
    walk = model._walk
    used = np.unique(model.feature[~model.leaf])
    assert set(own) & set(used.tolist()), "the trees split on the actor's own figures"
    _, _, depths = walk.settled(walk.codes(rows))
    assert depths.sum() < walk.depth.sum()  # those splits are not walked row by row
    np.testing.assert_allclose(model.decision(rows), classifier.decision_function(rows), rtol=1e-9)


def test_a_feature_split_at_more_thresholds_than_a_byte_counts_is_walked_exactly():
    # One tree: a comb of 300 splits on feature 0 at 0.5, 1.5, ...; leaf i holds i.
    splits = 300
    inner = np.arange(splits)
    leaf_of = splits + np.arange(splits + 1)  # leaves after the inner nodes
    left = np.concatenate([leaf_of[:splits], np.zeros(splits + 1, dtype=np.int64)])
    right = np.concatenate([inner[1:], [leaf_of[splits]], np.zeros(splits + 1, dtype=np.int64)])
    size = 2 * splits + 1
    model = R.TreeModel(
        baseline=0.0,
        roots=np.array([0]),
        feature=np.zeros(size, dtype=np.int64),
        threshold=np.concatenate([inner + 0.5, np.zeros(splits + 1)]),
        missing_left=np.zeros(size, dtype=bool),
        left=left,
        right=right,
        leaf=np.arange(size) >= splits,
        value=np.concatenate([np.zeros(splits), np.arange(splits + 1, dtype=np.float64)]),
        importance=np.ones(len(R.FEATURES)) / len(R.FEATURES),
    )
    assert model._walk.code.dtype == np.uint16
    x = np.zeros((7, len(R.FEATURES)))
    x[:, 0] = [-3.0, 0.0, 0.5, 0.7, 254.9, 299.5, 1000.0]
    # x <= i + 0.5 goes left at split i: the first split a value is not above.
    assert model.decision(x).tolist() == [0.0, 0.0, 0.0, 1.0, 255.0, 299.0, 300.0]


def test_damaged_tree_arrays_are_refused():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    model = R.fit_on_history(
        history.until(cut), R.RankerSettings(max_iter=3), seeds=40, min_pairs=50
    )
    arrays = model.to_arrays()
    broken = {**arrays, "left": np.zeros_like(arrays["left"])}
    with pytest.raises(ValueError):
        R.TreeModel.from_arrays(broken)
    short = {**arrays, "value": arrays["value"][:-1]}
    with pytest.raises(ValueError):
        R.TreeModel.from_arrays(short)
    # A split at no number (scikit-learn never makes one) would send values nowhere defined.
    threshold = arrays["threshold"].copy()
    threshold[np.flatnonzero(~arrays["leaf"])[0]] = np.nan
    with pytest.raises(ValueError):
        R.TreeModel.from_arrays({**arrays, "threshold": threshold})


def test_too_little_history_says_why():
    ok, why = R.enough_history(tiny())
    assert not ok and "at least 200 in a year" in why
    ok, why = R.enough_history(synthetic(), min_pairs=10**6)
    assert not ok
    assert why.startswith("at most ") and "first collaborations in a year of the data" in why
    assert int(why.split()[2].replace(",", "")) > 0


def test_a_history_with_no_first_collaboration_says_so_in_words(shipped_view):
    from ecosystem.analysis.synergy.history import history_from_view

    ok, why = R.enough_history(history_from_view(shipped_view))
    assert not ok
    assert why.startswith("no first collaboration dated in any of its last 5 years")
    assert "at most 0" not in why


def test_a_row_read_from_a_sparse_matrix_holds_what_slicing_it_holds():
    rng = np.random.default_rng(3)
    dense = rng.integers(0, 3, size=(12, 9)) * (rng.random((12, 9)) < 0.3)
    dense[4] = 0  # an empty row
    matrix = sp.csr_matrix(dense.astype(np.float64))
    for i in range(dense.shape[0]):
        columns, values = R.row_of(matrix, i)
        sliced = matrix[i]
        assert columns.tolist() == sliced.indices.tolist()
        assert values.tolist() == sliced.data.tolist()
        assert dict(zip(columns.tolist(), values.tolist(), strict=True)) == {
            j: float(dense[i, j]) for j in np.flatnonzero(dense[i])
        }


def test_a_feature_groups_lift_is_the_drop_when_its_columns_take_the_reference():
    history = synthetic()
    cut = date(2018, 12, 31).toordinal()
    data = R.training_set(R.snapshot(history, cut), R.new_pairs(history, cut, cut + YEAR), seeds=60)
    model = R.tree_model(R.fit_classifier(data, R.RankerSettings(max_iter=20, max_leaf_nodes=8)))
    rows = data.features[:25]
    reference = np.median(data.features, axis=0)
    groups = {"structure": ("common_partners", "adamic_adar"), "kind": ("type_v", "same_country")}
    lifts = R.contributions(model, rows, reference, groups)
    assert lifts.shape == (25, 2)
    for g, names in enumerate(groups.values()):
        changed = rows.copy()
        for name in names:
            changed[:, R.COLUMN[name]] = reference[R.COLUMN[name]]
        np.testing.assert_allclose(lifts[:, g], model.decision(rows) - model.decision(changed))
    assert np.abs(lifts).max() > 0  # the model leans on these columns: the test can fail


def test_each_actors_best_figures_are_its_highest_with_anyone(monkeypatch):
    from ecosystem.analysis.ranker import matrices

    history = synthetic()
    snap = R.snapshot(history, date(2018, 12, 31).toordinal())
    n = len(history.actors)

    def maxima(rows: int, threads: int) -> np.ndarray:
        monkeypatch.setattr(matrices, "MAXIMA_ROWS", rows)
        monkeypatch.setattr(matrices, "_threads", lambda: threads)
        return matrices._row_maxima(snap.linked, snap.aa_weight, snap.ra_weight, snap.known)

    alone = maxima(256, 1)  # one block, one thread
    # Blocks of two actors on three threads: the very same numbers.
    np.testing.assert_array_equal(maxima(6, 3), alone)
    every = R.row_features(snap, np.arange(n))
    expected = np.zeros((n, 3))
    for u in np.flatnonzero(snap.known & (snap.partners > 0)):
        others = np.arange(n) != u
        for column, name in enumerate(("common_partners", "adamic_adar", "resource_allocation")):
            expected[u, column] = every[u, others, R.COLUMN[name]].max()
    np.testing.assert_allclose(alone, expected, rtol=1e-6)  # the features are float32
    assert (alone[:, 0] >= 1).sum() > 3  # the test town has actors with partners in common


@pytest.mark.parametrize(
    ("told", "most"),
    [("100000 100000", 1), ("150000 100000", 2), ("max 100000", 4), ("junk", 4), (None, 4)],
)
def test_the_maxima_threads_keep_to_a_containers_cpu_quota(tmp_path, told, most):
    import os

    from ecosystem.analysis.ranker import matrices

    quota = tmp_path / "cpu.max"
    if told is not None:
        quota.write_text(told + "\n", encoding="ascii")
    cores = len(os.sched_getaffinity(0))
    assert matrices._threads(quota) == max(1, min(most, cores, 4))
