"""The pairs and actors the evaluation scores (:mod:`ecosystem.analysis.evaluation`): the first
collaborations of a period, random and hard negatives, the seeded actors whose candidates are
ranked; and the scorers it compares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ecosystem.analysis.ranker import (
    COLUMN,
    HEURISTICS,
    History,
    Snapshot,
    candidate_mask,
    row_features,
    snapshot_links,
)
from ecosystem.analysis.ranker.model import gaining_actors

Scorer = Callable[[np.ndarray], np.ndarray]


def scorers_of(classifier: Any, rng: np.random.Generator) -> dict[str, Scorer]:
    """The scorers compared: random (drawn from ``rng``), each heuristic, and the fitted
    ``classifier`` when there is one."""

    def random_scores(x: np.ndarray) -> np.ndarray:
        return np.asarray(rng.random(x.shape[0]))

    scorers: dict[str, Scorer] = {"random": random_scores}
    scorers.update(HEURISTICS)
    if classifier is not None:
        scorers["ranker"] = classifier.decision_function
    return scorers


def known_pairs(positives: set[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The two ends of each pair, in order."""
    pairs = np.array(sorted(positives), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def random_negatives(
    snap: Snapshot, positives: set[tuple[int, int]], count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` distinct pairs of known actors drawn at random that never worked together and
    are not in ``positives``."""
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


def hard_negatives(
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


def seed_rows(
    snap: Snapshot, positives: set[tuple[int, int]], count: int, rng: np.random.Generator
) -> tuple[np.ndarray, dict[int, set[int]]]:
    """Up to ``count`` actors that gain partners in ``positives`` (drawn at random when there
    are more), and the partners each actor gains."""
    return gaining_actors(positives, count, rng)


def new_pairs_any(history: History, start: int, end: int) -> set[tuple[int, int]]:
    """Every pair first together in ``(start, end]``, newcomers included (for counting them)."""
    window = (history.day > start) & (history.day <= end)
    by_venue: dict[int, set[int]] = {}
    for a, v in zip(history.actor[window].tolist(), history.venue[window].tolist(), strict=True):
        by_venue.setdefault(v, set()).add(a)
    past = snapshot_links(history, start)
    found: set[tuple[int, int]] = set()
    for members in by_venue.values():
        group = sorted(members)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a, b) not in past:
                    found.add((a, b))
    return found
