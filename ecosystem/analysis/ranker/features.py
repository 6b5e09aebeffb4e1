"""Features of pairs of actors from a snapshot, and the heuristics that read them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ecosystem.analysis.ranker.matrices import DECAY, KATZ_BETA, Snapshot

if TYPE_CHECKING:
    import scipy.sparse as sp

# --- features ----------------------------------------------------------------------------------

FEATURES: tuple[str, ...] = (
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "adamic_adar_decay",
    "paths_of_three",
    "pref_attachment",
    "partners_u",
    "partners_v",
    "venues_u",
    "venues_v",
    "same_country",
    "type_u",
    "type_v",
    "kind_share_uv",
    "kind_share_vu",
    "country_share_uv",
    "type_share_uv",
    "programme_similarity",
    "coordinator_u",
    "coordinator_v",
    "amount_u",
    "amount_v",
    "recency_u",
    "recency_v",
    "recent_u",
    "recent_v",
    "size_u",
    "size_v",
    "typed_score",
    "common_partners_rel_u",
    "adamic_adar_rel_u",
    "resource_allocation_rel_u",
    "adamic_adar_rel_v",
    "resource_allocation_rel_v",
    "met_recently_u",
    "met_recently_v",
)
COLUMN = {name: i for i, name in enumerate(FEATURES)}


def row_features(snap: Snapshot, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """Features of every pair (u, v) for u in ``rows`` and every actor v: ``(len(rows), n, F)``.

    Pairs already linked, u itself and actors unknown on the snapshot's day still get a row;
    callers mask them (:func:`candidate_mask`).
    """
    return row_block(snap, rows).every()


@dataclass(frozen=True)
class RowBlock:
    """The figures of the pairs of each actor of ``rows`` with every actor (``figures``, each
    ``(len(rows), n)``), worked out together, from which the features of any of those pairs
    are read: all of them (:meth:`every`) or a few (:meth:`of`)."""

    snap: Snapshot
    rows: np.ndarray
    figures: dict[str, np.ndarray]

    def every(self) -> np.ndarray:
        """``(len(rows), n, F)``: the features of every pair, as :func:`row_features` gives."""
        n = len(self.snap.history.actors)
        out = np.zeros((self.rows.size, n, len(FEATURES)), dtype=np.float32)
        _fill(out, self.snap, self.rows[:, None], np.arange(n)[None, :], self.figures)
        return out

    def of(self, j: int, columns: np.ndarray) -> np.ndarray:
        """``(len(columns), F)``: the features of the pairs of ``rows[j]`` with the actors
        ``columns``, the same numbers as :meth:`every` gives for them, without the others (a
        training set reads a few hundred of every actor's 36,000 on H2020)."""
        columns = np.asarray(columns, dtype=np.int64)
        out = np.zeros((columns.size, len(FEATURES)), dtype=np.float32)
        figures = {name: values[j, columns] for name, values in self.figures.items()}
        _fill(out, self.snap, np.full(columns.size, self.rows[j]), columns, figures)
        return out


def row_block(snap: Snapshot, rows: Sequence[int] | np.ndarray) -> RowBlock:
    """The :class:`RowBlock` of ``rows``: the pair figures from row products of the snapshot's
    matrices."""
    import scipy.sparse as sp

    rows = np.asarray(rows, dtype=np.int64)
    linked_rows = snap.linked[rows]
    common = (linked_rows @ snap.linked).toarray()
    decayed_rows = snap.decayed[rows]
    return RowBlock(
        snap,
        rows,
        {
            "common_partners": common,
            "adamic_adar": (linked_rows @ sp.diags(snap.aa_weight) @ snap.linked).toarray(),
            "resource_allocation": (linked_rows @ sp.diags(snap.ra_weight) @ snap.linked).toarray(),
            "adamic_adar_decay": (decayed_rows @ sp.diags(snap.aa_weight) @ snap.decayed).toarray(),
            "paths_of_three": (snap.linked @ common.T).T,
            "kind_share_uv": snap.kind_share[rows].toarray()[:, snap.kind],
            "kind_share_vu": snap.kind_share[:, snap.kind[rows]].toarray().T,
            "country_share_uv": snap.country_share[rows].toarray()[:, snap.country_code],
            "type_share_uv": snap.type_share[rows].toarray()[:, snap.type_code],
            "programme_similarity": snap.profile[rows] @ snap.profile.T,
            "shared_place": (snap.place[rows] @ snap.place.T).toarray(),
        },
    )


# The figures of a pair that its two actors' own figures do not give.
PAIR_FIGURES = (
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "adamic_adar_decay",
    "paths_of_three",
    "kind_share_uv",
    "kind_share_vu",
    "country_share_uv",
    "type_share_uv",
    "programme_similarity",
    "shared_place",
)


# Each actor's own figures, as the features FEATURE_u and FEATURE_v: the feature, the snapshot's
# array and how it is turned (None: as it is).
OWN_FIGURES: tuple[tuple[str, str, Callable[[np.ndarray], np.ndarray] | None], ...] = (
    ("partners", "partners", np.log1p),
    ("venues", "venues", np.log1p),
    ("type", "type_code", None),
    ("coordinator", "coordinator_share", None),
    ("amount", "amount", None),
    ("recency", "recency", None),
    ("recent", "recent", None),
    ("size", "size", None),
    ("met_recently", "met_recently", None),
)


def _fill(
    out: np.ndarray, snap: Snapshot, u: np.ndarray, v: np.ndarray, figures: dict[str, np.ndarray]
) -> None:
    """Every feature of the pairs (u, v) into ``out`` (``(..., F)``; ``u`` and ``v`` index
    actors and broadcast to ``out.shape[:-1]``) from the pairs' ``figures``
    (:data:`PAIR_FIGURES`, shaped as ``out.shape[:-1]``) and the actors' own."""
    for name in PAIR_FIGURES:
        if name in COLUMN:  # the shared places are weighed by the pair's types below
            out[..., COLUMN[name]] = figures[name]
    out[..., 5] = np.log1p(snap.partners[u] * snap.partners[v])
    out[..., 10] = snap.country_code[u] == snap.country_code[v]
    for feature, name, turned in OWN_FIGURES:
        values = getattr(snap, name)
        for end, actor in (("u", u), ("v", v)):
            own = values[actor]
            out[..., COLUMN[f"{feature}_{end}"]] = own if turned is None else turned(own)
    factor = snap.complementary[snap.type_code[u], snap.type_code[v]]
    out[..., 28] = figures["shared_place"] * factor
    _relative(out, snap.best[u], snap.best[v])


def candidate_mask(snap: Snapshot, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """``(len(rows), n)`` bool: v is a candidate for u (known, not u, never worked with u)."""
    rows = np.asarray(rows, dtype=np.int64)
    mask = np.repeat(snap.known[None, :], rows.size, axis=0)
    mask[np.arange(rows.size), rows] = False
    linked = snap.linked[rows].tocoo()
    mask[linked.row, linked.col] = False
    return mask


def pair_features(
    snap: Snapshot, first: np.ndarray, second: np.ndarray, *, block: int = 4096
) -> np.ndarray:
    """Features of the pairs ``(first[i], second[i])``: ``(len(first), F)``, the same numbers
    as :func:`row_features` gives for them, from sparse row products (no dense rows)."""
    import scipy.sparse as sp

    u_all = np.asarray(first, dtype=np.int64)
    v_all = np.asarray(second, dtype=np.int64)
    out = np.zeros((u_all.size, len(FEATURES)), dtype=np.float32)
    aa = sp.diags(snap.aa_weight)
    ra = sp.diags(snap.ra_weight)
    for lo in range(0, u_all.size, block):
        u, v = u_all[lo : lo + block], v_all[lo : lo + block]
        lu, lv = snap.linked[u], snap.linked[v]
        # Paths of three steps count the same both ways: walk from the end with fewer partners.
        swap = snap.partners[u] > snap.partners[v]
        small, large = np.where(swap, v, u), np.where(swap, u, v)
        figures = {
            "common_partners": _row_sums(lu.multiply(lv)),
            "adamic_adar": _row_sums(lu.multiply(lv @ aa)),
            "resource_allocation": _row_sums(lu.multiply(lv @ ra)),
            "adamic_adar_decay": _row_sums(snap.decayed[u].multiply(snap.decayed[v] @ aa)),
            "paths_of_three": _row_sums(
                (snap.linked[small] @ snap.linked).multiply(snap.linked[large])
            ),
            "kind_share_uv": _entries(snap.kind_share, u, snap.kind[v]),
            "kind_share_vu": _entries(snap.kind_share, v, snap.kind[u]),
            "country_share_uv": _entries(snap.country_share, u, snap.country_code[v]),
            "type_share_uv": _entries(snap.type_share, u, snap.type_code[v]),
            "programme_similarity": np.einsum("ij,ij->i", snap.profile[u], snap.profile[v]),
            "shared_place": _row_sums(snap.place[u].multiply(snap.place[v])),
        }
        _fill(out[lo : lo + block], snap, u, v, figures)
    return out


def _row_sums(matrix: sp.spmatrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=1)).ravel()


def _entries(matrix: sp.csr_matrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``matrix[rows[i], columns[i]]`` for every i, as a flat array."""
    return np.asarray(matrix[rows, columns]).ravel()


def _relative(out: np.ndarray, best_u: np.ndarray, best_v: np.ndarray) -> None:
    """A pair's common partners, Adamic-Adar and resource allocation as shares of the highest
    each end has with anyone (in place; columns 29 to 33)."""

    def share(value: np.ndarray, best: np.ndarray) -> np.ndarray:
        return np.divide(value, best, out=np.zeros(np.broadcast(value, best).shape), where=best > 0)

    out[..., 29] = share(out[..., 0], best_u[..., 0])
    out[..., 30] = share(out[..., 1], best_u[..., 1])
    out[..., 31] = share(out[..., 2], best_u[..., 2])
    out[..., 32] = share(out[..., 1], best_v[..., 1])
    out[..., 33] = share(out[..., 2], best_v[..., 2])


# --- heuristics: each a function of the feature columns ---------------------------------------


def _column(name: str) -> Callable[[np.ndarray], np.ndarray]:
    index = COLUMN[name]
    return lambda x: x[..., index].astype(np.float64)


def _katz(x: np.ndarray) -> np.ndarray:
    return KATZ_BETA**2 * x[..., COLUMN["common_partners"]].astype(np.float64) + KATZ_BETA**3 * x[
        ..., COLUMN["paths_of_three"]
    ].astype(np.float64)


HEURISTICS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "preferential_attachment": _column("pref_attachment"),
    "common_neighbours": _column("common_partners"),
    "adamic_adar": _column("adamic_adar"),
    "resource_allocation": _column("resource_allocation"),
    "katz": _katz,
    "adamic_adar_decay": _column("adamic_adar_decay"),
    "typed_score": _column("typed_score"),
}
HEURISTIC_NAMES: dict[str, str] = {
    "random": "random",
    "preferential_attachment": "preferential attachment",
    "common_neighbours": "common neighbours (partners in common)",
    "adamic_adar": "Adamic-Adar",
    "resource_allocation": "resource allocation",
    "katz": f"truncated Katz (paths of 2 and 3, beta {KATZ_BETA})",
    "adamic_adar_decay": f"Adamic-Adar with yearly time decay ({DECAY})",
    "typed_score": "the former typed synergy score (shared places and country, by type)",
    "ranker": "learned ranker (gradient-boosted trees)",
}
# The heuristic the product falls back on when there is too little history to learn from: the
# best heuristic on the H2020 validation year (docs/link-prediction.md).
FALLBACK = "adamic_adar"
