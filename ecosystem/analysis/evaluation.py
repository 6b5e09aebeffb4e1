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

from ecosystem.analysis.ranker import (
    COLUMN,
    FEATURES,
    HEURISTICS,
    History,
    RankerSettings,
    Snapshot,
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


Scorer = Callable[[np.ndarray], np.ndarray]


def _scorers(classifier: Any, rng: np.random.Generator) -> dict[str, Scorer]:
    def random_scores(x: np.ndarray) -> np.ndarray:
        return np.asarray(rng.random(x.shape[0]))

    scorers: dict[str, Scorer] = {"random": random_scores}
    scorers.update(HEURISTICS)
    if classifier is not None:
        scorers["ranker"] = classifier.decision_function
    return scorers


def _known_pairs(positives: set[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.array(sorted(positives), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def _random_negatives(
    snap: Snapshot, positives: set[tuple[int, int]], count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    known = np.flatnonzero(snap.known)
    first: list[int] = []
    second: list[int] = []
    seen: set[tuple[int, int]] = set()
    while len(first) < count:
        a = rng.choice(known, count)
        b = rng.choice(known, count)
        for u, v in zip(a.tolist(), b.tolist(), strict=True):
            pair = (min(u, v), max(u, v))
            if u == v or pair in seen or pair in positives or snap.together[u, v]:
                continue
            seen.add(pair)
            first.append(pair[0])
            second.append(pair[1])
            if len(first) == count:
                break
    return np.array(first, dtype=np.int64), np.array(second, dtype=np.int64)


def _hard_negatives(
    snap: Snapshot,
    positives: set[tuple[int, int]],
    count: int,
    rng: np.random.Generator,
    per_actor: int = 50,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs the heuristics rank high that do not form: each sampled actor's best candidates by
    Adamic-Adar and by resource allocation."""
    known = np.flatnonzero(snap.known & (snap.partners > 0))
    actors = rng.permutation(known)
    chosen: set[tuple[int, int]] = set()
    for lo in range(0, actors.size, 32):
        rows = actors[lo : lo + 32]
        features = row_features(snap, rows)
        mask = candidate_mask(snap, rows)
        for j, u in enumerate(rows.tolist()):
            for column in ("adamic_adar", "resource_allocation"):
                values = np.where(mask[j], features[j, :, COLUMN[column]], -1.0)
                for v in np.argsort(-values, kind="stable")[:per_actor].tolist():
                    pair = (min(u, v), max(u, v))
                    if values[v] > 0 and pair not in positives:
                        chosen.add(pair)
        if len(chosen) >= count:
            break
    picked = sorted(chosen)
    if len(picked) > count:
        picked = [picked[i] for i in sorted(rng.choice(len(picked), count, replace=False))]
    pairs = np.array(picked, dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def _seed_rows(
    snap: Snapshot, positives: set[tuple[int, int]], count: int, rng: np.random.Generator
) -> tuple[np.ndarray, dict[int, set[int]]]:
    gained: dict[int, set[int]] = {}
    for a, b in positives:
        gained.setdefault(a, set()).add(b)
        gained.setdefault(b, set()).add(a)
    actors = np.array(sorted(gained), dtype=np.int64)
    if actors.size > count:
        actors = np.sort(rng.choice(actors, count, replace=False))
    return actors, gained


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
    clock = time.perf_counter()
    rng = np.random.default_rng(protocol.seed)
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 1)
        clock = now

    # 1. Fit on (train -> valid], choose settings on (valid -> test].
    say("features and first collaborations for the training year")
    train_snap = snapshot(history, split.train)
    train_pairs = new_pairs(history, split.train, split.valid)
    train_data = training_set(
        train_snap, train_pairs, seeds=protocol.train_seeds, seed=protocol.seed
    )
    valid_snap = snapshot(history, split.valid)
    valid_pairs = new_pairs(history, split.valid, split.test)
    valid_seeds, valid_gained = _seed_rows(valid_snap, valid_pairs, protocol.valid_seeds, rng)
    lap("training year")
    tuning: list[dict[str, Any]] = []
    for settings in protocol.grid:
        say(f"fitting on the training year: {settings.describe()}")
        classifier = fit_classifier(train_data, settings)
        result = rank_rows(
            valid_snap,
            valid_pairs,
            {"ranker": classifier.decision_function},
            valid_seeds,
            valid_gained,
            k=protocol.k,
            seed=protocol.seed,
        )["ranker"]
        tuning.append(
            {
                "settings": settings.describe(),
                "mrr": float(np.mean(result["reciprocal"])),
                "precision": float(np.mean(result["precision"])),
            }
        )
    best = max(range(len(tuning)), key=lambda i: float(tuning[i]["mrr"]))
    chosen = protocol.grid[best]
    heuristic_valid = rank_rows(
        valid_snap,
        valid_pairs,
        dict(HEURISTICS),
        valid_seeds,
        valid_gained,
        k=protocol.k,
        seed=protocol.seed,
    )
    heuristic_mrr = {
        name: float(np.mean(values["reciprocal"])) for name, values in heuristic_valid.items()
    }
    lap("validation year")

    # 2. Fit again one year later with the chosen settings: (valid -> test].
    say(f"fitting on the validation year with {chosen.describe()}")
    final_data = training_set(
        valid_snap, valid_pairs, seeds=protocol.train_seeds, seed=protocol.seed + 1
    )
    classifier = fit_classifier(final_data, chosen)
    importance = _importance(classifier)
    lap("final fit")

    # 3. Test: features on the test day, targets after it.
    say("test: first collaborations after the cut-off")
    test_snap = snapshot(history, split.test)
    all_new = new_pairs_any(history, split.test, split.end)
    test_pairs = new_pairs(history, split.test, split.end)
    newcomer_pairs = len(all_new) - len(test_pairs)
    scorers = _scorers(classifier, np.random.default_rng(protocol.seed + 7))
    first, second = _known_pairs(test_pairs)
    say(f"features of {first.size:,} test pairs")
    x_positive = pair_features(test_snap, first, second)
    negative_first, negative_second = _random_negatives(
        test_snap, test_pairs, protocol.negatives, rng
    )
    x_negative = pair_features(test_snap, negative_first, negative_second)
    say("hard negatives")
    hard_first, hard_second = _hard_negatives(test_snap, test_pairs, protocol.hard_negatives, rng)
    x_hard = pair_features(test_snap, hard_first, hard_second)
    lap("test pairs")
    hits: dict[str, dict[str, float]] = {}
    for name, scorer in scorers.items():
        positive = scorer(x_positive)
        hits[name] = {
            "hits": hits_at(positive, scorer(x_negative), protocol.hits_k),
            "hits_hard": hits_at(positive, scorer(x_hard), protocol.hits_k),
        }
    common = x_positive[:, COLUMN["common_partners"]]
    three = x_positive[:, COLUMN["paths_of_three"]]
    reach = {
        "within_2": float(np.mean(common > 0)) if common.size else 0.0,
        "within_3": float(np.mean((common > 0) | (three > 0))) if common.size else 0.0,
    }
    say("ranking every candidate of the seeded actors")
    seeds, gained = _seed_rows(test_snap, test_pairs, protocol.seeds, rng)
    rows = rank_rows(
        test_snap,
        test_pairs,
        scorers,
        seeds,
        gained,
        k=protocol.k,
        network_k=protocol.network_k,
        seed=protocol.seed,
        progress=say,
    )
    lap("ranking seeded actors")
    little = np.array([test_snap.venues[u] <= 2 for u in seeds.tolist()])
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
    candidates = int(candidate_mask(test_snap, seeds[:1]).sum()) if seeds.size else 0
    return {
        "split": {
            name: date.fromordinal(getattr(split, name)).isoformat()
            for name in ("train", "valid", "test", "end")
        },
        "actors": len(history.actors),
        "participations": int(history.actor.size),
        "known_at_test": int(test_snap.known.sum()),
        "links_at_test": int(test_snap.linked.nnz // 2),
        "train_rows": int(train_data.labels.size),
        "train_positive": int(train_data.positives),
        "final_rows": int(final_data.labels.size),
        "final_positive": int(final_data.positives),
        "train_pairs": len(train_pairs),
        "valid_pairs": len(valid_pairs),
        "test_pairs": len(test_pairs),
        "newcomer_pairs": newcomer_pairs,
        "negatives": int(negative_first.size),
        "hard_negatives": int(hard_first.size),
        "seeds": int(seeds.size),
        "seeds_little": int(little.sum()),
        "candidates_per_seed": candidates,
        "reach": reach,
        "tuning": tuning,
        "chosen": chosen.describe(),
        "heuristic_valid_mrr": heuristic_mrr,
        "methods": methods,
        "importance": importance,
        "timings": timings,
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


def new_pairs_any(history: History, start: int, end: int) -> set[tuple[int, int]]:
    """Every pair first together in ``(start, end]``, newcomers included (for counting them)."""
    window = (history.day > start) & (history.day <= end)
    by_venue: dict[int, set[int]] = {}
    for a, v in zip(history.actor[window].tolist(), history.venue[window].tolist(), strict=True):
        by_venue.setdefault(v, set()).add(a)
    from ecosystem.analysis.ranker import snapshot_links

    past = snapshot_links(history, start)
    found: set[tuple[int, int]] = set()
    for members in by_venue.values():
        group = sorted(members)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a, b) not in past:
                    found.add((a, b))
    return found


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
