"""The learned ranker: training rows from first collaborations, gradient-boosted trees kept
as arrays (:class:`TreeModel`), and what each feature group lifts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ecosystem.analysis.ranker.features import COLUMN, FEATURES, candidate_mask, row_block
from ecosystem.analysis.ranker.history import DAY_PER_YEAR, UNDATED, History
from ecosystem.analysis.ranker.matrices import Snapshot, snapshot

# --- the learned ranker ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingSet:
    """Rows to learn from; ``weights`` make the sampled negatives stand for all of them."""

    features: np.ndarray
    labels: np.ndarray
    seeds: int
    positives: int
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))


def new_pairs(history: History, start: int, end: int) -> set[tuple[int, int]]:
    """Pairs of actors that share a venue on a day in ``(start, end]`` and none on or before
    ``start``; both actors known by ``start``. (u < v.)"""
    snap_known = history.until(start)
    known = np.zeros(len(history.actors), dtype=bool)
    known[snap_known.actor] = True
    window = (history.day > start) & (history.day <= end)
    by_venue: dict[int, list[int]] = {}
    for a, v in zip(history.actor[window].tolist(), history.venue[window].tolist(), strict=True):
        if known[a]:
            by_venue.setdefault(v, []).append(a)
    # A venue may have known participants from before the window too: they meet the new ones.
    before = (history.day <= start) & (history.day != UNDATED)
    earlier: dict[int, set[int]] = {}
    for a, v in zip(history.actor[before].tolist(), history.venue[before].tolist(), strict=True):
        if v in by_venue:
            earlier.setdefault(v, set()).add(a)
    past = snapshot_links(history, start)
    found: set[tuple[int, int]] = set()
    for v, members in by_venue.items():
        group = sorted(set(members) | earlier.get(v, set()))
        fresh = set(members)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a in fresh or b in fresh) and (a, b) not in past:
                    found.add((a, b))
    return found


def snapshot_links(history: History, day: int) -> set[tuple[int, int]]:
    """Pairs (u < v) that shared a venue by ``day``."""
    import scipy.sparse as sp

    past = history.until(day)
    n, m = len(history.actors), len(history.venues)
    incidence = sp.csr_matrix((np.ones(past.actor.size), (past.actor, past.venue)), shape=(n, m))
    together = sp.triu(incidence @ incidence.T, k=1).tocoo()
    return set(zip(together.row.tolist(), together.col.tolist(), strict=True))


def gaining_actors(
    positives: set[tuple[int, int]], count: int, rng: np.random.Generator
) -> tuple[np.ndarray, dict[int, set[int]]]:
    """Up to ``count`` actors that gain partners in ``positives`` (drawn by ``rng`` when there
    are more), in id order, and the partners each actor gains."""
    gained: dict[int, set[int]] = {}
    for a, b in positives:
        gained.setdefault(a, set()).add(b)
        gained.setdefault(b, set()).add(a)
    actors = np.array(sorted(gained), dtype=np.int64)
    if actors.size > count:
        actors = np.sort(rng.choice(actors, count, replace=False))
    return actors, gained


def training_set(
    snap: Snapshot,
    positives: set[tuple[int, int]],
    *,
    seeds: int = 1500,
    random_negatives: int = 200,
    hard_negatives: int = 200,
    seed: int = 0,
    block: int = 32,
) -> TrainingSet:
    """Rows to learn from: for up to ``seeds`` actors that gain partners, every new partner
    (label 1) and, from the actors they did not start working with, the ``hard_negatives`` best
    by Adamic-Adar and ``random_negatives`` drawn at random from the rest (label 0).

    Each random negative is weighted by how many of the rest it stands for, so that the trees
    learn the odds among *all* candidates (unweighted, the over-sampled best-by-Adamic-Adar
    negatives would teach that a high Adamic-Adar is a bad sign). Negative weights are then
    scaled by one constant, five negatives' weight to a positive, which moves every log-odds by
    the same amount and leaves the ranking alone."""
    rng = np.random.default_rng(seed)
    chosen, gained = gaining_actors(positives, seeds, rng)
    blocks_x, blocks_y, blocks_w = [], [], []
    for lo in range(0, chosen.size, block):
        rows = chosen[lo : lo + block]
        pairs = row_block(snap, rows)
        # Adamic-Adar as the features hold it (float32), so that ties rank as they do there.
        adamic_adar = pairs.figures["adamic_adar"].astype(np.float32)
        mask = candidate_mask(snap, rows)
        for j, u in enumerate(rows.tolist()):
            good = np.array(sorted(gained[u]), dtype=np.int64)
            good = good[mask[j, good]]
            pool = mask[j].copy()
            pool[good] = False
            candidates = np.flatnonzero(pool)
            if candidates.size == 0 or good.size == 0:
                continue
            ranked = np.argsort(-adamic_adar[j, candidates], kind="stable")
            hard = candidates[ranked[:hard_negatives]]
            rest = candidates[ranked[hard_negatives:]]
            picked = rng.choice(rest, min(random_negatives, rest.size), replace=False)
            blocks_x.append(pairs.of(j, np.concatenate([good, hard, picked])))
            blocks_y += [np.ones(good.size), np.zeros(hard.size), np.zeros(picked.size)]
            blocks_w += [
                np.ones(good.size),
                np.ones(hard.size),
                np.full(picked.size, rest.size / max(picked.size, 1)),
            ]
    if not blocks_x:
        return TrainingSet(np.zeros((0, len(FEATURES)), np.float32), np.zeros(0), 0, 0)
    labels = np.concatenate(blocks_y)
    weights = np.concatenate(blocks_w)
    negative = labels == 0
    if negative.any() and labels.sum() > 0:
        weights[negative] *= 5.0 * labels.sum() / weights[negative].sum()
    return TrainingSet(
        np.concatenate(blocks_x), labels, int(chosen.size), int(labels.sum()), weights
    )


@dataclass(frozen=True)
class RankerSettings:
    """How the trees are grown (the validation year chooses among a few)."""

    learning_rate: float = 0.1
    max_iter: int = 200
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 40
    l2_regularization: float = 1.0
    seed: int = 0

    def describe(self) -> str:
        return (
            f"{self.max_iter} trees of up to {self.max_leaf_nodes} leaves, learning rate "
            f"{self.learning_rate}"
        )


@dataclass(frozen=True)
class _Walk:
    """A :class:`TreeModel`'s nodes as :meth:`TreeModel.decision` walks them: each leaf its own
    two children (reading feature 0 against an infinite threshold), and each tree's depth.

    For rows with no missing value the walk compares small integer *codes* instead of the
    values: a value's code is how many of the thresholds its feature is split at lie below it
    (``tables``), so ``x <= threshold`` exactly when ``code(x) <= code(threshold)``, and the
    codes of a block of rows take an eighth of the memory its values do."""

    feature: np.ndarray
    threshold: np.ndarray
    missing_right: np.ndarray
    children: np.ndarray  # node i's left child at 2i, its right child at 2i + 1
    depth: np.ndarray  # per tree: the most steps from its root to a leaf
    roots: np.ndarray
    tables: tuple[np.ndarray, ...]  # per feature: the thresholds it is split at, ascending
    code: np.ndarray  # per node: its threshold's code (a leaf: above every code)

    @classmethod
    def of(cls, model: TreeModel) -> _Walk:
        nodes = np.arange(model.feature.size, dtype=np.intp)
        left = np.where(model.leaf, nodes, model.left).astype(np.intp)
        right = np.where(model.leaf, nodes, model.right).astype(np.intp)
        children = np.stack([left, right], axis=1).ravel()
        feature = np.where(model.leaf, 0, model.feature).astype(np.intp)
        inner = ~model.leaf
        tables = tuple(
            np.unique(model.threshold[inner & (model.feature == f)])
            for f in range(model.importance.size)
        )
        widest = max((table.size for table in tables), default=0)
        kind = next(k for k in (np.uint8, np.uint16, np.uint32) if widest < np.iinfo(k).max)
        code = np.full(nodes.size, np.iinfo(kind).max, dtype=kind)
        for f, table in enumerate(tables):
            at = np.flatnonzero(inner & (model.feature == f))
            code[at] = np.searchsorted(table, model.threshold[at])
        roots = model.roots.astype(np.intp)
        return cls(
            feature=feature,
            threshold=np.where(model.leaf, np.inf, model.threshold),
            missing_right=~model.missing_left | model.leaf,
            children=children,
            depth=_depths(children, roots, model.leaf),
            roots=roots,
            tables=tables,
            code=code,
        )

    def codes(self, x: np.ndarray) -> np.ndarray:
        """The codes of the values ``x`` (no missing value among them), as :attr:`code` reads."""
        out = np.empty(x.shape, dtype=self.code.dtype)
        for f in range(x.shape[1]):
            table = self.tables[f] if f < len(self.tables) else np.zeros(0)
            out[:, f] = np.searchsorted(table, x[:, f], side="left")
        return out

    def settled(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The roots, children and depths of the trees with every split on a feature that has
        the same code in all ``codes`` rows (an actor's own figures, in a list of its
        candidates) taken once for all of them: the walk skips those nodes."""
        first = codes[0]
        constant = (codes == first).all(axis=0)
        nodes = np.arange(self.feature.size, dtype=np.intp)
        leaf = self.children[2 * nodes] == nodes
        fixed = ~leaf & constant[self.feature]
        if not fixed.any():
            return self.roots, self.children, self.depth
        go_right = first[self.feature] > self.code
        skip = np.where(fixed, self.children[2 * nodes + go_right], nodes)
        while True:  # follow chains of settled splits, doubling the steps each round
            further = skip[skip]
            if np.array_equal(further, skip):
                break
            skip = further
        children = skip[self.children]
        roots = skip[self.roots]
        return roots, children, _depths(children, roots, leaf)


def _depths(children: np.ndarray, roots: np.ndarray, leaf: np.ndarray) -> np.ndarray:
    """Per tree (its root in ``roots``): the most steps from the root to a leaf, following
    ``children`` (node i's two at 2i and 2i + 1)."""
    depth = np.zeros(roots.size, dtype=np.int64)
    tree = np.arange(roots.size)
    level = roots
    while True:
        inner = ~leaf[level]
        if not inner.any():
            return depth
        level, tree = level[inner], tree[inner]
        depth[np.unique(tree)] += 1
        level = np.stack([children[2 * level], children[2 * level + 1]], axis=1).ravel()
        tree = np.repeat(tree, 2)


@dataclass(frozen=True)
class TreeModel:
    """Gradient-boosted trees as arrays: predicts log-odds without scikit-learn.

    Nodes of every tree are stacked; ``roots[t]`` is tree t's first node. For node i:
    ``feature[i]``, ``threshold[i]`` (go left when ``x <= threshold`` or, for a missing value,
    when ``missing_left[i]``), ``left[i]``/``right[i]`` (absolute indexes), ``leaf[i]`` and
    ``value[i]`` (a leaf's log-odds contribution).
    """

    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    importance: np.ndarray  # per feature: total gain of the splits on it

    def decision(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of each row of ``x`` (``(rows, F)``).

        Every row walks each tree down as many levels as the tree is deep, one gather per step
        (:attr:`_walk`): a leaf is its own two children, so a row that reached one stays there,
        and no row is ever dropped from the walk (dropping them cost more than the steps it
        saved). Rows with no missing value are walked on their codes (:meth:`_Walk.codes`),
        with the splits on features alike in every row taken once (:meth:`_Walk.settled`);
        the others on their values, a node's two children side by side.
        """
        x = np.ascontiguousarray(x, dtype=np.float64)
        rows, width = x.shape
        total = np.full(rows, self.baseline)
        if rows == 0:
            return total
        walk = self._walk
        starts = np.arange(rows, dtype=np.intp) * width
        if np.isnan(x).any():
            flat = x.ravel()
            for root, depth in zip(walk.roots.tolist(), walk.depth.tolist(), strict=True):
                node = np.full(rows, root, dtype=np.intp)
                for _ in range(depth):
                    values = flat.take(starts + walk.feature.take(node))
                    go_right = ~(values <= walk.threshold.take(node))
                    go_right &= ~np.isnan(values) | walk.missing_right.take(node)
                    node = walk.children.take(2 * node + go_right)
                total += self.value.take(node)
            return total
        codes = walk.codes(x)
        roots, children, depths = walk.settled(codes)
        flat = codes.ravel()
        for root, depth in zip(roots.tolist(), depths.tolist(), strict=True):
            node = np.full(rows, root, dtype=np.intp)
            for _ in range(depth):
                go_right = flat.take(starts + walk.feature.take(node)) > walk.code.take(node)
                node = children.take(2 * node + go_right)
            total += self.value.take(node)
        return total

    @cached_property
    def _walk(self) -> _Walk:
        return _Walk.of(self)

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(x)))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "baseline": np.array([self.baseline]),
            "roots": self.roots,
            "feature": self.feature,
            "threshold": self.threshold,
            "missing_left": self.missing_left,
            "left": self.left,
            "right": self.right,
            "leaf": self.leaf,
            "value": self.value,
            "importance": self.importance,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TreeModel:
        """The model of :meth:`to_arrays`; ValueError when the arrays do not make one."""
        model = cls(
            baseline=float(arrays["baseline"][0]),
            roots=np.asarray(arrays["roots"], dtype=np.int64),
            feature=np.asarray(arrays["feature"], dtype=np.int64),
            threshold=np.asarray(arrays["threshold"], dtype=np.float64),
            missing_left=np.asarray(arrays["missing_left"], dtype=bool),
            left=np.asarray(arrays["left"], dtype=np.int64),
            right=np.asarray(arrays["right"], dtype=np.int64),
            leaf=np.asarray(arrays["leaf"], dtype=bool),
            value=np.asarray(arrays["value"], dtype=np.float64),
            importance=np.asarray(arrays["importance"], dtype=np.float64),
        )
        nodes = model.feature.size
        sizes = {model.threshold.size, model.missing_left.size, model.left.size}
        sizes |= {model.right.size, model.leaf.size, model.value.size}
        if sizes != {nodes} or model.importance.size != len(FEATURES):
            raise ValueError("tree arrays of different lengths")
        inner = ~model.leaf
        if (
            (model.roots < 0).any()
            or (model.roots >= max(nodes, 1)).any()
            or np.isnan(model.threshold[inner]).any()
            or (model.feature[inner] < 0).any()
            or (model.feature[inner] >= len(FEATURES)).any()
            or (model.left[inner] <= np.flatnonzero(inner)).any()
            or (model.right[inner] <= np.flatnonzero(inner)).any()
            or (model.left[inner] >= nodes).any()
            or (model.right[inner] >= nodes).any()
        ):
            raise ValueError("tree arrays that do not form trees")
        return model


def train_ranker(data: TrainingSet, settings: RankerSettings = RankerSettings()) -> TreeModel:
    """Fit gradient-boosted trees on ``data`` and return them as a :class:`TreeModel`."""
    return tree_model(fit_classifier(data, settings))


def fit_classifier(data: TrainingSet, settings: RankerSettings = RankerSettings()) -> Any:
    """scikit-learn's histogram gradient boosting (log loss) fitted on ``data``.

    Its probabilities rank the candidates; it installs from wheels that carry their own OpenMP
    runtime. :func:`tree_model` turns it into plain arrays.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    if data.labels.size == 0 or data.labels.min() == data.labels.max():
        raise ValueError("the training rows need both new partners and non-partners")
    classifier = HistGradientBoostingClassifier(
        learning_rate=settings.learning_rate,
        max_iter=settings.max_iter,
        max_leaf_nodes=settings.max_leaf_nodes,
        min_samples_leaf=settings.min_samples_leaf,
        l2_regularization=settings.l2_regularization,
        early_stopping=False,
        random_state=settings.seed,
    )
    weights = data.weights if data.weights.size == data.labels.size else None
    classifier.fit(data.features, data.labels.astype(int), sample_weight=weights)
    return classifier


def tree_model(classifier: Any) -> TreeModel:
    """The trees of a fitted ``HistGradientBoostingClassifier`` (binary, numeric features) as a
    :class:`TreeModel`: the same log-odds, as data."""
    roots, parts = [], []
    offset = 0
    importance = np.zeros(len(FEATURES))
    for (predictor,) in classifier._predictors:
        nodes = predictor.nodes
        roots.append(offset)
        parts.append((nodes, offset))
        inner = nodes["is_leaf"] == 0
        np.add.at(importance, nodes["feature_idx"][inner], nodes["gain"][inner])
        offset += nodes.size
    if parts:
        nodes_all = np.concatenate([nodes for nodes, _ in parts])
        shift = np.concatenate([np.full(nodes.size, off) for nodes, off in parts])
    else:
        nodes_all = np.zeros(0, dtype=[("x", "f8")])
        shift = np.zeros(0, dtype=np.int64)
    leaf = nodes_all["is_leaf"].astype(bool) if parts else np.zeros(0, bool)
    return TreeModel(
        baseline=float(np.ravel(classifier._baseline_prediction)[0]),
        roots=np.array(roots, dtype=np.int64),
        feature=nodes_all["feature_idx"].astype(np.int64) if parts else np.zeros(0, np.int64),
        threshold=nodes_all["num_threshold"].astype(np.float64) if parts else np.zeros(0),
        missing_left=nodes_all["missing_go_to_left"].astype(bool) if parts else np.zeros(0, bool),
        left=np.where(leaf, 0, nodes_all["left"].astype(np.int64) + shift) if parts else shift,
        right=np.where(leaf, 0, nodes_all["right"].astype(np.int64) + shift) if parts else shift,
        leaf=leaf,
        value=np.where(leaf, nodes_all["value"], 0.0) if parts else np.zeros(0),
        importance=importance / importance.sum() if importance.sum() > 0 else importance,
    )


def contributions(
    model: TreeModel, x: np.ndarray, reference: np.ndarray, groups: Mapping[str, Sequence[str]]
) -> np.ndarray:
    """How much each feature group lifts each row's log-odds: the drop when the group's columns
    take the ``reference`` values (the median candidate). ``(rows, len(groups))``.

    The rows and each group's changed copy are scored in one call: on the few tens of rows a
    list of suggestions explains, a call's cost is its numpy calls, not its rows."""
    rows = x.shape[0]
    variants = [x]
    for names in groups.values():
        changed = x.copy()
        for name in names:
            changed[:, COLUMN[name]] = reference[COLUMN[name]]
        variants.append(changed)
    scores = model.decision(np.concatenate(variants)).reshape(len(variants), rows)
    return (scores[0] - scores[1:]).T


LOOK_BACK_YEARS = 5


def label_window(
    history: History, *, min_pairs: int = 200
) -> tuple[tuple[int, int, set[tuple[int, int]]] | None, str]:
    """The most recent year (of the last :data:`LOOK_BACK_YEARS`, counted back from the last
    dated participation) with at least ``min_pairs`` first collaborations to learn from: its
    start, end and pairs; or None and why not."""
    last = history.last_day
    if last == UNDATED:
        return None, "no dated participations"
    most = 0
    for back in range(LOOK_BACK_YEARS):
        end = last - round(back * DAY_PER_YEAR)
        start = end - round(DAY_PER_YEAR)
        pairs = new_pairs(history, start, end)
        if len(pairs) >= min_pairs:
            return (start, end, pairs), ""
        most = max(most, len(pairs))
    found = (
        f"at most {most} first collaborations in a year of the data"
        if most
        else f"no first collaboration dated in any of its last {LOOK_BACK_YEARS} years"
    )
    return None, f"{found} (at least {min_pairs} in a year are needed to learn from)"


def enough_history(history: History, *, min_pairs: int = 200) -> tuple[bool, str]:
    """Whether ``history`` has a year of first collaborations to learn from, and why not."""
    window, why = label_window(history, min_pairs=min_pairs)
    return window is not None, why


def fit_on_history(
    history: History,
    settings: RankerSettings = RankerSettings(),
    *,
    seeds: int = 1500,
    min_pairs: int = 200,
) -> TreeModel:
    """A ranker learned from the most recent year of first collaborations in ``history``
    (:func:`label_window`), the features taken on the day before that year began."""
    window, why = label_window(history, min_pairs=min_pairs)
    if window is None:
        raise ValueError(why)
    start, _end, positives = window
    data = training_set(snapshot(history, start), positives, seeds=seeds)
    return train_ranker(data, settings)


def logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


# The settings the product learns with: those the H2020 validation year chose
# (docs/link-prediction.md).
PRODUCT_SETTINGS = RankerSettings(max_iter=100, max_leaf_nodes=31)
