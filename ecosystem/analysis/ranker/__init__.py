"""Who will work together next: a collaboration history, pair features, heuristics and a ranker.

The history
-----------
Partners meet in *venues*: projects, events and platforms. A :class:`History` lists every
participation of an actor (an organisation or a person) in a venue, with its day (a proleptic
Gregorian ordinal; ``UNDATED`` when the data gives none), whether the actor coordinated, and the
amount it received. A direct relation between two actors (``collaborates_with``, ``member_of`` a
cluster, ``works_for``...) counts as a venue of its own that the two share. Two actors *work
together* when they share a venue; that is the only link the heuristics see (the actor
projection), so "not yet linked" means "never worked together".

:meth:`History.until` keeps what is known on a day: participations dated on or before it, and
the undated ones (they carry no date to hold back). Nothing else of a later day reaches a
:class:`Snapshot`, its features or a model trained on it.

Features of a pair (u, v)
-------------------------
Computed from one snapshot with sparse matrices, a block of ``u`` rows against every actor at a
time (:func:`row_features`, or chosen pairs of each of those rows: :func:`row_block`), or for a
list of pairs (:func:`pair_features`), all written by one function of the pairs' figures;
:data:`FEATURES` names the columns. Structure: common partners, Adamic-Adar, resource
allocation, Adamic-Adar with a yearly time decay, paths of length three, preferential
attachment. What the data knows: types, countries, the share of u's partners of v's kind, how
alike their programme profiles are, coordinator shares, contributions, recency, consortium
sizes, and the typed score the product used before (a shared country or place, weighted by
type).

The ranker
----------
Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``, log loss) learn from
one year of first collaborations which pairs form. Its trees are kept as plain NumPy arrays
(:class:`TreeModel`), so a cached model is data, never code, and predicts without scikit-learn.
"""

from __future__ import annotations

from ecosystem.analysis.ranker.features import (
    COLUMN,
    FALLBACK,
    FEATURES,
    HEURISTIC_NAMES,
    HEURISTICS,
    RowBlock,
    candidate_mask,
    pair_features,
    row_block,
    row_features,
)
from ecosystem.analysis.ranker.history import (
    ACTOR_TYPES,
    COMPLEMENTARY,
    COMPLEMENTARY_FACTOR,
    CONTEXT_WEIGHT,
    DAY_PER_YEAR,
    UNDATED,
    VENUE_TYPES,
    History,
    build_history,
    day_of,
    iso,
)
from ecosystem.analysis.ranker.matrices import (
    DECAY,
    KATZ_BETA,
    Maxima,
    Snapshot,
    row_of,
    snapshot,
)
from ecosystem.analysis.ranker.model import (
    LOOK_BACK_YEARS,
    PRODUCT_SETTINGS,
    RankerSettings,
    TrainingSet,
    TreeModel,
    contributions,
    enough_history,
    fit_classifier,
    fit_on_history,
    label_window,
    logistic,
    new_pairs,
    snapshot_links,
    train_ranker,
    training_set,
    tree_model,
)

__all__ = [
    "ACTOR_TYPES",
    "COLUMN",
    "COMPLEMENTARY",
    "COMPLEMENTARY_FACTOR",
    "CONTEXT_WEIGHT",
    "DAY_PER_YEAR",
    "DECAY",
    "FALLBACK",
    "FEATURES",
    "HEURISTICS",
    "HEURISTIC_NAMES",
    "KATZ_BETA",
    "LOOK_BACK_YEARS",
    "PRODUCT_SETTINGS",
    "UNDATED",
    "VENUE_TYPES",
    "History",
    "Maxima",
    "RankerSettings",
    "RowBlock",
    "Snapshot",
    "TrainingSet",
    "TreeModel",
    "build_history",
    "candidate_mask",
    "contributions",
    "day_of",
    "enough_history",
    "fit_classifier",
    "fit_on_history",
    "iso",
    "label_window",
    "logistic",
    "new_pairs",
    "pair_features",
    "row_block",
    "row_features",
    "row_of",
    "snapshot",
    "snapshot_links",
    "train_ranker",
    "training_set",
    "tree_model",
]
