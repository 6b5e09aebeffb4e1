"""How well partner suggestions foresee who works together next: a time machine on real history.

The protocol follows the OGB ``ogbl-collab`` benchmark, which splits co-authorships by year:

- features come from what was known on a cut-off day (:meth:`History.until`); the targets are
  the pairs of actors, both known by then and never together before, that first share a venue
  dated after it (:func:`~ecosystem.analysis.ranker.new_pairs`);
- the learned ranker is fitted on one year of such pairs, its settings chosen on the next year
  (the validation year), and it is then fitted again with those settings one year later and
  tested on the years after the test cut-off, which no choice has seen.

Metrics (:func:`hits_at`, :func:`row_metrics`):

- **Hits@50**: the share of test pairs that score above the 50th best of 100,000 random pairs
  that never work together (the OGB protocol), and the same against hard negatives (pairs that
  the heuristics rank high for an actor, and that do not form);
- **per-actor precision@10 and MRR**: for each of ``seeds`` actors that gain new partners, all
  its candidates (every known actor it never worked with) ranked; the share of the top ten that
  become partners, and one over the rank of the first that does. Ties are broken at random;
- **network-wide precision@100**: the 100 best pairs of all those rows together;
- **reach**: the share of test pairs within two and within three steps of the actor projection
  (a neighbourhood search cannot find the others);
- newcomers (actors first seen after the cut-off) cannot be ranked by anyone and are counted
  apart, as are actors with one or two venues behind them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ecosystem.analysis.evaluation_pairs import (
    Scorer,
    hard_negatives,
    known_pairs,
    new_pairs_any,
    random_negatives,
    scorers_of,
    seed_rows,
)
from ecosystem.analysis.ranker import (
    COLUMN,
    FEATURES,
    HEURISTICS,
    History,
    RankerSettings,
    Snapshot,
    TrainingSet,
    candidate_mask,
    fit_classifier,
    new_pairs,
    pair_features,
    row_features,
    snapshot,
    training_set,
)

Progress = Callable[[str], None]


def hits_at(positive: np.ndarray, negative: np.ndarray, k: int = 50) -> float:
    """The share of ``positive`` scores strictly above the ``k``-th best ``negative`` score.

    >>> hits_at(np.array([3.0, 1.0]), np.array([2.0, 0.5, 0.1]), k=1)
    0.5
    """
    if positive.size == 0:
        return float("nan")
    if negative.size < k:
        return 1.0
    threshold = np.partition(negative, negative.size - k)[negative.size - k]
    return float(np.mean(positive > threshold))


def row_metrics(
    scores: np.ndarray, relevant: np.ndarray, rng: np.random.Generator, k: int = 10
) -> tuple[float, float, np.ndarray]:
    """Precision@``k`` and reciprocal rank of one actor's candidates, ties broken by ``rng``;
    also the order (best first).

    >>> p, rr, _ = row_metrics(np.array([0.1, 0.9, 0.5]), np.array([False, False, True]),
    ...                        np.random.default_rng(0), k=2)
    >>> p, rr
    (0.5, 0.5)
    """
    order = np.lexsort((rng.random(scores.size), -scores))
    hits = relevant[order]
    found = np.flatnonzero(hits)
    reciprocal = 1.0 / (found[0] + 1) if found.size else 0.0
    return float(hits[:k].sum() / k), float(reciprocal), order


@dataclass(frozen=True)
class Split:
    """The days of the time machine (ordinal days, :func:`datetime.date.toordinal`)."""

    train: int  # features for fitting; labels in (train, valid]
    valid: int  # features for validation; labels in (valid, test]
    test: int  # features for testing; labels in (test, end]
    end: int

    @classmethod
    def years(cls, train: int, valid: int, test: int, end: date) -> Split:
        return cls(
            date(train, 12, 31).toordinal(),
            date(valid, 12, 31).toordinal(),
            date(test, 12, 31).toordinal(),
            end.toordinal(),
        )


@dataclass(frozen=True)
class Protocol:
    seeds: int = 1000
    valid_seeds: int = 200
    negatives: int = 100_000
    hard_negatives: int = 100_000
    train_seeds: int = 1500
    k: int = 10
    network_k: int = 100
    hits_k: int = 50
    seed: int = 0
    grid: tuple[RankerSettings, ...] = field(
        default=(
            RankerSettings(max_iter=100, max_leaf_nodes=31),
            RankerSettings(max_iter=100, max_leaf_nodes=63, learning_rate=0.05),
        )
    )


def rank_rows(
    snap: Snapshot,
    positives: set[tuple[int, int]],
    scorers: dict[str, Scorer],
    seeds: np.ndarray,
    gained: dict[int, set[int]],
    *,
    k: int = 10,
    network_k: int = 100,
    seed: int = 0,
    block: int = 32,
    progress: Progress | None = None,
) -> dict[str, dict[str, Any]]:
    """Per-actor precision@k and MRR (each actor's candidates: every known actor it never worked
    with) and network-wide precision over the pooled rows, for every scorer."""
    out: dict[str, dict[str, Any]] = {
        name: {"precision": [], "reciprocal": [], "top": []} for name in scorers
    }
    for lo in range(0, seeds.size, block):
        rows = seeds[lo : lo + block]
        features = row_features(snap, rows)
        mask = candidate_mask(snap, rows)
        candidates = [np.flatnonzero(mask[j]) for j in range(rows.size)]
        stacked = np.concatenate([features[j, c] for j, c in enumerate(candidates)])
        bounds = np.cumsum([0] + [c.size for c in candidates])
        for name, scorer in scorers.items():
            all_scores = np.asarray(scorer(stacked), dtype=np.float64)
            for j, u in enumerate(rows.tolist()):
                found = candidates[j]
                relevant = np.isin(found, list(gained[u]))
                scores = all_scores[bounds[j] : bounds[j + 1]]
                rng = np.random.default_rng([seed, u])
                precision, reciprocal, order = row_metrics(scores, relevant, rng, k)
                out[name]["precision"].append(precision)
                out[name]["reciprocal"].append(reciprocal)
                out[name]["top"] += [
                    (
                        float(scores[i]),
                        bool(relevant[i]),
                        min(u, int(found[i])),
                        max(u, int(found[i])),
                    )
                    for i in order[:network_k].tolist()
                ]
        for name in scorers:
            top = sorted(set(out[name]["top"]), key=lambda t: (-t[0], t[2], t[3]))
            out[name]["top"] = top[:network_k]
        if progress is not None:
            progress(f"ranked {min(lo + block, seeds.size)} of {seeds.size} actors")
    return out


def evaluate(
    history: History,
    split: Split,
    protocol: Protocol = Protocol(),
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The whole evaluation: tuning on the validation year, then every metric on the test years.

    Returns plain figures (see the module docstring) with the counts behind them.
    """
    say = progress or (lambda _message: None)
    lap = _Laps()
    rng = np.random.default_rng(protocol.seed)
    # 1. Fit on (train -> valid], choose settings on (valid -> test].
    tuned = _tune(history, split, protocol, rng, say, lap)
    # 2. Fit again one year later with the chosen settings: (valid -> test].
    say(f"fitting on the validation year with {tuned.chosen.describe()}")
    final_data = training_set(
        tuned.valid_snap, tuned.valid_pairs, seeds=protocol.train_seeds, seed=protocol.seed + 1
    )
    classifier = fit_classifier(final_data, tuned.chosen)
    importance = _importance(classifier)
    lap("final fit")
    # 3. Test: features on the test day, targets after it.
    test = _test_pairs(history, split, protocol, rng, say)
    lap("test pairs")
    scorers = scorers_of(classifier, np.random.default_rng(protocol.seed + 7))
    hits = _hits(scorers, test, protocol.hits_k)
    say("ranking every candidate of the seeded actors")
    seeds, gained = seed_rows(test.snap, test.pairs, protocol.seeds, rng)
    rows = rank_rows(
        test.snap,
        test.pairs,
        scorers,
        seeds,
        gained,
        k=protocol.k,
        network_k=protocol.network_k,
        seed=protocol.seed,
        progress=say,
    )
    lap("ranking seeded actors")
    little = np.array([test.snap.venues[u] <= 2 for u in seeds.tolist()])
    return {
        **_counts(history, split, tuned, final_data, test, seeds, little),
        "reach": _reach(test.positive),
        "tuning": tuned.tuning,
        "chosen": tuned.chosen.describe(),
        "heuristic_valid_mrr": tuned.heuristic_mrr,
        "methods": _method_figures(rows, hits, little),
        "importance": importance,
        "timings": lap.timings,
        "protocol": {
            "seeds": protocol.seeds,
            "valid_seeds": protocol.valid_seeds,
            "train_seeds": protocol.train_seeds,
            "k": protocol.k,
            "network_k": protocol.network_k,
            "hits_k": protocol.hits_k,
            "seed": protocol.seed,
        },
    }


class _Laps:
    """Seconds taken by each step of the evaluation, rounded to a tenth (``timings``)."""

    def __init__(self) -> None:
        self.clock = time.perf_counter()
        self.timings: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.clock, 1)
        self.clock = now


@dataclass(frozen=True)
class _Tuned:
    """The training and validation years, and the settings the validation year chose."""

    train_data: TrainingSet
    train_pairs: set[tuple[int, int]]
    valid_snap: Snapshot
    valid_pairs: set[tuple[int, int]]
    tuning: list[dict[str, Any]]
    chosen: RankerSettings
    heuristic_mrr: dict[str, float]


@dataclass(frozen=True)
class _TestPairs:
    """The test day's snapshot, its first collaborations and the features of the pairs scored
    for Hits@k: the test pairs, the random negatives and the hard negatives."""

    snap: Snapshot
    pairs: set[tuple[int, int]]
    newcomer_pairs: int
    positive: np.ndarray
    negative: np.ndarray
    hard: np.ndarray
    negatives: int
    hard_negatives: int


def _tune(
    history: History,
    split: Split,
    protocol: Protocol,
    rng: np.random.Generator,
    say: Progress,
    lap: _Laps,
) -> _Tuned:
    """Fit each of the protocol's settings on the training year; the validation year chooses
    the one of highest MRR and ranks the heuristics."""
    say("features and first collaborations for the training year")
    train_snap = snapshot(history, split.train)
    train_pairs = new_pairs(history, split.train, split.valid)
    train_data = training_set(
        train_snap, train_pairs, seeds=protocol.train_seeds, seed=protocol.seed
    )
    valid_snap = snapshot(history, split.valid)
    valid_pairs = new_pairs(history, split.valid, split.test)
    valid_seeds, valid_gained = seed_rows(valid_snap, valid_pairs, protocol.valid_seeds, rng)
    lap("training year")

    def valid_rows(scorers: dict[str, Scorer]) -> dict[str, dict[str, Any]]:
        return rank_rows(
            valid_snap,
            valid_pairs,
            scorers,
            valid_seeds,
            valid_gained,
            k=protocol.k,
            seed=protocol.seed,
        )

    tuning: list[dict[str, Any]] = []
    for settings in protocol.grid:
        say(f"fitting on the training year: {settings.describe()}")
        classifier = fit_classifier(train_data, settings)
        result = valid_rows({"ranker": classifier.decision_function})["ranker"]
        tuning.append(
            {
                "settings": settings.describe(),
                "mrr": float(np.mean(result["reciprocal"])),
                "precision": float(np.mean(result["precision"])),
            }
        )
    best = max(range(len(tuning)), key=lambda i: float(tuning[i]["mrr"]))
    heuristic_mrr = {
        name: float(np.mean(values["reciprocal"]))
        for name, values in valid_rows(dict(HEURISTICS)).items()
    }
    lap("validation year")
    return _Tuned(
        train_data=train_data,
        train_pairs=train_pairs,
        valid_snap=valid_snap,
        valid_pairs=valid_pairs,
        tuning=tuning,
        chosen=protocol.grid[best],
        heuristic_mrr=heuristic_mrr,
    )


def _test_pairs(
    history: History, split: Split, protocol: Protocol, rng: np.random.Generator, say: Progress
) -> _TestPairs:
    """The first collaborations after the test cut-off, and the negatives they are set
    against, with their features on the test day."""
    say("test: first collaborations after the cut-off")
    test_snap = snapshot(history, split.test)
    all_new = new_pairs_any(history, split.test, split.end)
    test_pairs = new_pairs(history, split.test, split.end)
    first, second = known_pairs(test_pairs)
    say(f"features of {first.size:,} test pairs")
    x_positive = pair_features(test_snap, first, second)
    negative_first, negative_second = random_negatives(
        test_snap, test_pairs, protocol.negatives, rng
    )
    x_negative = pair_features(test_snap, negative_first, negative_second)
    say("hard negatives")
    hard_first, hard_second = hard_negatives(test_snap, test_pairs, protocol.hard_negatives, rng)
    x_hard = pair_features(test_snap, hard_first, hard_second)
    return _TestPairs(
        snap=test_snap,
        pairs=test_pairs,
        newcomer_pairs=len(all_new) - len(test_pairs),
        positive=x_positive,
        negative=x_negative,
        hard=x_hard,
        negatives=int(negative_first.size),
        hard_negatives=int(hard_first.size),
    )


def _hits(scorers: dict[str, Scorer], test: _TestPairs, k: int) -> dict[str, dict[str, float]]:
    """Each scorer's Hits@k against the random and against the hard negatives."""
    hits: dict[str, dict[str, float]] = {}
    for name, scorer in scorers.items():
        positive = scorer(test.positive)
        hits[name] = {
            "hits": hits_at(positive, scorer(test.negative), k),
            "hits_hard": hits_at(positive, scorer(test.hard), k),
        }
    return hits


def _reach(x_positive: np.ndarray) -> dict[str, float]:
    """The share of test pairs within two and within three steps of each other."""
    common = x_positive[:, COLUMN["common_partners"]]
    three = x_positive[:, COLUMN["paths_of_three"]]
    return {
        "within_2": float(np.mean(common > 0)) if common.size else 0.0,
        "within_3": float(np.mean((common > 0) | (three > 0))) if common.size else 0.0,
    }


def _method_figures(
    rows: dict[str, dict[str, Any]], hits: dict[str, dict[str, float]], little: np.ndarray
) -> dict[str, dict[str, float]]:
    """Each scorer's figures: its hits, per-actor precision and MRR (overall, for actors with
    ``little`` behind them and for the others) and network-wide precision."""
    methods: dict[str, dict[str, float]] = {}
    for name, values in rows.items():
        precision = np.array(values["precision"])
        reciprocal = np.array(values["reciprocal"])
        methods[name] = {
            **hits[name],
            "precision": float(precision.mean()),
            "mrr": float(reciprocal.mean()),
            "network_precision": float(np.mean([t[1] for t in values["top"]]))
            if values["top"]
            else 0.0,
            "precision_little": float(precision[little].mean()) if little.any() else float("nan"),
            "mrr_little": float(reciprocal[little].mean()) if little.any() else float("nan"),
            "precision_established": float(precision[~little].mean())
            if (~little).any()
            else float("nan"),
            "mrr_established": float(reciprocal[~little].mean())
            if (~little).any()
            else float("nan"),
        }
    return methods


def _counts(
    history: History,
    split: Split,
    tuned: _Tuned,
    final_data: TrainingSet,
    test: _TestPairs,
    seeds: np.ndarray,
    little: np.ndarray,
) -> dict[str, Any]:
    """The days of the split and the counts behind the figures."""
    return {
        "split": {
            name: date.fromordinal(getattr(split, name)).isoformat()
            for name in ("train", "valid", "test", "end")
        },
        "actors": len(history.actors),
        "participations": int(history.actor.size),
        "known_at_test": int(test.snap.known.sum()),
        "links_at_test": int(test.snap.linked.nnz // 2),
        "train_rows": int(tuned.train_data.labels.size),
        "train_positive": int(tuned.train_data.positives),
        "final_rows": int(final_data.labels.size),
        "final_positive": int(final_data.positives),
        "train_pairs": len(tuned.train_pairs),
        "valid_pairs": len(tuned.valid_pairs),
        "test_pairs": len(test.pairs),
        "newcomer_pairs": test.newcomer_pairs,
        "negatives": test.negatives,
        "hard_negatives": test.hard_negatives,
        "seeds": int(seeds.size),
        "seeds_little": int(little.sum()),
        "candidates_per_seed": (
            int(candidate_mask(test.snap, seeds[:1]).sum()) if seeds.size else 0
        ),
    }


def _importance(classifier: Any) -> dict[str, float]:
    from ecosystem.analysis.ranker import tree_model

    model = tree_model(classifier)
    return {name: float(value) for name, value in zip(FEATURES, model.importance, strict=True)}


def best_heuristic(figures: dict[str, dict[str, float]], metric: str) -> tuple[str, float]:
    """The heuristic (not random, not the ranker) with the highest ``metric``."""
    name = max(
        (n for n in figures if n not in ("random", "ranker")), key=lambda n: figures[n][metric]
    )
    return name, figures[name][metric]


def ratios(figures: dict[str, dict[str, float]], metrics: Sequence[str]) -> dict[str, dict]:
    """For each metric: the ranker's figure, the best heuristic's, and their ratio."""
    out = {}
    for metric in metrics:
        name, value = best_heuristic(figures, metric)
        mine = figures["ranker"][metric]
        out[metric] = {
            "ranker": mine,
            "best": name,
            "best_value": value,
            "ratio": mine / value if value else float("inf"),
        }
    return out
